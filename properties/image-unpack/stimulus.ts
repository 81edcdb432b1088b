/**
 * The stimulus table: every guard of every handler of mechanism 2 and of the platform's guest
 * lifecycle, failed alone, in every phase, and in pairs, from states an honest hypervisor reaches.
 *
 * The table is built from model data, never written out by hand: the guards and their order come
 * from `guardsOf(kind)`, the codes and requirements from the rejection tables. What this file
 * adds is the test's own knowledge of *when each guard's condition fails* ({@link MODELS}): for a
 * reachable state (a {@link Setup}) and a few independent edits of the action (its slots), which
 * guards fail. Enumerating setups × edits gives every scenario the injectors can build; the
 * expected outcome of a scenario is the code of the first failing guard in `guardsOf` order, so a
 * handler that checks its guards in another order, or forgets one, fails a property.
 *
 * Two conditions "can fail together" when some scenario fails both; the pairs no scenario can
 * combine are listed in {@link IMPOSSIBLE_PAIRS} with the reason, and a test checks that this list
 * is exactly the pairs the enumeration cannot combine, so no pair is skipped silently.
 *
 * Black-box: the properties only apply actions and observe views; the owner's side (building,
 * editing and resealing a header with the owner's header key) is done here, as an owner would.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE, readU32, readU64, writeU32, writeU64 } from '../../model/core/bytes.js';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, MAX_GUEST_PAGES, rowForKind, type ActionKind, type GuestPhase, type PlatformOutcome } from '../../model/platform/index.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { imageDigests, type ImageDigests } from '../../model/se-format/image-pages.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { snapshot, viewText } from '../views.js';
import { arbImage, CONFIG, HOST_SCALARS, MACHINE, SUITE, type TestImage } from './fixtures.js';
import { createdGuest } from './schedules.js';

const PAGE = BigInt(PAGE_SIZE);

/** A digest check of verify. */
type Check = 'pld' | 'ald' | 'tld' | 'nep';
const CHECKS: readonly Check[] = ['pld', 'ald', 'tld', 'nep'];

/**
 * A state the hypervisor reaches with an honest prefix of an image run, and what the test knows
 * about it. `history` setups (verify only) are the owner's one-page image of the run's page 0,
 * unpacked with faults (a flipped bit, another address, another tweak) or, for `nep`, under a
 * header that announces one page more, so that exactly the chosen digest checks fail; one page
 * keeps each of these states cheap, as each needs a guest of its own.
 */
export interface Setup {
  readonly name: string;
  /** False when the action's guest does not exist (never created, or destroyed). */
  readonly exists: boolean;
  readonly phase: GuestPhase | null;
  /** Pages unpacked: none, some (fewer than the header's NEP), or all NEP. */
  readonly pages: 'none' | 'some' | 'all';
  /** The digest checks a verify would fail now; null when there is nothing to compare. */
  readonly mismatched: readonly Check[] | null;
  /** Faults of the unpack history (history setups only). */
  readonly history?: readonly Check[];
}

/** The setups of the honest walk, in the order one walk reaches them. */
const WALK: readonly Setup[] = [
  { name: 'created', exists: true, phase: 'created', pages: 'none', mismatched: null },
  { name: 'unpacking-0', exists: true, phase: 'unpacking', pages: 'none', mismatched: CHECKS },
  { name: 'unpacking-k', exists: true, phase: 'unpacking', pages: 'some', mismatched: CHECKS },
  { name: 'unpacked-all', exists: true, phase: 'unpacking', pages: 'all', mismatched: [] },
  { name: 'verified', exists: true, phase: 'verified', pages: 'all', mismatched: [] },
  { name: 'running', exists: true, phase: 'running', pages: 'all', mismatched: [] },
  { name: 'destroyed', exists: false, phase: null, pages: 'none', mismatched: null },
  { name: 'absent', exists: false, phase: null, pages: 'none', mismatched: null },
];
/** A guest that verified after `k` of its pages: the failure is recorded. */
const VERIFY_FAILED: Setup = { name: 'verify-failed', exists: true, phase: 'verify-failed', pages: 'some', mismatched: CHECKS };

/** Every non-empty set of digest faults, as history setups. */
const HISTORIES: readonly Setup[] = Array.from({ length: 15 }, (_, i) => CHECKS.filter((_, b) => ((i + 1) >> b) & 1)).map((faults) => ({
  name: `history:${faults.join('+')}`,
  exists: true,
  phase: 'unpacking',
  pages: faults.includes('nep') ? 'some' : 'all',
  mismatched: faults,
  history: faults,
}));

