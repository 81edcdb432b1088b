/**
 * The stimulus table of mechanism 4: every guard of every AP instruction's handler failed alone,
 * and every pair of guards that can fail together, from states an honest guest and hypervisor
 * reach. As in properties/image-unpack/stimulus.ts, the table is built from model data: the
 * guards and their order from `guardsOf(kind)`, the codes and requirements from the rejection
 * table. What this file adds is the test's own knowledge of when each guard's condition fails
 * ({@link FAILS}), for a reachable state of the queues (a {@link Setup}) and independent edits
 * of the action (who issues it, which queue it names, its index or message, its shape). The
 * expected outcome of a scenario is the code of the first failing guard in `guardsOf` order.
 *
 * One world per run: two secure guests (the actor, with association secrets at indexes 0 and 1,
 * and another guest, with one at 0), a guest that is not running, a destroyed guest. Each setup is
 * built from there by the hypervisor resetting every queue and honest binds, associations and
 * requests: no guest is booted again. A rejection changes nothing (checked on the hypervisor's view
 * and TAPQ of every queue), except the failed association the queue keeps (REQ-HSM-7), after which
 * the setup is built again.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, rowForKind, type ActionKind } from '../../model/platform/index.js';
import { AP_MAX_MESSAGE } from '../../model/hsm-binding/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { bsOf } from './exclusive.js';
import { addAssociationSecret, createGuest, farImage, HSM_CONFIG, imageAt, LOCAL_QUEUES, NO_QUEUE, Q, secretValue, secureGuest } from './fixtures.js';

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = HSM_CONFIG;

/** The queues a setup uses, by role. */
type Role = 'ep11' | 'ep11b' | 'accel' | 'cca' | 'noKey';
const ROLES: readonly Role[] = ['ep11', 'ep11b', 'accel', 'cca', 'noKey'];
const QUEUE_OF: Readonly<Record<Role, number>> = { ep11: Q.ep11, ep11b: Q.ep11b, accel: Q.accel, cca: Q.cca, noKey: Q.noKey };
const TYPE_OF: Readonly<Record<Role, 'ep11' | 'accelerator' | 'cca'>> = { ep11: 'ep11', ep11b: 'ep11', accel: 'accelerator', cca: 'cca', noKey: 'ep11' };

/** Who holds a queue: the actor, the other secure guest, or nobody. */
type Holder = 'actor' | 'other' | null;

/**
 * A state of the queues, relative to the actor: the target queue (its role, holder, waiting
 * replies, association, failed association) and the queues the actor holds besides it (the first
 * associated with the actor's secret 0 when `taken`).
 */
export interface Setup {
  readonly name: string;
  readonly target: Role;
  readonly holder: Holder;
  readonly replies: 0 | 1 | 4;
  readonly assoc: boolean;
  readonly failure: 'not-unique' | 'login' | null;
  readonly taken: boolean;
  readonly helpers: readonly Role[];
  /** The other machine's queue is held by the guest there: associated, four replies waiting. */
  readonly far: boolean;
}

/** Every setup the injectors can build, from the constraints of the real state machine. */
function allSetups(): Setup[] {
  const out: Setup[] = [];
  for (const target of ROLES)
    for (const holder of ['actor', 'other', null] as const)
      for (const replies of [0, 1, 4] as const)
        for (const assoc of [false, true])
          for (const failure of [null, 'not-unique', 'login'] as const)
            for (const taken of [false, true])
              for (const limit of [false, true])
                for (const far of [false, true]) {
                // CCA never binds; only an EP11 queue with a master key associates.
                if (target === 'cca' && holder !== null) continue;
                if (assoc && (holder === null || (target !== 'ep11' && target !== 'ep11b'))) continue;
                // A failed association: the actor's, on an idle queue; not unique needs the secret taken; a login fails on the queue without a master key.
                if (failure !== null && (holder !== 'actor' || replies !== 0 || assoc || TYPE_OF[target] !== 'ep11')) continue;
                if (failure === 'not-unique' && !taken) continue;
                if (failure === 'login' && target !== 'noKey') continue;
                // The helper associated with secret 0 is the first EP11 queue.
                if (taken && target === 'ep11') continue;
                const helpers: Role[] = taken ? ['ep11'] : [];
                if (limit) for (const r of ['ep11', 'ep11b', 'accel', 'noKey'] as const) if (helpers.length < 2 && r !== target && !helpers.includes(r)) helpers.push(r);
                if (helpers.length + (holder === 'actor' ? 1 : 0) > 2) continue;
                if (limit && helpers.length < 2) continue;
                const name = [target, holder ?? 'free', `${replies}r`, assoc ? 'assoc' : '', failure === null ? '' : `failed-${failure}`, taken ? 'taken' : '', limit ? 'limit' : '', far ? 'far-held' : '']
                  .filter((x) => x !== '')
                  .join('-');
                out.push({ name, target, holder, replies, assoc, failure, taken, helpers, far });
              }
  return out;
}

