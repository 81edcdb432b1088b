/**
 * Deliberately wrong implementations of mechanism 9 (integrity-gated migration): each runs the
 * model's own handler, on the world as it is or on an edited copy, and answers as an
 * implementation with one fault would. Each is caught by a migration property
 * (test/migration/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { MigrationReceive, MigrationReceiveFinish, Received, Receiving } from '../../model/migration/index.js';
import { globalValue } from '../../model/migration/firmware.js';
import { migrationReceive, migrationReceiveFinish } from '../../model/migration/target.js';
import { guestStore } from '../../model/secure-interception/cpu-calls.js';
import type { GuestStore } from '../../model/secure-interception/actions.js';
import type { Guest, World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/** `guest` with the migration it receives replaced. */
function withReceiving(guest: Guest, receiving: Receiving | null): Guest {
  return { ...guest, slices: { ...guest.slices, migration: { ...guest.slices.migration, receiving } } };
}

/**
 * Receive that takes a stale version: a sending whose counter is not above the one held replaces
 * it, as if the location had none (REQ-MIGR-8).
 */
export const receiveAcceptingStale = (world: World, action: MigrationReceive): Step<World, Empty> => {
  const step = migrationReceive(world, action);
  const r = world.guests.get(action.guest)?.slices.migration.receiving;
  if (!rejectedWith(step, 'STALE_VERSION') || r === null || r === undefined) return step;
  return migrationReceive(withGuest(world, action.guest, (g) => withReceiving(g, { ...r, latest: r.latest.delete(action.location) })), action);
};

/** A held version with the first version of its location remembered beside it. */
type WithFirst = Received & { readonly first?: { readonly counter: number; readonly tag: Uint8Array } };

/**
 * Receive that remembers, beside the latest version of each location, the first one it got
 * (for {@link finishOverFirstVersions}).
 */
export const receiveRememberingFirst = (world: World, action: MigrationReceive): Step<World, Empty> => {
  const before = world.guests.get(action.guest)?.slices.migration.receiving?.latest.get(action.location) as WithFirst | undefined;
  const step = migrationReceive(world, action);
  const r = step.state.guests.get(action.guest)?.slices.migration.receiving;
  const now = r?.latest.get(action.location);
  if (step.outcome.kind !== 'accepted' || r === null || r === undefined || now === undefined) return step;
  const first = before === undefined ? { counter: now.counter, tag: now.tag } : (before.first ?? { counter: before.counter, tag: before.tag });
  const kept: WithFirst = { ...now, first };
  return { ...step, state: withGuest(step.state, action.guest, (g) => withReceiving(g, { ...r, latest: r.latest.set(action.location, kept) })) };
};

/**
 * Receive-finish that verifies the global value over the first version received of each location
 * instead of the latest (with {@link receiveRememberingFirst}) (REQ-MIGR-9).
 */
export const finishOverFirstVersions = (world: World, action: MigrationReceiveFinish): Step<World, Empty> => {
  const r = world.guests.get(action.guest)?.slices.migration.receiving;
  if (r === null || r === undefined || r.latest.size < r.pages) return migrationReceiveFinish(world, action);
  const firstOf = (loc: number) => {
    const v = r.latest.get(loc) as WithFirst | undefined;
    return v?.first ?? v ?? { counter: 0, tag: new Uint8Array(0) };
  };
  const latestOf = (loc: number) => r.latest.get(loc) ?? { counter: 0, tag: new Uint8Array(0) };
  const overFirst = globalValue(world.suite, r.key, r.nonce, r, firstOf);
  const verifies = Buffer.from(overFirst).equals(Buffer.from(action.global));
  // The model's finish with the value its check wants, or with one that fails it.
  const global = verifies ? globalValue(world.suite, r.key, r.nonce, r, latestOf) : new Uint8Array(32);
  return migrationReceiveFinish(world, { ...action, global });
};

/** Guest-store that ignores the write lock: the guest writes into its area under migration (REQ-MIGR-5). */
export const storeDuringMigration = (world: World, action: GuestStore): Step<World, Empty> => {
  const step = guestStore(world, action);
  const sending = world.guests.get(action.guest)?.slices.migration.sending;
  if (!rejectedWith(step, 'AREA_LOCKED') || sending === null || sending === undefined) return step;
  const free = guestStore(
    withGuest(world, action.guest, (g) => ({ ...g, slices: { ...g.slices, migration: { ...g.slices.migration, sending: null } } })),
    action,
  );
  // The migration goes on: only the check was skipped.
  return { ...free, state: withGuest(free.state, action.guest, (g) => ({ ...g, slices: { ...g.slices, migration: { ...g.slices.migration, sending } } })) };
};
