/**
 * What the firmware keeps per secure guest for incremental image decryption, beside the guest
 * core (memory, phase and the authenticated image live there, shared with other mechanisms).
 * @module
 */
import type { RunningDigests } from '../se-format/image-pages.js';
import { TweakSet } from './tweak-set.js';

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
  /** Tweaks used by unpack for this guest. */
  readonly usedTweaks: TweakSet;
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
  return { xtsKey: null, noDecryption: false, slotIndex: null, usedTweaks: TweakSet.empty(), digests: null, verifyFailure: null };
}
