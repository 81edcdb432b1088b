/**
 * The platform's own rejection codes (spec/platform.md): the boundary and the guest lifecycle
 * that every mechanism shares. Their guards run before any mechanism's.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** The platform's rejection table, in priority order. */
export const PLATFORM_REJECTIONS = defineRejections('platform', {
  MALFORMED_ACTION: {
    requirement: 'REQ-PLATFORM-1',
    check: 'malformed-action',
    when: 'the action is not an object, its kind is unknown, a field is missing or has the wrong type, or reading it throws',
  },
  MACHINE_NOT_FOUND: {
    requirement: 'REQ-PLATFORM-3',
    check: 'machine-not-found',
    when: 'no machine with this ID exists in the world',
  },
  GUEST_NOT_FOUND: {
    requirement: 'REQ-PLATFORM-2',
    check: 'guest-not-found',
    when: 'no guest with this ID exists (never created, or destroyed)',
  },
  INVALID_MEMORY_SIZE: {
    requirement: 'REQ-PLATFORM-4',
    check: 'memory-size',
    when: '`memoryPages` is not in [1, 2^26]',
  },
});

/** A platform rejection code. */
export type PlatformCode = keyof typeof PLATFORM_REJECTIONS.rows;
