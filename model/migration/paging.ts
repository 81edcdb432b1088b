/**
 * Paging a secure page out and back in on one machine (spec/migration.md, REQ-MIGR-11 and -12):
 * the real platform's export (UVC 0x0201) and import (UVC 0x0200). The firmware encrypts the page
 * under a key unique to the guest and keeps its integrity value with the page index and a counter
 * in its own table; on import only the copy of the page's last export verifies.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refusePlatform } from '../world/guests.js';
import type { Guest, World } from '../world/world.js';
import type { ExportPage, ImportPage } from './actions.js';
import { EMPTY, fail, inArea, putGuest, toHypervisor, withMigration } from './common.js';
import { openPage, pagingId, pagingKey, sealPage, ZERO_PAGE } from './firmware.js';
import type { Paging } from './slice.js';

/** The running guest a paging call names with its page in range, or the rejection of the first three guards. */
function pageOf(world: World, id: number, page: number): Guest | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-MIGR-2: only a running guest's pages are paged (as only a running guest is migrated)
  if (guest.phase !== 'running') return fail(world, 'NOT_RUNNING');
  // REQ-MIGR-11: the page is inside guest memory
  if (page < 0 || page >= guest.memoryPages) return fail(world, 'PAGE_OUT_OF_RANGE');
  return guest;
}

const isGuest = (g: Guest | Step<World, never>): g is Guest => 'slices' in g;

/**
 * Export: the page sealed under the guest's paging key with its index and the next counter; its
 * integrity value stays in the firmware and the page leaves secure memory.
 * @requirement REQ-MIGR-5 REQ-MIGR-11
 */
export function exportPage(world: World, action: ExportPage): Step<World, { readonly content: Uint8Array }> {
  const guest = pageOf(world, action.guest, action.page);
  if (!isGuest(guest)) return guest;
  const m = guest.slices.migration;
  // REQ-MIGR-11: a page is exported once until it is imported
  if (m.paging.exported.has(action.page)) return fail(world, 'PAGE_EXPORTED');
  // REQ-MIGR-5: a page of an area under migration does not leave secure memory
  if (m.sending !== null && inArea(m.sending, action.page)) return fail(world, 'AREA_LOCKED');
  const [key, w] = pagingKey(world, guest, m.paging);
  const counter = m.paging.exports + 1;
  const sealed = sealPage(world.suite, key, pagingId(), action.page, counter, guest.memory.get(action.page) ?? ZERO_PAGE);
  const paging: Paging = { key, exports: counter, exported: m.paging.exported.set(action.page, { counter, tag: sealed.tag }) };
  const g = withMigration(guest, { sending: m.sending, receiving: m.receiving, paging }, { memory: guest.memory.delete(action.page) });
  return { state: toHypervisor(putGuest(w, g), guest.id, sealed.ciphertext.slice()), outcome: { kind: 'accepted', response: { content: sealed.ciphertext } } };
}

/**
 * Import: the page verifies against its last export's integrity value, index and counter, and is
 * decrypted back into secure memory; an older export or an altered copy is refused.
 * @requirement REQ-MIGR-12
 */
export function importPage(world: World, action: ImportPage): Step<World, Record<string, never>> {
  const guest = pageOf(world, action.guest, action.page);
  if (!isGuest(guest)) return guest;
  const m = guest.slices.migration;
  const last = m.paging.exported.get(action.page);
  // REQ-MIGR-12: only an exported page is imported
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a page in the table was exported under the key, which is then set
  if (last === undefined || m.paging.key === null) return fail(world, 'PAGE_NOT_EXPORTED');
  const plain = openPage(world.suite, m.paging.key, pagingId(), action.page, last.counter, action.content, last.tag);
  // REQ-MIGR-12: the copy of the last export, unaltered
  if (plain === undefined) return fail(world, 'IMPORT_INTEGRITY_FAILED');
  const paging: Paging = { key: m.paging.key, exports: m.paging.exports, exported: m.paging.exported.delete(action.page) };
  const g = withMigration(guest, { sending: m.sending, receiving: m.receiving, paging }, { memory: guest.memory.set(action.page, plain) });
  return { state: putGuest(world, g), outcome: { kind: 'accepted', response: EMPTY } };
}
