/**
 * The secret types of add-secret requests (platform-formats.md 2.2; kernel uv.h
 * `enum uv_secret_types`, pv_core secret_list.rs): code, name, the size rule of the payload a
 * request carries, the secret header's size (16 or 48 bytes), whether the type is listed and
 * retrievable, and the size of the protected key retrieve gives back for a key (table 2.6,
 * pkey_uv.c). Also the secret ID (SHA-256 of the name) and the plain-text payload codec.
 * @module
 */
import { readU32, utf8ToBytes, writeU32 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { BuildError } from './header-keys.js';

/** The type codes. 0x0B–0x10 are reserved. */
export const SECRET_TYPE = {
  NULL: 0x01,
  ASSOCIATION: 0x02,
  PLAINTEXT: 0x03,
  AES_128: 0x04,
  AES_192: 0x05,
  AES_256: 0x06,
  AES_XTS_128: 0x07,
  AES_XTS_256: 0x08,
  HMAC_SHA_256: 0x09,
  HMAC_SHA_512: 0x0a,
  EC_P256: 0x11,
  EC_P384: 0x12,
  EC_P521: 0x13,
  ED25519: 0x14,
  ED448: 0x15,
  UPDATE_CCK: 0x16,
} as const;

/** The names the CLI and the vectors' expected.json use for the types. */
export type SecretTypeName =
  | 'null'
  | 'association'
  | 'plaintext'
  | 'aes-128'
  | 'aes-192'
  | 'aes-256'
  | 'aes-xts-128'
  | 'aes-xts-256'
  | 'hmac-sha-256'
  | 'hmac-sha-512'
  | 'ec-p256'
  | 'ec-p384'
  | 'ec-p521'
  | 'ed25519'
  | 'ed448'
  | 'update-cck';

/** One secret type. */
export interface SecretTypeInfo {
  readonly code: number;
  readonly name: SecretTypeName;
  /** The name pvsecret writes in PEM "kind:" lines (retr_secret.rs). */
  readonly kind: string;
  /** Size of the secret header in the request: 16 (null) or 48 (with the 32-byte ID field). */
  readonly headerSize: 16 | 48;
  /** Listed by list-secrets (and so has a secret ID): association and the retrievable types. */
  readonly listable: boolean;
  /** Retrievable by retrieve-secret: plain text and the keys (never association). */
  readonly retrievable: boolean;
  /** The payload's exact size in a request; `undefined` for plain text (u16 length ‖ text, padded to 16). */
  readonly payloadSize?: number;
  /** Size of the protected key retrieve gives back (keys only; pkey_uv.c `uv_get_size_and_type`). */
  readonly protectedKeySize?: number;
}

/** Largest plain-text secret: 8190 bytes (the retrieve buffer of 0x2000 minus the u16 length). */
export const MAX_PLAINTEXT_SIZE = 8190;

/** Size of a secret ID. */
export const SECRET_ID_SIZE = 32;

/** Size of the extension secret after every payload. */
export const EXTENSION_SECRET_SIZE = 32;

/** Every type, in code order. A function so that mutation testing can vary it per run. */
function table(): readonly SecretTypeInfo[] {
  const key = (code: number, name: SecretTypeName, kind: string, payloadSize: number, protectedKeySize: number): SecretTypeInfo => ({
    code,
    name,
    kind,
    headerSize: 48,
    listable: true,
    retrievable: true,
    payloadSize,
    protectedKeySize,
  });
  return [
    { code: SECRET_TYPE.NULL, name: 'null', kind: 'NULL', headerSize: 16, listable: false, retrievable: false, payloadSize: 0 },
    { code: SECRET_TYPE.ASSOCIATION, name: 'association', kind: 'ASSOCIATION', headerSize: 48, listable: true, retrievable: false, payloadSize: 32 },
    { code: SECRET_TYPE.PLAINTEXT, name: 'plaintext', kind: 'PLAINTEXT', headerSize: 48, listable: true, retrievable: true },
    key(SECRET_TYPE.AES_128, 'aes-128', 'AES-128-KEY', 16, 48),
    key(SECRET_TYPE.AES_192, 'aes-192', 'AES-192-KEY', 24, 56),
    key(SECRET_TYPE.AES_256, 'aes-256', 'AES-256-KEY', 32, 64),
    key(SECRET_TYPE.AES_XTS_128, 'aes-xts-128', 'AES-XTS-128-KEY', 32, 64),
    key(SECRET_TYPE.AES_XTS_256, 'aes-xts-256', 'AES-XTS-256-KEY', 64, 96),
    key(SECRET_TYPE.HMAC_SHA_256, 'hmac-sha-256', 'HMAC-SHA-256-KEY', 64, 96),
    key(SECRET_TYPE.HMAC_SHA_512, 'hmac-sha-512', 'HMAC-SHA-512-KEY', 128, 160),
    key(SECRET_TYPE.EC_P256, 'ec-p256', 'EC-SECP256R1-PRIVATE-KEY', 32, 64),
    key(SECRET_TYPE.EC_P384, 'ec-p384', 'EC-SECP384R1-PRIVATE-KEY', 48, 80),
    key(SECRET_TYPE.EC_P521, 'ec-p521', 'EC-SECP521R1-PRIVATE-KEY', 80, 112),
    key(SECRET_TYPE.ED25519, 'ed25519', 'EC-ED25519-PRIVATE-KEY', 32, 64),
    key(SECRET_TYPE.ED448, 'ed448', 'EC-ED448-PRIVATE-KEY', 64, 96),
    { code: SECRET_TYPE.UPDATE_CCK, name: 'update-cck', kind: 'UPDATE-CCK', headerSize: 48, listable: false, retrievable: false, payloadSize: 32 },
  ];
}

/** Every secret type of the reference, in code order. */
export const SECRET_TYPES: readonly SecretTypeInfo[] = Object.freeze(table());

/** The type with this code or name; `undefined` for a reserved or unknown one. */
export function secretType(codeOrName: number | string): SecretTypeInfo | undefined {
  return SECRET_TYPES.find((t) => (typeof codeOrName === 'number' ? t.code === codeOrName : t.name === codeOrName));
}

/** Size of a plain-text payload for `n` bytes of text: u16 length ‖ text, zero-padded to a multiple of 16. */
export function plaintextPayloadSize(n: number): number {
  return Math.ceil((n + 2) / 16) * 16;
}

/**
 * Whether `length` is a payload length a request may carry for type `code`: the type's fixed
 * size, or for plain text a multiple of 16 from 16 to 8192. `false` for unknown types.
 */
export function validSecretLength(code: number, length: number): boolean {
  const t = secretType(code);
  if (t === undefined) return false;
  if (t.payloadSize !== undefined) return length === t.payloadSize;
  return length >= 16 && length % 16 === 0 && length <= plaintextPayloadSize(MAX_PLAINTEXT_SIZE);
}

/**
 * The payload a request carries for `value` of type `code`: the value itself for fixed-size
 * types (it must have that size; EC keys as left-padded scalars, as the reference gives), for
 * plain text u16 length ‖ text ‖ zeros to a multiple of 16. A wrong size or type is a {@link BuildError}.
 */
export function encodeSecretPayload(code: number, value: Uint8Array): Result<Uint8Array, BuildError> {
  const t = secretType(code);
  if (t === undefined) return err({ field: 'secret.type', message: `0x${code.toString(16)} is not a secret type` });
  if (t.payloadSize === undefined) {
    if (value.length > MAX_PLAINTEXT_SIZE) return err({ field: 'secret.value', message: `plain text is at most ${MAX_PLAINTEXT_SIZE} bytes, got ${value.length}` });
    const out = new Uint8Array(plaintextPayloadSize(value.length));
    out[0] = value.length >> 8;
    out[1] = value.length & 0xff;
    out.set(value, 2);
    return ok(out);
  }
  if (value.length !== t.payloadSize) return err({ field: 'secret.value', message: `a ${t.name} secret is ${t.payloadSize} bytes, got ${value.length}` });
  return ok(Uint8Array.from(value));
}

/**
 * The text of a plain-text payload: `undefined` unless the u16 length fits, the padding is
 * shorter than 16 bytes and zero (the test pvsecret applies to what it retrieves).
 */
export function decodePlaintextPayload(payload: Uint8Array): Uint8Array | undefined {
  // Shorter than the u16: n reads as 0 and n + 2 does not fit, so no separate check.
  const n = ((payload[0] ?? 0) << 8) | (payload[1] ?? 0);
  if (n > MAX_PLAINTEXT_SIZE || n + 2 > payload.length || payload.length - (n + 2) >= 16) return undefined;
  if (payload.subarray(n + 2).some((b) => b !== 0)) return undefined;
  return payload.slice(2, n + 2);
}

/** The secret value of a payload of type `code` (plain text decoded, other types as they are); `undefined` if it is not valid. */
export function decodeSecretPayload(code: number, payload: Uint8Array): Uint8Array | undefined {
  if (!validSecretLength(code, payload.length)) return undefined;
  return code === SECRET_TYPE.PLAINTEXT ? decodePlaintextPayload(payload) : Uint8Array.from(payload);
}

/** The protected-key size retrieve returns for a key type (table 2.6); `undefined` for plain text, association and the others. */
export function protectedKeySize(code: number): number | undefined {
  return secretType(code)?.protectedKeySize;
}

/** A secret ID: SHA-256 of the name's UTF-8 bytes (pvsecret's default). */
export function secretId(suite: CryptoSuite, name: string): Uint8Array {
  return suite.sha256(utf8ToBytes(name));
}

/** The secret header: u16 0 ‖ u16 type ‖ u32 length ‖ u64 0 [‖ 32-byte ID], 16 or 48 bytes. */
export interface SecretHeader {
  readonly type: number;
  /** The payload length. */
  readonly length: number;
  /** The 32-byte ID field of a 48-byte header (zeros for update-CCK). */
  readonly id?: Uint8Array;
}

/** The 16 or 48 bytes of a secret header (48 when it has an ID). */
export function encodeSecretHeader(h: SecretHeader): Uint8Array {
  const out = new Uint8Array(h.id === undefined ? 16 : 48);
  out[2] = (h.type >> 8) & 0xff;
  out[3] = h.type & 0xff;
  writeU32(out, 4, h.length);
  if (h.id !== undefined) out.set(h.id.subarray(0, SECRET_ID_SIZE), 16);
  return out;
}

/**
 * A secret header from its 16 or 48 bytes; `undefined` for another length. Its reserved bytes
 * are not looked at: the reference gives no rule for them, and the request tag covers them.
 */
export function decodeSecretHeader(bytes: Uint8Array): SecretHeader | undefined {
  if (bytes.length !== 16 && bytes.length !== 48) return undefined;
  const type = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const length = readU32(bytes, 4);
  return bytes.length === 48 ? { type, length, id: bytes.slice(16, 48) } : { type, length };
}
