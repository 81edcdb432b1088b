/**
 * What the firmware keeps per secure guest for incremental image decryption, beside the guest
 * core (memory, phase and the authenticated image live there, shared with other mechanisms).
 * @module
 */
import { Set as PSet } from 'immutable';
import type { RunningDigests } from '../se-format/image-pages.js';

/** Which integrity check of verify failed. */
export type VerifyCheck = 'pld' | 'ald' | 'tld' | 'nep';

/** The image-unpack slice of a secure guest. */
export interface UnpackSlice {
  /** The XTS image key from the header's encrypted area, once a header is accepted. */
  readonly xtsKey: Uint8Array | null;
  /** PCF bit 35: pages are stored in plaintext and not decrypted. */
  readonly noDecryption: boolean;
  /** The key slot the firmware opened. */
  readonly slotIndex: number | null;
  /** Tweaks used by unpack for this guest, by {@link tweakKey}. */
  readonly usedTweaks: PSet<string>;
  /** PLD, ALD and TLD over the pages unpacked so far, and their count. Set by set-header. */
  readonly digests: RunningDigests | null;
  /** The check that failed at verify, once one has. */
  readonly verifyFailure: VerifyCheck | null;
}

declare module '../world/world.js' {
  interface GuestSlices {
    readonly unpack: UnpackSlice;
  }
}

/** The slice of a new guest: no header, no tweaks, no digests. */
export function newUnpackSlice(): UnpackSlice {
  return { xtsKey: null, noDecryption: false, slotIndex: null, usedTweaks: PSet(), digests: null, verifyFailure: null };
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
