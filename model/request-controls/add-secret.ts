/**
 * Add secret (UVC 0x1031; spec/request-controls.md REQ-CTRL-8 to -15): the firmware opens the
 * guest's ASRCB with this machine's host key and adds its secret to the guest's store when the
 * store is not locked, the request is well formed and authentic, its secret is one of the
 * reference's types with a length that type allows, it carries the CCK-derived extension secret
 * where SCF bit 1 demands it, it is bound to this guest's image (PLD, ALD, TLD, header tag) and
 * configuration (CUID, or zeros for any), an update-CCK is allowed by SCF bit 2, and there is
 * room. An accepted request's tag joins the secret-store hash.
 * @module
 */
import { equalBytes } from '../core/bytes.js';
import type { Step } from '../core/outcome.js';
import { ADD_SECRET_FLAG_DISABLE_DUMP, openAsrcb, type AsrcbFailure } from '../se-format/asrcb.js';
import { deriveExtensionSecret } from '../se-format/extension-secret.js';
import { SECRET_TYPE, secretType } from '../se-format/secret-types.js';
import { acceptGuest } from '../world/mechanism.js';
import { keep, onGuest } from '../world/guests.js';
import type { World } from '../world/world.js';
import type { AddSecret } from './actions.js';
import { fail, isZero, openForMachine } from './common.js';
import { CONTROL_BITS, hasBits } from './controls.js';
import { cuidOf } from './firmware-values.js';
import type { CtrlCode } from './rejections.js';
import type { SecretStore, StoredSecret } from './store.js';

/** Association secrets a store holds at most (the model's limit; Query UV Info gives the real machine's). */
export const MAX_ASSOCIATION_SECRETS = 8;

/** Retrievable secrets (plain text and keys) a store holds at most (the model's limit). */
export const MAX_RETRIEVABLE_SECRETS = 80;

type Empty = Record<string, never>;
const EMPTY: Empty = {};

/** The code of a failure to open the request, by its check and reason (the codec's vocabulary). */
export function addFailureCode(f: AsrcbFailure): CtrlCode {
  switch (f.check) {
    case 'format':
      if (f.reason === 'nks') return 'ADD_INVALID_HOST_KEYS';
      if (f.reason === 'magic' || f.reason === 'user-data-type' || f.reason === 'version') return 'ADD_UNSUPPORTED_VERSION';
      if (f.reason === 'flags') return 'ADD_UNSUPPORTED_FLAGS';
      return 'ADD_INVALID_SIZE';
    case 'key-slot':
      return f.reason === 'no-slot' ? 'ADD_NO_KEY_SLOT' : 'ADD_REQUEST_AUTH';
    case 'request-auth':
      return 'ADD_REQUEST_AUTH';
    case 'secret-header':
      return f.reason === 'secret-type' || f.reason === 'secret-id' ? 'ADD_UNSUPPORTED_SECRET' : 'ADD_INVALID_SECRET_LENGTH';
    case 'extension-secret':
      return 'EXTENSION_SECRET_MISMATCH';
  }
}

/** True when the store has room for one more secret of type `code` (null and update-CCK take none). */
export function hasRoom(store: SecretStore, code: number): boolean {
  const t = secretType(code);
  if (t === undefined || !t.listable) return true;
  const association = (s: StoredSecret): boolean => s.type === SECRET_TYPE.ASSOCIATION;
  const held = store.secrets.filter((s) => association(s) === (code === SECRET_TYPE.ASSOCIATION)).length;
  return held < (code === SECRET_TYPE.ASSOCIATION ? MAX_ASSOCIATION_SECRETS : MAX_RETRIEVABLE_SECRETS);
}

/**
 * Add a secret from the guest's add-secret request.
 * @requirement REQ-CTRL-1 REQ-CTRL-8 REQ-CTRL-9 REQ-CTRL-10 REQ-CTRL-11 REQ-CTRL-12 REQ-CTRL-13 REQ-CTRL-14 REQ-CTRL-15
 */
export function addSecret(world: World, action: AddSecret): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    const { image } = guest;
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running' || image === null) return fail(guest, 'INVALID_STATE');
    const store = guest.slices.secrets;
    // REQ-CTRL-8: after a lock nothing is added
    if (store.locked) return fail(guest, 'STORE_LOCKED');
    // REQ-CTRL-12: under SCF bit 1 the request must carry HKDF(CCK, header tag)
    const expected = hasBits(image.scf, CONTROL_BITS.extensionSecret) ? deriveExtensionSecret(world.suite, store.cck ?? image.cck, image.headerTag) : undefined;
    // REQ-CTRL-9 (format), -10 (key slot, authentication), -11 (secret header), -12 (extension secret), in the codec's order
    const opened = openForMachine(world, guest, (host) =>
      openAsrcb(world.suite, action.request, { kind: 'host', host }, expected === undefined ? {} : { expectedExtensionSecret: expected }),
    );
    if (!opened.ok) return fail(guest, addFailureCode(opened.error));
    const { asrcb, payload } = opened.value.value;
    const tags = asrcb.bootTags;
    // REQ-CTRL-13: bound to this guest's image...
    if (!equalBytes(tags.pld, image.pld) || !equalBytes(tags.ald, image.ald) || !equalBytes(tags.tld, image.tld) || !equalBytes(tags.headerTag, image.headerTag)) {
      return fail(guest, 'IMAGE_MISMATCH');
    }
    // REQ-CTRL-13: ...and to its configuration, unless the CUID is zeros
    if (!isZero(asrcb.cuid) && !equalBytes(asrcb.cuid, cuidOf(world, guest))) return fail(guest, 'CUID_MISMATCH');
    const type = asrcb.secretHeader.type;
    // REQ-CTRL-14: the CCK is replaced only under SCF bit 2
    if (type === SECRET_TYPE.UPDATE_CCK && !hasBits(image.scf, CONTROL_BITS.cckUpdate)) return fail(guest, 'CCK_UPDATE_NOT_ALLOWED');
    // REQ-CTRL-15: room for one more of its class
    if (!hasRoom(store, type)) return fail(guest, 'STORE_FULL');

    // REQ-CTRL-15: the effect. The request's tag joins the hash; a listable secret joins the store.
    const value = keep(payload);
    const listed = secretType(type)?.listable === true;
    // Stryker disable next-line LogicalOperator: a listed type has a 48-byte secret header, which always carries an ID
    const id = keep(asrcb.secretHeader.id ?? new Uint8Array(32));
    const next: SecretStore = {
      ...store,
      requestTags: [...store.requestTags, keep(asrcb.tag)],
      secrets: listed ? [...store.secrets, { index: store.secrets.length, type, id, value }] : store.secrets,
      dumpDisabled: store.dumpDisabled || (asrcb.flags & ADD_SECRET_FLAG_DISABLE_DUMP) !== 0n,
      cck: type === SECRET_TYPE.UPDATE_CCK ? value : store.cck,
    };
    return acceptGuest({ ...guest, slices: { ...guest.slices, secrets: next } }, EMPTY);
  });
}
