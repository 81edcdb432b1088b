/**
 * The stimulus of mechanism 1: every guard of `ipl` failed alone, and pairs that fail together,
 * each answered with the code of the first failing guard in `guardsOf` order; a halted load
 * changes nothing the hypervisor sees (REQ-PLATFORM-7). The scenarios are listed by hand (each
 * names the guards it makes fail); the codes and their order come from the model's tables.
 * @module
 */
import fc from 'fast-check';
import { guardsOf } from '../../model/platform/index.js';
import { appendSignature, SIGNATURE_MAGIC } from '../../model/se-format/appended-signature.js';
import type { Ipl, IplComponent } from '../../model/secure-ipl/index.js';
import { defineProperty } from '../property.js';
import { expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { component, iplAction, IPL_CONFIG, TRUSTED, UNTRUSTED, wellFormedComponents, type LoadInput } from './fixtures.js';
import { pkcs7Of, signedFile } from './signing.js';

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = IPL_CONFIG;

const SHAPE = 'shape of an action';
const INPUT: LoadInput = { seed: 7, sizes: [300, 600, 40, 500], signers: [0, 1, 0, 1], parmline: true, initrd: true };

/** One scenario: how it changes the well-formed load, and every guard it makes fail. */
interface Scenario {
  readonly failing: readonly string[];
  readonly action: (base: readonly IplComponent[], seed: number) => unknown;
}

const key = TRUSTED[0] ?? UNTRUSTED;
/** The list with component `i` changed by `f`. */
const edit = (base: readonly IplComponent[], i: number, f: (c: IplComponent) => IplComponent): IplComponent[] => base.map((c, j) => (j === i ? f(c) : c));
/** A signature for `data` whose PKCS#7 is `pkcs7`, with sign-file's info block. */
const withPkcs7 = (pkcs7: Uint8Array): Uint8Array => appendSignature(new Uint8Array(0), pkcs7);
/** The kernel (component 1) with its signature replaced by `signature(data)`. */
const kernelSig = (signature: (data: Uint8Array) => Uint8Array | null) => (base: readonly IplComponent[]) => iplAction(edit(base, 1, (c) => ({ ...c, signature: signature(c.data) })));
const at = (b: Uint8Array, i: number, v: number): Uint8Array => {
  const c = b.slice();
  c[i] = v;
  return c;
};

const SCENARIOS: readonly Scenario[] = [
  { failing: [SHAPE], action: (base) => ({ ...iplAction(base), memory: 1 }) },
  { failing: ['machine exists'], action: (base) => iplAction(base, { machine: 999 }) },
  { failing: ['certificates are X.509'], action: (base) => iplAction(base, { certificates: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] }) },
  { failing: ['no kind twice'], action: (base) => iplAction([...base.slice(0, 2), ...base.slice(1)]) },
  { failing: ["zipl's order"], action: (base) => iplAction([base[1], base[0], ...base.slice(2)].filter((c): c is IplComponent => c !== undefined)) },
  { failing: ['stage 3 and kernel present'], action: (base) => iplAction(base.slice(1)) },
  { failing: ['signature magic'], action: kernelSig((d) => signedFile(key, d).subarray(d.length, -1)) },
  { failing: ['sig_len'], action: kernelSig((d) => { const s = signedFile(key, d).subarray(d.length); return at(s, s.length - SIGNATURE_MAGIC.length - 1, 0xff); }) },
  { failing: ['info block'], action: kernelSig((d) => { const s = signedFile(key, d).subarray(d.length); return at(s, s.length - SIGNATURE_MAGIC.length - 10, 1); }) },
  { failing: ['PKCS#7 parses'], action: kernelSig(() => withPkcs7(new Uint8Array(40).fill(0x5a))) },
  { failing: ['PKCS#7 usage'], action: kernelSig((d) => withPkcs7(pkcs7Of(key, d, { attributes: true }))) },
  { failing: ['trusted signer'], action: kernelSig((d) => withPkcs7(pkcs7Of(UNTRUSTED, d))) },
  { failing: ['signature verifies'], action: kernelSig((d) => withPkcs7(pkcs7Of(key, d.slice(1)))) },
  { failing: ['a component at the PSW address'], action: (base) => iplAction(base, { psw: 0x0008000080020000n }) },
  { failing: ['designated component signed'], action: kernelSig(() => null) },
  { failing: ['fixed load address and PSW'], action: (base) => iplAction(base, { psw: 0x0000000080010000n }) },
  { failing: ['stage 3 at 0xA000'], action: (base) => iplAction(edit(base, 0, (c) => ({ ...c, address: 0xb000n }))) },
  { failing: ['inside storage'], action: (base) => iplAction(base, { memory: 0x10000n }) },
  { failing: ['no overlap'], action: (base) => iplAction(edit(base, 3, (c) => ({ ...c, address: 0x10100n }))) },
  // Pairs: the first guard in the spec's order decides.
  { failing: ['machine exists', 'no kind twice'], action: (base) => iplAction([...base, ...base], { machine: 999 }) },
  { failing: ['certificates are X.509', 'trusted signer'], action: (base) => iplAction(base, { certificates: [new Uint8Array(3)] }) },
  { failing: ['stage 3 and kernel present', 'designated component signed'], action: (base) => iplAction(base.slice(1).map((c) => ({ ...c, signature: null }))) },
  { failing: ['trusted signer', 'designated component signed'], action: (base) => iplAction(edit(edit(base, 0, (c) => component(c.kind, c.address, c.data, UNTRUSTED)), 1, (c) => ({ ...c, signature: null }))) },
  { failing: ['signature verifies', 'fixed load address and PSW'], action: (base) => iplAction(edit(base, 2, (c) => ({ ...c, data: c.data.slice(1) })), { psw: 0n | 0x80010000n }) },
  { failing: ['designated component signed', 'inside storage'], action: (base) => iplAction(edit(base, 1, (c) => ({ ...c, signature: null })), { memory: 0x1000n }) },
  { failing: ['fixed load address and PSW', 'no overlap'], action: (base) => iplAction(edit(base, 3, (c) => ({ ...c, address: 0xa000n })), { psw: 0x0000000080010000n }) },
  { failing: ['inside storage', 'no overlap'], action: (base) => iplAction(edit(base, 3, (c) => ({ ...c, address: 0x10000n })), { memory: 0x10001n }) },
];

