/**
 * The guest core's helpers every handler uses: find the guest an action names, put a changed
 * guest back, refuse with a platform code.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { rowOf, type Rejections } from '../core/rejections.js';
import { slabCopy } from '../core/slab.js';
import { PageMap } from './page-map.js';
import type { GuestStep } from './mechanism.js';
import { withGuests } from './records.js';
import { PLATFORM_REJECTIONS, type PlatformCode } from './platform-rejections.js';
import type { CpuState, Guest, GuestSlices, World } from './world.js';

/** The largest guest the model accepts: 2^26 pages of 4 KiB (256 GiB). */
export const MAX_GUEST_PAGES = 2 ** 26;

/** A rejected step whose code comes from `table`; the world is `world` (unchanged, or recorded). */
export function refuseWith(table: Rejections, world: World, code: string): Step<World, never> {
  const row = rowOf(table.rows, code);
  // Stryker disable next-line all: callers pass codes typed by their table, so every code has a row
  if (row === undefined) throw new Error(`${code} is not in the ${table.mechanism} rejection table`);
  return { state: world, outcome: { kind: 'rejected', code, requirement: row.requirement } };
}

/** A rejected step with a platform code; the world is unchanged. */
export function refusePlatform(world: World, code: PlatformCode): Step<World, never> {
  return { state: world, outcome: { kind: 'rejected', code, requirement: PLATFORM_REJECTIONS.rows[code].requirement } };
}

/**
 * Runs a guest transition on the guest `id` names and stores the guest it returns (also after a
 * recorded rejection). REQ-PLATFORM-2: an ID that names no guest is `GUEST_NOT_FOUND`.
 */
export function onGuest<R>(world: World, id: number, f: (guest: Guest) => GuestStep<R>): Step<World, R> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  const s = f(guest);
  const state = s.guest === guest ? world : withGuests(world, world.guests.set(id, s.guest));
  return { state, outcome: s.outcome };
}

/** A CPU in its reset state: registers and PSW zero, prefix zero. */
export function resetCpu(): CpuState {
  return { registers: Array.from({ length: 16 }, () => 0n), psw: { mask: 0n, addr: 0n }, prefix: 0 };
}

/** A new guest in phase `created` with empty memory and the given slices. */
export function newGuest(id: number, machine: number, memoryPages: number, slices: GuestSlices): Guest {
  return { id, machine, memoryPages, memory: PageMap.empty(), phase: 'created', cpu: resetCpu(), image: null, slices };
}

/**
 * A copy of action bytes for the world to keep. The boundary hands handlers bytes in its scratch memory,
 * which the next step reuses: whatever a handler stores (a page, a tweak, a header) it stores
 * through `keep` (REQ-PLATFORM-6).
 */
export function keep(bytes: Uint8Array): Uint8Array {
  return slabCopy(bytes);
}
