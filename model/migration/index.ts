/**
 * Mechanism 9, integrity-gated migration, with paging out and back in as its one-machine case:
 * the calls of source and target and export and import, their handlers, rejection table and guard
 * order, and the guest's and firmware's migration slices.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { MIGR_ACTIONS } from './actions.js';
import { emptyMigrationSlice } from './firmware.js';
import { MIGR_GUARDS } from './guards.js';
import { exportPage, importPage } from './paging.js';
import { MIGR_REJECTIONS } from './rejections.js';
import { migrationAbandon, migrationFinish, migrationSend, migrationStart } from './source.js';
import { migrationReceive, migrationReceiveFinish, migrationReceiveStart } from './target.js';

export * from './actions.js';
export { MIGR_GUARDS } from './guards.js';
export { MIGR_REJECTIONS, type MigrCode } from './rejections.js';
export { refuseLocked, writeLocked } from './lock.js';
export type { Area, Exported, MigrationSlice, Paging, Received, Receiving, Sending, SentVersion } from './slice.js';

/** Integrity-gated migration and paging. */
export const migration = defineMechanism({
  name: 'migration',
  area: 'MIGR',
  actions: MIGR_ACTIONS,
  handlers: {
    'migration-start': migrationStart,
    'migration-send': migrationSend,
    'migration-finish': migrationFinish,
    'migration-abandon': migrationAbandon,
    'migration-receive-start': migrationReceiveStart,
    'migration-receive': migrationReceive,
    'migration-receive-finish': migrationReceiveFinish,
    'export-page': exportPage,
    'import-page': importPage,
  },
  rejections: MIGR_REJECTIONS,
  guards: MIGR_GUARDS,
  newGuestSlices: () => ({ migration: emptyMigrationSlice() }),
});
