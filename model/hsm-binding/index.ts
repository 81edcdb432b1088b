/**
 * Mechanism 4, exclusive HSM binding, as the platform composes it: the AP instructions of the
 * secure-bind facility, their handlers, rejection table and guard order, and the release of a
 * destroyed guest's queues.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { HSM_ACTIONS } from './actions.js';
import { HSM_GUARDS } from './guards.js';
import { apAssociate, apBind, apQuery, apReply, apRequest, apReset } from './handlers.js';
import { releaseGuest } from './queue.js';
import { HSM_REJECTIONS } from './rejections.js';

export * from './actions.js';
export { HSM_GUARDS } from './guards.js';
export { HSM_REJECTIONS, type HsmCode } from './rejections.js';
export { BIND_STATE, bindState, MAX_BOUND_QUEUES, QUEUE_DEPTH, replyOf, sessionCode } from './queue.js';

/** Exclusive HSM binding. */
export const hsmBinding = defineMechanism({
  name: 'hsm-binding',
  area: 'HSM',
  actions: HSM_ACTIONS,
  handlers: { 'ap-bind': apBind, 'ap-associate': apAssociate, 'ap-query': apQuery, 'ap-reset': apReset, 'ap-request': apRequest, 'ap-reply': apReply },
  rejections: HSM_REJECTIONS,
  guards: HSM_GUARDS,
  /** @requirement REQ-HSM-12 */
  onGuestDestroyed: releaseGuest,
});
