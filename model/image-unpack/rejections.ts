/**
 * The rejection codes of incremental image decryption (spec/image-unpack.md), each with the
 * requirement that produces it. The order of this table is the failure priority of the spec:
 * when two conditions fail at once, the one listed first wins.
 * @module
 */
import type { RequirementId } from '../core/outcome.js';

/** Every code an image-unpack reducer can reject with, and the requirement that owns it. */
export const UNPACK_REJECTIONS = {
  INVALID_MEMORY_SIZE: 'REQ-UNPACK-1',
  INVALID_STATE: 'REQ-UNPACK-2',
  HEADER_MALFORMED: 'REQ-UNPACK-3',
  UNSUPPORTED_VERSION: 'REQ-UNPACK-3',
  INCONSISTENT_SIZES: 'REQ-UNPACK-3',
  NO_KEY_SLOT: 'REQ-UNPACK-4',
  KEY_SLOT_AUTH: 'REQ-UNPACK-4',
  HEADER_AUTH: 'REQ-UNPACK-5',
  INVALID_LENGTH: 'REQ-UNPACK-6',
  ADDRESS_NOT_ALIGNED: 'REQ-UNPACK-7',
  ADDRESS_OUT_OF_RANGE: 'REQ-UNPACK-7',
  TOO_MANY_PAGES: 'REQ-UNPACK-8',
  ADDRESS_ALREADY_UNPACKED: 'REQ-UNPACK-9',
  TWEAK_REUSED: 'REQ-UNPACK-10',
  PLD_MISMATCH: 'REQ-UNPACK-12',
  ALD_MISMATCH: 'REQ-UNPACK-12',
  TLD_MISMATCH: 'REQ-UNPACK-12',
  NEP_MISMATCH: 'REQ-UNPACK-12',
  NOT_VERIFIED: 'REQ-UNPACK-13',
} as const satisfies Record<string, RequirementId>;

/** A rejection code of the image-unpack mechanism. */
export type UnpackCode = keyof typeof UNPACK_REJECTIONS;