/** The setups, once. */
export const SETUPS: readonly Setup[] = allSetups();

/** The edits of an action: slot → chosen option (the first option of a slot is the honest one). */
export type Edits = Readonly<Record<string, string>>;

const BASE_SLOTS = { shape: ['ok', 'throws'], issuer: ['actor', 'hv', 'late', 'absent'], where: ['target', 'elsewhere', 'unknown'] } as const;

/** The slots of each kind. */
const SLOTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'ap-bind': BASE_SLOTS,
  'ap-associate': { ...BASE_SLOTS, index: ['secret', 'none', 'taken'] },
  'ap-query': BASE_SLOTS,
  'ap-reset': BASE_SLOTS,
  'ap-request': { ...BASE_SLOTS, message: ['ok', 'big'] },
  'ap-reply': BASE_SLOTS,
};

/** The AP instruction kinds the stimulus table covers. */
export const STIMULUS_KINDS: readonly ActionKind[] = Object.keys(SLOTS) as ActionKind[];

/** The queue an action names, as the conditions see it; null when it names none. */
interface Named {
  readonly thisMachine: boolean;
  readonly type: 'ep11' | 'accelerator' | 'cca';
  readonly key: boolean;
  readonly holder: Holder;
  readonly replies: number;
  readonly assoc: boolean;
  readonly failure: Setup['failure'];
}

/** The other machine's EP11 queue, with a master key: free and idle, or held by the guest there. */
const ELSEWHERE: Named = { thisMachine: false, type: 'ep11', key: true, holder: null, replies: 0, assoc: false, failure: null };
const ELSEWHERE_HELD: Named = { ...ELSEWHERE, holder: 'other', replies: 4, assoc: true };

function named(s: Setup, e: Edits): Named | null {
  if (e['where'] === 'unknown') return null;
  if (e['where'] === 'elsewhere') return s.far ? ELSEWHERE_HELD : ELSEWHERE;
  return { thisMachine: true, type: TYPE_OF[s.target], key: s.target !== 'noKey' && s.target !== 'accel' && s.target !== 'cca', holder: s.holder, replies: s.replies, assoc: s.assoc, failure: s.failure };
}

/** What a condition sees: the setup, the edits, the named queue, and who issues the action. */
interface Ctx {
  readonly s: Setup;
  readonly e: Edits;
  readonly q: Named | null;
  /** The issuer is a guest of the world (actor or late). */
  readonly guest: boolean;
  /** The queue is held by a guest other than the issuer (for the hypervisor: by any guest). */
  readonly heldByOther: boolean;
  /** Queues the issuer holds. */
  readonly count: number;
}

function ctxOf(s: Setup, e: Edits): Ctx {
  const q = named(s, e);
  const issuer = e['issuer'];
  const holder = q?.holder ?? null;
  const heldByOther = holder !== null && !(issuer === 'actor' && holder === 'actor');
  const count = issuer === 'actor' ? s.helpers.length + (s.holder === 'actor' ? 1 : 0) : 0;
  return { s, e, q, guest: issuer === 'actor' || issuer === 'late', heldByOther, count };
}

/** A condition on the named queue, false when the issuer or the queue does not exist. */
const onQueue =
  (f: (q: Named, c: Ctx) => boolean) =>
  (c: Ctx): boolean =>
    c.q !== null && c.e['issuer'] !== 'absent' && f(c.q, c);

