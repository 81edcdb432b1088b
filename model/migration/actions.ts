/**
 * The calls of mechanism 9, declared once as schemas. On the source machine the hypervisor starts
 * a migration of an area of a running guest, has its firmware send each location (again, if it
 * likes) and finishes with the global integrity value; on the target machine it hands the stream
 * to its firmware in any order and finishes with that value. Paging out and back in on one
 * machine is the real platform's export and import (UVC 0x0201, 0x0200).
 * @module
 */
import { t } from '../core/schema.js';
import { MAX_GUEST_PAGES } from '../world/guests.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';

/** Bytes of a migration nonce (also the migration's ID). */
export const NONCE_SIZE = 32;
/** Bytes of a page's integrity value: its AES-256-GCM tag. */
export const INTEGRITY_SIZE = 16;
/** Bytes of the global integrity value: an HMAC-SHA-256. */
export const GLOBAL_SIZE = 32;
/** Bytes of a PHKH: the SHA-256 of a host public key. */
export const PHKH_BYTES = 32;
/** The largest per-location (and per-guest export) counter: a u32. */
export const MAX_COUNTER = 0xffff_ffff;

const guest = t.id('the guest');
const first = t.int({ min: 0, max: MAX_GUEST_PAGES - 1, doc: 'the first page of the area' });
const pages = t.int({ min: 1, max: MAX_GUEST_PAGES, doc: 'the number of pages of the area' });
const location = t.int({ min: 0, max: MAX_GUEST_PAGES - 1, doc: 'the page number of the location' });
const counter = t.int({ min: 1, max: MAX_COUNTER, doc: "the location's sequence counter: 1 for its first sending, one more for each next" });
const content = t.bytes({ size: 4096, doc: 'the encrypted page (AES-256-GCM ciphertext)' });
const integrity = t.bytes({ size: INTEGRITY_SIZE, doc: "the page's integrity value (its GCM tag)" });

/** Start a migration of an area of a running guest (source): writes to the area are refused from now on. */
export const MIGRATION_START = defineAction({
  kind: 'migration-start',
  doc: "Start migrating an area of a running secure guest (source machine): the firmware draws the migration nonce, derives the migration key for the target host and refuses writes to the area until the migration is finished or abandoned.",
  caller: 'hypervisor',
  fields: { guest, first, pages, target: t.bytes({ size: PHKH_BYTES, doc: "the PHKH of the target machine's host key (a key slot of the guest's image)" }) },
  response: { nonce: t.bytes({ size: NONCE_SIZE, doc: 'the migration nonce, which is also its ID: the target firmware needs it' }) },
  fresh: ['nonce'],
});

/** Send one location of the area (source), again if the hypervisor likes: a new counter each time. */
export const MIGRATION_SEND = defineAction({
  kind: 'migration-send',
  doc: "Send one location of the migrating area (source): its encrypted content and integrity value under the next counter of that location.",
  caller: 'hypervisor',
  fields: { guest, location },
  response: { counter, content, integrity },
});

/** Finish the migration (source): the global integrity value; the source guest never runs again. */
export const MIGRATION_FINISH = defineAction({
  kind: 'migration-finish',
  doc: 'Finish the migration (source): the global integrity value over the latest sending of every location; the source guest is migrated and never runs again.',
  caller: 'hypervisor',
  fields: { guest },
  response: { global: t.bytes({ size: GLOBAL_SIZE, doc: 'the global integrity value (HMAC-SHA-256 under the migration key)' }) },
});

/** Abandon the migration (source): the key is forgotten, the area writable again, the guest runs on. */
export const MIGRATION_ABANDON = defineAction({
  kind: 'migration-abandon',
  doc: 'Abandon the migration (source): the firmware forgets its key and counters and the area is writable again; no global value is ever given for it.',
  caller: 'hypervisor',
  fields: { guest },
  response: {},
});

/** Make a guest of the target machine the receiver of a migration. */
export const MIGRATION_RECEIVE_START = defineAction({
  kind: 'migration-receive-start',
  doc: "Make a secure guest of the target machine (header accepted, nothing unpacked) the receiver of a migration: the firmware derives the migration key from the image, the nonce and its own host key.",
  caller: 'hypervisor',
  fields: { guest, nonce: t.bytes({ size: NONCE_SIZE, doc: 'the migration nonce the source firmware gave' }), first, pages },
  response: {},
});

/** Hand one sending of a location to the target firmware, in any order. */
export const MIGRATION_RECEIVE = defineAction({
  kind: 'migration-receive',
  doc: 'Hand one sending of a location to the target firmware (any order): it keeps the latest version of each location and refuses an older one.',
  caller: 'hypervisor',
  fields: { guest, location, counter, content, integrity },
  response: {},
});

/** Hand the global integrity value to the target firmware: the guest runs only if it verifies. */
export const MIGRATION_RECEIVE_FINISH = defineAction({
  kind: 'migration-receive-finish',
  doc: "Hand the global integrity value to the target firmware: if it verifies over the latest version of every location, the guest runs with exactly that memory; if not, the failure is recorded.",
  caller: 'hypervisor',
  fields: { guest, global: t.bytes({ size: GLOBAL_SIZE, doc: 'the global integrity value the source firmware gave' }) },
  response: {},
});

/** Page a secure page out (UVC 0x0201 Convert from Secure Storage). */
export const EXPORT_PAGE = defineAction({
  kind: 'export-page',
  doc: 'Page out a page of a running secure guest (UVC 0x0201 Convert from Secure Storage): the firmware encrypts it, keeps its integrity value with the page index and a counter, and the page leaves secure memory.',
  caller: 'hypervisor',
  fields: { guest, page: location },
  response: { content },
});

/** Page it back in (UVC 0x0200 Convert to Secure Storage). */
export const IMPORT_PAGE = defineAction({
  kind: 'import-page',
  doc: 'Page an exported page back in (UVC 0x0200 Convert to Secure Storage): the firmware checks it against the integrity value of its last export and decrypts it into secure memory.',
  caller: 'hypervisor',
  fields: { guest, page: location, content },
  response: {},
});

/** Every migration action kind: source, target, paging. */
export const MIGR_ACTIONS = [
  MIGRATION_START,
  MIGRATION_SEND,
  MIGRATION_FINISH,
  MIGRATION_ABANDON,
  MIGRATION_RECEIVE_START,
  MIGRATION_RECEIVE,
  MIGRATION_RECEIVE_FINISH,
  EXPORT_PAGE,
  IMPORT_PAGE,
] as const;

/** Start a migration. */
export type MigrationStart = ActionOfSpec<typeof MIGRATION_START>;
/** Send a location. */
export type MigrationSend = ActionOfSpec<typeof MIGRATION_SEND>;
/** Finish a migration. */
export type MigrationFinish = ActionOfSpec<typeof MIGRATION_FINISH>;
/** Abandon a migration. */
export type MigrationAbandon = ActionOfSpec<typeof MIGRATION_ABANDON>;
/** Start receiving. */
export type MigrationReceiveStart = ActionOfSpec<typeof MIGRATION_RECEIVE_START>;
/** Receive a sending. */
export type MigrationReceive = ActionOfSpec<typeof MIGRATION_RECEIVE>;
/** Receive the global value. */
export type MigrationReceiveFinish = ActionOfSpec<typeof MIGRATION_RECEIVE_FINISH>;
/** Export a page. */
export type ExportPage = ActionOfSpec<typeof EXPORT_PAGE>;
/** Import a page. */
export type ImportPage = ActionOfSpec<typeof IMPORT_PAGE>;
