/**
 * The rejection table of incremental image decryption (spec/image-unpack.md): one row per code
 * with its requirement, the check name tools print, the real platform's return code where one is
 * known, and whether the failure is recorded. The guard order of each handler is in
 * `guards.ts`; this table's order follows the requirements.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code an image-unpack handler can reject with. */
export const UNPACK_REJECTIONS = defineRejections('image-unpack', {
  INVALID_STATE: {
    requirement: 'REQ-UNPACK-2',
    check: 'state',
    platformRc: '0x0003',
    when: 'the guest is not in the phase the call needs; or `start` on a guest that is already `running`',
  },
  HEADER_MALFORMED: {
    requirement: 'REQ-UNPACK-3',
    check: 'header-format',
    when: 'fewer bytes than the fixed part or wrong magic; a non-zero reserved field or non-zero coordinate padding',
  },
  UNSUPPORTED_VERSION: { requirement: 'REQ-UNPACK-3', check: 'header-format', when: 'the version is not 0x00000100' },
  INCONSISTENT_SIZES: {
    requirement: 'REQ-UNPACK-3',
    check: 'header-format',
    when: 'NKS is 0; SEA is less than 128 or not a multiple of 16; PHS ≠ 0x1A0 + 80·NKS + SEA + 16; PHS > 8192; or the byte count ≠ PHS',
  },
  NO_KEY_SLOT: {
    requirement: 'REQ-UNPACK-4',
    check: 'key-slot',
    platformRc: '0x0108',
    when: "no slot's PHKH matches a host key of this firmware",
  },
  KEY_SLOT_AUTH: {
    requirement: 'REQ-UNPACK-4',
    check: 'key-slot',
    when: "the matching slot's tag does not verify (wrong wrapped key, tag, or customer key)",
  },
  HEADER_AUTH: { requirement: 'REQ-UNPACK-5', check: 'header-auth', when: "the header's tag does not verify" },
  INVALID_LENGTH: {
    requirement: 'REQ-UNPACK-6',
    check: 'page-length',
    platformRc: '0x0005',
    when: 'the tweak is not 16 bytes or the page is not 4096 bytes',
  },
  ADDRESS_NOT_ALIGNED: { requirement: 'REQ-UNPACK-7', check: 'address', when: 'the guest address is not a multiple of 4096' },
  ADDRESS_OUT_OF_RANGE: { requirement: 'REQ-UNPACK-7', check: 'address', when: 'the address is at or beyond the end of guest memory' },
  TOO_MANY_PAGES: { requirement: 'REQ-UNPACK-8', check: 'too-many-pages', when: 'NEP pages have already been unpacked' },
  ADDRESS_ALREADY_UNPACKED: { requirement: 'REQ-UNPACK-9', check: 'address', when: 'a page was already unpacked at this address' },
  TWEAK_REUSED: { requirement: 'REQ-UNPACK-10', check: 'tweak-reuse', when: 'this tweak was already used by an unpack of this guest' },
  PLD_MISMATCH: { requirement: 'REQ-UNPACK-12', check: 'pld', recorded: true, when: 'the page-list digest differs' },
  ALD_MISMATCH: { requirement: 'REQ-UNPACK-12', check: 'ald', recorded: true, when: 'the address-list digest differs' },
  TLD_MISMATCH: { requirement: 'REQ-UNPACK-12', check: 'tld', recorded: true, when: 'the tweak-list digest differs' },
  NEP_MISMATCH: {
    requirement: 'REQ-UNPACK-12',
    check: 'nep',
    recorded: true,
    when: 'the number of unpacked pages differs from NEP',
  },
  NOT_VERIFIED: {
    requirement: 'REQ-UNPACK-13',
    check: 'not-verified',
    when: 'the guest is in `created`, `unpacking` or `verify-failed`',
  },
});

/** A rejection code of the image-unpack mechanism. */
export type UnpackCode = keyof typeof UNPACK_REJECTIONS.rows;
