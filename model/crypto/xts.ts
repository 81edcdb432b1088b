/**
 * AES-XTS (IEEE Std 1619-2018) on any AES block function, ciphertext stealing included.
 *
 * Blocks are handled as four little-endian 32-bit words, the form noble's AES core works on,
 * so the noble suite runs without a byte/word conversion per block. The tweak is multiplied by
 * α in GF(2^128) with the little-endian convention of IEEE 1619 (noble's `dbl` is the
 * big-endian one of CMAC and does not fit).
 * @module
 */
import { swap32IfBE, u32 } from '@noble/hashes/utils.js';

/** Encrypts or decrypts the 4-word block at `words[i..i+4)` in place. */
export type WordBlockFn = (words: Uint32Array, i: number) => void;

/** The two block functions of XTS: data blocks with key1, the tweak with key2. */
export interface XtsKeySchedule {
  /** Key1 in the direction of the operation (encrypt for encryption, decrypt for decryption). */
  readonly data: WordBlockFn;
  /** Key1 encryption (ciphertext stealing needs it only in the decrypt direction for order). */
  readonly tweak: WordBlockFn;
}

/** Multiplies the tweak at `t[0..4)` by α (x) in GF(2^128), little-endian bit order. */
export function mulAlpha(t: Uint32Array): void {
  const carry = (t[3] ?? 0) >>> 31;
  t[3] = (((t[3] ?? 0) << 1) | ((t[2] ?? 0) >>> 31)) >>> 0;
  t[2] = (((t[2] ?? 0) << 1) | ((t[1] ?? 0) >>> 31)) >>> 0;
  t[1] = (((t[1] ?? 0) << 1) | ((t[0] ?? 0) >>> 31)) >>> 0;
  t[0] = (((t[0] ?? 0) << 1) ^ (carry * 0x87)) >>> 0;
}

function xorTweak(w: Uint32Array, i: number, t: Uint32Array): void {
  w[i] = ((w[i] ?? 0) ^ (t[0] ?? 0)) >>> 0;
  w[i + 1] = ((w[i + 1] ?? 0) ^ (t[1] ?? 0)) >>> 0;
  w[i + 2] = ((w[i + 2] ?? 0) ^ (t[2] ?? 0)) >>> 0;
  w[i + 3] = ((w[i + 3] ?? 0) ^ (t[3] ?? 0)) >>> 0;
}

/** Checks the sizes XTS accepts: a 16-byte tweak, at least one whole block of data. */
export function checkXtsInput(tweak: Uint8Array, data: Uint8Array): void {
  if (tweak.length !== 16) throw new RangeError(`XTS tweak must be 16 bytes, got ${tweak.length}`);
  if (data.length < 16) throw new RangeError(`XTS data must be at least 16 bytes, got ${data.length}`);
}

/**
 * Runs XTS over `data` (one data unit) and returns a new array.
 * @param encrypt true for encryption, false for decryption
 * @param fn the data-block function (key1, in the direction of `encrypt`) and the tweak function (key2, encrypt)
 */
export function xts(encrypt: boolean, fn: XtsKeySchedule, tweak: Uint8Array, data: Uint8Array): Uint8Array {
  checkXtsInput(tweak, data);
  const full = Math.floor(data.length / 16);
  const tail = data.length % 16;
  // Work in a fresh, 4-byte-aligned buffer with one spare block for ciphertext stealing.
  const buf = new Uint8Array((full + 1) * 16);
  buf.set(data);
  const w = swap32IfBE(u32(buf));
  const t = swap32IfBE(u32(Uint8Array.from(tweak)));
  fn.tweak(t, 0);
  // With stealing, the last full block is handled together with the tail below.
  const plain = tail === 0 ? full : full - 1;
  for (let b = 0; b < plain; b++) {
    const i = b * 4;
    xorTweak(w, i, t);
    fn.data(w, i);
    xorTweak(w, i, t);
    mulAlpha(t);
  }
  // Stryker disable next-line ConditionalExpression: with no tail, stealing would only work on the spare block past the data, which the result leaves out
  if (tail !== 0) {
    const i = plain * 4;
    // Decryption of the last full block uses the *next* tweak; encryption the current one.
    const tNext = Uint32Array.from(t);
    mulAlpha(tNext);
    const [tFirst, tSecond] = encrypt ? [t, tNext] : [tNext, t];
    xorTweak(w, i, tFirst);
    fn.data(w, i);
    xorTweak(w, i, tFirst);
    // Swap the tail with the head of the processed block (on bytes, in the host's byte order).
    swap32IfBE(w);
    const off = plain * 16;
    const last = buf.slice(off, off + 16);
    const partial = buf.slice(off + 16, off + 16 + tail);
    buf.set(partial, off);
    buf.set(last.subarray(0, tail), off + 16);
    swap32IfBE(w);
    xorTweak(w, i, tSecond);
    fn.data(w, i);
    xorTweak(w, i, tSecond);
  }
  swap32IfBE(w);
  return buf.slice(0, data.length);
}

/** Splits an XTS key into key1 and key2 and checks its size (32, 48 or 64 bytes). */
export function splitXtsKey(key: Uint8Array): [Uint8Array, Uint8Array] {
  if (key.length !== 32 && key.length !== 48 && key.length !== 64) {
    throw new RangeError(`XTS key must be 32, 48 or 64 bytes, got ${key.length}`);
  }
  const half = key.length / 2;
  return [key.subarray(0, half), key.subarray(half)];
}
