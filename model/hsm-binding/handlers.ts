/**
 * The firmware's handlers of the AP instructions (spec/hsm-binding.md).
 *
 * Each handler checks its guards in the order of the specification (`guards.ts` lists them),
 * then applies its effect as one new adapter value. A rejection returns the world unchanged,
 * except a failed association, which the queue keeps reporting until a reset (REQ-HSM-7).
 * Handlers are total: they never throw. No byte of an action is kept: a reply is computed from
 * the message, and a session code from the guest's stored association secret.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { associationSecret } from '../request-controls/store.js';
import { refusePlatform, refuseWith } from '../world/guests.js';
import type { Adapter, Guest, World } from '../world/world.js';
import { AP_MAX_MESSAGE, type ApAssociate, type ApBind, type ApQuery, type ApReply, type ApRequest, type ApReset } from './actions.js';
import { HSM_REJECTIONS, type HsmCode } from './rejections.js';
import { bindable, bindState, boundCount, MAX_BOUND_QUEUES, QUEUE_DEPTH, released, replyOf, sessionCode } from './queue.js';

type Empty = Record<string, never>;
const EMPTY: Empty = {};

function fail(world: World, code: HsmCode): Step<World, never> {
  return refuseWith(HSM_REJECTIONS, world, code);
}

function withAdapter(world: World, adapter: Adapter): World {
  return { ...world, adapters: world.adapters.set(adapter.id, adapter) };
}

/** Who issues an instruction on which queue, once the first three guards passed. */
interface Target {
  /** The issuing guest, or null for the hypervisor. */
  readonly guest: Guest | null;
  readonly adapter: Adapter;
}

/**
 * The first three guards of every AP instruction: a named guest exists (REQ-PLATFORM-2), it is
 * running (REQ-HSM-2; `hypervisor` says whether the hypervisor itself may issue the
 * instruction), and the queue exists on its machine (REQ-HSM-1).
 */
function target(world: World, guestId: number | null, adapterId: number, hypervisor: boolean): Target | Step<World, never> {
  const guest = guestId === null ? null : world.guests.get(guestId);
  // REQ-PLATFORM-2: a named guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-HSM-2: the issuer is a running secure guest, or the hypervisor where it may issue this
  if (guest === null ? !hypervisor : guest.phase !== 'running') return fail(world, 'NOT_SECURE_GUEST');
  const adapter = world.adapters.get(adapterId);
  // REQ-HSM-1: the queue exists, on the issuing guest's machine
  if (adapter === undefined || (guest !== null && adapter.machine !== guest.machine)) return fail(world, 'QUEUE_NOT_AVAILABLE');
  return { guest, adapter };
}

const isTarget = (t: Target | Step<World, never>): t is Target => 'adapter' in t;

/** The code a failed association keeps answering with (REQ-HSM-7), or undefined. */
function sticky(adapter: Adapter): HsmCode | undefined {
  return adapter.associationFailure === 'not-unique' ? 'ASSOCIATION_NOT_UNIQUE' : adapter.associationFailure === 'login-refused' ? 'ASSOCIATION_FAILED' : undefined;
}

/**
 * The guards of a guest's use of a queue after the first three (REQ-HSM-3, REQ-HSM-7): not bound
 * to another guest (for the hypervisor: to any), bound to the issuing guest, no failed association.
 */
function use(world: World, t: Target): Step<World, never> | undefined {
  const { guest, adapter } = t;
  // REQ-HSM-3: not bound to another guest (the hypervisor uses only a queue no guest holds)
  if (adapter.boundGuest !== null && adapter.boundGuest !== guest?.id) return fail(world, 'BOUND_TO_OTHER');
  // REQ-HSM-3: a secure guest uses only a queue bound to it
  if (guest !== null && adapter.boundGuest === null) return fail(world, 'NOT_BOUND');
  const failed = sticky(adapter);
  // REQ-HSM-7: a failed association answers every instruction until a reset
  if (failed !== undefined) return fail(world, failed);
  return undefined;
}

/**
 * BAPQ: bind the queue to the issuing secure guest.
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-4 REQ-HSM-5 REQ-HSM-7
 */