/** The phase setups every guest action is tried in. */
const PHASES: readonly Setup[] = [...WALK, VERIFY_FAILED];

/** The edits of an action: slot → chosen option (the first option of a slot is the honest one). */
export type Edits = Readonly<Record<string, string>>;

/** What the test knows about one action kind: its slots, its setups, and when each guard fails. */
interface KindModel {
  readonly kind: ActionKind;
  readonly slots: Readonly<Record<string, readonly string[]>>;
  readonly setups: readonly Setup[];
  /** Guard name → true when that guard's condition fails in this setup with these edits. */
  readonly fails: Readonly<Record<string, (s: Setup, e: Edits) => boolean>>;
}

const SHAPE = { shape: ['ok', 'throws'] } as const;
const malformed = (_s: Setup, e: Edits): boolean => e['shape'] === 'throws';
const absent = (s: Setup): boolean => !s.exists;
const mismatch = (c: Check) => (s: Setup) => s.exists && (s.mismatched?.includes(c) ?? false);

/** The test's model of each guard's condition, by action kind and guard name. */
export const MODELS: readonly KindModel[] = [
  {
    kind: 'create-guest',
    slots: { ...SHAPE, machine: ['known', 'unknown'], memory: ['ok', 'bad'] },
    // The world's guests do not matter to create-guest: one setup is enough.
    setups: [WALK[0] as Setup],
    fails: {
      'shape of an action': malformed,
      'machine exists': (_s, e) => e['machine'] === 'unknown',
      'memory size': (_s, e) => e['memory'] === 'bad',
    },
  },
  {
    kind: 'destroy-guest',
    slots: SHAPE,
    setups: PHASES,
    fails: { 'shape of an action': malformed, 'guest exists': absent },
  },
  {
    kind: 'set-header',
    slots: {
      ...SHAPE,
      magic: ['ok', 'bad'],
      version: ['ok', 'bad'],
      sizes: ['ok', 'bad'],
      reserved: ['ok', 'bad'],
      // One slot for both key-slot guards: with no slot for this machine there is none to unwrap.
      slots: ['ok', 'no-match', 'bad-wrap'],
      tag: ['ok', 'bad'],
    },
    setups: PHASES,
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      'phase is created': (s) => s.exists && s.phase !== 'created',
      'fixed part and magic': (_s, e) => e['magic'] === 'bad',
      version: (_s, e) => e['version'] === 'bad',
      sizes: (_s, e) => e['sizes'] === 'bad',
      'reserved and padding zero': (_s, e) => e['reserved'] === 'bad',
      'key slot for a host key': (_s, e) => e['slots'] === 'no-match',
      'key slot unwraps': (_s, e) => e['slots'] === 'bad-wrap',
      'header tag': (_s, e) => e['tag'] === 'bad',
    },
  },
  {
    kind: 'unpack',
    // One `where` slot: an address is free, in an unpacked page, or beyond memory, never two of these.
    slots: { ...SHAPE, page: ['whole', 'short'], align: ['aligned', 'off'], where: ['free', 'unpacked', 'beyond'], tweak: ['fresh', 'used'] },
    setups: PHASES,
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      'phase is unpacking': (s) => s.exists && s.phase !== 'unpacking',
      'whole tweak and page': (_s, e) => e['page'] === 'short',
      'address aligned': (_s, e) => e['align'] === 'off',
      'address in memory': (_s, e) => e['where'] === 'beyond',
      'fewer than NEP pages': (s) => s.exists && s.pages === 'all',
      // A misaligned address inside an unpacked page still names that page.
      'page not yet unpacked': (s, e) => s.exists && s.pages !== 'none' && e['where'] === 'unpacked',
      'tweak not yet used': (s, e) => s.exists && s.pages !== 'none' && e['tweak'] === 'used',
    },
  },
  {
    kind: 'verify',
    slots: SHAPE,
    setups: [...PHASES, ...HISTORIES],
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      'phase is unpacking': (s) => s.exists && s.phase !== 'unpacking',
      PLD: mismatch('pld'),
      ALD: mismatch('ald'),
      TLD: mismatch('tld'),
      NEP: mismatch('nep'),
    },
  },
  {
    kind: 'start',
    slots: SHAPE,
    setups: PHASES,
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      'not running': (s) => s.exists && s.phase === 'running',
      // NOT_VERIFIED names created, unpacking and verify-failed: a running guest was verified.
      verified: (s) => s.exists && (s.phase === 'created' || s.phase === 'unpacking' || s.phase === 'verify-failed'),
    },
  },
];

