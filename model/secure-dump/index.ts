/**
 * Mechanism 6, the encrypted dump, as the platform composes it: the four dump calls, their
 * handlers, rejection table and guard order, and the guest's dump slice.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { DUMP_ACTIONS } from './actions.js';
import { DUMP_GUARDS } from './guards.js';
import { dumpComplete, dumpCpu, dumpInit, dumpStorageState } from './handlers.js';
import { DUMP_REJECTIONS } from './rejections.js';
import { emptyDumpSlice } from './slice.js';

export * from './actions.js';
export { DUMP_GUARDS } from './guards.js';
export { DUMP_REJECTIONS, type DumpCode } from './rejections.js';
export { GUEST_CPUS } from './handlers.js';
export type { ActiveDump, DumpSlice } from './slice.js';

/** The encrypted dump. */
export const secureDump = defineMechanism({
  name: 'secure-dump',
  area: 'DUMP',
  actions: DUMP_ACTIONS,
  handlers: { 'dump-init': dumpInit, 'dump-storage-state': dumpStorageState, 'dump-cpu': dumpCpu, 'dump-complete': dumpComplete },
  rejections: DUMP_REJECTIONS,
  guards: DUMP_GUARDS,
  newGuestSlices: () => ({ dump: emptyDumpSlice() }),
});
