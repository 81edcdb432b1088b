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
import { iplAction, IPL_CONFIG, TRUSTED, UNTRUSTED, wellFormedComponents, type LoadInput } from './fixtures.js';
import { pkcs7Of, signedFile } from './signing.js';

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = IPL_CONFIG;

const INPUT: LoadInput = { seed: 7, sizes: [300, 600, 40, 500], signers: [0, 1, 0, 1], parmline: true, initrd: true };

/** An `ipl` action under construction: any field may be made malformed. */
type Draft = Omit<Ipl, 'components' | 'psw'> & { readonly components: readonly (IplComponent | Record<string, unknown>)[]; readonly psw: bigint };

/** One guard's failure as an edit of a draft; `slot` is the kind whose signature a signature edit breaks. */
type Edit = (d: Draft, slot: 'parmline' | 'initrd') => Draft;

const key = TRUSTED[0] ?? UNTRUSTED;
const isComponent = (c: IplComponent | Record<string, unknown>): c is IplComponent => 'data' in c && c['data'] instanceof Uint8Array;
/** The draft with the components of `kind` changed by `f`. */
const onKind = (d: Draft, kind: string, f: (c: IplComponent) => IplComponent): Draft => ({ ...d, components: d.components.map((c) => (isComponent(c) && c.kind === kind ? f(c) : c)) });
/** The draft with the signature of `kind`'s component replaced by `signature(data)`. */
const resign = (kind: string, signature: (data: Uint8Array) => Uint8Array | null) => (d: Draft): Draft => onKind(d, kind, (c) => ({ ...c, signature: signature(c.data) }));
/** A signature for `data` made of `pkcs7` with sign-file's info block. */
const withPkcs7 = (pkcs7: Uint8Array): Uint8Array => appendSignature(new Uint8Array(0), pkcs7);
const trailer = (d: Uint8Array): Uint8Array => signedFile(key, d).subarray(d.length);
const setByte = (b: Uint8Array, i: number, v: number): Uint8Array => {
  const c = b.slice();
  c[i] = v;
  return c;
};

/**
 * Each guard's failure, in guard order, as an edit that leaves the other guards as they were,
 * so that two edits compose into a pair. Program-table edits run after the others (they drop,
 * swap or copy components the others changed), the shape edit last.
 */
const EDITS: Readonly<Record<string, Edit>> = {
  'machine exists': (d) => ({ ...d, machine: 999 }),
  'certificates are X.509': (d) => ({ ...d, certificates: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] }),
  'signature magic': (d, slot) => resign(slot, (x) => trailer(x).subarray(0, -1))(d),
  sig_len: (d, slot) => resign(slot, (x) => { const t = trailer(x); return setByte(t, t.length - SIGNATURE_MAGIC.length - 1, 0xff); })(d),
  'info block': (d, slot) => resign(slot, (x) => { const t = trailer(x); return setByte(t, t.length - SIGNATURE_MAGIC.length - 10, 1); })(d),
  'PKCS#7 parses': (d, slot) => resign(slot, () => withPkcs7(new Uint8Array(40).fill(0x5a)))(d),
  'PKCS#7 usage': (d, slot) => resign(slot, (x) => withPkcs7(pkcs7Of(key, x, { attributes: true })))(d),
  'trusted signer': (d, slot) => resign(slot, (x) => withPkcs7(pkcs7Of(UNTRUSTED, x)))(d),
  'signature verifies': (d, slot) => resign(slot, (x) => withPkcs7(pkcs7Of(key, x.slice(1))))(d),
  'a component at the PSW address': (d) => ({ ...d, psw: (d.psw & ~0x7fffffffn) | 0x20000n }),
  'designated component signed': resign('kernel', () => null),
  'fixed load address and PSW': (d) => ({ ...d, psw: d.psw ^ (1n << 51n) }),
  'stage 3 at 0xA000': (d) => onKind(d, 'stage3', (c) => ({ ...c, address: 0xb000n })),
  'inside storage': (d) => ({ ...d, memory: 0x10000n }),
  'no overlap': (d) => onKind(d, 'initrd', (c) => ({ ...c, address: 0x10100n })),
};
const TABLE_EDITS: Readonly<Record<string, Edit>> = {
  'no kind twice': (d) => ({ ...d, components: [...d.components, ...d.components.slice(-1)] }),
  "zipl's order": (d) => ({ ...d, components: [d.components[1], d.components[0], ...d.components.slice(2)].filter((c) => c !== undefined) }),
  'stage 3 and kernel present': (d) => ({ ...d, components: d.components.filter((c) => !isComponent(c) || c.kind !== 'stage3') }),
};
const SHAPE = 'shape of an action';
const SHAPE_EDIT: Edit = (d) => ({ ...d, components: [...d.components, { kind: 'initrd', address: 0n, data: 'not bytes', signature: null }] });