/** The test's model of each guard's condition, by guard name: true when it fails. */
export const FAILS: Readonly<Record<string, (c: Ctx) => boolean>> = {
  'shape of an action': (c) => c.e['shape'] === 'throws',
  'guest exists': (c) => c.e['issuer'] === 'absent',
  'issuer is a secure guest': (c) => c.e['issuer'] === 'hv' || c.e['issuer'] === 'late',
  'a named guest is running': (c) => c.e['issuer'] === 'late',
  // A guest that does not exist has no machine: only a queue that does not exist fails it.
  'queue on the issuer machine': (c) => c.q === null || (!c.q.thisMachine && c.guest),
  'not bound to another guest': onQueue((_q, c) => c.heldByOther),
  'not bound to another guest (the hypervisor may query)': onQueue((_q, c) => c.guest && c.heldByOther),
  'not bound to another guest (the hypervisor may reset)': onQueue((_q, c) => c.guest && c.heldByOther),
  // A guest that is not running uses no queue: its use is not judged (NOT_SECURE_GUEST decides first).
  'a guest uses a queue bound to it': onQueue((q, c) => c.e['issuer'] === 'actor' && q.holder === null),
  'no failed association (not unique)': onQueue((q) => q.failure === 'not-unique'),
  'no failed association (login)': onQueue((q) => q.failure === 'login'),
  'available for binding': onQueue((q, c) => q.type === 'cca' || (c.e['issuer'] === 'actor' && q.holder === 'actor')),
  'queue empty': onQueue((q) => q.replies > 0),
  'bind limit': onQueue((_q, c) => c.count >= 2),
  'available for association': onQueue((q) => q.type !== 'ep11' || q.assoc),
  // Only the actor has a secret store worth the name: the others fail earlier.
  'association secret at the index': onQueue((_q, c) => c.e['issuer'] === 'actor' && c.e['index'] === 'none'),
  'secret not associated elsewhere': onQueue((_q, c) => c.e['issuer'] === 'actor' && c.e['index'] === 'taken' && c.s.taken),
  'HSM accepts the login': onQueue((q) => !q.key),
  'message size': (c) => c.e['message'] === 'big',
  'queue not full': onQueue((q) => q.replies >= 4),
  'reply waiting': onQueue((q) => q.replies === 0),
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

/** The guard names of `kind`, checked against {@link FAILS}: every guard has a condition. */
function guardNames(kind: ActionKind): string[] {
  const names = guardsOf(kind).map((g) => g.name);
  const missing = names.filter((n) => FAILS[n] === undefined);
  if (missing.length > 0) throw new Error(`stimulus: no condition for ${kind} guards ${missing.join(', ')}`);
  return names;
}

/** Every scenario of `kind`, accepted ones included (`failing` empty). An index `taken` needs a setup where it is. */
export function scenariosOf(kind: ActionKind): readonly Scenario[] {
  const names = guardNames(kind);
  const edits = combinations(SLOTS[kind] ?? BASE_SLOTS);
  return SETUPS.flatMap((setup) =>
    edits
      .filter((e) => e['index'] !== 'taken' || setup.taken)
      .map((e) => {
        const c = ctxOf(setup, e);
        return { kind, setup, edits: e, failing: names.filter((n) => FAILS[n]?.(c) === true) };
      }),
  );
}

const SCENARIOS: ReadonlyMap<ActionKind, readonly Scenario[]> = new Map(STIMULUS_KINDS.map((k) => [k, scenariosOf(k)]));

/** The scenarios in which `guard` and no other fails. */
export function singleCandidates(kind: ActionKind, guard: string): readonly Scenario[] {
  return (SCENARIOS.get(kind) ?? []).filter((s) => s.failing.length === 1 && s.failing[0] === guard);
}

/** The scenarios in which `a` and `b` (a listed first) both fail and `a` is the first failing guard. */
export function pairCandidates(kind: ActionKind, a: string, b: string): readonly Scenario[] {
  return (SCENARIOS.get(kind) ?? []).filter((s) => s.failing[0] === a && s.failing.includes(b));
}

/** Every pair of guards of `kind`, first-listed first, as `kind: a + b`. */
export function pairsOf(kind: ActionKind): readonly { readonly key: string; readonly a: string; readonly b: string }[] {
  const names = guardsOf(kind).map((g) => g.name);
  return names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ key: `${kind}: ${a} + ${b}`, a, b })));
}

/** Why a guest that does not exist is judged on nothing but the queue it names. */
const NO_GUEST_REASON = 'a guest that does not exist has no phase and holds no queue: only whether the queue exists is judged with it';
const NOT_RUNNING_REASON = 'a guest that is not running, and the hypervisor, hold no queue and have no store: their use of one is not judged';
const ELSEWHERE_REASON = "the other machine's only queue is EP11 with a master key and its guest holds no second queue: nothing fails there but the machine; a queue that does not exist has no state";
const STICKY_HELD_REASON = 'a queue reports a failed association only while bound to the guest that failed';
const STICKY_IDLE_REASON = 'a failed association needs an idle queue, and nothing is enqueued on it until a reset';

