/**
 * A guest's secret store (mechanism 3): the secrets added to it by add-secret requests, in the
 * order they were added, the GCM tags of those requests (for the attestation's secret-store
 * hash), and whether it is locked. Kept by the firmware, never visible outside the trust boundary.
 *
 * Mechanism 4 (hsm-binding) reads association secrets from it by their index; only
 * request-controls' handlers change it.
 * @module
 */

/** One secret in the store. */
export interface StoredSecret {
  /** Its index in the store: what list-secrets shows and retrieve-secret and AAPQ name. */
  readonly index: number;
  /** The secret type code (0x01 null … 0x16 update-CCK; platform-formats.md 2.2). */
  readonly type: number;
  /** The 32-byte secret ID (zeros for types that are not listable). */
  readonly id: Uint8Array;
  /** The secret's value as the request carried it (empty for the null secret). */
  readonly value: Uint8Array;
}

/** The secret store of one guest. */
export interface SecretStore {
  /** Every secret kept, in the order added (a null secret is not kept but its tag is). */
  readonly secrets: readonly StoredSecret[];
  /** The 16-byte GCM tags of every successfully added request, in order. */
  readonly requestTags: readonly Uint8Array[];
  readonly locked: boolean;
  /**
   * Set for good once an added request carried the add-secret flag "disable dump" (MSB0 bit 0):
   * the guest may not be dumped from then on, whatever PCF bit 34 says (mechanism 6 reads it
   * through `dumpAllowed`).
   */
  readonly dumpDisabled: boolean;
  /** The CCK an accepted update-CCK secret (type 0x16) set; `null` while the image's CCK holds. */
  readonly cck: Uint8Array | null;
}

declare module '../world/world.js' {
  interface GuestSlices {
    /** Mechanism 3's secret store. */
    readonly secrets: SecretStore;
  }
}

/** The store of a newly created guest: empty and unlocked. */
export function emptySecretStore(): SecretStore {
  return { secrets: [], requestTags: [], locked: false, dumpDisabled: false, cck: null };
}

/** The association secret (type 0x02) at `index` in `store`, if there is one. */
export function associationSecret(store: SecretStore, index: number): StoredSecret | undefined {
  const s = store.secrets.find((x) => x.index === index);
  return s !== undefined && s.type === 0x02 ? s : undefined;
}
