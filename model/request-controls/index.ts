/**
 * Mechanism 3, metadata-gated requests, as the platform composes it: a running secure guest's
 * requests to the firmware (attestation, the secret store, PCKMO, backup target keys), each
 * answered only where the controls of the guest's authenticated image permit it. The formats it
 * reads (ARCB, ASRCB, list page, measurement) are in `model/se-format/`.
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import type { Guest } from '../world/world.js';
import { CTRL_ACTIONS } from './actions.js';
import { addSecret } from './add-secret.js';
import { retrieveAttestation } from './attestation.js';
import { CONTROL_BITS, hasBits } from './controls.js';
import { pckmo, queryBackupKeys } from './cpu-calls.js';
import { CTRL_GUARDS } from './guards.js';
import { CTRL_REJECTIONS } from './rejections.js';
import { emptySecretStore } from './store.js';
import { listSecrets, lockSecrets, retrieveSecret } from './store-calls.js';

export * from './actions.js';
export { CTRL_GUARDS } from './guards.js';
export { CTRL_REJECTIONS, type CtrlCode } from './rejections.js';
export { associationSecret, emptySecretStore, type SecretStore, type StoredSecret } from './store.js';
export { CONTROL_BITS, msb0, PCKMO_FAMILY_BIT, type PckmoFamily } from './controls.js';
export { keyKind, PCKMO_FUNCTIONS, type KeyKind, type PckmoFunction } from './key-kinds.js';
export { MAX_ASSOCIATION_SECRETS, MAX_RETRIEVABLE_SECRETS } from './add-secret.js';
export { RC_MORE_DATA, RC_SUCCESS } from './store-calls.js';
export { CUID_SIZE } from './firmware-values.js';

/** The CCK the guest's secure configuration holds now: the last update-CCK secret's, or the image's. */
export function currentCck(guest: Guest): Uint8Array | undefined {
  return guest.slices.secrets.cck ?? guest.image?.cck;
}

/**
 * Whether the guest may be dumped (for mechanism 6): its image allows it (PCF bit 34) and no
 * added request has disabled it.
 */
export function dumpAllowed(guest: Guest): boolean {
  return guest.image !== null && hasBits(guest.image.pcf, CONTROL_BITS.dumpAllowed) && !guest.slices.secrets.dumpDisabled;
}

/** Metadata-gated requests. */
export const requestControls = defineMechanism({
  name: 'request-controls',
  area: 'CTRL',
  actions: CTRL_ACTIONS,
  handlers: {
    'retrieve-attestation': retrieveAttestation,
    'add-secret': addSecret,
    'list-secrets': listSecrets,
    'lock-secrets': lockSecrets,
    'retrieve-secret': retrieveSecret,
    pckmo,
    'query-backup-keys': queryBackupKeys,
  },
  rejections: CTRL_REJECTIONS,
  guards: CTRL_GUARDS,
  newGuestSlices: () => ({ secrets: emptySecretStore() }),
});
