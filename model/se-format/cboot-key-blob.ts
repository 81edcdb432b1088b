/**
 * The encrypted client image key of mechanism 10 (the confidential boot image): a key blob the
 * hypervisor loads into the firmware's protected area. It carries a 32-byte image key wrapped for
 * one or more host keys exactly as an SE header's key slots wrap the header key
 * (secure-execution-format.md "Keys"): a customer P-521 public key, and per host a slot of PHKH ‖
 * wrapped key ‖ GCM tag under SHA-256(ECDH X ‖ 00000001). The framing around the slots is the
 * model's own (the real platform has no separate image-key file):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x00 | 8 | magic ASCII `SECBTKEY` |
 * | 0x08 | 4 | version 1 (u32) |
 * | 0x0C | 4 | NKS: number of key slots, 1 to 15 (u32) |
 * | 0x10 | 160 | customer public key: X then Y, each left-padded with zeros to 80 bytes |
 * | 0xB0 | 80 × NKS | key slots as in the SE header |
 *
 * Its slots are byte for byte IBM's (test/confidential-boot/formats.test.ts: s390-tools' add-secret
 * vector asr01, whose slot wraps the request key the same way).
 *
 * Every byte counts: magic, version, NKS and the coordinate padding by the decoder, the customer
 * key through the key-encryption key, each slot by its PHKH and its tag.
 * @module
 */
import { concatBytes, equalBytes, leftPad, readU32, u32be, utf8ToBytes } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { KEY_SLOT_SIZE, P521_COORDINATE_SIZE, PADDED_COORDINATE_SIZE, PHKH_SIZE, TAG_SIZE } from './format.js';
import type { KeySlot } from './header-codec.js';
import { buildKeySlots, customerPublicKey, keyEncryptionKey, phkh, unwrapHeaderKey, type BuildError, type CustomerKey } from './header-keys.js';
import type { HostKeyPair } from './host-key.js';

/** The blob's magic. */
export const KEY_BLOB_MAGIC: Uint8Array = utf8ToBytes('SECBTKEY');
/** The blob's version. */
export const KEY_BLOB_VERSION = 1;
/** The fixed part before the key slots. */
export const KEY_BLOB_FIXED_SIZE = 0xb0;
/** The most key slots a blob carries. */
export const KEY_BLOB_MAX_SLOTS = 15;
/** The size of the image key. */
export const IMAGE_KEY_SIZE = 32;
/** The largest blob. */
export const KEY_BLOB_MAX_SIZE = KEY_BLOB_FIXED_SIZE + KEY_SLOT_SIZE * KEY_BLOB_MAX_SLOTS;

/** A decoded key blob. */
export interface KeyBlob {
  readonly customerPublicKey: EcPoint;
  readonly keySlots: readonly KeySlot[];
}

/** The size of a blob with `nks` slots. */
export function keyBlobSize(nks: number): number {
  return KEY_BLOB_FIXED_SIZE + KEY_SLOT_SIZE * nks;
}

/** The 80-byte padded form of a coordinate. */
function padded(c: Uint8Array): Uint8Array {
  return leftPad(c, PADDED_COORDINATE_SIZE);
}

/** The blob's bytes. */
export function encodeKeyBlob(blob: KeyBlob): Uint8Array {
  const slots = blob.keySlots.map((s) => concatBytes(s.phkh, s.wrappedKey, s.tag));
  return concatBytes(KEY_BLOB_MAGIC, u32be(KEY_BLOB_VERSION), u32be(blob.keySlots.length), padded(blob.customerPublicKey.x), padded(blob.customerPublicKey.y), ...slots);
}

/** A coordinate from its 80-byte padded form: the 14 padding bytes must be zero. */
function coordinate(b: Uint8Array, offset: number): Uint8Array | undefined {
  const field = b.subarray(offset, offset + PADDED_COORDINATE_SIZE);
  const pad = PADDED_COORDINATE_SIZE - P521_COORDINATE_SIZE;
  if (field.subarray(0, pad).some((x) => x !== 0)) return undefined;
  return field.slice(pad);
}