export function apBind(world: World, action: ApBind): Step<World, Empty> {
  const t = target(world, action.guest, action.adapter, false);
  if (!isTarget(t)) return t;
  const { adapter } = t;
  const guest = t.guest as Guest;
  // REQ-HSM-3: not bound to another guest
  if (adapter.boundGuest !== null && adapter.boundGuest !== guest.id) return fail(world, 'BOUND_TO_OTHER');
  const failed = sticky(adapter);
  // REQ-HSM-7: a failed association answers every instruction until a reset
  if (failed !== undefined) return fail(world, failed);
  // REQ-HSM-4: the queue is available for binding: its type binds, and this guest has not bound it yet
  if (!bindable(adapter) || adapter.boundGuest === guest.id) return fail(world, 'BIND_ERROR');
  // REQ-HSM-5: no reply is waiting
  if (adapter.replies.length > 0) return fail(world, 'QUEUE_NOT_EMPTY');
  // REQ-HSM-4: the guest holds fewer queues than the bind limit
  if (boundCount(world, guest.id) >= MAX_BOUND_QUEUES) return fail(world, 'BIND_LIMIT_EXCEEDED');
  // A free queue has no association (a release drops it): the association index is invalid.
  return { state: withAdapter(world, { ...adapter, boundGuest: guest.id }), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * AAPQ: associate the bound EP11 queue with the guest's association secret at `secretIndex`:
 * the firmware logs the guest into the HSM with it and keeps the session code the HSM answers.
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-5 REQ-HSM-6 REQ-HSM-7 REQ-HSM-8
 */
export function apAssociate(world: World, action: ApAssociate): Step<World, Empty> {
  const t = target(world, action.guest, action.adapter, false);
  if (!isTarget(t)) return t;
  const refused = use(world, t);
  if (refused !== undefined) return refused;
  const { adapter } = t;
  const guest = t.guest as Guest;
  // REQ-HSM-6: the queue is in bind state 1 (bound, no failure, as the guards before say): an EP11 queue, not yet associated
  if (adapter.type !== 'ep11' || adapter.associationIndex !== null) return fail(world, 'NOT_AVAILABLE_FOR_ASSOCIATION');
  // REQ-HSM-5: no reply is waiting
  if (adapter.replies.length > 0) return fail(world, 'QUEUE_NOT_EMPTY');
  // Mechanism 3's secret store, read only through its query.
  const secret = associationSecret(guest.slices.secrets, action.secretIndex);
  // REQ-HSM-6: the guest's store holds an association secret at the index
  if (secret === undefined) return fail(world, 'INVALID_ASSOCIATION_SECRET');
  // REQ-HSM-7: the secret is not associated with another queue of this guest (recorded; this
  // queue is not associated, as the guard of REQ-HSM-6 says)
  for (const other of world.adapters.values()) {
    if (other.boundGuest === guest.id && other.associationIndex === action.secretIndex) {
      return fail(withAdapter(world, { ...adapter, associationFailure: 'not-unique' }), 'ASSOCIATION_NOT_UNIQUE');
    }
  }
  const { hsm } = adapter;
  // REQ-HSM-7: the HSM accepts the login: it has a master key (recorded)
  if (hsm.masterKey.length === 0) return fail(withAdapter(world, { ...adapter, associationFailure: 'login-refused' }), 'ASSOCIATION_FAILED');
  // REQ-HSM-8: the HSM answers the login with a session code; the firmware keeps it, and hands it to no one
  const session = sessionCode(world.suite, hsm.masterKey, hsm.logins, secret.value);
  const associated: Adapter = { ...adapter, associationIndex: action.secretIndex, hsm: { ...hsm, logins: hsm.logins + 1, session } };
  return { state: withAdapter(world, associated), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * TAPQ: the queue's bind state. A guest tests only a queue no other guest holds; the hypervisor
 * tests any queue (it sees what TAPQ shows).
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-10
 */
export function apQuery(world: World, action: ApQuery): Step<World, { readonly bs: number }> {
  const t = target(world, action.guest, action.adapter, true);
  if (!isTarget(t)) return t;
  const { guest, adapter } = t;
  // REQ-HSM-3: a guest tests only a queue that is not bound to another guest
  if (guest !== null && adapter.boundGuest !== null && adapter.boundGuest !== guest.id) return fail(world, 'BOUND_TO_OTHER');
  return { state: world, outcome: { kind: 'accepted', response: { bs: bindState(adapter) } } };
}

/**
 * RAPQ/ZAPQ with the F bit: the queue is released with nothing of its user left in it.
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-11
 */
export function apReset(world: World, action: ApReset): Step<World, Empty> {
  const t = target(world, action.guest, action.adapter, true);
  if (!isTarget(t)) return t;
  const { guest, adapter } = t;
  // REQ-HSM-3: a guest resets only a queue that is not bound to another guest
  if (guest !== null && adapter.boundGuest !== null && adapter.boundGuest !== guest.id) return fail(world, 'BOUND_TO_OTHER');
  // REQ-HSM-11: the reset releases the queue
  return { state: withAdapter(world, released(adapter)), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * NQAP: enqueue a request; the HSM's reply waits on the queue.
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-7 REQ-HSM-9
 */
export function apRequest(world: World, action: ApRequest): Step<World, Empty> {
  const t = target(world, action.guest, action.adapter, true);
  if (!isTarget(t)) return t;
  const refused = use(world, t);
  if (refused !== undefined) return refused;
  const { adapter } = t;
  // REQ-HSM-9: the message fits the queue
  if (action.message.length > AP_MAX_MESSAGE) return fail(world, 'MESSAGE_TOO_BIG');
  // REQ-HSM-9: the queue is not full
  if (adapter.replies.length >= QUEUE_DEPTH) return fail(world, 'QUEUE_FULL');
  // REQ-HSM-9: the HSM answers in the queue's session, if it has one
  const reply = replyOf(world.suite, adapter.hsm.session, action.message);
  return { state: withAdapter(world, { ...adapter, replies: [...adapter.replies, reply] }), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * DQAP: dequeue the oldest reply.
 * @requirement REQ-HSM-1 REQ-HSM-2 REQ-HSM-3 REQ-HSM-7 REQ-HSM-9
 */
export function apReply(world: World, action: ApReply): Step<World, { readonly reply: Uint8Array }> {
  const t = target(world, action.guest, action.adapter, true);
  if (!isTarget(t)) return t;
  const refused = use(world, t);
  if (refused !== undefined) return refused;
  const { adapter } = t;
  const [first, ...rest] = adapter.replies;
  // REQ-HSM-9: a reply is waiting
  if (first === undefined) return fail(world, 'NO_PENDING_REPLY');
  return { state: withAdapter(world, { ...adapter, replies: rest }), outcome: { kind: 'accepted', response: { reply: first.slice() } } };
}
