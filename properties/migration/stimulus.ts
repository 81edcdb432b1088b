/**
 * The stimulus of mechanism 9: every guard of every migration and paging call failed alone, and
 * every pair of guards that can fail together, from states honest hypervisors of both machines
 * reach, each answered with the code of the first failing guard in `guardsOf` order; a rejection
 * changes nothing the hypervisor sees but the two recorded ones (REQ-PLATFORM-7).
 *
 * Each guard has one way to fail: a role (the state of the guest the call names) or fields of the
 * action, or the action's shape. A pair's case is the two ways composed: two roles combine when a
 * state has both (`COMBINED`), fields when they set different fields. The pairs whose ways do not
 * compose are {@link MIGR_IMPOSSIBLE}, each with the reason no state makes both fail.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import type { RejectionRow } from '../../model/core/rejections.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import { MIGR_REJECTIONS } from '../../model/migration/index.js';
import { pairsOf } from '../image-unpack/stimulus.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { deliver, idOf, migrImage, MIGR_CONFIG, sendStream, sourceGuest, SOURCE, targetGuest, TARGET_PHKH, type Sent } from './fixtures.js';

/** The migration calls, in the order of the spec. */
export const STIMULUS_KINDS: readonly ActionKind[] = [
  'migration-start',
  'migration-send',
  'migration-finish',
  'migration-abandon',
  'migration-receive-start',
  'migration-receive',
  'migration-receive-finish',
  'export-page',
  'import-page',
];

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = MIGR_CONFIG;

/** The state of the guest a call names. */
type Role =
  | 'missing'
  | 'created'
  | 'running'
  | 'migrating'
  | 'sent'
  | 'exported'
  | 'migrating-exported'
  | 'receiver'
  | 'receiving'
  | 'received'
  | 'spoiled'
  | 'migrated-in'
  | 'replayer';

/** What a scenario's action is built from: the guest of its role and what the setup collected. */
interface Cast {
  readonly guest: number;
  readonly size: number;
  readonly nonce: Uint8Array;
  readonly sent: readonly Sent[];
  readonly global: Uint8Array;
  readonly exported: Uint8Array;
}

/** One guard's way to fail. */
interface Way {
  readonly role?: Role;
  readonly fields?: (c: Cast) => Record<string, unknown>;
  /** The action's shape is wrong: the guest ID as a string. */
  readonly shape?: true;
}

/** A call's base (every guard passes) and each guard's way to fail, by guard name. */
interface KindTable {
  readonly role: Role;
  readonly fields: (c: Cast) => Record<string, unknown>;
  readonly ways: Readonly<Record<string, Way>>;
}

const SHAPE = 'shape of an action';
const EXISTS = 'guest exists';
const ZEROS = (n: number) => new Uint8Array(n);
/** A nonce no firmware ever received. */
const NEW_NONCE = new Uint8Array(32).fill(0x5a);
const AREA = { first: 0, pages: 2 } as const;
const beyond = (c: Cast) => ({ first: 1, pages: c.size });
const common: Readonly<Record<string, Way>> = { [SHAPE]: { shape: true }, [EXISTS]: { role: 'missing' } };

