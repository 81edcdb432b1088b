/**
 * A faulty view: the hypervisor's view shows one page of secure memory as if it were the
 * guest's non-secure memory.
 * @module
 */
import { viewOf, type Party, type View } from '../../model/platform/views.js';
import type { World } from '../../model/world/world.js';

/**
 * The model's views, except that the hypervisor also sees the lowest secure page of the
 * lowest-numbered guest that has one, in plaintext, among the non-secure pages.
 */
export function leakingViews(world: World, party: Party): View | null {
  const view = viewOf(world, party);
  if (view === null || view.party !== 'hypervisor') return view;
  const guest = [...world.guests.values()].sort((a, b) => a.id - b.id).find((g) => g.memory.size > 0);
  const page = guest === undefined ? undefined : Math.min(...guest.memory.keys());
  const bytes = guest === undefined || page === undefined ? undefined : guest.memory.get(page);
  if (guest === undefined || page === undefined || bytes === undefined) return view;
  return { ...view, nonSecureMemory: [...view.nonSecureMemory, { guest: guest.id, page, bytes: bytes.slice() }] };
}
