/**
 * Small edits of a world for the faulty implementations: a guest changed in place, and a
 * rejection recognised by its code. Each faulty handler runs the model's own handler, on the
 * world as it is or on an edited copy; none copies a handler.
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { Guest, World } from '../../model/world/world.js';

/** `world` with guest `id` replaced by `edit(guest)`; the world itself when there is no such guest. */
export function withGuest(world: World, id: number, edit: (guest: Guest) => Guest): World {
  const guest = world.guests.get(id);
  return guest === undefined ? world : { ...world, guests: world.guests.set(id, edit(guest)) };
}

/** True when `step` is a rejection with `code`. */
export function rejectedWith(step: Step<World, unknown>, code: string): boolean {
  return step.outcome.kind === 'rejected' && step.outcome.code === code;
}
