/**
 * What the firmware keeps per secure guest for incremental image decryption.
 *
 * The slice is generic: the platform's guest record is this slice plus the slices of other
 * mechanisms, and the reducers here return the whole record with only their fields changed.
 * @module
 */
import { Map as PMap, Set as PSet } from 'immutable';
import type { EcPoint } from '../crypto/suite.js';
import type { SeHeader } from './header-codec.js';
import type { HeaderSecrets } from './header-keys.js';
import type { RunningDigests } from './image-pages.js';

/** The largest guest the model accepts: 2^26 pages of 4 KiB (256 GiB). */
export const MAX_GUEST_PAGES = 2 ** 26;

/**
 * Where a guest is in its life:
 * - `created`: a secure configuration exists, no header yet;
 * - `unpacking`: the header was accepted, pages may be unpacked;
 * - `verified`: the integrity check passed, the guest may start;
 * - `verify-failed`: the integrity check failed; recorded for good, the guest can never start;
 * - `running`: started.
 */
export type GuestPhase = 'created' | 'unpacking' | 'verified' | 'verify-failed' | 'running';

/** One of the firmware's host key pairs (P-521), with the hash key slots are found by. */
export interface HostKey {
  readonly privateKey: Uint8Array;
  readonly publicKey: EcPoint;
  /** SHA-256 of the public key as the header stores it (PHKH). */
  readonly phkh: Uint8Array;
}

/** What the firmware learned from an accepted header: kept inside the trust boundary. */
export interface OpenedImage {
  readonly header: SeHeader;
  /** The header exactly as the hypervisor handed it over (public: it is ciphertext). */
  readonly headerBytes: Uint8Array;
  readonly slotIndex: number;
  readonly secrets: HeaderSecrets;
  /** PCF bit 35: components are stored in plaintext and not decrypted at unpack. */
  readonly noDecryption: boolean;
}

/** Which integrity check of verify failed. */
export type VerifyCheck = 'pld' | 'ald' | 'tld' | 'nep';

/** The image-unpack slice of a secure guest. */
export interface UnpackGuest {
  /** Size of guest memory in 4 KiB pages, fixed at creation. */
  readonly memoryPages: number;
  readonly phase: GuestPhase;
  readonly image: OpenedImage | undefined;
  /** Secure guest memory: page number → the page's plaintext. Persistent, so a step is O(log n). */
  readonly memory: PMap<number, Uint8Array>;
  /** Tweaks used by unpack for this image, by {@link tweakKey}. */
  readonly usedTweaks: PSet<string>;
  /**
   * PLD, ALD and TLD over the pages unpacked so far, and their count (always the number of
   * secure pages: each accepted unpack adds exactly one). Set by set-header.
   */
  readonly digests: RunningDigests | undefined;
  /** The check that failed at verify, once one has. */
  readonly verifyFailure: VerifyCheck | undefined;
}

/**
 * The key under which a tweak is remembered: its 16 bytes as 8 UTF-16 code units, two bytes
 * each. Distinct tweaks have distinct keys; keys this short are hashed directly by Immutable.js,
 * where 32-digit hex keys went through its small string-hash cache on every step.
 */
export function tweakKey(tweak: Uint8Array): string {
  let key = '';
  for (let i = 0; i < tweak.length; i += 2) key += String.fromCharCode(((tweak[i] ?? 0) << 8) | (tweak[i + 1] ?? 0));
  return key;
}

/** A fresh guest slice: created, no header, empty memory. */
export function newUnpackGuest(memoryPages: number): UnpackGuest {
  return {
    memoryPages,
    phase: 'created',
    image: undefined,
    memory: PMap(),
    usedTweaks: PSet(),
    digests: undefined,
    verifyFailure: undefined,
  };
}
