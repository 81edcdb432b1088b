/**
 * The sealed data key a confidential boot image carries (mechanism 10): the client data key,
 * AES-256-GCM under the client image key, at the start of a page of the boot image. It plays the
 * part of the LUKS keyfile that IBM's "Securing a workload" puts into the SE-encrypted initrd
 * (platform-formats.md 5.1); the model seals it a second time, under the image key that only the
 * protected area holds, so that the data key never lies in the clear in guest memory. The layout
 * is the model's own:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic ASCII `SECBTENV` (also the GCM additional data) |
 * | 8 | 12 | IV |
 * | 20 | 64 | the data key (a 64-byte AES-256-XTS key), encrypted |
 * | 84 | 16 | GCM tag |
 * @module
 */
import { concatBytes, equalBytes, utf8ToBytes } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { IV_SIZE, TAG_SIZE, XTS_KEY_SIZE } from './format.js';
import { IMAGE_KEY_SIZE } from './cboot-key-blob.js';

/** The envelope's magic. */
export const ENVELOPE_MAGIC: Uint8Array = utf8ToBytes('SECBTENV');
/** The envelope's size. */
export const ENVELOPE_SIZE = 8 + IV_SIZE + XTS_KEY_SIZE + TAG_SIZE;
/** The size of the data key. */
export const DATA_KEY_SIZE = XTS_KEY_SIZE;

/** The envelope of `dataKey` under `imageKey` with `iv`. */
export function sealEnvelope(suite: CryptoSuite, imageKey: Uint8Array, iv: Uint8Array, dataKey: Uint8Array): Uint8Array {
  const s = suite.aesGcmEncrypt(imageKey, iv, dataKey, ENVELOPE_MAGIC);
  return concatBytes(ENVELOPE_MAGIC, iv, s.ciphertext, s.tag);
}

/** True when `page` begins with the envelope's magic. */
export function startsWithEnvelope(page: Uint8Array): boolean {
  return page.length >= ENVELOPE_SIZE && equalBytes(page.subarray(0, 8), ENVELOPE_MAGIC);
}

/** The data key of the envelope at the start of `page`, or undefined when its tag does not verify under `imageKey`. Total. */
export function openEnvelope(suite: CryptoSuite, imageKey: Uint8Array, page: Uint8Array): Uint8Array | undefined {
  if (!startsWithEnvelope(page) || imageKey.length !== IMAGE_KEY_SIZE) return undefined;
  const iv = page.subarray(8, 8 + IV_SIZE);
  const ct = page.subarray(8 + IV_SIZE, 8 + IV_SIZE + DATA_KEY_SIZE);
  const tag = page.subarray(8 + IV_SIZE + DATA_KEY_SIZE, ENVELOPE_SIZE);
  return suite.aesGcmDecrypt(imageKey, iv, ct, tag, ENVELOPE_MAGIC);
}
