/**
 * Mechanism 1, secure IPL of signed components, as the platform composes it: the `ipl` action,
 * its handler, rejection table and guard order, and the machine's IPL record.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { IPL_ACTIONS } from './actions.js';
import { IPL_GUARDS } from './guards.js';
import { ipl } from './handlers.js';
import { IPL_REJECTIONS } from './rejections.js';

export * from './actions.js';
export { IPL_GUARDS } from './guards.js';
export { IPL_REJECTIONS, type IplCode } from './rejections.js';
export { DEFAULT_PSW, KERNEL_ADDRESS, STAGE3_ADDRESS, STAGE3_MAX } from './stages.js';
export type { IplRecord } from './slice.js';

/** Secure IPL of signed components. */
export const secureIpl = defineMechanism({
  name: 'secure-ipl',
  area: 'IPL',
  actions: IPL_ACTIONS,
  handlers: { ipl },
  rejections: IPL_REJECTIONS,
  guards: IPL_GUARDS,
});