/**
 * Pairs of guards (by name, in `guardsOf` order) that no reachable state and action fail
 * together, and why. A test checks that this is exactly the set of pairs no scenario combines.
 */
export const IMPOSSIBLE_PAIRS: Readonly<Record<string, string>> = {
  'set-header: guest exists + phase is created': 'a guest that does not exist has no phase',
  'set-header: key slot for a host key + key slot unwraps': 'with no key slot for this machine there is no slot to unwrap',
  'unpack: guest exists + phase is unpacking': 'a guest that does not exist has no phase',
  'unpack: guest exists + fewer than NEP pages': 'a guest that does not exist has no pages',
  'unpack: guest exists + page not yet unpacked': 'a guest that does not exist has no pages',
  'unpack: guest exists + tweak not yet used': 'a guest that does not exist has used no tweaks',
  'unpack: address in memory + page not yet unpacked': 'an unpacked page lies inside guest memory',
  'verify: guest exists + phase is unpacking': 'a guest that does not exist has no phase',
  'verify: guest exists + PLD': 'a guest that does not exist has no digests',
  'verify: guest exists + ALD': 'a guest that does not exist has no digests',
  'verify: guest exists + TLD': 'a guest that does not exist has no digests',
  'verify: guest exists + NEP': 'a guest that does not exist has no page count',
  'start: guest exists + not running': 'a guest that does not exist has no phase',
  'start: guest exists + verified': 'a guest that does not exist has no phase',
  'start: not running + verified': 'a running guest was verified',
};

/** One scenario: a setup, edits of the action, and the guards that fail, in `guardsOf` order. */
export interface Scenario {
  readonly kind: ActionKind;
  readonly setup: Setup;
  readonly edits: Edits;
  readonly failing: readonly string[];
}

/** Every combination of the options of `slots`. */
function combinations(slots: Readonly<Record<string, readonly string[]>>): Edits[] {
  let out: Record<string, string>[] = [{}];
  for (const [slot, options] of Object.entries(slots)) out = out.flatMap((e) => options.map((o) => ({ ...e, [slot]: o })));
  return out;
}

/** The model of `kind`, checked against `guardsOf`: every guard has a condition, and only those. */
function modelOf(kind: ActionKind): KindModel {
  const m = MODELS.find((x) => x.kind === kind);
  if (m === undefined) throw new Error(`stimulus: no model for ${kind}`);
  const names = guardsOf(kind).map((g) => g.name);
  const modelled = Object.keys(m.fails);
  if (names.length !== modelled.length || names.some((n) => !modelled.includes(n))) {
    throw new Error(`stimulus: ${kind} guards are [${names.join(', ')}], the model knows [${modelled.join(', ')}]`);
  }
  return m;
}

/** Every scenario the injectors build for `kind`, accepted ones included (`failing` empty). */
export function scenariosOf(kind: ActionKind): readonly Scenario[] {
  const m = modelOf(kind);
  const guards = guardsOf(kind);
  const edits = combinations(m.slots);
  return m.setups.flatMap((setup) =>
    edits.map((e) => ({ kind, setup, edits: e, failing: guards.filter((g) => m.fails[g.name]?.(setup, e) === true).map((g) => g.name) })),
  );
}

/** The kinds the stimulus table covers: mechanism 2's handlers and the platform lifecycle. */
export const STIMULUS_KINDS: readonly ActionKind[] = MODELS.map((m) => m.kind);

const SCENARIOS: ReadonlyMap<ActionKind, readonly Scenario[]> = new Map(STIMULUS_KINDS.map((k) => [k, scenariosOf(k)]));

function scenarios(kind: ActionKind): readonly Scenario[] {
  return SCENARIOS.get(kind) ?? [];
}

const isHonest = (m: KindModel, e: Edits): boolean => Object.entries(m.slots).every(([slot, options]) => e[slot] === options[0]);

/** The scenarios in which `guard` and no other fails. */
export function singleCandidates(kind: ActionKind, guard: string): readonly Scenario[] {
  return scenarios(kind).filter((s) => s.failing.length === 1 && s.failing[0] === guard);
}

/** The scenarios in which `a` and `b` (a listed first) both fail and `a` is the first failing guard. */
export function pairCandidates(kind: ActionKind, a: string, b: string): readonly Scenario[] {
  return scenarios(kind).filter((s) => s.failing[0] === a && s.failing.includes(b));
}

