/**
 * The guards of each request-controls handler, in the order they run: the failure priority
 * that spec/request-controls.md lists per handler. When two conditions fail at once, the one
 * listed first decides the code. The request formats' own checks run in the order their codecs
 * in model/se-format/ check them (`decodeArcb`, `decodeAsrcb`, `openAsrcb`); a code appears
 * twice where the codec checks its condition in two places. `semodel requirements` checks
 * these lists against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

const GUEST = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'running', code: 'INVALID_STATE' },
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const CTRL_GUARDS = {
  'retrieve-attestation': [
    ...GUEST,
    { name: 'user data at most 256 bytes', code: 'ATTEST_USER_DATA_TOO_LONG' },
    { name: 'request header, sizes, magic, version, algorithm', code: 'ATTEST_MALFORMED' },
    { name: 'flags defined', code: 'ATTEST_UNSUPPORTED_FLAGS' },
    { name: 'encrypted area size', code: 'ATTEST_MALFORMED' },
    { name: 'no firmware state asked', code: 'ATTEST_UNSUPPORTED_FLAGS' },
    { name: 'key slot for a host key', code: 'ATTEST_NO_KEY_SLOT' },
    { name: 'request authenticates', code: 'ATTEST_REQUEST_AUTH' },
  ],
  'add-secret': [
    ...GUEST,
    { name: 'store not locked', code: 'STORE_LOCKED' },
    { name: 'header and length', code: 'ADD_INVALID_SIZE' },
    { name: 'at least one key slot', code: 'ADD_INVALID_HOST_KEYS' },
    { name: 'key slots and areas fit', code: 'ADD_INVALID_SIZE' },
    { name: 'magic, user-data type, version', code: 'ADD_UNSUPPORTED_VERSION' },
    { name: 'flags defined', code: 'ADD_UNSUPPORTED_FLAGS' },
    { name: 'secret header and SEA size', code: 'ADD_INVALID_SIZE' },
    { name: 'key slot for a host key', code: 'ADD_NO_KEY_SLOT' },
    { name: 'request authenticates', code: 'ADD_REQUEST_AUTH' },
    { name: 'secret type', code: 'ADD_UNSUPPORTED_SECRET' },
    { name: 'secret length', code: 'ADD_INVALID_SECRET_LENGTH' },
    { name: 'secret ID', code: 'ADD_UNSUPPORTED_SECRET' },
    { name: 'plain-text prefix', code: 'ADD_INVALID_SECRET_LENGTH' },
    { name: 'extension secret', code: 'EXTENSION_SECRET_MISMATCH' },
    { name: 'bound to this image', code: 'IMAGE_MISMATCH' },
    { name: 'bound to this configuration', code: 'CUID_MISMATCH' },
    { name: 'CCK update allowed', code: 'CCK_UPDATE_NOT_ALLOWED' },
    { name: 'room in the store', code: 'STORE_FULL' },
  ],
  'list-secrets': [...GUEST, { name: 'start index a u16', code: 'INVALID_INDEX' }],
  'lock-secrets': [...GUEST, { name: 'store not locked', code: 'STORE_LOCKED' }],
  'retrieve-secret': [
    ...GUEST,
    { name: 'index a u16', code: 'INVALID_INDEX' },
    { name: 'store not empty', code: 'STORE_EMPTY' },
    { name: 'secret at index', code: 'NO_SECRET_AT_INDEX' },
    { name: 'retrievable', code: 'NOT_RETRIEVABLE' },
    { name: 'buffer large enough', code: 'BUFFER_TOO_SMALL' },
  ],
  pckmo: [...GUEST, { name: 'family allowed', code: 'PCKMO_NOT_ALLOWED' }, { name: 'key length', code: 'PCKMO_KEY_LENGTH' }],
  'query-backup-keys': [...GUEST, { name: 'backup keys allowed', code: 'BACKUP_KEYS_NOT_ALLOWED' }],
} as const satisfies Record<string, readonly Guard[]>;
