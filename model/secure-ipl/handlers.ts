/**
 * The firmware's handler of a secure IPL (spec/secure-ipl.md): the certificate store and the
 * program table, then the three stages in the seed's order (every signature by the kernel's
 * rules; the component the load PSW enters signed and verified; zipl stage 3's fixed address
 * and PSW, and the layout). The first failure halts the load with its code and leaves the world
 * as it was; a load that continues records its IPL report in the machine's firmware. Total.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refusePlatform, refuseWith } from '../world/guests.js';
import type { World } from '../world/world.js';
import type { Ipl } from './actions.js';
import { buildReport } from './report.js';
import { IPL_REJECTIONS, type IplCode } from './rejections.js';
import { designatedCode, layoutCode, programTableCode, PSW_ADDRESS_MASK, readAnchors, verifySignatures } from './stages.js';

function fail(world: World, code: IplCode): Step<World, never> {
  return refuseWith(IPL_REJECTIONS, world, code);
}

/**
 * Secure IPL: verify, check, and continue with the report.
 * @requirement REQ-IPL-1 REQ-IPL-2 REQ-IPL-3 REQ-IPL-4 REQ-IPL-5 REQ-IPL-6 REQ-IPL-7
 */
export function ipl(world: World, action: Ipl): Step<World, { readonly report: Uint8Array; readonly entry: bigint }> {
  const machine = world.machines.get(action.machine);
  // REQ-PLATFORM-3: the machine exists
  if (machine === undefined) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  const anchors = readAnchors(action.certificates);
  // REQ-IPL-1: every trusted certificate is an X.509 certificate
  if (anchors === null) return fail(world, 'CERTIFICATE_MALFORMED');
  const table = programTableCode(action.components);
  // REQ-IPL-2: the program table: no kind twice, zipl's order, stage 3 and kernel present
  if (table !== null) return fail(world, table);
  const verifiedBy = verifySignatures(world.suite, action.components, anchors);
  // REQ-IPL-3: every signature verifies by the kernel's rules, in the kernel's order
  if (typeof verifiedBy === 'string') return fail(world, verifiedBy);
  const designated = designatedCode(action.components, action.psw);
  // REQ-IPL-4: the component the load PSW enters is signed and verified
  if (designated !== null) return fail(world, designated);
  const layout = layoutCode(action.components, action.psw, action.memory);
  // REQ-IPL-5, REQ-IPL-6: fixed load address and PSW, stage 3 in place; inside storage, no overlap
  if (layout !== null) return fail(world, layout);
  // REQ-IPL-7: the load continues with its report
  const report = buildReport(action.components, verifiedBy, anchors);
  const entry = action.psw & PSW_ADDRESS_MASK;
  const loads = (machine.firmware.slices.ipl?.loads ?? 0) + 1;
  const firmware = { ...machine.firmware, slices: { ...machine.firmware.slices, ipl: { loads, report, entry } } };
  return { state: { ...world, machines: world.machines.set(machine.id, { ...machine, firmware }) }, outcome: { kind: 'accepted', response: { report: report.slice(), entry } } };
}
