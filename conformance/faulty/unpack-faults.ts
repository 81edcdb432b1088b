/**
 * Faulty unpack handlers: each runs the model's `unpack`, and where the model refuses for one
 * reason, answers as a wrong implementation would.
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { unpack } from '../../model/image-unpack/handlers.js';
import type { Handler } from '../../model/world/mechanism.js';
import type { Unpack } from '../../model/image-unpack/actions.js';
import { rejectedWith, withGuest } from './world-edit.js';

type UnpackHandler = Handler<Unpack, Record<string, never>>;

/** Unpack that forgets a tweak was used: a TWEAK_REUSED page is taken as if its tweak were fresh. */
export const unpackAcceptingReusedTweak: UnpackHandler = (world, action) => {
  const step = unpack(world, action);
  if (!rejectedWith(step, 'TWEAK_REUSED')) return step;
  const forgetful = withGuest(world, action.guest, (g) => ({
    ...g,
    slices: { ...g.slices, unpack: { ...g.slices.unpack, usedTweaks: g.slices.unpack.usedTweaks.remove(action.tweak) } },
  }));
  return unpack(forgetful, action);
};

/** Unpack that takes a second page at an address already unpacked, overwriting the first. */
export const unpackAcceptingSecondPage: UnpackHandler = (world, action) => {
  const step = unpack(world, action);
  if (!rejectedWith(step, 'ADDRESS_ALREADY_UNPACKED')) return step;
  const page = Number(action.address / BigInt(PAGE_SIZE));
  return unpack(
    withGuest(world, action.guest, (g) => ({ ...g, memory: g.memory.remove(page) })),
    action,
  );
};

/**
 * Unpack with two guards in the wrong order: a page at an unpacked address whose tweak was also
 * used answers TWEAK_REUSED, where the specification checks the address first.
 */
export const unpackTweakBeforeAddress: UnpackHandler = (world, action) => {
  const step = unpack(world, action);
  if (!rejectedWith(step, 'ADDRESS_ALREADY_UNPACKED')) return step;
  const guest = world.guests.get(action.guest);
  if (guest?.slices.unpack.usedTweaks.has(action.tweak) !== true) return step;
  // The address check passes once the page is gone: the model's own guard then answers TWEAK_REUSED.
  const page = Number(action.address / BigInt(PAGE_SIZE));
  const answer = unpack(
    withGuest(world, action.guest, (g) => ({ ...g, memory: g.memory.remove(page) })),
    action,
  );
  return { state: world, outcome: answer.outcome };
};
