/**
 * The target firmware's handlers (spec/migration.md, REQ-MIGR-7 to REQ-MIGR-9): a guest of the
 * target machine whose header was accepted becomes the receiver of a migration; it takes the
 * sendings in any order, keeps the latest version of each location, and runs only once the
 * global value verifies over exactly those versions. A failed verification is recorded.
 * @module
 */
import { equalBytes } from '../core/bytes.js';
import type { Step } from '../core/outcome.js';
import { keep, refusePlatform, resetCpu } from '../world/guests.js';
import { PageMap } from '../world/page-map.js';
import type { Guest, World } from '../world/world.js';
import type { MigrationReceive, MigrationReceiveFinish, MigrationReceiveStart } from './actions.js';
import { EMPTY, fail, inArea, putGuest, withMigration } from './common.js';
import { globalValue, migrationKey, openPage, ownPhkh, receivedBefore, recordReceived } from './firmware.js';
import type { Received, Receiving } from './slice.js';

type Empty = Record<string, never>;

/** A location never received (finish checks that none is). */
const NOT_RECEIVED = { counter: 0, tag: new Uint8Array(16) };

/** True when the guest may receive a migration: a header accepted, nothing unpacked, not verified. */
function receivable(guest: Guest): boolean {
  return (
    guest.phase === 'unpacking' &&
    // Stryker disable next-line ConditionalExpression: an unpacking guest always has an image (this test only narrows the type)
    guest.image !== null &&
    guest.memory.size === 0
  );
}

/** The guest and the migration it receives, or the rejection of the first three guards of a call during one. */
function receiving(world: World, id: number): { guest: Guest; receiving: Receiving } | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-MIGR-7: the guest is still receivable (nothing unpacked, verified or failed)
  if (!receivable(guest)) return fail(world, 'NOT_RECEIVABLE');
  const r = guest.slices.migration.receiving;
  // REQ-MIGR-8: a migration is being received
  if (r === null) return fail(world, 'NO_RECEIVE');
  return { guest, receiving: r };
}

const isReceiving = (d: { guest: Guest; receiving: Receiving } | Step<World, never>): d is { guest: Guest; receiving: Receiving } => 'receiving' in d;

/** `world` with the target's failure recorded: the migration ends and the guest never runs. */
function recordFailure(world: World, guest: Guest): World {
  const m = guest.slices.migration;
  return putGuest(world, withMigration(guest, { sending: m.sending, receiving: null, paging: m.paging }, { phase: 'verify-failed' }));
}

/**
 * Receive start: the firmware derives the migration key from the image, the nonce and its own host key.
 * @requirement REQ-MIGR-1 REQ-MIGR-7
 */
export function migrationReceiveStart(world: World, action: MigrationReceiveStart): Step<World, Empty> {
  const guest = world.guests.get(action.guest);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-MIGR-7: a header was accepted and nothing unpacked, verified or failed
  if (!receivable(guest)) return fail(world, 'NOT_RECEIVABLE');
  // REQ-MIGR-7: one migration received at a time
  if (guest.slices.migration.receiving !== null) return fail(world, 'RECEIVE_IN_PROGRESS');
  // REQ-MIGR-7: the area lies inside guest memory (the schema's bounds are the reducer's to judge)
  if (action.first < 0 || action.pages < 1 || action.first + action.pages > guest.memoryPages) return fail(world, 'AREA_OUT_OF_RANGE');
  // REQ-MIGR-7: a migration starts at most one guest on this machine
  if (receivedBefore(world, guest.machine, action.nonce)) return fail(world, 'MIGRATION_REPLAYED');
  const nonce = keep(action.nonce);
  const key = migrationKey(world.suite, guest, nonce, ownPhkh(guest));
  const next: Receiving = { first: action.first, pages: action.pages, nonce, key, latest: PageMap.empty() };
  const m = guest.slices.migration;
  const g = withMigration(guest, { sending: m.sending, receiving: next, paging: m.paging });
  return { state: putGuest(recordReceived(world, guest.machine, nonce), g), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * Receive: one sending of a location, in any order; only a newer version replaces the one held.
 * @requirement REQ-MIGR-8
 */
export function migrationReceive(world: World, action: MigrationReceive): Step<World, Empty> {
  const d = receiving(world, action.guest);
  if (!isReceiving(d)) return d;
  const { guest, receiving: r } = d;
  // REQ-MIGR-8: the location is a page of the area
  if (!inArea(r, action.location)) return fail(world, 'LOCATION_OUT_OF_AREA');
  // REQ-MIGR-8: a replay of an older (or the same) version never wins
  if (action.counter <= (r.latest.get(action.location)?.counter ?? 0)) return fail(world, 'STALE_VERSION');
  const plain = openPage(world.suite, r.key, r.nonce, action.location, action.counter, action.content, action.integrity);
  // REQ-MIGR-8: the integrity value verifies under the migration key; a failure is recorded
  if (plain === undefined) return fail(recordFailure(world, guest), 'PAGE_INTEGRITY_FAILED');
  const version: Received = { counter: action.counter, tag: keep(action.integrity), plain };
  const next: Receiving = { first: r.first, pages: r.pages, nonce: r.nonce, key: r.key, latest: r.latest.set(action.location, version) };
  const m = guest.slices.migration;
  return { state: putGuest(world, withMigration(guest, { sending: m.sending, receiving: next, paging: m.paging })), outcome: { kind: 'accepted', response: EMPTY } };
}


/**
 * Receive finish: the global value verifies over the latest version of every location, and the
 * guest runs with exactly that memory; or the failure is recorded and it never runs.
 * @requirement REQ-MIGR-9
 */
export function migrationReceiveFinish(world: World, action: MigrationReceiveFinish): Step<World, Empty> {
  const d = receiving(world, action.guest);
  if (!isReceiving(d)) return d;
  const { guest, receiving: r } = d;
  // REQ-MIGR-9: every location of the area was received
  if (r.latest.size < r.pages) return fail(world, 'NOT_ALL_RECEIVED');
  // Stryker disable next-line all: the guard above saw every location received, so the fallback is never read
  const expected = globalValue(world.suite, r.key, r.nonce, r, (loc) => r.latest.get(loc) ?? NOT_RECEIVED);
  // REQ-MIGR-9: the global value verifies; a failure is recorded
  if (!equalBytes(expected, action.global)) return fail(recordFailure(world, guest), 'GLOBAL_MISMATCH');
  let memory = PageMap.empty<Uint8Array>();
  for (const [loc, v] of r.latest) memory = memory.set(loc, v.plain);
  const m = guest.slices.migration;
  // Stryker disable next-line all: a receivable guest has an image
  const psw = guest.image?.psw ?? guest.cpu.psw;
  const g = withMigration(guest, { sending: m.sending, receiving: null, paging: m.paging }, { phase: 'running', memory });
  return { state: putGuest(world, { ...g, cpu: { ...resetCpu(), psw } }), outcome: { kind: 'accepted', response: EMPTY } };
}