/** Pairs no load can make fail together, by their key, and why (the vectors' test reads this). */
export const IPL_IMPOSSIBLE: Readonly<Record<string, string>> = {
  'ipl: a component at the PSW address + designated component signed': 'with no component at the PSW address there is no designated component to be unsigned',
};

/** A scenario: the guards it makes fail, in guard order. */
interface Scenario {
  readonly failing: readonly string[];
}

/** The draft of a scenario from the well-formed load: its edits composed (first guard's signature edit on the parmline, the second's on the initrd). */
function draftOf(base: readonly IplComponent[], s: Scenario): Draft {
  let d: Draft = iplAction(base);
  const slots = ['parmline', 'initrd'] as const;
  const ordered = [...s.failing].sort((x, y) => rank(x) - rank(y));
  ordered.forEach((name, i) => {
    const e = EDITS[name];
    if (e !== undefined) d = e(d, slots[i] ?? 'initrd');
  });
  // Dropping stage 3 before swapping the first two, so that both stay visible.
  for (const name of [...ordered].reverse()) d = TABLE_EDITS[name]?.(d, 'initrd') ?? d;
  return ordered.includes(SHAPE) ? SHAPE_EDIT(d, 'initrd') : d;
}

/** Drafts made so far, by seed and scenario: each signs anew, and a draft depends on nothing else. */
const DRAFTS = new Map<string, Draft>();

/** {@link draftOf}, made once per seed and scenario. */
function draftMemo(seed: number, base: readonly IplComponent[], s: Scenario): Draft {
  const k = `${seed}|${s.failing.join(' + ')}`;
  const known = DRAFTS.get(k);
  if (known !== undefined) return known;
  const d = draftOf(base, s);
  DRAFTS.set(k, d);
  return d;
}

/** Where a guard is in the guard order. */
function rank(name: string): number {
  return guardsOf('ipl').findIndex((g) => g.name === name);
}

/** Every guard alone, then every pair that can fail together, in guard order. */
function scenarios(): readonly Scenario[] {
  const names = guardsOf('ipl').map((g) => g.name);
  const singles = names.map((n) => ({ failing: [n] }));
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ failing: [a, b] }))).filter((p) => !(`ipl: ${p.failing.join(' + ')}` in IPL_IMPOSSIBLE));
  return [...singles, ...pairs];
}

/** The label of a scenario, as the vectors read it. */
function labelOf(s: Scenario): string {
  return s.failing.length === 1 ? `ipl: only '${s.failing[0] ?? ''}' fails` : `ipl: ${s.failing.join(' + ')}`;
}

/** The labels of the scenarios, in order. */
export function scenarioLabels(): readonly string[] {
  return scenarios().map(labelOf);
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
    'Every guard of a secure IPL failed alone on an otherwise well-formed, correctly signed load, and every pair of guards that can fail together, halt it with the code of the first failing guard in the spec order, and a halted load changes nothing the hypervisor sees.',
  arbitrary: fc.record({ seed: fc.nat(3), order: fc.nat() }),
  *run({ seed, order }) {
    // Stage 3 unsigned (only the kernel must be signed): one verification less per load.
    const base = wellFormedComponents({ ...INPUT, seed }).map((c) => (c.kind === 'stage3' ? { ...c, signature: null } : c));
    const all = scenarios();
    const list = all.map((s, i) => all[(i + order) % all.length] ?? s);
    for (const s of list) {
      yield* sut.reset(STIMULUS_CONFIG);
      const before = yield* seen();
      // The context names the label, the setup and the failing guards, as the vectors read them (conformance/vectors/cases.ts).
      yield* expectCode('ipl', yield* sut.apply(draftMemo(seed, base, s)), expectedCode(s), `${labelOf(s)}; in a well-formed signed load, failing: ${s.failing.join(', ')}`);
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