const TABLES: Readonly<Record<string, KindTable>> = {
  'migration-start': {
    role: 'running',
    fields: () => ({ ...AREA, target: TARGET_PHKH }),
    ways: { ...common, 'guest running': { role: 'created' }, 'no migration in progress': { role: 'migrating' }, 'area inside guest memory': { fields: beyond }, 'no page of the area exported': { role: 'exported' } },
  },
  'migration-send': {
    role: 'migrating',
    fields: () => ({ location: 0 }),
    ways: { ...common, 'a migration is in progress': { role: 'running' }, 'location in the area': { fields: () => ({ location: 3 }) } },
  },
  'migration-finish': {
    role: 'sent',
    fields: () => ({}),
    ways: { ...common, 'a migration is in progress': { role: 'running' }, 'every location sent': { role: 'migrating' } },
  },
  'migration-abandon': { role: 'migrating', fields: () => ({}), ways: { ...common, 'a migration is in progress': { role: 'running' } } },
  'migration-receive-start': {
    role: 'receiver',
    fields: () => ({ nonce: NEW_NONCE, ...AREA }),
    ways: {
      ...common,
      'the guest is receivable': { role: 'migrated-in' },
      'no migration being received': { role: 'receiving' },
      'area inside guest memory': { fields: beyond },
      'nonce not received before on this machine': { role: 'replayer', fields: (c) => ({ nonce: c.nonce }) },
    },
  },
  'migration-receive': {
    role: 'receiving',
    fields: (c) => sendingFields(c.sent[0]),
    ways: {
      ...common,
      'the guest is receivable': { role: 'spoiled' },
      'a migration is being received': { role: 'receiver' },
      'location in the area': { fields: () => ({ location: 3 }) },
      'counter above the one held': { role: 'received' },
      'page integrity value': { fields: () => ({ content: ZEROS(4096) }) },
    },
  },
  'migration-receive-finish': {
    role: 'received',
    fields: (c) => ({ global: c.global }),
    ways: {
      ...common,
      'the guest is receivable': { role: 'spoiled' },
      'a migration is being received': { role: 'receiver' },
      'every location received': { role: 'receiving' },
      'global integrity value': { fields: () => ({ global: ZEROS(32) }) },
    },
  },
  'export-page': {
    role: 'running',
    fields: () => ({ page: 0 }),
    ways: { ...common, 'guest running': { role: 'created' }, 'page inside guest memory': { fields: (c) => ({ page: c.size }) }, 'page not exported': { role: 'exported', fields: () => ({ page: 1 }) }, 'page not in an area under migration': { role: 'migrating' } },
  },
  'import-page': {
    role: 'exported',
    fields: (c) => ({ page: 1, content: c.exported }),
    ways: { ...common, 'guest running': { role: 'created' }, 'page inside guest memory': { fields: (c) => ({ page: c.size }) }, 'page exported': { role: 'running' }, 'integrity value of the last export': { fields: () => ({ content: ZEROS(4096) }) } },
  },
};

/** The fields of a receive of `s`. */
function sendingFields(s: Sent | undefined): Record<string, unknown> {
  return s === undefined ? {} : { location: s.location, counter: s.counter, content: s.content, integrity: s.integrity };
}

/** The state that has both roles, by their unordered pair (`a + b`, in this list's order). */
const COMBINED: Readonly<Record<string, Role>> = {
  'migrating + exported': 'migrating-exported',
  'receiving + migrated-in': 'spoiled',
  'migrated-in + replayer': 'migrated-in',
  'receiving + replayer': 'receiving',
  'spoiled + receiver': 'migrated-in',
  'spoiled + received': 'spoiled',
  'spoiled + receiving': 'spoiled',
  'created + running': 'created',
};

const NO_GUEST = 'a guest that does not exist has no phase, migration, memory or export: only the action itself is judged with it';

/**
 * Why guards `a` and `b` of `kind` cannot fail together: their ways do not compose, or compose as
 * data into a state where only one of them fails.
 */
