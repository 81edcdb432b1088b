/**
 * The guest's calls on its own secret store (spec/request-controls.md REQ-CTRL-8, -16 to -19):
 * list (UVC 0x1033), lock (0x1034) and retrieve (0x1035). Plain text comes back as stored; a key
 * only as a protected key for this machine's CPU; an association secret never.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { encodeSecretListPage, secretListPage } from '../se-format/secret-list.js';
import { SECRET_TYPE, secretType } from '../se-format/secret-types.js';
import { acceptGuest } from '../world/mechanism.js';
import { onGuest } from '../world/guests.js';
import type { World } from '../world/world.js';
import type { ListSecrets, LockSecrets, RetrieveSecret } from './actions.js';
import { fail, isU16 } from './common.js';
import { cpuWrappingKey } from './firmware-values.js';
import { keyKind } from './key-kinds.js';
import { wrapProtectedKey } from './protected-key.js';

/** Ultravisor return code of a successful call. */
export const RC_SUCCESS = 0x0001;

/** Ultravisor return code of a list call that did not list every secret: list again from the next index. */
export const RC_MORE_DATA = 0x0100;

type Empty = Record<string, never>;
const EMPTY: Empty = {};
const NONE = new Uint8Array(0);

/**
 * List the secrets from `startIndex`: one page, rc 0x0100 when more follow.
 * @requirement REQ-CTRL-1 REQ-CTRL-16 REQ-CTRL-17
 */
export function listSecrets(world: World, action: ListSecrets): Step<World, { readonly rc: number; readonly page: Uint8Array }> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running') return fail(guest, 'INVALID_STATE');
    // REQ-CTRL-16: indices are u16
    if (!isU16(action.startIndex)) return fail(guest, 'INVALID_INDEX');
    // REQ-CTRL-17: every stored secret is listed: index, type, payload length, ID
    const entries = guest.slices.secrets.secrets.map((s) => ({ index: s.index, type: s.type, length: s.value.length, id: s.id }));
    const { page, moreData } = secretListPage(entries, action.startIndex);
    return acceptGuest(guest, { rc: moreData ? RC_MORE_DATA : RC_SUCCESS, page: encodeSecretListPage(page) });
  });
}

/**
 * Lock the store for good.
 * @requirement REQ-CTRL-1 REQ-CTRL-8
 */
export function lockSecrets(world: World, action: LockSecrets): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running') return fail(guest, 'INVALID_STATE');
    const store = guest.slices.secrets;
    // REQ-CTRL-8: a store is locked once
    if (store.locked) return fail(guest, 'STORE_LOCKED');
    return acceptGuest({ ...guest, slices: { ...guest.slices, secrets: { ...store, locked: true } } }, EMPTY);
  });
}

/** The response of an accepted retrieve-secret. */
export interface RetrievedSecret {
  readonly type: number;
  readonly plainText: Uint8Array;
  readonly protectedKey: Uint8Array;
}

/**
 * Retrieve the secret at `index`: plain text as stored, a key as a protected key.
 * @requirement REQ-CTRL-1 REQ-CTRL-16 REQ-CTRL-18 REQ-CTRL-19
 */
export function retrieveSecret(world: World, action: RetrieveSecret): Step<World, RetrievedSecret> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running') return fail(guest, 'INVALID_STATE');
    // REQ-CTRL-16: indices are u16
    if (!isU16(action.index)) return fail(guest, 'INVALID_INDEX');
    const { secrets } = guest.slices.secrets;
    // REQ-CTRL-18: something is stored...
    if (secrets.length === 0) return fail(guest, 'STORE_EMPTY');
    const s = secrets.find((x) => x.index === action.index);
    // REQ-CTRL-18: ...at this index...
    if (s === undefined) return fail(guest, 'NO_SECRET_AT_INDEX');
    // REQ-CTRL-18: ...and it is retrievable (never an association secret)
    if (secretType(s.type)?.retrievable !== true) return fail(guest, 'NOT_RETRIEVABLE');
    // REQ-CTRL-19: a key only as a protected key for this machine's CPU
    const kind = s.type === SECRET_TYPE.PLAINTEXT ? undefined : keyKind(s.type);
    const protectedKey = kind === undefined ? NONE : wrapProtectedKey(world.suite, cpuWrappingKey(world, guest.machine), kind.code, s.value, kind.patternSize);
    // Stryker disable next-line all: unreachable, every retrievable type but plain text is a key kind of at least 16 bytes
    if (protectedKey === undefined || (kind === undefined && s.type !== SECRET_TYPE.PLAINTEXT)) return fail(guest, 'NOT_RETRIEVABLE');
    const plainText = kind === undefined ? s.value.slice() : NONE.slice();
    // REQ-CTRL-18: the guest's buffer holds what comes back
    if (action.bufferSize < plainText.length + protectedKey.length) return fail(guest, 'BUFFER_TOO_SMALL');
    return acceptGuest(guest, { type: s.type, plainText, protectedKey: protectedKey.slice() });
  });
}
