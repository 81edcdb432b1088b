/**
 * The encrypted client data volume of mechanism 10: a small, honest model of a LUKS2 volume as
 * dm-crypt opens it with `aes-xts-plain64` (platform-formats.md 5.1).
 *
 * What is modelled, as the real format does it:
 * - sectors of 512 bytes; each data sector is AES-256-XTS encrypted under the 64-byte volume key
 *   with tweak = its sector number inside the data segment (0, 1, 2, ...), little-endian in 16
 *   bytes (dm-crypt's `plain64` IV; LUKS2 maps the data segment with no IV offset);
 * - a header naming the cipher, the sector size, where the keyslot area and the data segment are;
 * - one keyslot whose area holds the volume key encrypted with `aes-xts-plain64` under the slot
 *   key (the area's sectors numbered from 0), and a digest by which opening knows the right key.
 *
 * What is not, and how the model differs (spec/confidential-boot.md says the same):
 * - the header is one binary sector, not LUKS2's binary header pair with a JSON metadata area,
 *   header checksum and sequence ID; it keeps only the 6-byte magic `LUKS\xba\xbe` and version 2;
 * - the slot key is the 64-byte data key itself: no PBKDF (argon2id/PBKDF2) over a passphrase;
 * - the anti-forensic splitter runs with one stripe, which is the identity: the area is the key;
 * - the digest is HMAC-SHA-256(volume key, salt), not PBKDF2-SHA-256 of the volume key;
 * - one keyslot, one segment, no tokens, no re-encryption.
 *
 * Sector 0: the header. Sector 1: the keyslot area. Sectors 2 ...: the data segment.
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x00 | 6 | magic `LUKS\xba\xbe` |
 * | 0x06 | 2 | version 2 (u16) |
 * | 0x08 | 32 | cipher, ASCII, NUL-padded: `aes-xts-plain64` |
 * | 0x28 | 4 | sector size 512 (u32) |
 * | 0x2C | 4 | key bytes 64 (u32) |
 * | 0x30 | 8 | keyslot area offset in sectors: 1 (u64) |
 * | 0x38 | 8 | data segment offset in sectors: 2 (u64) |
 * | 0x40 | 8 | data segment size in sectors, 1 to 256 (u64) |
 * | 0x48 | 32 | digest salt |
 * | 0x68 | 32 | digest: HMAC-SHA-256(volume key, salt) |
 * | 0x88 | 376 | zero |
 * @module
 */
import { concatBytes, equalBytes, readU32, readU64, utf8ToBytes, writeU32, writeU64 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { XTS_KEY_SIZE } from './format.js';

/** The sector size of the volume. */
export const SECTOR_SIZE = 512;
/** The LUKS magic. */
export const LUKS_MAGIC: Uint8Array = Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe);
/** The header version. */
export const LUKS_VERSION = 2;
/** The only cipher the model opens. */
export const VOLUME_CIPHER = 'aes-xts-plain64';
/** The keyslot area's first sector. */
export const KEYSLOT_SECTOR = 1;
/** The data segment's first sector. */
export const DATA_OFFSET = 2;
/** The most data sectors a volume has. */
export const MAX_DATA_SECTORS = 256;
/** The largest volume. */
export const MAX_VOLUME_SIZE = (DATA_OFFSET + MAX_DATA_SECTORS) * SECTOR_SIZE;
/** The digest salt's size. */
export const SALT_SIZE = 32;

const CIPHER_FIELD = 32;
const ZERO_FROM = 0x88;

/** What the header says. */
export interface VolumeHeader {
  readonly dataSectors: number;
  readonly salt: Uint8Array;
  readonly digest: Uint8Array;
}

