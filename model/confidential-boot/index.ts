/**
 * Mechanism 10, the confidential image boot, as the platform composes it: the calls that load
 * the encrypted image key into the protected area, attach the encrypted data volume, boot the
 * started boot image (data key, startup chain, mount) and read and write the volume; their
 * handlers, rejection table and guard order, and the guest's slice. The boot image itself starts
 * through mechanism 2; the startup chain runs on mechanism 5's scheduler.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { CBOOT_ACTIONS } from './actions.js';
import { CBOOT_GUARDS } from './guards.js';
import { cbootAttachVolume, cbootBoot, cbootDiskWrite, cbootLoadKey, cbootRead, cbootWrite } from './handlers.js';
import { CBOOT_REJECTIONS } from './rejections.js';
import { emptyCbootSlice } from './slice.js';

export * from './actions.js';
export { CRYPTSETUP, KEYFILE, VOLUME_DEVICE } from './boot.js';
export { CBOOT_GUARDS } from './guards.js';
export { CBOOT_REJECTIONS, type CbootCode } from './rejections.js';
export type { CbootSlice } from './slice.js';

/** The confidential image boot. */
export const confidentialBoot = defineMechanism({
  name: 'confidential-boot',
  area: 'CBOOT',
  actions: CBOOT_ACTIONS,
  handlers: {
    'cboot-load-key': cbootLoadKey,
    'cboot-attach-volume': cbootAttachVolume,
    'cboot-boot': cbootBoot,
    'cboot-read': cbootRead,
    'cboot-write': cbootWrite,
    'cboot-disk-write': cbootDiskWrite,
  },
  rejections: CBOOT_REJECTIONS,
  guards: CBOOT_GUARDS,
  newGuestSlices: () => ({ cboot: emptyCbootSlice() }),
});
