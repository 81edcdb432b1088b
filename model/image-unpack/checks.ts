/**
 * The names by which tools report which check stopped an image (spec/image-unpack.md, "Check
 * names"). `semodel image verify` prints these.
 * @module
 */
import type { UnpackCode } from './rejections.js';

/** A check of the image-unpack path, as tools name it. */
export type CheckName =
  | 'header-format'
  | 'key-slot'
  | 'header-auth'
  | 'state'
  | 'memory-size'
  | 'page-length'
  | 'address'
  | 'too-many-pages'
  | 'tweak-reuse'
  | 'pld'
  | 'ald'
  | 'tld'
  | 'nep'
  | 'not-verified';

/** The check a rejection code belongs to. */
export const CHECK_OF_CODE: Readonly<Record<UnpackCode, CheckName>> = {
  INVALID_MEMORY_SIZE: 'memory-size',
  INVALID_STATE: 'state',
  HEADER_MALFORMED: 'header-format',
  UNSUPPORTED_VERSION: 'header-format',
  INCONSISTENT_SIZES: 'header-format',
  NO_KEY_SLOT: 'key-slot',
  KEY_SLOT_AUTH: 'key-slot',
  HEADER_AUTH: 'header-auth',
  INVALID_LENGTH: 'page-length',
  ADDRESS_NOT_ALIGNED: 'address',
  ADDRESS_OUT_OF_RANGE: 'address',
  TOO_MANY_PAGES: 'too-many-pages',
  ADDRESS_ALREADY_UNPACKED: 'address',
  TWEAK_REUSED: 'tweak-reuse',
  PLD_MISMATCH: 'pld',
  ALD_MISMATCH: 'ald',
  TLD_MISMATCH: 'tld',
  NEP_MISMATCH: 'nep',
  NOT_VERIFIED: 'not-verified',
};
