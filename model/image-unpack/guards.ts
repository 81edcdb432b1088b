/**
 * The guards of each image-unpack handler, in the order they run: the failure priority that
 * spec/image-unpack.md lists as a numbered list per handler. When two conditions fail at once,
 * the one listed first decides the code. The stimulus properties read this order and check the
 * handlers against it; `semodel requirements` checks it against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const UNPACK_GUARDS = {
  'set-header': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'phase is created', code: 'INVALID_STATE' },
    { name: 'fixed part and magic', code: 'HEADER_MALFORMED' },
    { name: 'version', code: 'UNSUPPORTED_VERSION' },
    { name: 'sizes', code: 'INCONSISTENT_SIZES' },
    { name: 'reserved and padding zero', code: 'HEADER_MALFORMED' },
    { name: 'key slot for a host key', code: 'NO_KEY_SLOT' },
    { name: 'key slot unwraps', code: 'KEY_SLOT_AUTH' },
    { name: 'header tag', code: 'HEADER_AUTH' },
  ],
  unpack: [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'phase is unpacking', code: 'INVALID_STATE' },
    { name: 'whole tweak and page', code: 'INVALID_LENGTH' },
    { name: 'address aligned', code: 'ADDRESS_NOT_ALIGNED' },
    { name: 'address in memory', code: 'ADDRESS_OUT_OF_RANGE' },
    { name: 'fewer than NEP pages', code: 'TOO_MANY_PAGES' },
    { name: 'page not yet unpacked', code: 'ADDRESS_ALREADY_UNPACKED' },
    { name: 'tweak not yet used', code: 'TWEAK_REUSED' },
  ],
  verify: [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'phase is unpacking', code: 'INVALID_STATE' },
    { name: 'PLD', code: 'PLD_MISMATCH' },
    { name: 'ALD', code: 'ALD_MISMATCH' },
    { name: 'TLD', code: 'TLD_MISMATCH' },
    { name: 'NEP', code: 'NEP_MISMATCH' },
  ],
  start: [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'not running', code: 'INVALID_STATE' },
    { name: 'verified', code: 'NOT_VERIFIED' },
  ],
} as const satisfies Record<string, readonly Guard[]>;
