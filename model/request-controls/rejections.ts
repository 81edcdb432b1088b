/**
 * The rejection table of metadata-gated requests (spec/request-controls.md): one row per code
 * with its requirement, the check name tools print, and the real ultravisor's return code where
 * the public sources give one (pv_core `AddCmd::rc_fmt`, kernel uv.h). The guard order of each
 * handler is in `guards.ts`; this table's order follows the requirements.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a request-controls handler can reject with. */
export const CTRL_REJECTIONS = defineRejections('request-controls', {
  INVALID_STATE: { requirement: 'REQ-CTRL-1', check: 'state', platformRc: '0x0003', when: 'the guest is not `running`' },
  ATTEST_MALFORMED: {
    requirement: 'REQ-CTRL-4',
    check: 'format',
    when: 'the ARCB is too short, or its sizes, number of key slots, magic, version, measurement algorithm or layout are not those of an ARCB version 0x100',
  },
  ATTEST_UNSUPPORTED_FLAGS: {
    requirement: 'REQ-CTRL-4',
    check: 'format',
    when: 'the request flags ask for something the firmware does not give (an unknown bit, or the firmware state of MSB0 bit 5)',
  },
  ATTEST_USER_DATA_TOO_LONG: { requirement: 'REQ-CTRL-4', check: 'user-data', when: 'the user data is longer than 256 bytes' },
  ATTEST_NO_KEY_SLOT: { requirement: 'REQ-CTRL-5', check: 'key-slot', when: "no key slot of the ARCB names a host key of this machine" },
  ATTEST_REQUEST_AUTH: {
    requirement: 'REQ-CTRL-5',
    check: 'request-auth',
    when: "the matching key slot does not unwrap, the customer key is not a P-521 point, or the ARCB's tag does not verify",
  },
  STORE_LOCKED: { requirement: 'REQ-CTRL-8', check: 'store-locked', platformRc: '0x0102', when: 'the secret store is locked (an add, or a second lock)' },
  ADD_UNSUPPORTED_VERSION: {
    requirement: 'REQ-CTRL-9',
    check: 'format',
    platformRc: '0x0104',
    when: 'the magic is not `asrcbM` with a user-data type 0-4, or the version is not 0x00000100',
  },
  ADD_INVALID_SIZE: {
    requirement: 'REQ-CTRL-9',
    check: 'format',
    platformRc: '0x0105',
    when: 'the request is shorter than its fixed part, RQL is not its byte count, or SEA does not fit the secret header',
  },
  ADD_INVALID_HOST_KEYS: { requirement: 'REQ-CTRL-9', check: 'format', platformRc: '0x0106', when: 'the number of key slots is 0' },
  ADD_UNSUPPORTED_FLAGS: { requirement: 'REQ-CTRL-9', check: 'format', platformRc: '0x0107', when: 'an add-secret flag other than "disable dump" (MSB0 bit 0) is set' },
  ADD_NO_KEY_SLOT: { requirement: 'REQ-CTRL-10', check: 'key-slot', platformRc: '0x0108', when: 'no key slot of the request names a host key of this machine' },
  ADD_REQUEST_AUTH: {
    requirement: 'REQ-CTRL-10',
    check: 'request-auth',
    platformRc: '0x0108',
    when: "the matching key slot does not unwrap, the customer key is not a P-521 point, or the request's tag does not verify",
  },
  ADD_UNSUPPORTED_SECRET: {
    requirement: 'REQ-CTRL-11',
    check: 'secret-header',
    platformRc: '0x0109',
    when: 'the secret type is unknown or reserved, or the secret header is not the one its type has (size, ID of a type that is not listed)',
  },
  ADD_INVALID_SECRET_LENGTH: { requirement: 'REQ-CTRL-11', check: 'secret-header', platformRc: '0x010A', when: 'the secret length is not one its type allows' },
  EXTENSION_SECRET_MISMATCH: {
    requirement: 'REQ-CTRL-12',
    check: 'extension-secret',
    platformRc: '0x010C',
    when: "SCF bit 1 is set and the request's extension secret is not the one derived from the guest's CCK and header tag",
  },
  IMAGE_MISMATCH: {
    requirement: 'REQ-CTRL-13',
    check: 'binding',
    platformRc: '0x010C',
    when: "the request's PLD, ALD, TLD or header tag is not the guest's image's",
  },
  CUID_MISMATCH: { requirement: 'REQ-CTRL-13', check: 'binding', platformRc: '0x010C', when: "the request's CUID is neither zero nor the guest's" },
  CCK_UPDATE_NOT_ALLOWED: { requirement: 'REQ-CTRL-14', check: 'cck-update', platformRc: '0x0101', when: 'an update-CCK secret, and SCF bit 2 is clear' },
  STORE_FULL: {
    requirement: 'REQ-CTRL-15',
    check: 'store-full',
    platformRc: '0x010B',
    when: 'the store already holds as many association secrets (or as many retrievable secrets) as it can',
  },
  INVALID_INDEX: { requirement: 'REQ-CTRL-16', check: 'index', when: 'a secret index or start index is not a u16' },
  STORE_EMPTY: { requirement: 'REQ-CTRL-18', check: 'retrieve', platformRc: '0x010F', when: 'the store holds no secret' },
  NO_SECRET_AT_INDEX: { requirement: 'REQ-CTRL-18', check: 'retrieve', platformRc: '0x0110', when: 'no secret has this index' },
  NOT_RETRIEVABLE: { requirement: 'REQ-CTRL-18', check: 'retrieve', platformRc: '0x0111', when: 'the secret is an association secret' },
  BUFFER_TOO_SMALL: { requirement: 'REQ-CTRL-18', check: 'retrieve', platformRc: '0x0109', when: 'the buffer is smaller than what the secret comes back as' },
  PCKMO_NOT_ALLOWED: { requirement: 'REQ-CTRL-20', check: 'pckmo', when: "PCF does not allow the function's family (MSB0 bit 56 DEA, 57 AES, 58 ECC, 59 HMAC)" },
  PCKMO_KEY_LENGTH: { requirement: 'REQ-CTRL-20', check: 'pckmo', when: 'the clear key is not as long as the function takes' },
  BACKUP_KEYS_NOT_ALLOWED: { requirement: 'REQ-CTRL-21', check: 'backup-keys', when: 'PCF bit 62 is clear' },
});

/** A rejection code of the request-controls mechanism. */
export type CtrlCode = keyof typeof CTRL_REJECTIONS.rows;
