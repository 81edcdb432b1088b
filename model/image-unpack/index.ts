/**
 * Mechanism 2, incremental image decryption, as the platform composes it: its actions, handlers,
 * rejection table and guard order. The SE format it reads is in `model/se-format/`.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { UNPACK_ACTIONS } from './actions.js';
import { UNPACK_GUARDS } from './guards.js';
import { setHeader, start, unpack, verify } from './handlers.js';
import { UNPACK_REJECTIONS } from './rejections.js';
import { newUnpackSlice } from './slice.js';

export * from './actions.js';
export { UNPACK_GUARDS } from './guards.js';
export { UNPACK_REJECTIONS, type UnpackCode } from './rejections.js';
export { newUnpackSlice, type UnpackSlice, type VerifyCheck } from './slice.js';
export { TweakSet } from './tweak-set.js';

/** Incremental image decryption. */
export const imageUnpack = defineMechanism({
  name: 'image-unpack',
  area: 'UNPACK',
  actions: UNPACK_ACTIONS,
  handlers: { 'set-header': setHeader, unpack, verify, start },
  rejections: UNPACK_REJECTIONS,
  guards: UNPACK_GUARDS,
  newGuestSlices: () => ({ unpack: newUnpackSlice() }),
});
export { driveHonest, honestCalls, type HonestCall, type HonestImage, type HonestRun, type HonestStep } from './honest-driver.js';
