/**
 * Continuing implies all three stages passed (REQ-IPL-3 to REQ-IPL-6): whatever mix of edits a
 * load went through, when it continues, every signed component verifies by the kernel's rules
 * with the trusted certificates (the format module as the oracle), the component the PSW enters
 * is the kernel at 0x10000 and is signed, the PSW is zipl's, stage 3 is in place, and the
 * components lie inside the storage without overlapping, in zipl's order.
 * @module
 */
import fc from 'fast-check';
import { concatBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { checkComponent } from '../../model/se-format/signed-component.js';
import { readTrustAnchor, type TrustAnchor } from '../../model/se-format/x509-anchor.js';
import { COMPONENT_KINDS, DEFAULT_PSW, KERNEL_ADDRESS, STAGE3_ADDRESS, STAGE3_MAX, type IplComponent } from '../../model/secure-ipl/index.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { component, iplAction, IPL_CONFIG, IPL_MEMORY, loadInput, TRUSTED, UNTRUSTED, wellFormedComponents } from './fixtures.js';

const ADDRESSES = [0x9000n, 0xa000n, 0xb000n, 0x10000n, 0x10800n, 0x1000000n, IPL_MEMORY - 16n, IPL_MEMORY];
const PSWS = [DEFAULT_PSW, 0x0000000080010000n, 0x000800008000a000n, 0x0008000080020000n];

/** One random edit: which, on which component, with which value. */
const editArb = fc.record({ what: fc.constantFrom('unsign', 'untrusted', 'move', 'flip', 'swap', 'drop'), which: fc.nat(3), value: fc.nat(7) });
type EditInput = { readonly what: string; readonly which: number; readonly value: number };

function apply(list: readonly IplComponent[], e: EditInput): IplComponent[] {
  const i = e.which % Math.max(1, list.length);
  const c = list[i];
  if (c === undefined) return [...list];
  const put = (v: IplComponent): IplComponent[] => list.map((x, j) => (j === i ? v : x));
  switch (e.what) {
    case 'unsign':
      return put({ ...c, signature: null });
    case 'untrusted':
      return put(component(c.kind, c.address, c.data, UNTRUSTED));
    case 'move':
      return put({ ...c, address: ADDRESSES[e.value] ?? c.address });
    case 'flip': {
      const d = c.data.slice();
      d[e.value % d.length] = (d[e.value % d.length] ?? 0) ^ 1;
      return put({ ...c, data: d });
    }
    case 'swap':
      return list.map((x, j) => (j === i ? (list[(i + 1) % list.length] ?? x) : j === (i + 1) % list.length ? c : x));
    default:
      return list.filter((_, j) => j !== i);
  }
}

/** Why the continued load `list` should not have continued, by the requirement of each stage (empty: none). */
function violations(list: readonly IplComponent[], psw: bigint, anchors: readonly TrustAnchor[]): Record<'REQ-IPL-3' | 'REQ-IPL-4' | 'REQ-IPL-5' | 'REQ-IPL-6', string> {
  const unverified = list.find((c) => c.signature !== null && checkComponent(nodeSuite, concatBytes(c.data, c.signature), anchors).verdict !== 'accept');
  const designated = list.find((c) => c.address === (psw & 0x7fffffffn));
  const kernel = list.find((c) => c.kind === 'kernel');
  const stage3 = list.find((c) => c.kind === 'stage3');
  const ranks = list.map((c) => COMPONENT_KINDS.indexOf(c.kind));
  const spans = list.map((c) => [c.address, c.address + BigInt(c.data.length)] as const);
  return {
    'REQ-IPL-3': unverified === undefined ? '' : `the ${unverified.kind}'s signature does not verify`,
    'REQ-IPL-4': designated !== undefined && designated.signature !== null ? '' : 'the component the PSW enters is missing or not signed',
    'REQ-IPL-5': kernel?.address === KERNEL_ADDRESS && psw === DEFAULT_PSW && stage3?.address === STAGE3_ADDRESS && stage3.data.length <= STAGE3_MAX ? '' : 'the kernel, the PSW or stage 3 is not where zipl puts it',
    'REQ-IPL-6':
      ranks.some((r, i) => i > 0 && r <= (ranks[i - 1] ?? -1)) ? "the components are not in zipl's order, once each"
      : spans.some(([, end]) => end > IPL_MEMORY) ? 'a component lies outside the storage'
      : spans.some(([a, e], i) => spans.some(([b, f], j) => i !== j && a < f && b < e)) ? 'two components overlap'
      : '',
  };
}

/** REQ-IPL-3 to REQ-IPL-6: a load that continues passed every stage. */
export const continueImpliesStages = defineProperty({
  mechanism: 'secure-ipl',
  name: 'continue-implies-all-stages',
  requirements: ['REQ-IPL-3', 'REQ-IPL-4', 'REQ-IPL-5', 'REQ-IPL-6'],
  statement:
    "After up to three random edits (unsigning, re-signing with an untrusted key, moving, changing a byte of, swapping or dropping a component; another PSW), a load that continues (the unedited one always does) has every signature verifying by the kernel's rules, the signed kernel at 0x10000 entered by zipl's PSW, stage 3 at 0xA000, and its components inside the storage, once each in zipl's order, not overlapping.",
  arbitrary: fc.record({ input: loadInput, edits: fc.array(editArb, { maxLength: 3 }), psw: fc.nat(PSWS.length - 1) }),
  *run({ input, edits, psw }) {
    const anchors = TRUSTED.map((k) => readTrustAnchor(k.certificate)).filter((a): a is TrustAnchor => typeof a !== 'string');
    // The unedited load first (it continues), then the edited one.
    const loads: [IplComponent[], bigint][] = [
      [wellFormedComponents(input), DEFAULT_PSW],
      [edits.reduce<IplComponent[]>((l, e) => apply(l, e), wellFormedComponents(input)), PSWS[psw] ?? DEFAULT_PSW],
    ];
    for (const [list, loadPsw] of loads) {
      yield* sut.reset(IPL_CONFIG);
      const out = yield* sut.apply(iplAction(list, { psw: loadPsw }));
      if (out.kind !== 'accepted') continue;
      for (const [requirement, why] of Object.entries(violations(list, loadPsw, anchors)) as ['REQ-IPL-3' | 'REQ-IPL-4' | 'REQ-IPL-5' | 'REQ-IPL-6', string][]) {
        yield* holds(requirement, why === '', `a continued load: ${why}`);
      }
    }
  },
});