const REASONS: Readonly<Record<string, string>> = {
  'migration-start: guest running + no migration in progress': 'a migration starts only on a running guest, and a migrating guest runs until it is migrated',
  'migration-start: guest running + no page of the area exported': 'only a running guest exports pages, and an exported page stays exported while the guest runs or is migrated, never created',
  'migration-finish: a migration is in progress + every location sent': 'with no migration in progress there are no locations to count',
  'migration-receive: a migration is being received + counter above the one held': 'with no migration received there is no version held',
  'migration-receive: a migration is being received + page integrity value': 'with no migration received there is no key to verify a page with',
  'migration-receive: location in the area + counter above the one held': 'a location outside the area has no version held',
  'migration-receive-finish: a migration is being received + every location received': 'with no migration received there are no locations to count',
  'migration-receive-finish: a migration is being received + global integrity value': 'with no migration received there is no key to verify the global value with',
  'export-page: guest running + page not exported': 'only a running guest exports pages: a guest that was never running has none exported',
  'export-page: guest running + page not in an area under migration': 'only a running guest migrates',
  'export-page: page inside guest memory + page not exported': 'a page outside guest memory is never exported',
  'export-page: page inside guest memory + page not in an area under migration': 'the area under migration lies inside guest memory',
  'export-page: page not exported + page not in an area under migration': 'migration-start refuses an area with a page exported (AREA_PAGED_OUT) and export refuses a page of an area under migration (AREA_LOCKED): no exported page lies in a migrating area',
  'import-page: guest running + integrity value of the last export': 'only a running guest exports pages: with none exported there is no integrity value to check',
  'import-page: page inside guest memory + integrity value of the last export': 'a page outside guest memory has no export to check against',
  'import-page: page exported + integrity value of the last export': 'a page not exported has no integrity value to check against',
};

/** A scenario: a call, the role of its guest, its fields, whether its shape is wrong, and the guards it makes fail. */
interface Scenario {
  readonly kind: ActionKind;
  readonly role: Role;
  readonly fields: (c: Cast) => Record<string, unknown>;
  readonly shape: boolean;
  readonly failing: readonly string[];
  readonly pair?: readonly [string, string];
}

/** Two roles composed, or null. */
function combineRoles(a: Role | undefined, b: Role | undefined): Role | undefined | null {
  if (a === undefined || b === undefined || a === b) return a ?? b;
  if (a === 'missing' || b === 'missing') return null;
  return COMBINED[`${a} + ${b}`] ?? COMBINED[`${b} + ${a}`] ?? null;
}

/** The scenario of `kind` where the guards `names` fail, or null when their ways do not compose. */
function compose(kind: ActionKind, names: readonly string[], pair?: readonly [string, string]): Scenario | null {
  const table = TABLES[kind];
  if (table === undefined) return null;
  const ways = names.map((n) => table.ways[n]);
  if (ways.some((w) => w === undefined)) return null;
  let role: Role | undefined;
  for (const w of ways) {
    const r = combineRoles(role, w?.role);
    if (r === null) return null;
    role = r;
  }
  const fieldWays = ways.filter((w) => w?.fields !== undefined);
  // Two ways that set fields compose when they set different ones (checked on a probe cast).
  const probe: Cast = { guest: 0, size: 8, nonce: ZEROS(32), sent: [], global: ZEROS(32), exported: ZEROS(4096) };
  const keys = fieldWays.flatMap((w) => Object.keys(w?.fields?.(probe) ?? {}));
  if (new Set(keys).size !== keys.length) return null;
  const fields = (c: Cast) => Object.assign({}, table.fields(c), ...fieldWays.map((w) => w?.fields?.(c) ?? {})) as Record<string, unknown>;
  const base: Scenario = { kind, role: role ?? table.role, fields, shape: ways.some((w) => w?.shape === true), failing: names };
  return pair === undefined ? base : { ...base, pair };
}

/** Every scenario: each guard alone, then each pair whose ways compose. */
function scenarios(): readonly Scenario[] {
  const out: Scenario[] = [];
  for (const kind of STIMULUS_KINDS) {
    for (const g of guardsOf(kind)) {
      const s = compose(kind, [g.name]);
      if (s !== null) out.push(s);
    }
    for (const p of pairsOf(kind)) {
      // A pair with a reason is impossible even where its ways compose as data (the second way's state is not the first's).
      const s = (p.a === EXISTS && p.b !== SHAPE) || p.key in REASONS ? null : compose(kind, [p.a, p.b], [p.a, p.b]);
      if (s !== null) out.push(s);
    }
  }
  return out;
}

const SCENARIOS = scenarios();

