/**
 * The calls of mechanism 10, the confidential image boot, declared once as schemas. The
 * hypervisor loads the encrypted client image key into the firmware's protected area
 * (`cboot-load-key`) and attaches the encrypted client data volume (`cboot-attach-volume`); the
 * boot image itself goes through mechanism 2 (set-header, unpack, verify, start). Once it runs,
 * its boot opens the data key and mounts the volume (`cboot-boot`), and reads and writes its
 * sectors (`cboot-read`, `cboot-write`). The disk stays the hypervisor's: it may rewrite any
 * stored sector (`cboot-disk-write`).
 * @module
 */
import { t } from '../core/schema.js';
import { KEY_BLOB_MAX_SIZE } from '../se-format/cboot-key-blob.js';
import { MAX_VOLUME_SIZE, SECTOR_SIZE } from '../se-format/luks-volume.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';

const guest = t.id('the guest');

/** Load the encrypted client image key into the protected area. */
export const CBOOT_LOAD_KEY = defineAction({
  kind: 'cboot-load-key',
  doc: "Load the encrypted client image key (a key blob wrapped for the machine's host key) into the firmware's protected area of a created guest.",
  caller: 'hypervisor',
  fields: { guest, keyBlob: t.bytes({ max: KEY_BLOB_MAX_SIZE, doc: 'the key blob: customer public key and key slots, as an SE header wraps its key' }) },
  response: {},
});

/** Attach the encrypted client data volume. */
export const CBOOT_ATTACH_VOLUME = defineAction({
  kind: 'cboot-attach-volume',
  doc: "Attach the guest's encrypted client data volume: its stored bytes, LUKS2-style header, keyslot and aes-xts-plain64 data sectors.",
  caller: 'hypervisor',
  fields: { guest, volume: t.bytes({ max: MAX_VOLUME_SIZE, doc: 'the volume as the disk stores it, whole 512-byte sectors' }) },
  response: {},
});

/** The boot image's boot: data key, startup chain, mount. */
export const CBOOT_BOOT = defineAction({
  kind: 'cboot-boot',
  doc: "Run the started boot image's boot: open the data key with the image key, then the real startup chain through mechanism 5's scheduler, which opens and mounts the volume.",
  caller: 'guest',
  fields: { guest },
  response: { started: t.array(t.string(), { doc: 'the startup processes started, in start order' }) },
});

/** Read one data sector of the mounted volume. */
export const CBOOT_READ = defineAction({
  kind: 'cboot-read',
  doc: 'Read one 512-byte sector of the mounted volume: the stored sector decrypted with the volume key (aes-xts-plain64).',
  caller: 'guest',
  fields: { guest, sector: t.int({ min: 0, doc: 'the sector number inside the data segment' }) },
  response: { data: t.bytes({ size: SECTOR_SIZE, doc: 'the plaintext of the sector' }) },
});

/** Write one data sector of the mounted volume. */
export const CBOOT_WRITE = defineAction({
  kind: 'cboot-write',
  doc: 'Write one 512-byte sector of the mounted volume: stored encrypted with the volume key (aes-xts-plain64).',
  caller: 'guest',
  fields: { guest, sector: t.int({ min: 0, doc: 'the sector number inside the data segment' }), data: t.bytes({ size: SECTOR_SIZE, doc: 'the plaintext to write' }) },
  response: {},
});

/** The hypervisor writes a stored sector of its disk. */
export const CBOOT_DISK_WRITE = defineAction({
  kind: 'cboot-disk-write',
  doc: "The hypervisor rewrites one stored sector of the guest's attached volume (its disk): header, keyslot or data.",
  caller: 'hypervisor',
  fields: { guest, sector: t.int({ min: 0, doc: 'the sector number on the disk (0 is the header)' }), bytes: t.bytes({ size: SECTOR_SIZE, doc: 'the bytes to store' }) },
  response: {},
});

/** Every confidential-boot action kind, in the order of the spec. */
export const CBOOT_ACTIONS = [CBOOT_LOAD_KEY, CBOOT_ATTACH_VOLUME, CBOOT_BOOT, CBOOT_READ, CBOOT_WRITE, CBOOT_DISK_WRITE] as const;

/** Load the key blob. */
export type CbootLoadKey = ActionOfSpec<typeof CBOOT_LOAD_KEY>;
/** Attach the volume. */
export type CbootAttachVolume = ActionOfSpec<typeof CBOOT_ATTACH_VOLUME>;
/** Boot. */
export type CbootBoot = ActionOfSpec<typeof CBOOT_BOOT>;
/** Read a sector. */
export type CbootRead = ActionOfSpec<typeof CBOOT_READ>;
/** Write a sector. */
export type CbootWrite = ActionOfSpec<typeof CBOOT_WRITE>;
/** The hypervisor's disk write. */
export type CbootDiskWrite = ActionOfSpec<typeof CBOOT_DISK_WRITE>;
