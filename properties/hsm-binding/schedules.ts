/**
 * Schedules over AP queues: two running secure guests with association secrets that mechanism 3
 * added, a third guest that is not running yet (and may start), and the hypervisor, issuing
 * binds, associations, tests, resets, requests and replies on every queue, and destroying guests.
 * The runner keeps what the outcomes say (who holds each queue, which logins happened) and hands
 * each step to the property, which checks its own rule.
 * @module
 */
import fc from 'fast-check';
import type { Action, PlatformOutcome } from '../../model/platform/index.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { sut, type Calls } from '../sut-calls.js';
import type { TestImage } from '../image-unpack/fixtures.js';
import { addAssociationSecret, advance, createGuest, HSM_CONFIG, imageAt, LOCAL_QUEUES, NO_QUEUE, Q, secretValue, secureGuest } from './fixtures.js';

/** The AP instructions a schedule issues. */
export type ApOp = 'bind' | 'associate' | 'query' | 'reset' | 'request' | 'reply';

/** One step of a schedule. `who` indexes the actors: 0, 1 running guests, 2 the late guest, 3 the hypervisor. */
export type HsmMove =
  | { readonly op: ApOp; readonly who: number; readonly queue: number; readonly index: number; readonly message: Uint8Array }
  | { readonly op: 'destroy'; readonly who: number }
  /** The late guest's boot is finished: it becomes a secure guest. */
  | { readonly op: 'start-late' };

/** The hypervisor's index among the actors. */
export const HYPERVISOR = 3;

/** The queues a schedule names: every local one, the other machine's, and one that does not exist. */
export const SCHEDULE_QUEUES: readonly number[] = [...LOCAL_QUEUES, Q.elsewhere, NO_QUEUE];

const arbApMove: fc.Arbitrary<HsmMove> = fc.record({
  op: fc.constantFrom<ApOp>('bind', 'bind', 'associate', 'associate', 'query', 'reset', 'request', 'request', 'reply'),
  who: fc.nat(HYPERVISOR),
  queue: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(Q.ep11, Q.ep11b, Q.accel, Q.noKey) }, { weight: 1, arbitrary: fc.constantFrom(...SCHEDULE_QUEUES) }),
  index: fc.nat(2),
  message: fc.uint8Array({ minLength: 0, maxLength: 48 }),
});

/** A schedule: mostly AP instructions, now and then a destroy or the late guest's start. */
export const arbHsmSchedule: fc.Arbitrary<readonly HsmMove[]> = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: arbApMove },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('destroy' as const), who: fc.nat(2) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'start-late' as const }) },
  ),
  { minLength: 8, maxLength: 32 },
);

/** A guest the schedule drives. */
export interface Actor {
  readonly id: number;
  readonly image: TestImage;
  /** Its association secrets, by their index in its store. */
  readonly secrets: readonly Uint8Array[];
  alive: boolean;
  running: boolean;
}

/** What the runner knows after each step, from the outcomes alone. */
export interface ScheduleState {
  readonly actors: readonly Actor[];
  /** Queue → the guest the outcomes say holds it (an accepted bind, no reset or destroy since). */
  readonly holder: Map<number, number>;
  /** Queue → the association secrets of the logins accepted on it, in order (login n is entry n). */
  readonly logins: Map<number, Uint8Array[]>;
  /** Every byte string the schedule supplied (add-secret requests, messages). */
  readonly supplied: Uint8Array[];
}

/** One step as the property sees it: the move, the action (if it issued one), its outcome and the state before it. */
export interface HsmStep {
  readonly move: HsmMove;
  readonly action: Action | undefined;
  readonly outcome: PlatformOutcome | undefined;
  /** Who held the action's queue before it (null: nobody). */
  readonly heldBy: number | null;
  /** The issuing actor, or undefined for the hypervisor. */
  readonly actor: Actor | undefined;
}

/** The action of an AP move by `issuer` (null: the hypervisor). */
export function apAction(move: Extract<HsmMove, { queue: number }>, issuer: number | null): Action {
  const common = { guest: issuer, adapter: move.queue };
  switch (move.op) {
    case 'associate':
      return { kind: 'ap-associate', ...common, secretIndex: move.index };
    case 'request':
      return { kind: 'ap-request', ...common, message: move.message };
    case 'bind':
      return { kind: 'ap-bind', ...common };
    case 'query':
      return { kind: 'ap-query', ...common };
    case 'reset':
      return { kind: 'ap-reset', ...common };
    case 'reply':
      return { kind: 'ap-reply', ...common };
  }
}

