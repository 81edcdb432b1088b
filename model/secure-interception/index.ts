/**
 * Mechanism 7, transparent secure interception, as the platform composes it: the guest CPU's
 * actions, the intercepted instructions and the hypervisor's resume, their rejection table and
 * guard order, and the release of a destroyed guest's open interception.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import type { World } from '../world/world.js';
import { INTCP_ACTIONS } from './actions.js';
import { withoutBlob } from './common.js';
import { guestLoadRegisters, guestStore, guestStoreRegisters } from './cpu-calls.js';
import { guestExecute } from './execute.js';
import { INTCP_GUARDS } from './guards.js';
import { INTCP_REJECTIONS } from './rejections.js';
import { resumeGuest } from './resume.js';
import { newInterceptionSlice } from './state.js';

export * from './actions.js';
export * from './instructions.js';
export { INTCP_GUARDS } from './guards.js';
export { INTCP_REJECTIONS, type IntcpCode } from './rejections.js';
export { decodeBlock, DATA_OFFSET, REGISTERS_OFFSET, type InterceptionBlock } from './block.js';
export type { InterceptionSlice, OpenInterception } from './state.js';

/**
 * `world` without the interception blob of a destroyed guest.
 * @requirement REQ-INTCP-10
 */
function releaseInterception(world: World, guest: number): World {
  return withoutBlob(world, guest);
}

/** Transparent secure interception. */
export const secureInterception = defineMechanism({
  name: 'secure-interception',
  area: 'INTCP',
  actions: INTCP_ACTIONS,
  handlers: {
    'guest-load-registers': guestLoadRegisters,
    'guest-store': guestStore,
    'guest-store-registers': guestStoreRegisters,
    'guest-execute': guestExecute,
    'resume-guest': resumeGuest,
  },
  rejections: INTCP_REJECTIONS,
  guards: INTCP_GUARDS,
  newGuestSlices: () => ({ interception: newInterceptionSlice() }),
  onGuestDestroyed: releaseInterception,
});
