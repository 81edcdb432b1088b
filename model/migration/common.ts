/**
 * What the migration handlers share: the refusal with this mechanism's table, the guest put back
 * with its migration slice replaced, and the bytes handed to the hypervisor recorded in its area.
 * Written with literals, not spreads with overrides: send and receive run once per page.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refuseWith } from '../world/guests.js';
import { patchGuest, withGuestSlice, withGuests } from '../world/records.js';
import type { Guest, GuestPhase, World } from '../world/world.js';
import { MIGR_REJECTIONS, type MigrCode } from './rejections.js';
import type { MigrationSlice } from './slice.js';

/** The accepted empty response. */
export const EMPTY: Record<string, never> = {};

/** A rejected step with a code of this mechanism; the world is `world`. */
export function fail(world: World, code: MigrCode): Step<World, never> {
  return refuseWith(MIGR_REJECTIONS, world, code);
}

/** `guest` with its migration slice, and optionally its phase and memory, replaced. */
export function withMigration(guest: Guest, slice: MigrationSlice, patch: { phase?: GuestPhase; memory?: Guest['memory'] } = {}): Guest {
  const p: { -readonly [K in keyof Guest]?: Guest[K] } = { slices: withGuestSlice(guest.slices, 'migration', slice) };
  if (patch.phase !== undefined) p.phase = patch.phase;
  if (patch.memory !== undefined) p.memory = patch.memory;
  return patchGuest(guest, p);
}

/** `world` with `guest` put back (by its ID). */
export function putGuest(world: World, guest: Guest): World {
  return withGuests(world, world.guests.set(guest.id, guest));
}

/**
 * `world` with `bytes` appended to the hypervisor's migration streams, tagged with `guest`. The
 * world keeps `bytes` itself: callers pass a copy nobody else holds (a response's bytes go to the
 * caller, which may change them).
 */
export function toHypervisor(world: World, guest: number, bytes: Uint8Array): World {
  const h = world.hypervisor;
  return {
    config: world.config,
    suite: world.suite,
    machines: world.machines,
    guests: world.guests,
    nextGuestId: world.nextGuestId,
    adapters: world.adapters,
    hostManager: world.hostManager,
    hypervisor: {
      nonSecureMemory: h.nonSecureMemory,
      interceptions: h.interceptions,
      dumps: h.dumps,
      migrationStreams: h.migrationStreams.push({ guest, bytes }),
      relayed: h.relayed,
    },
    slices: world.slices,
  };
}

/** True when `location` is a page of the area. */
export function inArea(area: { first: number; pages: number }, location: number): boolean {
  return location >= area.first && location < area.first + area.pages;
}
