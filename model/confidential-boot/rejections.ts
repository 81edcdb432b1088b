/**
 * The rejection table of the confidential image boot (spec/confidential-boot.md): one row per
 * code with its requirement and the check name tools print. The real platform has no firmware
 * call for this mechanism (the boot runs in the guest's initrd, the volume under dm-crypt), so no
 * row names a platform return code. The guard order of each handler is in `guards.ts`.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a confidential-boot handler can reject with. */
export const CBOOT_REJECTIONS = defineRejections('confidential-boot', {
  NOT_CREATED: { requirement: 'REQ-CBOOT-1', check: 'state', when: 'the guest is past `created`: its boot image is already being loaded' },
  KEY_ALREADY_LOADED: { requirement: 'REQ-CBOOT-1', check: 'key-state', when: "an image key is already in the guest's protected area" },
  KEY_BLOB_MALFORMED: { requirement: 'REQ-CBOOT-2', check: 'key-blob', when: 'wrong magic, version, slot count or size, or non-zero coordinate padding' },
  NO_KEY_SLOT: { requirement: 'REQ-CBOOT-3', check: 'key-slot', when: "no slot's PHKH is a host key of this machine" },
  KEY_SLOT_AUTH: { requirement: 'REQ-CBOOT-3', check: 'key-slot', when: "the matching slot's tag does not verify (changed wrapped key, tag or customer key)" },
  VOLUME_ALREADY_ATTACHED: { requirement: 'REQ-CBOOT-4', check: 'volume-state', when: 'the guest has a volume attached already' },
  VOLUME_MALFORMED: { requirement: 'REQ-CBOOT-4', check: 'volume-format', when: 'not whole sectors, fewer than three or more than 258, or a header that is not the model\'s LUKS2 header' },
  NOT_STARTED: { requirement: 'REQ-CBOOT-5', check: 'state', when: "the guest is not running: its boot image did not start through mechanism 2's verify" },
  ALREADY_BOOTED: { requirement: 'REQ-CBOOT-5', check: 'boot-state', when: "the guest's boot has mounted its volume already" },
  NO_IMAGE_KEY: { requirement: 'REQ-CBOOT-5', check: 'key-state', when: "no image key is in the guest's protected area" },
  ENVELOPE_MISSING: { requirement: 'REQ-CBOOT-6', check: 'envelope', when: 'no page of the boot image begins with the data-key envelope' },
  ENVELOPE_AUTH: { requirement: 'REQ-CBOOT-6', check: 'envelope', when: 'the envelope does not open under the image key (another image key, or a changed envelope)' },
  STARTUP_STUCK: { requirement: 'REQ-CBOOT-7', check: 'startup', when: "the boot's startup chain ended stuck: a resource it needs is missing (no volume attached)" },
  VOLUME_KEY_AUTH: { requirement: 'REQ-CBOOT-7', check: 'volume-key', when: "the volume does not open with the data key: its keyslot's digest does not match, or its header no longer decodes" },
  NOT_MOUNTED: { requirement: 'REQ-CBOOT-8', check: 'mount', when: "the guest's boot has not mounted its volume, or the guest no longer runs" },
  SECTOR_OUT_OF_RANGE: { requirement: 'REQ-CBOOT-8', check: 'sector', when: 'the sector is at or past the end of the data segment' },
  NO_VOLUME: { requirement: 'REQ-CBOOT-9', check: 'volume-state', when: 'the guest has no volume attached' },
  DISK_SECTOR_OUT_OF_RANGE: { requirement: 'REQ-CBOOT-9', check: 'sector', when: 'the sector is at or past the end of the disk' },
});

/** A rejection code of the confidential-boot mechanism. */
export type CbootCode = keyof typeof CBOOT_REJECTIONS.rows;
