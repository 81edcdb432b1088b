/**
 * The controls of the authenticated image that gate a running guest's requests: which PCF and
 * SCF bits this mechanism reads, named once. Bits are MSB0 as in the reference: bit n of a
 * 64-bit field is the value `1 << (63 - n)` (bit 0 is the most significant bit).
 *
 * PCF (plaintext, authenticated by the header's GCM): bit 34 dumping allowed, bits 56-59 PCKMO
 * key functions per family, bit 62 backup target keys. SCF (inside the encrypted area): bit 1
 * add-secret requests must carry the CCK-derived extension secret, bit 2 CCK update allowed.
 * @module
 */
import {
  PCF_BACKUP_TARGET_KEYS,
  PCF_DUMP_ALLOWED,
  PCF_PCKMO_AES,
  PCF_PCKMO_DEA,
  PCF_PCKMO_ECC,
  PCF_PCKMO_HMAC,
  SCF_CCK_EXTENSION_SECRET,
  SCF_CCK_UPDATE_ALLOWED,
} from '../se-format/format.js';

/** The value of MSB0 bit `n` of a 64-bit field. */
export function msb0(n: number): bigint {
  return 1n << BigInt(63 - n);
}

/** The families of PCKMO key functions, each allowed by its own PCF bit. */
export type PckmoFamily = 'dea' | 'aes' | 'ecc' | 'hmac';

/** The PCF bit (as a mask) that allows each PCKMO family: MSB0 bits 56, 57, 58, 59. */
export const PCKMO_FAMILY_BIT: Readonly<Record<PckmoFamily, bigint>> = {
  dea: PCF_PCKMO_DEA,
  aes: PCF_PCKMO_AES,
  ecc: PCF_PCKMO_ECC,
  hmac: PCF_PCKMO_HMAC,
};

/** Every control bit this mechanism reads, by name, as masks of their 64-bit fields. */
export const CONTROL_BITS = {
  /** PCF MSB0 bit 34: dumping allowed (mechanism 6 reads it, with the store's disable-dump flag). */
  dumpAllowed: PCF_DUMP_ALLOWED,
  /** PCF MSB0 bit 62: the guest may ask for its machine's backup target keys. */
  backupTargetKeys: PCF_BACKUP_TARGET_KEYS,
  /** SCF MSB0 bit 1: an add-secret request must carry the CCK-derived extension secret. */
  extensionSecret: SCF_CCK_EXTENSION_SECRET,
  /** SCF MSB0 bit 2: an update-CCK secret may replace the CCK. */
  cckUpdate: SCF_CCK_UPDATE_ALLOWED,
} as const;

/** True when every bit of `mask` is set in `flags`. */
export function hasBits(flags: bigint, mask: bigint): boolean {
  return (flags & mask) === mask;
}
