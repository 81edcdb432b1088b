/**
 * Faulty verify and start handlers: each runs the model's own handler, on the world as it is or
 * with one fact of the guest changed.
 * @module
 */
import { start, verify } from '../../model/image-unpack/handlers.js';
import type { Start, Verify } from '../../model/image-unpack/actions.js';
import type { Handler } from '../../model/world/mechanism.js';
import type { GuestPhase } from '../../model/world/world.js';
import { finishDigests } from '../../model/se-format/image-pages.js';
import { withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/** Start that runs a guest in any of `phases` as if it had verified. */
function startingIn(phases: readonly GuestPhase[]): Handler<Start, Empty> {
  return (world, action) => {
    const guest = world.guests.get(action.guest);
    if (guest === undefined || !phases.includes(guest.phase)) return start(world, action);
    return start(
      withGuest(world, action.guest, (g) => ({ ...g, phase: 'verified' })),
      action,
    );
  };
}

/** Start that does not wait for verify: a guest still created or unpacking starts. */
export const startWithoutVerify = startingIn(['created', 'unpacking']);

/** Start that does not honour a failed verify: a verify-failed guest starts. */
export const startAfterFailedVerify = startingIn(['verify-failed']);

/** Verify that does not compare the ALD: the header's ALD is taken to be whatever the pages gave. */
export const verifyIgnoringAld: Handler<Verify, Empty> = (world, action) => {
  const guest = world.guests.get(action.guest);
  const digests = guest?.slices.unpack.digests ?? null;
  const image = guest?.image ?? null;
  if (guest === undefined || digests === null || image === null) return verify(world, action);
  const ald = finishDigests(digests).ald;
  const step = verify(
    withGuest(world, action.guest, (g) => ({ ...g, image: { ...image, ald } })),
    action,
  );
  // The guest keeps its header's own ALD: only the comparison was skipped.
  return { ...step, state: withGuest(step.state, action.guest, (g) => (g.image === null ? g : { ...g, image: { ...g.image, ald: image.ald } })) };
};

/** Verify whose failure is not final: the guest stays in unpacking and may verify again. */
export const verifyFailureNotRecorded: Handler<Verify, Empty> = (world, action) => {
  const step = verify(world, action);
  return step.outcome.kind === 'rejected' && step.outcome.requirement === 'REQ-UNPACK-12' ? { state: world, outcome: step.outcome } : step;
};
