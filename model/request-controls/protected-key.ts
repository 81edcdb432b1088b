/**
 * CPACF protected keys as the model makes them (REQ-CTRL-19): a clear key wrapped by the CPU's
 * wrapping key, followed by the wrapping-key verification pattern (WKVP). What the guest gets
 * from retrieve-secret for every key type, and from PCKMO.
 *
 * The real wrapping is not public; only the sizes are (pkey_uv.c: the clear key's size plus a
 * 32-byte pattern). The model wraps deterministically and keeps the sizes: the wrapped part is
 * AES-256-XTS under the machine's wrapping key with the tweak `u16 kind code ‖ u16 key length ‖
 * 12 zero bytes` (one XTS data unit, as long as the key, every key being at least 16 bytes), the
 * pattern is the first bytes of HMAC-SHA-256(wrapping key, "semodel/request-controls/wkvp"). The
 * same clear key of the same kind gives the same protected key on one machine, whether it came
 * from the secret store or from PCKMO, and a different one on another machine.
 * @module
 */
import { concatBytes, utf8ToBytes } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';

/** Bytes of the AES wrapping-key verification pattern (AES, ECC and HMAC protected keys). */
export const WKVP_SIZE = 32;

/** Bytes of the DEA wrapping-key verification pattern (the model's TDEA protected keys). */
export const DEA_WKVP_SIZE = 24;

/** The smallest clear key XTS wraps in one data unit. */
const MIN_WRAPPED = 16;

const WKVP_LABEL = utf8ToBytes('semodel/request-controls/wkvp');

/** The verification pattern of `wrappingKey`, `size` bytes (24 or 32). */
export function verificationPattern(suite: CryptoSuite, wrappingKey: Uint8Array, size: number): Uint8Array {
  return suite.hmac('sha256', wrappingKey, WKVP_LABEL).slice(0, size);
}

/** The XTS tweak of a wrap: the kind's code and the key's length as u16s, big-endian, then zeros. */
function wrapTweak(code: number, length: number): Uint8Array {
  // A Uint8Array keeps the low 8 bits of what it is given.
  return Uint8Array.of(code >>> 8, code, length >>> 8, length, ...ZEROS);
}

const ZEROS: readonly number[] = new Array<number>(12).fill(0);

/**
 * The protected key of `clear`: wrapped key ‖ pattern, `clear.length + patternSize` bytes.
 * `undefined` for a key shorter than 16 bytes or a wrapping key that is not 64 bytes (the
 * callers never pass one: kinds are at least 16 bytes), so that the function stays total.
 * @param code the kind's code: the secret type code (0x04-0x15), or the model's code of a PCKMO-only kind
 */
export function wrapProtectedKey(suite: CryptoSuite, wrappingKey: Uint8Array, code: number, clear: Uint8Array, patternSize: number): Uint8Array | undefined {
  if (clear.length < MIN_WRAPPED || wrappingKey.length !== 64) return undefined;
  const wrapped = suite.aesXtsEncrypt(wrappingKey, wrapTweak(code, clear.length), clear);
  return concatBytes(wrapped, verificationPattern(suite, wrappingKey, patternSize));
}

/** The inverse of {@link wrapProtectedKey} (for tests and the owner's checks): the clear key, or `undefined` when the pattern is not this key's. */
export function unwrapProtectedKey(suite: CryptoSuite, wrappingKey: Uint8Array, code: number, protectedKey: Uint8Array, patternSize: number): Uint8Array | undefined {
  const n = protectedKey.length - patternSize;
  if (n < MIN_WRAPPED || wrappingKey.length !== 64) return undefined;
  const pattern = protectedKey.subarray(n);
  const want = verificationPattern(suite, wrappingKey, patternSize);
  if (!pattern.every((b, i) => b === want[i])) return undefined;
  return suite.aesXtsDecrypt(wrappingKey, wrapTweak(code, n), protectedKey.subarray(0, n));
}