/** Every pair of guards of `kind`, first-listed first, as `kind: a + b`. */
export function pairsOf(kind: ActionKind): readonly { readonly key: string; readonly a: string; readonly b: string }[] {
  const names = guardsOf(kind).map((g) => g.name);
  return names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ key: `${kind}: ${a} + ${b}`, a, b })));
}

/** The pairs that no scenario combines (the test compares this with {@link IMPOSSIBLE_PAIRS}). */
export function uncombinablePairs(): readonly string[] {
  return STIMULUS_KINDS.flatMap((kind) => pairsOf(kind).filter((p) => pairCandidates(kind, p.a, p.b).length === 0).map((p) => p.key));
}

/** A scenario to run: one of its candidates (chosen per run), and what the run calls it. */
interface Planned {
  readonly label: string;
  readonly candidates: readonly Scenario[];
}

/** Candidates that the shared walks can serve, when there are any (history setups cost a guest each). */
function preferWalk(c: readonly Scenario[]): readonly Scenario[] {
  const walk = c.filter((s) => s.setup.history === undefined && !recorded(s));
  return walk.length > 0 ? walk : c;
}

const SINGLES: readonly Planned[] = STIMULUS_KINDS.flatMap((kind) =>
  guardsOf(kind).map((g) => ({ label: `${kind}: only '${g.name}' fails`, candidates: preferWalk(singleCandidates(kind, g.name)) })),
);

const BY_PHASE: readonly Planned[] = STIMULUS_KINDS.flatMap((kind) => {
  const m = modelOf(kind);
  return scenarios(kind)
    .filter((s) => s.setup.history === undefined && isHonest(m, s.edits) && s.failing.length > 0)
    .map((s) => ({ label: `${kind} in ${s.setup.name}`, candidates: [s] }));
});

const PAIRS: readonly Planned[] = STIMULUS_KINDS.flatMap((kind) =>
  pairsOf(kind)
    .map((p) => ({ label: p.key, candidates: preferWalk(pairCandidates(kind, p.a, p.b)) }))
    .filter((p) => p.candidates.length > 0),
);

/** The code the first failing guard of `s` returns. */
function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => x.name === s.failing[0]);
  if (g === undefined) throw new Error(`stimulus: ${s.kind} scenario with no failing guard`);
  return g.code;
}

function recorded(s: Scenario): boolean {
  return s.failing.length > 0 && rowForKind(s.kind, expectedCode(s))?.recorded === true;
}

// ---------------------------------------------------------------------------------------------
// Realizing scenarios: actions and states.

/** A small deterministic generator (mulberry32): the run's choices follow from its seed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % Math.max(1, n)) | 0;
  };
}

/** The PHKHs of this machine's host keys, in the firmware's order. */
const MACHINE_HASHES: readonly Uint8Array[] = HOST_SCALARS.slice(0, 2).map((d) => {
  const p = SUITE.ecPublicKey('p521', d);
  if (p === undefined) throw new Error('fixed host keys are valid P-521 scalars');
  return phkh(SUITE, p);
});

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A never-created guest ID. */
const NO_GUEST = 1_000_000;

/** Everything a run needs to turn scenarios into actions. */
interface Run {
  readonly image: TestImage;
  /** Pages unpacked in `unpacking-k` and `verify-failed` (1 ≤ k < NEP). */
  readonly k: number;
  readonly pick: (n: number) => number;
  readonly headers: Map<string, Uint8Array>;
}

/**
 * The image's header with `edits` applied, resealed with the owner's header key so that only the
 * edited conditions fail: the header tag covers every byte before the encrypted area, so an edit
 * without resealing would fail the tag as well.
 */