/** The label of a scenario, as the vectors read it. */
function labelOf(s: Scenario): string {
  return s.failing.length === 1 ? `ipl: only '${s.failing[0] ?? ''}' fails` : `ipl: ${s.failing.join(' + ')}`;
}

/** The labels of the scenarios, in order. */
export function scenarioLabels(): readonly string[] {
  return SCENARIOS.map(labelOf);
}

/** The code of the first failing guard in `guardsOf` order (the boundary's first). */
function expectedCode(s: Scenario): string {
  const g = guardsOf('ipl').find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of ipl
  if (g === undefined) throw new Error(`ipl: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

/** What the hypervisor sees, as one string. */
function* seen(): Calls<string> {
  return JSON.stringify(yield* sut.observe({ kind: 'hypervisor' }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** REQ-IPL-1 to REQ-IPL-6: each guard alone and pairs, with its code; a halted load changes nothing. */
export const iplGuards = defineProperty({
  mechanism: 'secure-ipl',
  name: 'stimulus-each-guard',
  requirements: ['REQ-IPL-1', 'REQ-IPL-2', 'REQ-IPL-3', 'REQ-IPL-4', 'REQ-IPL-5', 'REQ-IPL-6'],
  statement:
    'Every guard of a secure IPL failed alone on an otherwise well-formed, correctly signed load, and pairs of guards failed together, halt it with the code of the first failing guard in the spec order, and a halted load changes nothing the hypervisor sees.',
  arbitrary: fc.record({ seed: fc.nat(3), order: fc.nat() }),
  *run({ seed, order }) {
    const base = wellFormedComponents({ ...INPUT, seed });
    const list = SCENARIOS.map((s, i) => SCENARIOS[(i + order) % SCENARIOS.length] ?? s);
    for (const s of list) {
      yield* sut.reset(STIMULUS_CONFIG);
      const before = yield* seen();
      yield* expectCode('ipl', yield* sut.apply(s.action(base, seed)), expectedCode(s), labelOf(s));
      yield* holds('REQ-PLATFORM-7', (yield* seen()) === before, `${labelOf(s)}: the halted load changed what the hypervisor sees`);
    }
  },
});

/** The accepted path of the vectors: a reset and one well-formed load. */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = {
  ipl: function* () {
    yield* sut.reset(STIMULUS_CONFIG);
    const a: Ipl = iplAction(wellFormedComponents(INPUT));
    const out = yield* sut.apply(a);
    yield* holds('REQ-IPL-7', out.kind === 'accepted', `the accepted path halted: ${out.kind === 'rejected' ? out.code : ''}`);
  },
};

/** The action kinds of mechanism 1. */
export const STIMULUS_KINDS = ['ipl'] as const;
