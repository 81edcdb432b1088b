/**
 * The whole machine: the firmware with its host keys, the secure guests by ID, and the counter
 * that names the next guest. Each mechanism contributes a slice of the guest record; today that is
 * incremental image decryption. Later mechanisms add their slices beside it.
 * @module
 */
import { Map as PMap } from 'immutable';
import type { CryptoSuite } from '../crypto/suite.js';
import { hostKeyFromPrivate } from '../image-unpack/host-key.js';
import type { HostKey, UnpackGuest } from '../image-unpack/state.js';

/** A secure guest: its ID and the slices of the mechanisms. */
export interface Guest extends UnpackGuest {
  readonly id: number;
}

/** The trusted firmware's own, long-lived state. */
export interface Firmware {
  /** The host key pairs this machine holds; images are made for one or more of them. */
  readonly hostKeys: readonly HostKey[];
}

/** The whole platform. Immutable: every step returns a new value. */
export interface PlatformState {
  readonly firmware: Firmware;
  readonly guests: PMap<number, Guest>;
  /** Guest IDs are never reused, so a destroyed guest's ID cannot be confused with a new one. */
  readonly nextGuestId: number;
}

/**
 * A platform whose firmware holds the given P-521 host private keys (66-byte scalars).
 * Returns undefined when one of them is not a valid scalar.
 */
export function initialState(suite: CryptoSuite, hostPrivateKeys: readonly Uint8Array[]): PlatformState | undefined {
  const hostKeys: HostKey[] = [];
  for (const d of hostPrivateKeys) {
    const k = hostKeyFromPrivate(suite, d);
    if (k === undefined) return undefined;
    hostKeys.push(k);
  }
  return { firmware: { hostKeys }, guests: PMap(), nextGuestId: 1 };
}
