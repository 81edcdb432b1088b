/**
 * The rejection table of migration and paging (spec/migration.md): one row per code with its
 * requirement and the check name tools print. The real platform has no migration calls; of its
 * export and import return codes only "invalid state" (0x0003, uv.h) has a public meaning that fits,
 * so only that one is named. The guard order of each handler is in `guards.ts`.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a migration handler (or a write that the migration lock refuses) can reject with. */
export const MIGR_REJECTIONS = defineRejections('migration', {
  NOT_RUNNING: { requirement: 'REQ-MIGR-2', check: 'state', platformRc: '0x0003', when: 'the guest is not running (start, export, import)' },
  MIGRATION_IN_PROGRESS: { requirement: 'REQ-MIGR-2', check: 'migration-state', when: 'a migration of the guest was started and neither finished nor abandoned' },
  AREA_OUT_OF_RANGE: { requirement: 'REQ-MIGR-2', check: 'area', when: "the area does not lie inside the guest's memory" },
  AREA_PAGED_OUT: { requirement: 'REQ-MIGR-2', check: 'area', when: 'a page of the area is exported (paged out): its content is not in secure memory' },
  NO_MIGRATION: { requirement: 'REQ-MIGR-3', check: 'migration-state', when: 'no migration of the guest is in progress (send, finish, abandon)' },
  LOCATION_OUT_OF_AREA: { requirement: 'REQ-MIGR-4', check: 'location', when: 'the location is not a page of the migrating area' },
  AREA_LOCKED: { requirement: 'REQ-MIGR-5', check: 'write-lock', when: 'the write (a guest store, an export) would change a page of an area under migration' },
  NOT_ALL_SENT: { requirement: 'REQ-MIGR-6', check: 'completeness', when: 'a location of the area was never sent: the global value would not cover it' },
  NOT_RECEIVABLE: { requirement: 'REQ-MIGR-7', check: 'state', when: 'the target guest is not one whose header was accepted and nothing unpacked or verified (or it left that state)' },
  RECEIVE_IN_PROGRESS: { requirement: 'REQ-MIGR-7', check: 'migration-state', when: 'the target guest already receives a migration' },
  MIGRATION_REPLAYED: { requirement: 'REQ-MIGR-7', check: 'replay', when: 'this machine already received the migration with this nonce: one migration starts at most one guest' },
  NO_RECEIVE: { requirement: 'REQ-MIGR-8', check: 'migration-state', when: 'the target guest receives no migration (receive, receive-finish)' },
  STALE_VERSION: { requirement: 'REQ-MIGR-8', check: 'version', when: 'the counter is not above the one the target holds for the location: an older or duplicate sending' },
  PAGE_INTEGRITY_FAILED: { requirement: 'REQ-MIGR-8', check: 'integrity', recorded: true, when: "the page's integrity value does not verify under the migration key; recorded: the guest never runs" },
  NOT_ALL_RECEIVED: { requirement: 'REQ-MIGR-9', check: 'completeness', when: 'a location of the area has not been received' },
  GLOBAL_MISMATCH: { requirement: 'REQ-MIGR-9', check: 'integrity', recorded: true, when: 'the global value does not verify over the latest versions held; recorded: the guest never runs' },
  PAGE_OUT_OF_RANGE: { requirement: 'REQ-MIGR-11', check: 'page', when: "the page is not inside the guest's memory (export, import)" },
  PAGE_EXPORTED: { requirement: 'REQ-MIGR-11', check: 'page-state', when: 'the page is already exported' },
  PAGE_NOT_EXPORTED: { requirement: 'REQ-MIGR-12', check: 'page-state', when: 'the page is not exported: it is in secure memory' },
  IMPORT_INTEGRITY_FAILED: { requirement: 'REQ-MIGR-12', check: 'integrity', when: "the page does not verify against the integrity value of the page's last export: altered, or an older export" },
});

/** A rejection code of the migration mechanism. */
export type MigrCode = keyof typeof MIGR_REJECTIONS.rows;