/**
 * Decodes a key blob; an error message when it is not one (wrong magic, version, slot count,
 * size, or non-zero coordinate padding). Total.
 */
export function decodeKeyBlob(b: Uint8Array): Result<KeyBlob, string> {
  if (b.length < KEY_BLOB_FIXED_SIZE) return err('shorter than the fixed part');
  if (!equalBytes(b.subarray(0, 8), KEY_BLOB_MAGIC)) return err('wrong magic');
  if (readU32(b, 8) !== KEY_BLOB_VERSION) return err('unsupported version');
  const nks = readU32(b, 12);
  if (nks < 1 || nks > KEY_BLOB_MAX_SLOTS) return err('the slot count is not 1 to 15');
  if (b.length !== keyBlobSize(nks)) return err('the size does not match the slot count');
  const x = coordinate(b, 0x10);
  const y = coordinate(b, 0x10 + PADDED_COORDINATE_SIZE);
  if (x === undefined || y === undefined) return err('non-zero coordinate padding');
  const keySlots: KeySlot[] = [];
  for (let i = 0; i < nks; i++) {
    const at = KEY_BLOB_FIXED_SIZE + KEY_SLOT_SIZE * i;
    keySlots.push({
      phkh: b.slice(at, at + PHKH_SIZE),
      wrappedKey: b.slice(at + PHKH_SIZE, at + PHKH_SIZE + IMAGE_KEY_SIZE),
      tag: b.slice(at + PHKH_SIZE + IMAGE_KEY_SIZE, at + PHKH_SIZE + IMAGE_KEY_SIZE + TAG_SIZE),
    });
  }
  return ok({ customerPublicKey: { x, y }, keySlots });
}

/** The owner's side: the image key wrapped for each host key, one slot each, in order. */
export function sealKeyBlob(suite: CryptoSuite, customer: CustomerKey, hostKeys: readonly EcPoint[], imageKey: Uint8Array): Result<Uint8Array, BuildError> {
  if (imageKey.length !== IMAGE_KEY_SIZE) return err({ field: 'imageKey', message: 'the image key is not 32 bytes' });
  if (hostKeys.length < 1 || hostKeys.length > KEY_BLOB_MAX_SLOTS) return err({ field: 'hostKeys', message: 'a blob is for 1 to 15 host keys' });
  const pub = customerPublicKey(suite, customer);
  if (pub === undefined) return err({ field: 'customer', message: 'the customer key is not a P-521 key' });
  const slots = buildKeySlots(suite, customer, hostKeys, imageKey);
  if (!slots.ok) return slots;
  return ok(encodeKeyBlob({ customerPublicKey: pub, keySlots: slots.value }));
}

/** Why a blob did not open on a machine: no slot for its host keys, or the slot does not unwrap. */
export type KeyBlobCheck = 'NO_KEY_SLOT' | 'KEY_SLOT_AUTH';

/**
 * The firmware's side: the first host key (in the firmware's order) that names a slot, its first
 * slot, ECDH with the customer key, the image key unwrapped. Total.
 */
export function openKeyBlob(suite: CryptoSuite, blob: KeyBlob, hosts: readonly HostKeyPair[]): Result<{ readonly imageKey: Uint8Array; readonly slotIndex: number }, KeyBlobCheck> {
  for (const host of hosts) {
    const own = host.phkh ?? phkh(suite, host.publicKey);
    const slotIndex = blob.keySlots.findIndex((s) => equalBytes(s.phkh, own));
    if (slotIndex < 0) continue;
    const slot = blob.keySlots[slotIndex] as KeySlot;
    const sharedX = suite.ecdh('p521', host.privateKey, blob.customerPublicKey);
    if (sharedX === undefined) return err('KEY_SLOT_AUTH');
    const imageKey = unwrapHeaderKey(suite, keyEncryptionKey(suite, sharedX), slot);
    if (imageKey === undefined) return err('KEY_SLOT_AUTH');
    return ok({ imageKey, slotIndex });
  }
  return err('NO_KEY_SLOT');
}