function headerWith(run: Run, edits: Edits, digests?: ImageDigests): Uint8Array {
  const key = `${JSON.stringify(edits)}${digests === undefined ? '' : `:${digests.nep}`}`;
  const memo = run.headers.get(key);
  if (memo !== undefined) return memo;
  const orig = run.image.header;
  const h = Uint8Array.from(orig);
  const nks = Number(readU64(h, 0x20));
  const slotAt = (i: number) => 0x1a0 + 80 * i;
  const ours = (i: number) => MACHINE_HASHES.some((p) => sameBytes(p, h.subarray(slotAt(i), slotAt(i) + 32)));
  if (edits['slots'] === 'no-match') {
    for (let i = 0; i < nks; i++) if (ours(i)) h[slotAt(i)] = (h[slotAt(i)] ?? 0) ^ 0xff;
  } else if (edits['slots'] === 'bad-wrap') {
    // The slot the firmware opens: the first of its host keys (in order) that a slot names.
    const first = MACHINE_HASHES.map((p) => Array.from({ length: nks }, (_, i) => i).find((i) => sameBytes(p, h.subarray(slotAt(i), slotAt(i) + 32)))).find(
      (i) => i !== undefined,
    );
    if (first === undefined) throw new Error('test images carry a slot for this machine');
    const at = slotAt(first) + 32 + run.pick(48); // wrapped key or its tag
    h[at] = (h[at] ?? 0) ^ 0x01;
  }
  if (digests !== undefined) {
    writeU64(h, 0x30, digests.nep);
    h.set(digests.pld, 0xe0);
    h.set(digests.ald, 0x120);
    h.set(digests.tld, 0x160);
  }
  if (edits['magic'] === 'bad') {
    const at = run.pick(8);
    h[at] = (h[at] ?? 0) ^ 0x20;
  }
  if (edits['version'] === 'bad') writeU32(h, 0x08, [0x101, 0x200, 0][run.pick(3)] ?? 0);
  if (edits['sizes'] === 'bad') writeU32(h, 0x0c, readU32(h, 0x0c) + 16 * (1 + run.pick(3)));
  if (edits['reserved'] === 'bad') {
    // The reserved word at 0x1C, or the zero padding before a coordinate of the customer key.
    const at = [0x1c + run.pick(4), 0x40 + run.pick(14), 0x90 + run.pick(14)][run.pick(3)] ?? 0x1c;
    h[at] = 1 + run.pick(255);
  }
  // Reseal: the encrypted area and tag sit where the original header puts them.
  const ea = 0x1a0 + 80 * nks;
  const sea = Number(readU64(orig, 0x28));
  const iv = orig.subarray(0x10, 0x1c);
  const headerKey = run.image.secrets[0] ?? new Uint8Array(32);
  const plain = SUITE.aesGcmDecrypt(headerKey, iv, orig.subarray(ea, ea + sea), orig.subarray(ea + sea, ea + sea + 16), orig.subarray(0, ea));
  if (plain === undefined) throw new Error('test image headers open with their header key');
  const sealed = SUITE.aesGcmEncrypt(headerKey, iv, plain, h.subarray(0, ea));
  h.set(sealed.ciphertext, ea);
  h.set(sealed.tag, ea + sea);
  if (edits['tag'] === 'bad') {
    const at = ea + sea + run.pick(16);
    h[at] = (h[at] ?? 0) ^ (1 << run.pick(8));
  }
  run.headers.set(key, h);
  return h;
}

/** The page the honest schedule unpacks next in `setup`, if any. */
function nextPage(run: Run, setup: Setup): number | undefined {
  switch (setup.name) {
    case 'created':
    case 'unpacking-0':
    case 'destroyed':
    case 'absent':
      return 0;
    case 'unpacking-k':
    case 'verify-failed':
      return run.k;
    default:
      return undefined;
  }
}

/** The last field of a kind's schema, which a malformed action fails to give. */
const LAST_FIELD: Readonly<Record<string, string>> = {
  'create-guest': 'memoryPages',
  'destroy-guest': 'guest',
  'set-header': 'header',
  unpack: 'page',
  verify: 'guest',
  start: 'guest',
};

