/**
 * Deliberately wrong implementations of mechanism 4 (exclusive HSM binding): each runs the
 * model's own handler, on the world as it is or on an edited copy, and answers as an
 * implementation with one fault would. Each is caught by an hsm-binding property
 * (test/hsm-binding/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { ApAssociate, ApBind, ApReset } from '../../model/hsm-binding/actions.js';
import { apAssociate, apBind, apReset } from '../../model/hsm-binding/handlers.js';
import { released } from '../../model/hsm-binding/queue.js';
import { HANDLERS } from '../../model/platform/mechanisms.js';
import { viewOf, type Party, type View } from '../../model/platform/views.js';
import type { DestroyGuest } from '../../model/platform/lifecycle.js';
import type { Adapter, World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/** `world` with adapter `id` replaced by `edit(adapter)`; the world itself when there is no such adapter. */
function withAdapter(world: World, id: number, edit: (a: Adapter) => Adapter): World {
  const a = world.adapters.get(id);
  return a === undefined ? world : { ...world, adapters: world.adapters.set(id, edit(a)) };
}

/** Bind that lets a second guest take a bound queue: the queue is bound to it instead (REQ-HSM-3). */
export const bindTakingBoundQueue = (world: World, action: ApBind): Step<World, Empty> => {
  const step = apBind(world, action);
  if (!rejectedWith(step, 'BOUND_TO_OTHER')) return step;
  return apBind(withAdapter(world, action.adapter, released), action);
};

/** Bind that takes any guest for a secure one: a guest that is not running binds (REQ-HSM-2). */
export const bindByNonSecureGuest = (world: World, action: ApBind): Step<World, Empty> => {
  const step = apBind(world, action);
  if (!rejectedWith(step, 'NOT_SECURE_GUEST') || action.guest === null) return step;
  const id = action.guest;
  const phase = world.guests.get(id)?.phase;
  const s = apBind(
    withGuest(world, id, (g) => ({ ...g, phase: 'running' })),
    action,
  );
  // The guest keeps its own phase: only the check was skipped.
  return phase === undefined ? s : { ...s, state: withGuest(s.state, id, (g) => ({ ...g, phase })) };
};

/** Reset that drops the binding but leaves the HSM in the old guest's session (REQ-HSM-11). */
export const resetKeepingSession = (world: World, action: ApReset): Step<World, Empty> => {
  const step = apReset(world, action);
  const session = world.adapters.get(action.adapter)?.hsm.session ?? null;
  if (step.outcome.kind !== 'accepted' || session === null) return step;
  return { ...step, state: withAdapter(step.state, action.adapter, (a) => ({ ...a, hsm: { ...a.hsm, session } })) };
};

/** Destroy that forgets to release the guest's queues: they stay bound to a guest that is gone (REQ-HSM-12). */
export const destroyKeepingQueues = (world: World, action: DestroyGuest): Step<World, Empty> => {
  const step = HANDLERS['destroy-guest'](world, action);
  return step.outcome.kind === 'accepted' ? { ...step, state: { ...step.state, adapters: world.adapters } } : step;
};

/**
 * Associate that does not look in the secret store: an index without an association secret logs
 * in with 32 zero bytes (REQ-HSM-6).
 */
export const associateWithoutSecret = (world: World, action: ApAssociate): Step<World, Empty> => {
  const step = apAssociate(world, action);
  if (!rejectedWith(step, 'INVALID_ASSOCIATION_SECRET') || action.guest === null) return step;
  const id = action.guest;
  const before = world.guests.get(id)?.slices.secrets;
  if (before === undefined) return step;
  const forged = { index: action.secretIndex, type: 0x02, id: new Uint8Array(32), value: new Uint8Array(32) };
  const s = apAssociate(
    withGuest(world, id, (g) => ({ ...g, slices: { ...g.slices, secrets: { ...before, secrets: [...before.secrets, forged] } } })),
    action,
  );
  return { ...s, state: withGuest(s.state, id, (g) => ({ ...g, slices: { ...g.slices, secrets: before } })) };
};

/** Views in which the hypervisor sees every session code the firmware keeps, among the relayed responses (REQ-HSM-8). */
export function sessionLeakingViews(world: World, party: Party): View | null {
  const v = viewOf(world, party);
  if (v === null || v.party !== 'hypervisor') return v;
  const leaked = [...world.adapters.values()].flatMap((a) => (a.hsm.session === null ? [] : [{ guest: a.boundGuest ?? 0, bytes: a.hsm.session.slice() }]));
  return { ...v, relayed: [...v.relayed, ...leaked] };
}
