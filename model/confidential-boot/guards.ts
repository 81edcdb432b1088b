/**
 * The guards of each confidential-boot handler, in the order they run: the failure priority that
 * spec/confidential-boot.md lists per handler. `semodel requirements` checks this order against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** The guards of a read or write of the mounted volume. */
const SECTOR_CALL = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'volume mounted', code: 'NOT_MOUNTED' },
  { name: 'sector in the data segment', code: 'SECTOR_OUT_OF_RANGE' },
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const CBOOT_GUARDS = {
  'cboot-load-key': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'guest created', code: 'NOT_CREATED' },
    { name: 'no image key loaded', code: 'KEY_ALREADY_LOADED' },
    { name: 'key blob well formed', code: 'KEY_BLOB_MALFORMED' },
    { name: 'a slot names this machine', code: 'NO_KEY_SLOT' },
    { name: 'the slot unwraps', code: 'KEY_SLOT_AUTH' },
  ],
  'cboot-attach-volume': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'no volume attached', code: 'VOLUME_ALREADY_ATTACHED' },
    { name: 'volume well formed', code: 'VOLUME_MALFORMED' },
  ],
  'cboot-boot': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'guest running', code: 'NOT_STARTED' },
    { name: 'not booted yet', code: 'ALREADY_BOOTED' },
    { name: 'image key loaded', code: 'NO_IMAGE_KEY' },
    { name: 'envelope present', code: 'ENVELOPE_MISSING' },
    { name: 'envelope opens', code: 'ENVELOPE_AUTH' },
    { name: 'startup chain completes', code: 'STARTUP_STUCK' },
    { name: 'volume opens with the data key', code: 'VOLUME_KEY_AUTH' },
  ],
  'cboot-read': SECTOR_CALL,
  'cboot-write': SECTOR_CALL,
  'cboot-disk-write': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'volume attached', code: 'NO_VOLUME' },
    { name: 'sector on the disk', code: 'DISK_SECTOR_OUT_OF_RANGE' },
  ],
} as const satisfies Record<string, readonly Guard[]>;