/**
 * Pairs of guards (by name, in `guardsOf` order) that no reachable state and action of this
 * table fail together, and why. A test checks that this is exactly the set of pairs no scenario
 * combines.
 */
export const IMPOSSIBLE_PAIRS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    (['ap-bind', 'ap-associate', 'ap-query', 'ap-reset', 'ap-request', 'ap-reply'] as const).flatMap((kind) =>
      guardsOf(kind)
        .map((g) => g.name)
        .filter((n) => n !== 'shape of an action' && n !== 'guest exists' && n !== 'queue on the issuer machine' && n !== 'message size')
        .map((n) => [`${kind}: guest exists + ${n}`, NO_GUEST_REASON]),
    ),
  ),
  'ap-bind: issuer is a secure guest + bind limit': NOT_RUNNING_REASON,
  'ap-bind: queue on the issuer machine + no failed association (not unique)': ELSEWHERE_REASON,
  'ap-bind: queue on the issuer machine + no failed association (login)': ELSEWHERE_REASON,
  'ap-bind: queue on the issuer machine + available for binding': "the other machine's queue is EP11, and a guest never holds another machine's queue",
  'ap-bind: not bound to another guest + no failed association (not unique)': STICKY_HELD_REASON,
  'ap-bind: not bound to another guest + no failed association (login)': STICKY_HELD_REASON,
  'ap-bind: not bound to another guest + available for binding': 'a queue another guest holds is an EP11 or accelerator queue this guest does not hold',
  'ap-bind: no failed association (not unique) + no failed association (login)': 'a queue keeps one failed association',
  'ap-bind: no failed association (not unique) + queue empty': STICKY_IDLE_REASON,
  'ap-bind: no failed association (login) + queue empty': STICKY_IDLE_REASON,
  'ap-associate: issuer is a secure guest + a guest uses a queue bound to it': NOT_RUNNING_REASON,
  'ap-associate: issuer is a secure guest + association secret at the index': NOT_RUNNING_REASON,
  'ap-associate: issuer is a secure guest + secret not associated elsewhere': NOT_RUNNING_REASON,
  'ap-associate: queue on the issuer machine + no failed association (not unique)': ELSEWHERE_REASON,
  'ap-associate: queue on the issuer machine + no failed association (login)': ELSEWHERE_REASON,
  'ap-associate: queue on the issuer machine + HSM accepts the login': ELSEWHERE_REASON,
  'ap-associate: not bound to another guest + a guest uses a queue bound to it': 'a queue another guest holds is bound',
  'ap-associate: not bound to another guest + no failed association (not unique)': STICKY_HELD_REASON,
  'ap-associate: not bound to another guest + no failed association (login)': STICKY_HELD_REASON,
  'ap-associate: a guest uses a queue bound to it + no failed association (not unique)': STICKY_HELD_REASON,
  'ap-associate: a guest uses a queue bound to it + no failed association (login)': STICKY_HELD_REASON,
  'ap-associate: no failed association (not unique) + no failed association (login)': 'a queue keeps one failed association',
  'ap-associate: no failed association (not unique) + available for association': 'a failed association is one of an EP11 queue that is not associated',
  'ap-associate: no failed association (login) + available for association': 'a failed association is one of an EP11 queue that is not associated',
  'ap-associate: no failed association (not unique) + queue empty': STICKY_IDLE_REASON,
  'ap-associate: no failed association (login) + queue empty': STICKY_IDLE_REASON,
  'ap-associate: association secret at the index + secret not associated elsewhere': 'an index associated with another queue holds an association secret',
  'ap-request: a named guest is running + a guest uses a queue bound to it': NOT_RUNNING_REASON,
  'ap-request: queue on the issuer machine + no failed association (not unique)': ELSEWHERE_REASON,
  'ap-request: queue on the issuer machine + no failed association (login)': ELSEWHERE_REASON,
  'ap-request: not bound to another guest + a guest uses a queue bound to it': 'a queue another guest holds is bound',
  'ap-request: a guest uses a queue bound to it + no failed association (not unique)': STICKY_HELD_REASON,
  'ap-request: a guest uses a queue bound to it + no failed association (login)': STICKY_HELD_REASON,
  'ap-request: no failed association (not unique) + no failed association (login)': 'a queue keeps one failed association',
  'ap-request: no failed association (not unique) + queue not full': STICKY_IDLE_REASON,
  'ap-request: no failed association (login) + queue not full': STICKY_IDLE_REASON,
  'ap-reply: a named guest is running + a guest uses a queue bound to it': NOT_RUNNING_REASON,
  'ap-reply: queue on the issuer machine + no failed association (not unique)': ELSEWHERE_REASON,
  'ap-reply: queue on the issuer machine + no failed association (login)': ELSEWHERE_REASON,
  'ap-reply: not bound to another guest + a guest uses a queue bound to it': 'a queue another guest holds is bound',
  'ap-reply: a guest uses a queue bound to it + no failed association (not unique)': STICKY_HELD_REASON,
  'ap-reply: a guest uses a queue bound to it + no failed association (login)': STICKY_HELD_REASON,
  'ap-reply: no failed association (not unique) + no failed association (login)': 'a queue keeps one failed association',
};

