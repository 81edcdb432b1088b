/**
 * The source firmware's handlers (spec/migration.md, REQ-MIGR-2 to REQ-MIGR-6): start a migration
 * of an area of a running guest, send a location (again, under the next counter), finish with the
 * global value, or abandon. Handlers are total.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refusePlatform } from '../world/guests.js';
import { PageMap } from '../world/page-map.js';
import type { Guest, World } from '../world/world.js';
import { NONCE_SIZE, type MigrationAbandon, type MigrationFinish, type MigrationSend, type MigrationStart } from './actions.js';
import { EMPTY, fail, inArea, putGuest, toHypervisor, withMigration } from './common.js';
import { anyExported, draw, globalValue, migrationKey, sealPage, ZERO_PAGE } from './firmware.js';
import type { Sending, SentVersion } from './slice.js';

/** A location never sent (finish checks that none is). */
const NOT_SENT: SentVersion = { counter: 0, tag: new Uint8Array(16) };

/** The guest and its migration in progress, or the rejection of the first two guards of a call during one. */
function sending(world: World, id: number): { guest: Guest; sending: Sending } | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  const s = guest.slices.migration.sending;
  // REQ-MIGR-3: a migration of the guest is in progress
  if (s === null) return fail(world, 'NO_MIGRATION');
  return { guest, sending: s };
}

const isSending = (d: { guest: Guest; sending: Sending } | Step<World, never>): d is { guest: Guest; sending: Sending } => 'sending' in d;

/**
 * Migration start: the firmware draws the nonce, derives the key for the target host and locks the area.
 * @requirement REQ-MIGR-1 REQ-MIGR-2 REQ-MIGR-5
 */
export function migrationStart(world: World, action: MigrationStart): Step<World, { readonly nonce: Uint8Array }> {
  const guest = world.guests.get(action.guest);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-MIGR-2: only a running secure guest is migrated
  if (
    guest.phase !== 'running' ||
    // Stryker disable next-line ConditionalExpression: a running guest always has an image (this test only narrows the type)
    guest.image === null
  )
    return fail(world, 'NOT_RUNNING');
  // REQ-MIGR-2: one migration at a time
  if (guest.slices.migration.sending !== null) return fail(world, 'MIGRATION_IN_PROGRESS');
  // REQ-MIGR-2: the area lies inside guest memory (the schema's bounds are the reducer's to judge)
  if (action.first < 0 || action.pages < 1 || action.first + action.pages > guest.memoryPages) return fail(world, 'AREA_OUT_OF_RANGE');
  const area = { first: action.first, pages: action.pages };
  // REQ-MIGR-2: every page of the area is in secure memory (none paged out)
  if (anyExported(guest.slices.migration.paging, area)) return fail(world, 'AREA_PAGED_OUT');
  // REQ-MIGR-1: a fresh nonce; the key from the image's CCK, the nonce and the target host
  const [nonce, w] = draw(world, guest.machine, NONCE_SIZE);
  const key = migrationKey(world.suite, guest, nonce, action.target);
  const next: Sending = { first: area.first, pages: area.pages, nonce, key, sent: PageMap.empty() };
  const g = withMigration(guest, { sending: next, receiving: guest.slices.migration.receiving, paging: guest.slices.migration.paging });
  // The response is the caller's: neither the firmware's nor the hypervisor's area shares its bytes.
  // Stryker disable next-line MethodExpression: the stream and the sending are world state, which nothing writes in place (the copy keeps toHypervisor's contract)
  return { state: toHypervisor(putGuest(w, g), guest.id, nonce.slice()), outcome: { kind: 'accepted', response: { nonce: nonce.slice() } } };
}

/**
 * Migration send: the location's page sealed under its next counter; it becomes the latest.
 * @requirement REQ-MIGR-3 REQ-MIGR-4 REQ-MIGR-10
 */
export function migrationSend(
  world: World,
  action: MigrationSend,
): Step<World, { readonly counter: number; readonly content: Uint8Array; readonly integrity: Uint8Array }> {
  const d = sending(world, action.guest);
  if (!isSending(d)) return d;
  const { guest, sending: s } = d;
  // REQ-MIGR-4: the location is a page of the area
  if (!inArea(s, action.location)) return fail(world, 'LOCATION_OUT_OF_AREA');
  const counter = (s.sent.get(action.location)?.counter ?? 0) + 1;
  const sealed = sealPage(world.suite, s.key, s.nonce, action.location, counter, guest.memory.get(action.location) ?? ZERO_PAGE);
  const next: Sending = {
    first: s.first,
    pages: s.pages,
    nonce: s.nonce,
    key: s.key,
    sent: s.sent.set(action.location, { counter, tag: sealed.tag }),
  };
  const m = guest.slices.migration;
  const g = withMigration(guest, { sending: next, receiving: m.receiving, paging: m.paging });
  // The sending goes to the hypervisor in the response only: a copy of every page kept in the world
  // would double the migration's cost (bench/migration.ts); the nonce and global value are kept.
  // The firmware keeps the tag, so the response gets its own copy of it.
  const state = putGuest(world, g);
  return { state, outcome: { kind: 'accepted', response: { counter, content: sealed.ciphertext, integrity: sealed.tag.slice() } } };
}

/**
 * Migration finish: the global value over every location's latest sending; the source guest is
 * migrated: its memory is destroyed and it never runs again.
 * @requirement REQ-MIGR-3 REQ-MIGR-6
 */
export function migrationFinish(world: World, action: MigrationFinish): Step<World, { readonly global: Uint8Array }> {
  const d = sending(world, action.guest);
  if (!isSending(d)) return d;
  const { guest, sending: s } = d;
  // REQ-MIGR-6: every location of the area was sent
  if (s.sent.size < s.pages) return fail(world, 'NOT_ALL_SENT');
  // Stryker disable next-line all: the guard above saw every location sent, so the fallback is never read
  const global = globalValue(world.suite, s.key, s.nonce, s, (loc) => s.sent.get(loc) ?? NOT_SENT);
  const m = guest.slices.migration;
  // REQ-MIGR-6: one guest never runs twice: the source is migrated, its secure memory gone
  const g = withMigration(guest, { sending: null, receiving: m.receiving, paging: m.paging }, { phase: 'migrated', memory: PageMap.empty() });
  return { state: toHypervisor(putGuest(world, g), guest.id, global.slice()), outcome: { kind: 'accepted', response: { global } } };
}

/**
 * Migration abandon: the key and counters are forgotten, the area writable again; the guest runs on.
 * @requirement REQ-MIGR-3 REQ-MIGR-6
 */
export function migrationAbandon(world: World, action: MigrationAbandon): Step<World, Record<string, never>> {
  const d = sending(world, action.guest);
  if (!isSending(d)) return d;
  const m = d.guest.slices.migration;
  return { state: putGuest(world, withMigration(d.guest, { sending: null, receiving: m.receiving, paging: m.paging })), outcome: { kind: 'accepted', response: EMPTY } };
}
