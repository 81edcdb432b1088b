/**
 * The 512-byte user-data area of an add-secret request (platform-formats.md 2.2; s390-tools
 * rust/pv/src/uvsecret/user_data.rs). The firmware ignores it, the request tag covers it. Its
 * type is the low u16 of the magic:
 *
 * | type | meaning | data | signature |
 * |---|---|---|---|
 * | 0 | none | 0 | |
 * | 1 | unsigned | ≤ 512 | |
 * | 2 | ECDSA P-521 (SHA-512) | ≤ 256 @0 | DER ≤ 139 @0x100, u16 length @0x190 |
 * | 3 | RSA-2048 (SHA-512) | ≤ 256 @0 | 256 @0x100 |
 * | 4 | RSA-3072 (SHA-512) | ≤ 128 @0 | 384 @0x80 |
 *
 * Signing order (encrypt_with_signed_user_data): the request is sealed with the signature area
 * (from the data's end to 512) zeroed, the signature is taken over the request without its tag,
 * written in, and the request sealed again so that the tag covers it. Verifying reverses it:
 * read the signature, zero the area, verify over the request without its tag. ECDSA goes through
 * the CryptoSuite; RSA is not in the suite, so its signer and verifier are given by the caller.
 * @module
 */
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';

/** Size of the user-data area. */
export const USER_DATA_SIZE = 0x200;

/** The user-data types. */
export const USER_DATA_TYPE = { NONE: 0, UNSIGNED: 1, ECDSA_P521: 2, RSA_2048: 3, RSA_3072: 4 } as const;

/** A user-data type code. */
export type UserDataType = (typeof USER_DATA_TYPE)[keyof typeof USER_DATA_TYPE];

/** Most DER bytes of a P-521 ECDSA signature. */
export const EC_SIGNATURE_MAX_SIZE = 139;

/** Offset of the u16 signature length of type 2. */
export const EC_SIGNATURE_LENGTH_OFFSET = 0x190;

/** Per type: how much data it holds (the signature area starts there) and the signature size (0 unsigned; type 2 varies). */
export function userDataLayout(type: number): { readonly maxData: number; readonly signatureSize: number } | undefined {
  switch (type) {
    case USER_DATA_TYPE.NONE:
      return { maxData: 0, signatureSize: 0 };
    case USER_DATA_TYPE.UNSIGNED:
      return { maxData: USER_DATA_SIZE, signatureSize: 0 };
    case USER_DATA_TYPE.ECDSA_P521:
      return { maxData: 0x100, signatureSize: EC_SIGNATURE_MAX_SIZE };
    case USER_DATA_TYPE.RSA_2048:
      return { maxData: 0x100, signatureSize: 256 };
    case USER_DATA_TYPE.RSA_3072:
      return { maxData: 0x80, signatureSize: 384 };
    default:
      return undefined;
  }
}

/** What user data a request gets. */
export type UserDataInput =
  | { readonly type: 0 }
  | { readonly type: 1; readonly data: Uint8Array }
  | { readonly type: 2; readonly data: Uint8Array; readonly signingKey: Uint8Array }
  | { readonly type: 3 | 4; readonly data: Uint8Array; readonly sign: (message: Uint8Array) => Uint8Array };

/** The 512 bytes before signing: the data at 0, zeros after. The caller has checked the size. */
export function userDataArea(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(USER_DATA_SIZE);
  out.set(data.subarray(0, USER_DATA_SIZE), 0);
  return out;
}

/** A DER INTEGER of an unsigned big-endian number. */
function derInteger(n: Uint8Array): Uint8Array {
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  const v = n.subarray(i);
  const pad = (v[0] ?? 0) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + v.length);
  out[0] = 0x02;
  out[1] = pad + v.length;
  out.set(v, 2 + pad);
  return out;
}

/** DER SEQUENCE { INTEGER r, INTEGER s } of an r ‖ s signature (each half 66 bytes for P-521). */
export function ecdsaDer(compact: Uint8Array): Uint8Array {
  const half = compact.length / 2;
  const r = derInteger(compact.subarray(0, half));
  const s = derInteger(compact.subarray(half));
  const body = r.length + s.length;
  const head = body < 0x80 ? Uint8Array.of(0x30, body) : Uint8Array.of(0x30, 0x81, body);
  const out = new Uint8Array(head.length + body);
  out.set(head, 0);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}