/**
 * Guards that never fail alone, and why: their condition always brings another's. Their code is
 * still reached, as the first of a pair. A test checks that this is exactly the set of guards
 * without a single-guard scenario.
 */
export const IMPOSSIBLE_SINGLES: Readonly<Record<string, string>> = {
  'ap-bind: no failed association (not unique)': 'a queue that reports a failed association is bound to this guest already (BIND_ERROR fails with it)',
  'ap-bind: no failed association (login)': 'a queue that reports a failed association is bound to this guest already (BIND_ERROR fails with it)',
  'ap-associate: no failed association (login)': 'a login fails only on an HSM without a master key, which then refuses this login too',
  'ap-reply: no failed association (not unique)': 'a failed queue is idle: no reply waits (NO_PENDING_REPLY fails with it)',
  'ap-reply: no failed association (login)': 'a failed queue is idle: no reply waits (NO_PENDING_REPLY fails with it)',
};

/** The guards without a single-guard scenario (the test compares this with {@link IMPOSSIBLE_SINGLES}). */
export function loneGuardsMissing(): readonly string[] {
  return STIMULUS_KINDS.flatMap((kind) => guardsOf(kind).filter((g) => singleCandidates(kind, g.name).length === 0).map((g) => `${kind}: ${g.name}`));
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

/** The code the first failing guard of `s` returns. */
function expectedCode(s: Scenario): string {
  const g = (GUARDS.get(s.kind) ?? guardsOf(s.kind)).find((x) => x.name === s.failing[0]);
  if (g === undefined) throw new Error(`stimulus: ${s.kind} scenario with no failing guard`);
  return g.code;
}

/** True when the scenario's rejection is recorded: a fresh failed association (not the queue repeating one). */
function recordsFailure(s: Scenario): boolean {
  return s.kind === 'ap-associate' && (s.failing[0] === 'secret not associated elsewhere' || s.failing[0] === 'HSM accepts the login');
}

/** Prefers candidates that record nothing (they share a built setup), when there are any. */
function preferQuiet(c: readonly Scenario[]): readonly Scenario[] {
  const quiet = c.filter((s) => !recordsFailure(s));
  return quiet.length > 0 ? quiet : c;
}

const SINGLES: readonly Planned[] = STIMULUS_KINDS.flatMap((kind) =>
  guardsOf(kind)
    .map((g) => ({ label: `${kind}: only '${g.name}' fails`, candidates: preferQuiet(singleCandidates(kind, g.name)) }))
    .filter((p) => p.candidates.length > 0),
);

const PAIRS: readonly Planned[] = STIMULUS_KINDS.flatMap((kind) =>
  pairsOf(kind)
    .map((p) => ({ label: p.key, candidates: preferQuiet(pairCandidates(kind, p.a, p.b)) }))
    .filter((p) => p.candidates.length > 0),
);

// ---------------------------------------------------------------------------------------------
// Realizing scenarios: the world, the setups, the actions.

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

/** A guest ID the platform never hands out. */
const NO_GUEST = 1_000_000;

/** The guests of a run. */
interface Cast {
  readonly actor: number;
  readonly other: number;
  /** The guest of the other machine. */
  readonly far: number;
  readonly late: number;
  readonly destroyed: number;
  readonly pick: (n: number) => number;
}

/** Resets and makes the cast: the actor (secrets 0 and 1), the other guest (secret 0), the other machine's guest (secret 0), a created guest, a destroyed one. */
function* cast(seed: number): Calls<Cast> {
  yield* sut.reset(STIMULUS_CONFIG);
  const actorImage = imageAt(seed);
  const otherImage = imageAt(seed + 1);
  const actor = yield* secureGuest(actorImage);
  yield* addAssociationSecret(actor, actorImage, secretValue(seed), seed);
  yield* addAssociationSecret(actor, actorImage, secretValue(seed + 1), seed + 1);
  const other = yield* secureGuest(otherImage);
  yield* addAssociationSecret(other, otherImage, secretValue(seed + 2), seed + 2);
  const far = yield* secureGuest(farImage());
  yield* addAssociationSecret(far, farImage(), secretValue(seed + 3), seed + 3);
  const late = yield* createGuest(imageAt(seed + 2));
  const destroyed = yield* createGuest(imageAt(seed + 2));
  yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', yield* sut.apply({ kind: 'destroy-guest', guest: destroyed }), 'destroy the fourth guest');
  return { actor, other, far, late, destroyed, pick: rng(seed) };
}

/** Applies an honest step of a set-up and asserts its outcome (accepted, or the failure it builds). */
function* step(action: Record<string, unknown> & { readonly kind: ActionKind }, context: string, code?: string): Calls<void> {
  const o = yield* sut.apply(action);
  if (code === undefined) yield* expectAccepted('REQ-HSM-4', action.kind, o, `set-up: ${context}`);
  else yield* expectCode(action.kind, o, code, `set-up: ${context}`);
}

/** Builds `s` from any state: the hypervisor resets every queue, then honest calls. */
function* build(c: Cast, s: Setup): Calls<void> {
  for (const q of [...LOCAL_QUEUES, Q.elsewhere]) yield* step({ kind: 'ap-reset', guest: null, adapter: q }, `release queue ${q}`);
  if (s.far) {
    yield* step({ kind: 'ap-bind', guest: c.far, adapter: Q.elsewhere }, 'the other machine\'s guest binds its queue');
    yield* step({ kind: 'ap-associate', guest: c.far, adapter: Q.elsewhere, secretIndex: 0 }, 'the other machine\'s guest associates it');
    for (let i = 0; i < 4; i++) yield* step({ kind: 'ap-request', guest: c.far, adapter: Q.elsewhere, message: Uint8Array.of(i) }, 'a request on the other machine');
  }
  for (const [i, h] of s.helpers.entries()) {
    yield* step({ kind: 'ap-bind', guest: c.actor, adapter: QUEUE_OF[h] }, `the actor binds ${h}`);
    if (i === 0 && s.taken) yield* step({ kind: 'ap-associate', guest: c.actor, adapter: QUEUE_OF[h], secretIndex: 0 }, `the actor associates ${h} with secret 0`);
  }
  const adapter = QUEUE_OF[s.target];
  const user = s.holder === 'actor' ? c.actor : s.holder === 'other' ? c.other : null;
  if (user !== null) yield* step({ kind: 'ap-bind', guest: user, adapter }, `${s.holder ?? ''} binds ${s.target}`);
  if (s.assoc && user !== null) yield* step({ kind: 'ap-associate', guest: user, adapter, secretIndex: s.holder === 'actor' && s.taken ? 1 : 0 }, `${s.holder ?? ''} associates ${s.target}`);
  if (s.failure === 'not-unique') yield* step({ kind: 'ap-associate', guest: c.actor, adapter, secretIndex: 0 }, `the actor associates ${s.target} with a taken secret`, 'ASSOCIATION_NOT_UNIQUE');
  if (s.failure === 'login') yield* step({ kind: 'ap-associate', guest: c.actor, adapter, secretIndex: s.taken ? 1 : 0 }, `the actor logs in to ${s.target}`, 'ASSOCIATION_FAILED');
  for (let i = 0; i < s.replies; i++) yield* step({ kind: 'ap-request', guest: user, adapter, message: Uint8Array.of(i) }, `a request on ${s.target}`);
}

/** The last field of each kind's schema, which a malformed action fails to give. */
const LAST_FIELD: Readonly<Record<string, string>> = {
  'ap-bind': 'adapter',
  'ap-associate': 'secretIndex',
  'ap-query': 'adapter',
  'ap-reset': 'adapter',
  'ap-request': 'message',
  'ap-reply': 'adapter',
};

/** `action` with its last field a getter that throws. */
function unreadable(kind: ActionKind, action: Record<string, unknown>): unknown {
  const field = LAST_FIELD[kind] ?? 'adapter';
  const out = { ...action };
  Object.defineProperty(out, field, {
    enumerable: true,
    get() {
      throw new Error(`getter: ${field}`);
    },
  });
  return out;
}

/** The action of scenario `sc`. */
function actionOf(c: Cast, sc: Scenario): unknown {
  const e = sc.edits;
  const guest = { actor: c.actor, hv: null, late: c.late, absent: c.pick(2) === 0 ? c.destroyed : NO_GUEST }[e['issuer'] ?? 'actor'] ?? null;
  const adapter = e['where'] === 'unknown' ? NO_QUEUE : e['where'] === 'elsewhere' ? Q.elsewhere : QUEUE_OF[sc.setup.target];
  const a: Record<string, unknown> = { kind: sc.kind, guest, adapter };
  if (sc.kind === 'ap-associate') a['secretIndex'] = e['index'] === 'none' ? 5 + c.pick(0x10000) : e['index'] === 'taken' ? 0 : sc.setup.taken ? 1 : 0;
  if (sc.kind === 'ap-request') a['message'] = new Uint8Array(e['message'] === 'big' ? AP_MAX_MESSAGE + 1 + c.pick(64) : c.pick(AP_MAX_MESSAGE + 1));
  return e['shape'] === 'throws' ? unreadable(sc.kind, a) : a;
}

/** What a rejection must leave as it was, as the hypervisor's view shows it: each guest's phase and unpacked count, each queue's binding. */
function* seen(): Calls<string> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  if (hv === null || hv.party !== 'hypervisor') return 'no view';
  return [...hv.guests.map((g) => `${g.id}:${g.phase}:${g.unpackedPages}`), ...hv.adapters.map((a) => `${a.id}@${a.machine}:${String(a.boundGuest)}`)].join(' ');
}