/** `action` with its last field unreadable: a Proxy whose trap throws, or a throwing getter. */
function unreadable(run: Run, kind: ActionKind, action: Record<string, unknown>): unknown {
  const field = LAST_FIELD[kind] ?? 'guest';
  if (run.pick(2) === 0) {
    return new Proxy(action, {
      get(t, key, receiver) {
        if (key === field) throw new Error(`trap: ${field}`);
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
  }
  const out = { ...action };
  Object.defineProperty(out, field, {
    enumerable: true,
    get() {
      throw new Error(`getter: ${field}`);
    },
  });
  return out;
}

/** The action of scenario `s` against `guest`. */
function actionOf(run: Run, s: Scenario, guest: number): unknown {
  const { image } = run;
  const e = s.edits;
  const target = s.setup.name === 'absent' ? NO_GUEST : guest;
  let a: Record<string, unknown>;
  switch (s.kind) {
    case 'create-guest':
      a = {
        kind: 'create-guest',
        machine: e['machine'] === 'unknown' ? 7 + run.pick(3) : MACHINE,
        memoryPages: e['memory'] === 'bad' ? ([0, -1, MAX_GUEST_PAGES + 1, 2 ** 40][run.pick(4)] ?? 0) : image.memoryPages,
      };
      break;
    case 'destroy-guest':
    case 'verify':
    case 'start':
      a = { kind: s.kind, guest: target };
      break;
    case 'set-header':
      a = { kind: 'set-header', guest: target, header: headerWith(run, e) };
      break;
    case 'unpack': {
      const n = nextPage(run, s.setup);
      const first = image.pages[0];
      const p = image.pages[n ?? 0];
      if (p === undefined || first === undefined) throw new Error('test images have pages');
      const spare = BigInt(image.memoryPages - 1) * PAGE;
      const end = BigInt(image.memoryPages) * PAGE;
      let address = e['where'] === 'unpacked' ? first.address : e['where'] === 'beyond' ? end : n === undefined ? spare : p.address;
      if (e['align'] === 'off') address += BigInt(1 + run.pick(PAGE_SIZE - 1));
      let tweak = e['tweak'] === 'used' ? first.tweak : n === undefined ? new Uint8Array(16).fill(0xee) : p.tweak;
      let page = p.stored;
      if (e['page'] === 'short') {
        // A page or (when the tweak is not the reused one) a tweak of the wrong length.
        const choice = e['tweak'] === 'used' ? 0 : run.pick(3);
        if (choice === 0) page = p.stored.subarray(0, PAGE_SIZE - 1 - run.pick(64));
        else if (choice === 1) page = new Uint8Array(PAGE_SIZE + 16);
        else tweak = tweak.subarray(0, 15);
      }
      a = { kind: 'unpack', guest: target, address, tweak, page };
      break;
    }
    default:
      // Stryker disable next-line all: MODELS lists only the kinds above
      throw new Error(`stimulus: no action model for ${s.kind}`);
  }
  return e['shape'] === 'throws' ? unreadable(run, s.kind, a) : a;
}

/** Applies an honest step and asserts it is accepted. */
function* honest(requirement: RequirementId, action: { readonly kind: ActionKind } & Record<string, unknown>, context: string): Calls<PlatformOutcome> {
  const o = yield* sut.apply(action);
  yield* expectAccepted(requirement, action.kind, o, `honest ${context}`);
  return o;
}

/** Creates a guest for the image on this machine and returns its ID. */
function* create(run: Run): Calls<number> {
  return createdGuest(yield* honest('REQ-PLATFORM-4', { kind: 'create-guest', machine: MACHINE, memoryPages: run.image.memoryPages }, 'create'));
}

/** Unpacks pages [from, to) honestly, with the faults of `history` in page 0. */
function* unpackPages(run: Run, guest: number, from: number, to: number, history: readonly Check[] = []): Calls<void> {
  for (let i = from; i < to; i++) {
    const p = run.image.pages[i];
    if (p === undefined) continue;
    let { address, tweak, stored: page } = p;
    if (i === 0 && history.includes('pld')) {
      page = Uint8Array.from(page);
      const at = run.pick(PAGE_SIZE);
      page[at] = (page[at] ?? 0) ^ (1 << run.pick(8));
    }
    if (i === 0 && history.includes('ald')) address = BigInt(run.image.memoryPages - 1) * PAGE;
    if (i === 0 && history.includes('tld')) {
      // Offset 0 becomes 1..255: a tweak no other page has (their offsets are multiples of 4096).
      tweak = Uint8Array.from(tweak);
      tweak[15] = 1 + run.pick(255);
    }
    yield* honest('REQ-UNPACK-11', { kind: 'unpack', guest, address, tweak, page }, `unpack of page ${i}`);
  }
}

/** What the batch of one setup is checked against: the hypervisor's and the target owner's view. */
function* light(guest: number): Calls<string> {
  return `${viewText(yield* sut.observe({ kind: 'hypervisor' }))}\n${viewText(yield* sut.observe({ kind: 'owner', guest }))}`;
}

/**
 * Applies each scenario of a batch in the current state and checks its code. None is recorded,
 * so the state must not change: checked after each step on the hypervisor's and owner's views,
 * and at the end on the whole snapshot (guest memory included).
 */
function* batch(run: Run, setup: Setup, guest: number, items: readonly { label: string; s: Scenario }[]): Calls<void> {
  if (items.length === 0) return;
  const target = setup.name === 'absent' ? NO_GUEST : guest;
  const before = yield* snapshot([guest]);
  const quick = yield* light(target);
  for (const { label, s } of items) {
    const o = yield* sut.apply(actionOf(run, s, guest));
    yield* expectCode(s.kind, o, expectedCode(s), `${label}; in ${setup.name}, failing: ${s.failing.join(', ')}`);
    yield* holds('REQ-PLATFORM-7', (yield* light(target)) === quick, `${label}: the rejection changed what the hypervisor or owner sees`);
  }
  yield* holds('REQ-PLATFORM-7', (yield* snapshot([guest])) === before, `rejections in ${setup.name} changed what the parties see`);
}

/** Reaches `setup` from a fresh system and returns the guest (for `absent`, one that exists). */
function* reach(run: Run, setup: Setup): Calls<number> {
  yield* sut.reset(CONFIG);
  const guest = yield* create(run);
  const n = run.image.pages.length;
  if (setup.name === 'created' || setup.name === 'absent') return guest;
  if (setup.history !== undefined) {
    // The owner's one-page image of page 0 (NEP one more under a `nep` fault); the hypervisor
    // unpacks page 0 with the history's faults.
    const page0 = run.image.pages.slice(0, 1);
    const d = imageDigests(SUITE, page0);
    const header = headerWith(run, {}, { ...d, nep: setup.history.includes('nep') ? 2n : 1n });
    yield* honest('REQ-UNPACK-4', { kind: 'set-header', guest, header }, 'set-header of a one-page image');
    yield* unpackPages(run, guest, 0, 1, setup.history);
    return guest;
  }
  yield* honest('REQ-UNPACK-4', { kind: 'set-header', guest, header: run.image.header }, 'set-header');
  const pages = setup.pages === 'all' || setup.name === 'destroyed' ? n : setup.pages === 'some' ? run.k : 0;
  yield* unpackPages(run, guest, 0, pages);
  if (setup.name === 'verify-failed') {
    const o = yield* sut.apply({ kind: 'verify', guest });
    yield* holds('REQ-UNPACK-12', o.kind === 'rejected', `verify after ${run.k} of ${n} pages was accepted`);
    return guest;
  }
  if (setup.name === 'unpacking-0' || setup.name === 'unpacking-k' || setup.name === 'unpacked-all') return guest;
  yield* honest('REQ-UNPACK-12', { kind: 'verify', guest }, 'verify');
  if (setup.name === 'verified') return guest;
  yield* honest('REQ-UNPACK-13', { kind: 'start', guest }, 'start');
  if (setup.name === 'running') return guest;
  yield* honest('REQ-PLATFORM-5', { kind: 'destroy-guest', guest }, 'destroy');
  const gone = (yield* sut.observe({ kind: 'guest', guest })) === null && (yield* sut.observe({ kind: 'owner', guest })) === null;
  yield* holds('REQ-PLATFORM-5', gone, 'a destroyed guest is still seen by its owner or itself');
  return guest;
}

/** Runs one recorded (or history) scenario on a guest of its own. */
function* alone(run: Run, label: string, s: Scenario): Calls<void> {
  const guest = yield* reach(run, s.setup);
  const before = yield* snapshot([guest]);
  const o = yield* sut.apply(actionOf(run, s, guest));
  const code = expectedCode(s);
  yield* expectCode(s.kind, o, code, `${label}; in ${s.setup.name}, failing: ${s.failing.join(', ')}`);
  const row = rowForKind(s.kind, code);
  if (row?.recorded === true) {
    // REQ-UNPACK-12: the failure is recorded for good, and the owner sees which check failed.
    const owner = yield* sut.observe({ kind: 'owner', guest });
    const seen = owner !== null && owner.party === 'owner' ? `${owner.phase}/${owner.verifyFailure ?? 'none'}` : 'no owner view';
    yield* holds(row.requirement, seen === `verify-failed/${row.check}`, `${label}: after ${code} the owner sees ${seen}, not verify-failed/${row.check}`);
  } else {
    yield* holds('REQ-PLATFORM-7', (yield* snapshot([guest])) === before, `${label}: the rejection changed what the parties see`);
  }
}

/**
 * Runs `plan`: one candidate of each entry (chosen by the run), the ones that share a state in
 * one pass over the honest walk, recorded ones and history states on guests of their own.
 */
function* runPlan(image: TestImage, seed: number, plan: readonly Planned[]): Calls<void> {
  const n = image.pages.length;
  if (n < 2) throw new Error('test images have at least two pages (a kernel and stage3b)');
  const pick = rng(seed);
  const run: Run = { image, k: 1 + (seed % (n - 1)), pick, headers: new Map() };
  const chosen = plan.map((p) => ({ label: p.label, s: p.candidates[pick(p.candidates.length)] as Scenario }));
  const shared = new Map<string, { label: string; s: Scenario }[]>();
  const own: { label: string; s: Scenario }[] = [];
  for (const c of chosen) {
    if (c.s.setup.history !== undefined || recorded(c.s)) own.push(c);
    else shared.set(c.s.setup.name, [...(shared.get(c.s.setup.name) ?? []), c]);
  }
  // The walk: one guest through every phase, a batch at each.
  const walkNeeded = WALK.map((w) => w.name).filter((name) => shared.has(name));
  if (walkNeeded.length > 0) {
    yield* sut.reset(CONFIG);
    const guest = yield* create(run);
    yield* batch(run, WALK[0] as Setup, guest, shared.get('created') ?? []);
    const last = Math.max(...walkNeeded.map((name) => WALK.findIndex((w) => w.name === name)));
    const steps: (() => Calls<unknown>)[] = [
      () => honest('REQ-UNPACK-4', { kind: 'set-header', guest, header: image.header }, 'set-header'),
      () => unpackPages(run, guest, 0, run.k),
      () => unpackPages(run, guest, run.k, n),
      () => honest('REQ-UNPACK-12', { kind: 'verify', guest }, 'verify'),
      () => honest('REQ-UNPACK-13', { kind: 'start', guest }, 'start'),
      function* () {
        yield* honest('REQ-PLATFORM-5', { kind: 'destroy-guest', guest }, 'destroy');
        const gone = (yield* sut.observe({ kind: 'guest', guest })) === null && (yield* sut.observe({ kind: 'owner', guest })) === null;
        yield* holds('REQ-PLATFORM-5', gone, 'a destroyed guest is still seen by its owner or itself');
      },
    ];
    for (let i = 1; i <= last; i++) {
      const setup = WALK[i] as Setup;
      // `absent` needs no step: it is the state after destroy, for another ID.
      if (setup.name !== 'absent') yield* (steps[i - 1] as () => Calls<unknown>)();
      yield* batch(run, setup, guest, shared.get(setup.name) ?? []);
    }
  }
  const failed = shared.get(VERIFY_FAILED.name);
  if (failed !== undefined) yield* batch(run, VERIFY_FAILED, yield* reach(run, VERIFY_FAILED), failed);
  for (const c of own) yield* alone(run, c.label, c.s);
}

/** The requirements a plan asserts: each expected code's, the unchanged state's, and the walk's. */
function requirementsOf(plan: readonly Planned[], extra: readonly RequirementId[]): RequirementId[] {
  const reqs = new Set<RequirementId>(extra);
  for (const p of plan) {
    for (const s of p.candidates) {
      const row = rowForKind(s.kind, expectedCode(s));
      if (row !== undefined) reqs.add(row.requirement);
      if (row?.recorded !== true) reqs.add('REQ-PLATFORM-7');
    }
  }
  return [...reqs].sort();
}

const arbRun = fc.tuple(arbImage, fc.nat());

/** Every guard alone: the exact code and requirement, and an unchanged state unless recorded. */
export const guardAlone = defineProperty({
  mechanism: 'image-unpack',
  name: 'stimulus-each-guard',
  requirements: requirementsOf(SINGLES, []),
  statement:
    'For every guard of every image-unpack and lifecycle handler, an action that fails that guard alone, from a state of an honest run, is rejected with its code and requirement and leaves the state unchanged (a failed verify is recorded instead).',
  arbitrary: arbRun,
  *run([image, seed]) {
    yield* runPlan(image, seed, SINGLES);
  },
});

/** Every action kind in every phase gives the code its guards predict. */
export const codesByPhase = defineProperty({
  mechanism: 'image-unpack',
  name: 'stimulus-every-phase',
  requirements: requirementsOf(BY_PHASE, ['REQ-PLATFORM-5']),
  statement:
    'Each action kind, as the honest schedule would send it, in each phase (created, unpacking with 0 or k pages, all pages, verified, verify-failed, running, destroyed, never created) is rejected with the code of the first guard that fails there, or accepted where none does.',
  arbitrary: arbRun,
  *run([image, seed]) {
    yield* runPlan(image, seed, BY_PHASE);
  },
});

/** Every pair of guards that can fail together: the one `guardsOf` lists first decides. */
export const guardPairs = defineProperty({
  mechanism: 'image-unpack',
  name: 'stimulus-guard-pairs',
  requirements: requirementsOf(PAIRS, []),
  statement:
    'For every pair of guards of a handler that can fail together, an action failing both is rejected with the code of the one the guard order lists first.',
  arbitrary: arbRun,
  *run([image, seed]) {
    yield* runPlan(image, seed, PAIRS);
  },
});