/** The pairs of guards no reachable state lets fail together, by key (`kind: a + b`), and why. */
export const MIGR_IMPOSSIBLE: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const kind of STIMULUS_KINDS)
    for (const p of pairsOf(kind)) {
      if (SCENARIOS.some((s) => s.kind === kind && s.pair?.[0] === p.a && s.pair[1] === p.b)) continue;
      out[p.key] = p.a === EXISTS ? NO_GUEST : (REASONS[p.key] ?? '');
    }
  return out;
})();

/** The labels of the scenarios (single guards and pairs), in scenario order. */
export function scenarioLabels(): readonly string[] {
  return SCENARIOS.map(labelOf);
}

/** The label of a scenario, as the vectors read it: `<kind>: only '<guard>' fails` or `<kind>: <a> + <b>`. */
function labelOf(s: Scenario): string {
  return s.pair === undefined ? `${s.kind}: only '${s.failing[0] ?? ''}' fails` : `${s.kind}: ${s.pair[0]} + ${s.pair[1]}`;
}

/** The code of the first failing guard in `guardsOf` order. */
function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of its kind
  if (g === undefined) throw new Error(`${s.kind}: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

/** The content of an accepted export. */
function contentOf(o: { kind: string; response?: unknown }): Uint8Array {
  return o.kind === 'accepted' ? ((o.response as { content?: Uint8Array }).content ?? ZEROS(4096)) : ZEROS(4096);
}

/** Starts over and makes the one guest of `role` (with what a receiving role needs: a finished stream from a source guest). */
function* setUp(role: Role, variant: number): Calls<Cast> {
  yield* sut.reset(STIMULUS_CONFIG);
  const image = migrImage(variant);
  const size = image.minPages + 4;
  // A well-formed sending for the roles that received none.
  const empty = { size, nonce: ZEROS(32), sent: [{ location: 0, counter: 1, content: ZEROS(4096), integrity: ZEROS(16) }], global: ZEROS(32), exported: ZEROS(4096) };
  if (role === 'missing') return { guest: 1_000_000, ...empty };
  if (role === 'created') return { guest: idOf(yield* sut.apply({ kind: 'create-guest', machine: SOURCE, memoryPages: size })), ...empty };
  if (role === 'receiver') return { guest: yield* targetGuest(image, size), ...empty };
  const source = yield* sourceGuest(image, size);
  if (role === 'running') return { guest: source, ...empty };
  if (role === 'exported' || role === 'migrating-exported') {
    const exported = contentOf(yield* sut.apply({ kind: 'export-page', guest: source, page: 1 }));
    if (role === 'migrating-exported') yield* expectAccepted('REQ-MIGR-2', 'migration-start', yield* sut.apply({ kind: 'migration-start', guest: source, first: 2, pages: 2, target: TARGET_PHKH }), role);
    return { guest: source, ...empty, exported };
  }
  if (role === 'migrating' || role === 'sent') {
    const s = yield* sendStream(source, AREA.first, AREA.pages, [], false);
    if (role === 'migrating') yield* expectAccepted('REQ-MIGR-6', 'migration-abandon', yield* sut.apply({ kind: 'migration-abandon', guest: source }), 'start over with nothing sent');
    if (role === 'migrating') yield* expectAccepted('REQ-MIGR-2', 'migration-start', yield* sut.apply({ kind: 'migration-start', guest: source, ...AREA, target: TARGET_PHKH }), 'migrating, nothing sent');
    return { guest: source, ...empty, nonce: s.nonce };
  }
  // The receiving roles: a finished stream from the source, handed to a target guest in part or whole.
  // Location 0 is sent twice: its first version and its latest differ in their counter.
  const s = yield* sendStream(source, AREA.first, AREA.pages, [0]);
  const global = s.global ?? ZEROS(32);
  const target = yield* targetGuest(image, size);
  const held = role === 'receiving' || role === 'replayer' ? [] : role === 'spoiled' ? s.sent.slice(0, 1) : s.sent;
  yield* deliver(target, s.nonce, AREA.first, AREA.pages, held, role === 'migrated-in' ? global : null);
  if (role === 'spoiled') {
    const unpack = honestCalls(target, image).find((a) => a.kind === 'unpack');
    if (unpack !== undefined) yield* expectAccepted('REQ-UNPACK-7', 'unpack', yield* sut.apply(unpack), 'a page unpacked into the receiving guest');
  }
  if (role === 'replayer') return { guest: yield* targetGuest(image, size), size, nonce: s.nonce, sent: s.sent, global, exported: ZEROS(4096) };
  return { guest: target, size, nonce: s.nonce, sent: s.sent, global, exported: ZEROS(4096) };
}

/** What the hypervisor sees, as one string. */
function* seen(): Calls<string> {
  return JSON.stringify(yield* sut.observe({ kind: 'hypervisor' }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** The codes whose failure is recorded: the rejection changes the guest's phase. */
const RECORDED = new Set(Object.entries(MIGR_REJECTIONS.rows as Readonly<Record<string, RejectionRow>>).flatMap(([code, row]) => (row.recorded === true ? [code] : [])));

/** REQ-MIGR-2 to REQ-MIGR-9, -11, -12: each guard alone and every pair that can fail together, with its code; rejections change nothing but what is recorded. */
export const migrationGuards = defineProperty({
  mechanism: 'migration',
  name: 'stimulus-each-guard',
  requirements: ['REQ-MIGR-2', 'REQ-MIGR-3', 'REQ-MIGR-4', 'REQ-MIGR-5', 'REQ-MIGR-6', 'REQ-MIGR-7', 'REQ-MIGR-8', 'REQ-MIGR-9', 'REQ-MIGR-11', 'REQ-MIGR-12'],
  statement:
    'From states honest hypervisors of both machines reach (a source guest running, migrating, with everything sent, with a page exported; a target guest receiving, with part or all of a stream, spoiled by an unpack, initialized by a migration, or a second receiver of a nonce already received; a guest created, one missing), every migration and paging call whose guards fail, alone or two at once, is refused with the code of the first failing guard in the spec order, and the refusal changes nothing the hypervisor sees, but the phase a recorded failure sets.',
  arbitrary: fc.record({ variant: fc.nat(3), order: fc.nat() }),
  *run({ variant, order }) {
    const list = SCENARIOS.map((s, i) => SCENARIOS[(i + order) % SCENARIOS.length] ?? s);
    for (const s of list) {
      const c = yield* setUp(s.role, variant);
      const before = yield* seen();
      const label = labelOf(s);
      const action = { kind: s.kind, guest: s.shape ? String(c.guest) : c.guest, ...s.fields(c) };
      const code = expectedCode(s);
      yield* expectCode(s.kind, yield* sut.apply(action), code, `${label}; in ${s.role}, failing: ${s.failing.join(', ')}`);
      if (!RECORDED.has(code)) yield* holds('REQ-PLATFORM-7', (yield* seen()) === before, `${label}: the rejection changed what the hypervisor sees`);
    }
  },
});

/** The requirement an accepted call of each kind satisfies (spec/migration.md). */
export const ACCEPTED_REQUIREMENT: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'migration-start': 'REQ-MIGR-2',
  'migration-send': 'REQ-MIGR-4',
  'migration-finish': 'REQ-MIGR-6',
  'migration-abandon': 'REQ-MIGR-6',
  'migration-receive-start': 'REQ-MIGR-7',
  'migration-receive': 'REQ-MIGR-8',
  'migration-receive-finish': 'REQ-MIGR-9',
  'export-page': 'REQ-MIGR-11',
  'import-page': 'REQ-MIGR-12',
};

/** For each kind, calls from a reset whose every step is accepted and whose last step is that kind (for the vectors). */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      const role = TABLES[kind]?.role ?? 'running';
      const c = yield* setUp(role, 0);
      const action = { kind, guest: c.guest, ...(TABLES[kind]?.fields(c) ?? {}) };
      yield* expectAccepted(ACCEPTED_REQUIREMENT[kind] ?? 'REQ-MIGR-2', kind, yield* sut.apply(action), 'the accepted path');
    },
  ]),
);
