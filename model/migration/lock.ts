/**
 * The write lock of a migrating area (REQ-MIGR-5), for the mechanisms whose calls write guest
 * memory: a guest store into a page of an area under migration is refused with this mechanism's
 * `AREA_LOCKED`.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { Step } from '../core/outcome.js';
import type { Guest, World } from '../world/world.js';
import { fail } from './common.js';

/** True when some of the `length` bytes from `address` lie in a page of the guest's area under migration. */
export function writeLocked(guest: Guest, address: bigint, length: number): boolean {
  const s = guest.slices.migration.sending;
  if (s === null || length === 0) return false;
  const firstPage = address / BigInt(PAGE_SIZE);
  const lastPage = (address + BigInt(length) - 1n) / BigInt(PAGE_SIZE);
  return firstPage < BigInt(s.first + s.pages) && lastPage >= BigInt(s.first);
}

/** The rejection of a write into an area under migration; the world unchanged. */
export function refuseLocked(world: World): Step<World, never> {
  return fail(world, 'AREA_LOCKED');
}
