/**
 * The requests a running secure guest makes of the firmware, declared once as schemas: the real
 * platform's guest ultravisor calls 0x1020 (retrieve attestation measurement), 0x1031 (add
 * secret), 0x1033 (list secrets), 0x1034 (lock the secret store), 0x1035 (retrieve a secret),
 * the CPU's PCKMO key functions, and the query of the machine's backup target keys.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';
import { PCKMO_FUNCTIONS } from './key-kinds.js';

/** The longest request block the uvdevice passes on (ARCB and ASRCB alike): 1 MiB. */
export const MAX_REQUEST_BYTES = 0x100000;

/** The most user data an attestation measurement covers. */
export const MAX_USER_DATA = 256;

/** Retrieve an attestation measurement (UVC 0x1020). */
export const RETRIEVE_ATTESTATION = defineAction({
  kind: 'retrieve-attestation',
  doc: 'Retrieve an attestation measurement (UVC 0x1020) for an attestation request control block (ARCB).',
  caller: 'guest',
  fields: {
    guest: t.id('the guest that asks'),
    arcb: t.bytes({ max: MAX_REQUEST_BYTES, doc: 'the attestation request control block, as pvattest makes it' }),
    userData: t.bytes({ max: MAX_USER_DATA, doc: 'user data the measurement covers (at most 256 bytes)' }),
  },
  response: {
    measurement: t.bytes({ size: 64, doc: 'HMAC-SHA512 under the request\'s measurement key' }),
    additionalData: t.bytes({ doc: 'the additional data the request flags ask for, in flag order' }),
    cuid: t.bytes({ size: 16, doc: "the configuration unique ID of the guest's secure configuration" }),
  },
  fresh: ['measurement', 'cuid'],
});

/** Add a secret to the guest's secret store (UVC 0x1031). */
export const ADD_SECRET = defineAction({
  kind: 'add-secret',
  doc: "Add a secret to the guest's secret store (UVC 0x1031) from an add-secret request control block (ASRCB v1).",
  caller: 'guest',
  fields: {
    guest: t.id('the guest that asks'),
    request: t.bytes({ max: MAX_REQUEST_BYTES, doc: 'the add-secret request control block, as pvsecret makes it' }),
  },
  response: {},
});

/** List the secrets in the store (UVC 0x1033). */
export const LIST_SECRETS = defineAction({
  kind: 'list-secrets',
  doc: 'List the secrets of the store (UVC 0x1033): one 4 KiB page of entries from a start index.',
  caller: 'guest',
  fields: {
    guest: t.id('the guest that asks'),
    startIndex: t.int({ min: 0, max: 0xffff, doc: 'the index of the first secret to list (a u16)' }),
  },
  response: {
    rc: t.int({ doc: 'the ultravisor return code: 0x0001 all listed, 0x0100 more data (list again from the next index)' }),
    page: t.bytes({ size: 4096, doc: 'the list page: 16-byte header, then 48-byte entries' }),
  },
});

/** Lock the secret store (UVC 0x1034). */
export const LOCK_SECRETS = defineAction({
  kind: 'lock-secrets',
  doc: 'Lock the secret store (UVC 0x1034): no secret is added after it.',
  caller: 'guest',
  fields: { guest: t.id('the guest that asks') },
  response: {},
});

/** Retrieve a secret from the store (UVC 0x1035). */
export const RETRIEVE_SECRET = defineAction({
  kind: 'retrieve-secret',
  doc: 'Retrieve a secret by its index (UVC 0x1035): plain text as stored, a key only as a protected key.',
  caller: 'guest',
  fields: {
    guest: t.id('the guest that asks'),
    index: t.int({ min: 0, max: 0xffff, doc: 'the index of the secret (a u16)' }),
    bufferSize: t.int({ min: 0, max: 0x2000, doc: "bytes of the guest's buffer" }),
  },
  response: {
    type: t.int({ doc: 'the secret type code' }),
    plainText: t.bytes({ doc: 'a plain-text secret as stored (u16 length, the text, zero padding); empty for a key' }),
    protectedKey: t.bytes({ doc: 'a key secret as a protected key (wrapped key and verification pattern); empty for plain text' }),
  },
  fresh: ['protectedKey'],
});

/** Wrap a clear key with a PCKMO key function. */
export const PCKMO = defineAction({
  kind: 'pckmo',
  doc: 'Wrap a clear key into a protected key with a PCKMO key function (allowed only by its family\'s PCF bit).',
  caller: 'guest',
  fields: {
    guest: t.id('the guest whose CPU runs the instruction'),
    function: t.enum(PCKMO_FUNCTIONS, 'the PCKMO key function'),
    key: t.bytes({ max: 128, doc: 'the clear key, as long as the function takes' }),
  },
  response: { protectedKey: t.bytes({ doc: 'the protected key: wrapped key and verification pattern' }) },
  fresh: ['protectedKey'],
});

/** Ask for the machine's backup target keys. */
export const QUERY_BACKUP_KEYS = defineAction({
  kind: 'query-backup-keys',
  doc: "Ask for the hashes of the machine's backup target keys (allowed only by PCF bit 62).",
  caller: 'guest',
  fields: { guest: t.id('the guest that asks') },
  response: { hashes: t.array(t.bytes({ size: 32, doc: 'PHKH of a backup target key' }), { doc: 'in the firmware\'s order' }) },
});

/** Every request-controls action kind, in the order the spec introduces them. */
export const CTRL_ACTIONS = [RETRIEVE_ATTESTATION, ADD_SECRET, LIST_SECRETS, LOCK_SECRETS, RETRIEVE_SECRET, PCKMO, QUERY_BACKUP_KEYS] as const;

/** Retrieve an attestation measurement. */
export type RetrieveAttestation = ActionOfSpec<typeof RETRIEVE_ATTESTATION>;
/** Add a secret. */
export type AddSecret = ActionOfSpec<typeof ADD_SECRET>;
/** List the secrets. */
export type ListSecrets = ActionOfSpec<typeof LIST_SECRETS>;
/** Lock the store. */
export type LockSecrets = ActionOfSpec<typeof LOCK_SECRETS>;
/** Retrieve a secret. */
export type RetrieveSecret = ActionOfSpec<typeof RETRIEVE_SECRET>;
/** A PCKMO key function. */
export type Pckmo = ActionOfSpec<typeof PCKMO>;
/** Query the backup target keys. */
export type QueryBackupKeys = ActionOfSpec<typeof QUERY_BACKUP_KEYS>;