/** The hypervisor's TAPQ of every queue: what no rejection of a group may change either (asked once a group: each ask is a step of every vector after it). */
function* bindStates(): Calls<string> {
  const parts: string[] = [];
  for (const q of [...LOCAL_QUEUES, Q.elsewhere]) parts.push(String(yield* bsOf(null, q)));
  return parts.join(' ');
}

/** `guardsOf(kind)`, once per kind. */
const GUARDS = new Map(STIMULUS_KINDS.map((k) => [k, guardsOf(k)]));

/** Runs one scenario in the built state, which `before` shows (ignored for one that records a failure). */
function* check(c: Cast, label: string, sc: Scenario, before: string): Calls<void> {
  const o = yield* sut.apply(actionOf(c, sc));
  yield* expectCode(sc.kind, o, expectedCode(sc), `${label}; in ${sc.setup.name}, failing: ${sc.failing.join(', ')}`);
  if (recordsFailure(sc)) {
    // REQ-HSM-7: the failure is recorded: the queue is unusable until a reset.
    const bs = yield* bsOf(null, QUEUE_OF[sc.setup.target]);
    yield* holds('REQ-HSM-7', bs === 3, `${label}: after ${expectedCode(sc)} the queue's TAPQ answers ${bs}, not 3`);
    return;
  }
  yield* holds('REQ-PLATFORM-7', (yield* seen()) === before, `${label}: the rejection changed what the hypervisor sees`);
}