/** r ‖ s (each `size` bytes) of a DER ECDSA signature; `undefined` if it is not one. */
export function ecdsaCompact(der: Uint8Array, size: number): Uint8Array | undefined {
  let at = 0;
  if (der[at++] !== 0x30) return undefined;
  let len = der[at++] ?? 0;
  if (len === 0x81) len = der[at++] ?? 0;
  // 0x80 is BER's indefinite length and 0x82 on need more bytes than a signature has: not DER.
  else if (len >= 0x80) return undefined;
  if (at + len !== der.length) return undefined;
  const out = new Uint8Array(2 * size);
  for (const half of [0, 1]) {
    if (der[at++] !== 0x02) return undefined;
    const n = der[at++] ?? 0;
    // An INTEGER running past the end leaves `at` beyond it: the last check refuses that.
    if (n === 0 || n > 0x7f) return undefined;
    let v = der.subarray(at, at + n);
    at += n;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, half * size + size - v.length);
  }
  return at === der.length ? out : undefined;
}

/** The signature area of `area` for `type`: [maxData, 512). */
function signatureArea(type: number): readonly [number, number] {
  return [userDataLayout(type)?.maxData ?? USER_DATA_SIZE, USER_DATA_SIZE];
}

/**
 * Writes `signature` into the user-data area of `request` at `userDataOffset` for `type`:
 * type 2 the DER bytes at 0x100 and their length at 0x190, types 3 and 4 the raw bytes after
 * the data. The caller has checked the size.
 */
export function placeSignature(request: Uint8Array, userDataOffset: number, type: number, signature: Uint8Array): void {
  const [start] = signatureArea(type);
  request.set(signature, userDataOffset + start);
  if (type === USER_DATA_TYPE.ECDSA_P521) {
    request[userDataOffset + EC_SIGNATURE_LENGTH_OFFSET] = signature.length >> 8;
    request[userDataOffset + EC_SIGNATURE_LENGTH_OFFSET + 1] = signature.length & 0xff;
  }
}

/** The signature stored in a signed area (type 2: as long as its length field says, at most 139); `undefined` for unsigned types or a bad length. */
export function storedSignature(area: Uint8Array, type: number): Uint8Array | undefined {
  const [start, end] = signatureArea(type);
  if (type === USER_DATA_TYPE.ECDSA_P521) {
    const n = ((area[EC_SIGNATURE_LENGTH_OFFSET] ?? 0) << 8) | (area[EC_SIGNATURE_LENGTH_OFFSET + 1] ?? 0);
    return n === 0 || n > EC_SIGNATURE_MAX_SIZE ? undefined : area.slice(start, start + n);
  }
  if (type === USER_DATA_TYPE.RSA_2048 || type === USER_DATA_TYPE.RSA_3072) return area.slice(start, end);
  return undefined;
}

/** The data part of a user-data area (type 1: all 512 bytes; signed types: the bytes before the signature; none: empty). */
export function userDataPart(area: Uint8Array, type: number): Uint8Array {
  // Type 0's maxData is 0 and type 1's the whole area: the data part is [0, maxData) for every type.
  return area.slice(0, userDataLayout(type)?.maxData ?? 0);
}

/** `request` without its tag and with the signature area of `type` zeroed: what is signed. */
export function signedMessage(request: Uint8Array, userDataOffset: number, type: number, tagSize: number): Uint8Array {
  const msg = request.slice(0, Math.max(0, request.length - tagSize));
  const [start, end] = signatureArea(type);
  msg.fill(0, Math.min(msg.length, userDataOffset + start), Math.min(msg.length, userDataOffset + end));
  return msg;
}

/** ECDSA P-521 over SHA-512 of `message`, DER (≤ 139 bytes). */
export function signEcdsaP521(suite: CryptoSuite, signingKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ecdsaDer(suite.ecdsaSign('p521', 'sha512', signingKey, message));
}

/** Verifies a DER ECDSA P-521 SHA-512 signature; `false` for a malformed one. */
export function verifyEcdsaP521(suite: CryptoSuite, publicKey: EcPoint, message: Uint8Array, der: Uint8Array): boolean {
  const compact = ecdsaCompact(der, 66);
  return compact !== undefined && suite.ecdsaVerify('p521', 'sha512', publicKey, message, compact);
}