/** The honest calls of the late guest that leave it short of running: none, some, or all but start. */
function lateCalls(image: TestImage, variant: number): number {
  const all = honestCalls(0, image).length;
  return [0, 1 + (variant % (all - 2)), all - 1][variant % 3] ?? 0;
}

/**
 * Runs `moves` from a reset to {@link HSM_CONFIG}: guests 0 and 1 booted and given association
 * secrets through add-secret (two and one), guest 2 created and taken `variant`-dependently
 * short of `running`. `each` sees every step after it is applied; `after` is called after every
 * step (also the set-up), to check the state.
 */
export function* runHsmSchedule(
  moves: readonly HsmMove[],
  variant: number,
  each: (s: HsmStep, st: ScheduleState) => Calls<void>,
  after: (st: ScheduleState, context: string) => Calls<void> = function* () {},
): Calls<ScheduleState> {
  yield* sut.reset(HSM_CONFIG);
  const supplied: Uint8Array[] = [];
  const actors: Actor[] = [];
  for (const [i, n] of [2, 1].entries()) {
    const image = imageAt(variant + i);
    const id = yield* secureGuest(image);
    const secrets: Uint8Array[] = [];
    for (let k = 0; k < n; k++) {
      const value = secretValue(variant * 7 + i * 3 + k);
      secrets.push(yield* addAssociationSecret(id, image, value, variant + 13 * i + k, supplied));
    }
    actors.push({ id, image, secrets, alive: true, running: true });
  }
  const lateImage = imageAt(variant + 2);
  const late: Actor = { id: yield* createGuest(lateImage), image: lateImage, secrets: [], alive: true, running: false };
  const lateDone = lateCalls(lateImage, variant);
  yield* advance(late.id, lateImage, lateDone);
  actors.push(late);
  const st: ScheduleState = { actors, holder: new Map(), logins: new Map(), supplied };
  yield* after(st, 'after the set-up');
  for (const [n, move] of moves.entries()) {
    const context = `step ${n} (${move.op}${'who' in move ? ` by ${move.who === HYPERVISOR ? 'the hypervisor' : `actor ${move.who}`}` : ''}${'queue' in move ? ` on queue ${move.queue}` : ''})`;
    if (move.op === 'start-late') {
      if (late.alive && !late.running) {
        yield* advance(late.id, lateImage, Number.POSITIVE_INFINITY, lateDone);
        late.running = true;
      }
      yield* each({ move, action: undefined, outcome: undefined, heldBy: null, actor: late }, st);
    } else if (move.op === 'destroy') {
      const actor = actors[move.who] as Actor;
      const action: Action = { kind: 'destroy-guest', guest: actor.id };
      const outcome = yield* sut.apply(action);
      yield* each({ move, action, outcome, heldBy: null, actor }, st);
      if (outcome.kind === 'accepted') {
        actor.alive = false;
        actor.running = false;
        for (const [q, g] of [...st.holder]) if (g === actor.id) st.holder.delete(q);
      }
    } else {
      const actor = move.who === HYPERVISOR ? undefined : (actors[move.who] as Actor);
      const action = apAction(move, actor?.id ?? null);
      if (action.kind === 'ap-request') supplied.push(action.message);
      const heldBy = st.holder.get(move.queue) ?? null;
      const outcome = yield* sut.apply(action);
      yield* each({ move, action, outcome, heldBy, actor }, st);
      if (outcome.kind === 'accepted') {
        if (action.kind === 'ap-bind' && actor !== undefined) st.holder.set(move.queue, actor.id);
        if (action.kind === 'ap-reset') st.holder.delete(move.queue);
        if (action.kind === 'ap-associate' && actor !== undefined) {
          const used = st.logins.get(move.queue) ?? [];
          st.logins.set(move.queue, [...used, actor.secrets[move.index] ?? new Uint8Array(0)]);
        }
      }
    }
    yield* after(st, `after ${context}`);
  }
  return st;
}