/**
 * The setups a run builds and the scenario it runs in each: few setups, so that the run (and
 * each vector the scenarios give, which holds every step since the reset) stays short. Greedy:
 * the setup that serves most of the entries left, ties broken by the run's generator, and in it
 * one of each entry's candidates there, by the generator too.
 */
function choose(plan: readonly Planned[], pick: (n: number) => number): { label: string; s: Scenario }[][] {
  const left = new Set(plan.keys());
  const groups: { label: string; s: Scenario }[][] = [];
  while (left.size > 0) {
    const count = new Map<string, number>();
    for (const i of left) for (const name of new Set((plan[i] as Planned).candidates.map((x) => x.setup.name))) count.set(name, (count.get(name) ?? 0) + 1);
    const most = Math.max(...count.values());
    const best = [...count].filter(([, n]) => n === most).map(([name]) => name);
    const name = best[pick(best.length)] as string;
    const group: { label: string; s: Scenario }[] = [];
    for (const i of [...left]) {
      const p = plan[i] as Planned;
      const here = p.candidates.filter((x) => x.setup.name === name);
      if (here.length === 0) continue;
      group.push({ label: p.label, s: here[pick(here.length)] as Scenario });
      left.delete(i);
    }
    groups.push(group);
  }
  return groups;
}

