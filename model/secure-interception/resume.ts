/**
 * The hypervisor's resume of an intercepted guest (spec/secure-interception.md): the firmware
 * applies the results it may (condition code, output registers, the data area at its output
 * length) to the shadow state and guest memory, or presents a program exception the instruction
 * can raise, and resumes the guest from the shadow state. Anything else is refused, the world as it was.
 * @requirement REQ-INTCP-6 REQ-INTCP-7 REQ-INTCP-8 REQ-INTCP-9
 * @module
 */
import type { Step } from '../core/outcome.js';
import { equalBytes } from '../core/bytes.js';
import { refusePlatform } from '../world/guests.js';
import type { CpuState, Guest, World } from '../world/world.js';
import type { ResumeGuest } from './actions.js';
import { savedRegister } from './block.js';
import { EMPTY, fail, withGuest, withoutBlob } from './common.js';
import { advanced } from './execute.js';
import { rowById } from './instructions.js';
import { writeMemory } from './memory.js';
import { refuseLocked, writeLocked } from '../migration/lock.js';
import type { OpenInterception } from './state.js';

type Empty = Record<string, never>;

/** The condition-code field of the PSW mask: bits 18-19 (MSB 0). */
const CC_SHIFT = 44n;

/** `cpu` with condition code `cc` in its PSW. */
export function withCc(cpu: CpuState, cc: number): CpuState {
  const mask = (cpu.psw.mask & ~(3n << CC_SHIFT)) | (BigInt(cc) << CC_SHIFT);
  return { ...cpu, psw: { ...cpu.psw, mask } };
}

/** The guest resumed from `cpu`, with `memory`: the interception closed, its blob gone from the hypervisor's area. */
function resumed(world: World, g: Guest, cpu: CpuState, memory: Guest['memory']): Step<World, Empty> {
  const guest: Guest = { ...g, cpu, memory, slices: { ...g.slices, interception: { open: null } } };
  return { state: withoutBlob(withGuest(world, guest), g.id), outcome: { kind: 'accepted', response: EMPTY } };
}

/** True when every register of `area` outside the output footprint is what the firmware handed over. */
function onlyOutputsChanged(open: OpenInterception, area: Uint8Array): boolean {
  // Stryker disable next-line ConditionalExpression: the action's schema gives the area exactly 128 bytes; a defence for direct callers
  if (area.length !== 128) return false;
  // Stryker disable next-line EqualityOperator: a 17th slot is empty in both areas and compares equal
  for (let n = 0; n < 16; n++) {
    if (open.outRegisters.some((o) => o.shown === n)) continue;
    if (!equalBytes(area.subarray(n * 8, n * 8 + 8), open.handed.subarray(n * 8, n * 8 + 8))) return false;
  }
  return true;
}

/**
 * Resume an intercepted guest with the hypervisor's results.
 * @requirement REQ-INTCP-5 REQ-INTCP-6 REQ-INTCP-7 REQ-INTCP-8 REQ-INTCP-9 REQ-MIGR-5
 */
export function resumeGuest(world: World, action: ResumeGuest): Step<World, Empty> {
  const g = world.guests.get(action.guest);
  // REQ-PLATFORM-2: the guest exists
  if (g === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  const open = g.slices.interception.open;
  // REQ-INTCP-6: an interception of the guest is open
  if (open === null) return fail(world, 'NO_INTERCEPTION');
  const row = rowById(open.row);
  const exception = action.exception;
  // REQ-INTCP-7: only an exception the instruction can raise (a notification none)
  if (exception !== null && (row.intercept === 'notification' || !row.exceptions.includes(exception))) return fail(world, 'EXCEPTION_NOT_ALLOWED');
  // REQ-INTCP-5: a notification's results are ignored: the guest resumes from the completed state
  if (row.intercept === 'notification') return resumed(world, g, open.shadow, g.memory);
  // REQ-INTCP-7: an exception suppresses the instruction: no result applies, the PSW stays at it
  if (exception !== null) return resumed(world, g, open.shadow, g.memory);
  const cc = action.cc;
  // REQ-INTCP-8: a condition code exactly where the instruction sets one, and one of its codes
  if (row.ccs.length === 0 ? cc !== null : cc === null || !row.ccs.includes(cc)) return fail(world, 'CC_NOT_ALLOWED');
  // REQ-INTCP-8: no register outside the output footprint changed
  if (!onlyOutputsChanged(open, action.registers)) return fail(world, 'REGISTER_OUTSIDE_FOOTPRINT');
  // REQ-INTCP-8: the data area at exactly the output length
  if (action.data.length !== open.outLength) return fail(world, 'DATA_OUTSIDE_FOOTPRINT');
  // REQ-MIGR-5: the hypervisor's results do not change an area under migration
  if (open.address !== null && writeLocked(g, BigInt(open.address), open.outLength)) return refuseLocked(world);

  // REQ-INTCP-9: the shadow state plus the allowed results, and the PSW past the instruction
  const registers = [...open.shadow.registers];
  for (const o of open.outRegisters) registers[o.register] = savedRegister(action.registers, o.shown);
  let cpu = advanced({ ...open.shadow, registers });
  if (cc !== null) cpu = withCc(cpu, cc);
  // Stryker disable next-line ConditionalExpression: writing no bytes leaves memory as it is; the test only skips the copy
  const memory = open.address === null || open.outLength === 0 ? g.memory : writeMemory(g, open.address, action.data);
  return resumed(world, g, cpu, memory);
}
