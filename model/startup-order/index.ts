/**
 * Mechanism 5, startup processes with requirements, as the platform composes it: the calls that
 * load a startup list and run its scheduler, their handlers, rejection table and guard order, and
 * the guest's startup slice. Mechanism 10's boot image drives it (spec/startup-order.md).
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { STARTUP_ACTIONS } from './actions.js';
import { START_GUARDS } from './guards.js';
import { startupLoad, startupRun, startupStep } from './handlers.js';
import { START_REJECTIONS } from './rejections.js';
import { emptyStartupSlice } from './slice.js';

export * from './actions.js';
export * from './entries.js';
export { CHAIN_SOURCES, realChain, type ChainSource } from './chain.js';
export { fetchOnce, newSchedule } from './scheduler.js';
export { START_GUARDS } from './guards.js';
export { START_REJECTIONS, type StartCode } from './rejections.js';
export { STUCK_REASONS, type Schedule, type StartupSlice, type StuckEntry, type StuckReason } from './slice.js';

/** The startup processes. */
export const startupOrder = defineMechanism({
  name: 'startup-order',
  area: 'START',
  actions: STARTUP_ACTIONS,
  handlers: { 'startup-load': startupLoad, 'startup-step': startupStep, 'startup-run': startupRun },
  rejections: START_REJECTIONS,
  guards: START_GUARDS,
  newGuestSlices: () => ({ startup: emptyStartupSlice() }),
});