/** Runs `plan`: one candidate of each entry (chosen by the run), setup by setup. */
function* runPlan(seed: number, plan: readonly Planned[]): Calls<void> {
  const c = yield* cast(seed);
  for (const items of choose(plan, c.pick)) {
    const setup = (items[0] as { s: Scenario }).s.setup;
    // The scenarios that record nothing share one build; each recording one gets a build of its own.
    const quiet = items.filter((x) => !recordsFailure(x.s));
    if (quiet.length > 0) {
      yield* build(c, setup);
      const before = yield* seen();
      const states = yield* bindStates();
      for (const { label, s } of quiet) yield* check(c, label, s, before);
      yield* holds('REQ-PLATFORM-7', (yield* bindStates()) === states, `the rejections in ${setup.name} changed a queue's bind state`);
    }
    for (const { label, s } of items.filter((x) => recordsFailure(x.s))) {
      yield* build(c, setup);
      yield* check(c, label, s, '');
    }
  }
}

/** The requirements a plan asserts: each expected code's, the unchanged state's, and the recorded failure's. */
function requirementsOf(plan: readonly Planned[]): RequirementId[] {
  const reqs = new Set<RequirementId>();
  for (const p of plan) {
    for (const s of p.candidates) {
      const row = rowForKind(s.kind, expectedCode(s));
      if (row !== undefined) reqs.add(row.requirement);
      reqs.add(recordsFailure(s) ? 'REQ-HSM-7' : 'REQ-PLATFORM-7');
    }
  }
  return [...reqs].sort();
}

/** Every guard alone: the exact code and requirement, and an unchanged state unless recorded. */
export const hsmGuardAlone = defineProperty({
  mechanism: 'hsm-binding',
  name: 'stimulus-each-guard',
  requirements: requirementsOf(SINGLES),
  statement:
    'For every guard of every AP instruction (bind, associate, test, reset, enqueue, dequeue), an action that fails that guard alone, from a state honest guests and the hypervisor reach, is rejected with its code and requirement and leaves what the hypervisor sees unchanged; a failed association is recorded instead (the queue is unusable until a reset).',
  arbitrary: fc.nat(),
  *run(seed) {
    yield* runPlan(seed, SINGLES);
  },
});

/** Every pair of guards that can fail together: the one `guardsOf` lists first decides. */
export const hsmGuardPairs = defineProperty({
  mechanism: 'hsm-binding',
  name: 'stimulus-guard-pairs',
  requirements: requirementsOf(PAIRS),
  statement: 'For every pair of guards of an AP instruction that can fail together, an action failing both is rejected with the code of the one the guard order lists first.',
  arbitrary: fc.nat(),
  *run(seed) {
    yield* runPlan(seed, PAIRS);
  },
});

/**
 * The calls from a reset to an accepted call of each AP instruction (for the vectors' accepted
 * cases). Two of them pass through a release first, so that an implementation that keeps
 * something of the old user diverges on them: the bind takes a queue whose guest was destroyed
 * (REQ-HSM-12), the reply comes from a queue whose earlier user's session was reset away
 * (REQ-HSM-11: the reply is a clear-key one).
 */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      const c = yield* cast(0);
      const bind = { kind: 'ap-bind' as const, guest: c.actor, adapter: Q.ep11 };
      const request = { kind: 'ap-request' as const, guest: c.actor, adapter: Q.ep11, message: Uint8Array.of(1, 2, 3) };
      const associate = { kind: 'ap-associate' as const, guest: c.actor, adapter: Q.ep11, secretIndex: 0 };
      const calls: Record<string, unknown>[] =
        kind === 'ap-bind'
          ? [{ ...bind, guest: c.other }, { kind: 'destroy-guest', guest: c.other }, bind]
          : kind === 'ap-associate'
            ? [bind, associate]
            : kind === 'ap-request'
              ? [bind, request]
              : kind === 'ap-reply'
                ? [bind, associate, { kind: 'ap-reset', guest: null, adapter: Q.ep11 }, bind, request, { kind, guest: c.actor, adapter: Q.ep11 }]
                : [bind, { kind, guest: c.actor, adapter: Q.ep11 }];
      for (const a of calls) yield* expectAccepted('REQ-HSM-4', a['kind'] as ActionKind, yield* sut.apply(a), `accepted path of ${kind}`);
    },
  ]),
);