/** The plain64 tweak of sector `n`: n little-endian, zero-padded to 16 bytes. */
export function sectorTweak(n: number): Uint8Array {
  const t = new Uint8Array(16);
  let v = BigInt(n);
  for (let i = 0; i < 8; i++) {
    t[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return t;
}

/** Sector `n` of an `aes-xts-plain64` mapping, encrypted. */
export function encryptSector(suite: CryptoSuite, key: Uint8Array, n: number, plain: Uint8Array): Uint8Array {
  return suite.aesXtsEncrypt(key, sectorTweak(n), plain);
}

/** Sector `n` of an `aes-xts-plain64` mapping, decrypted. */
export function decryptSector(suite: CryptoSuite, key: Uint8Array, n: number, stored: Uint8Array): Uint8Array {
  return suite.aesXtsDecrypt(key, sectorTweak(n), stored);
}

/** The keyslot digest of a volume key. */
export function volumeKeyDigest(suite: CryptoSuite, volumeKey: Uint8Array, salt: Uint8Array): Uint8Array {
  return suite.hmac('sha256', volumeKey, salt);
}

/** The header sector. */
export function encodeVolumeHeader(h: VolumeHeader): Uint8Array {
  const b = new Uint8Array(SECTOR_SIZE);
  b.set(LUKS_MAGIC, 0);
  b[6] = LUKS_VERSION >> 8;
  b[7] = LUKS_VERSION & 0xff;
  b.set(utf8ToBytes(VOLUME_CIPHER), 0x08);
  writeU32(b, 0x28, SECTOR_SIZE);
  writeU32(b, 0x2c, XTS_KEY_SIZE);
  writeU64(b, 0x30, BigInt(KEYSLOT_SECTOR));
  writeU64(b, 0x38, BigInt(DATA_OFFSET));
  writeU64(b, 0x40, BigInt(h.dataSectors));
  b.set(h.salt, 0x48);
  b.set(h.digest, 0x68);
  return b;
}

/** The header of a volume's stored bytes, or why it is not one. Total. */
export function decodeVolumeHeader(volume: Uint8Array): Result<VolumeHeader, string> {
  if (volume.length % SECTOR_SIZE !== 0 || volume.length < (DATA_OFFSET + 1) * SECTOR_SIZE) return err('not a whole number of sectors, at least three');
  if (volume.length > MAX_VOLUME_SIZE) return err('more than 256 data sectors');
  const h = volume.subarray(0, SECTOR_SIZE);
  if (!equalBytes(h.subarray(0, 6), LUKS_MAGIC)) return err('wrong magic');
  if (h[6] !== 0 || h[7] !== LUKS_VERSION) return err('not version 2');
  const cipher = concatBytes(utf8ToBytes(VOLUME_CIPHER), new Uint8Array(CIPHER_FIELD - VOLUME_CIPHER.length));
  if (!equalBytes(h.subarray(0x08, 0x08 + CIPHER_FIELD), cipher)) return err('the cipher is not aes-xts-plain64');
  if (readU32(h, 0x28) !== SECTOR_SIZE || readU32(h, 0x2c) !== XTS_KEY_SIZE) return err('sector size or key size');
  if (readU64(h, 0x30) !== BigInt(KEYSLOT_SECTOR) || readU64(h, 0x38) !== BigInt(DATA_OFFSET)) return err('keyslot or data offset');
  const dataSectors = readU64(h, 0x40);
  if (dataSectors !== BigInt(volume.length / SECTOR_SIZE - DATA_OFFSET)) return err('the data segment size does not match the volume');
  if (h.subarray(ZERO_FROM).some((x) => x !== 0)) return err('non-zero reserved bytes');
  return ok({ dataSectors: Number(dataSectors), salt: h.slice(0x48, 0x48 + SALT_SIZE), digest: h.slice(0x68, 0x68 + 32) });
}

/** The keyslot area's sector: the volume key (one stripe) padded with zeros, encrypted under the slot key as its area's sector 0. */
export function sealKeyslot(suite: CryptoSuite, slotKey: Uint8Array, volumeKey: Uint8Array): Uint8Array {
  const area = new Uint8Array(SECTOR_SIZE);
  area.set(volumeKey, 0);
  return encryptSector(suite, slotKey, 0, area);
}

/** The volume key the keyslot sector holds under `slotKey`, or undefined when its digest does not match. */
export function openKeyslot(suite: CryptoSuite, header: VolumeHeader, keyslotSector: Uint8Array, slotKey: Uint8Array): Uint8Array | undefined {
  if (slotKey.length !== XTS_KEY_SIZE || keyslotSector.length !== SECTOR_SIZE) return undefined;
  const volumeKey = decryptSector(suite, slotKey, 0, keyslotSector).slice(0, XTS_KEY_SIZE);
  return equalBytes(volumeKeyDigest(suite, volumeKey, header.salt), header.digest) ? volumeKey : undefined;
}

/** What {@link formatVolume} builds from. */
export interface VolumeInput {
  /** The key the keyslot is sealed under: the client data key. */
  readonly slotKey: Uint8Array;
  readonly volumeKey: Uint8Array;
  readonly salt: Uint8Array;
  /** The plaintext of the data sectors, a whole number of sectors (1 to 256). */
  readonly data: Uint8Array;
}

/** The owner's side: a volume's stored bytes, header, keyslot and the encrypted data segment. */
export function formatVolume(suite: CryptoSuite, input: VolumeInput): Uint8Array {
  const n = input.data.length / SECTOR_SIZE;
  const header = encodeVolumeHeader({ dataSectors: n, salt: input.salt, digest: volumeKeyDigest(suite, input.volumeKey, input.salt) });
  const data = Array.from({ length: n }, (_, i) => encryptSector(suite, input.volumeKey, i, input.data.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE)));
  return concatBytes(header, sealKeyslot(suite, input.slotKey, input.volumeKey), ...data);
}
