/**
 * Byte helpers. Hex, concatenation and UTF-8 come from @noble/hashes; what is here is only what
 * it lacks: big-endian integer fields, constant-time-free equality for the model's own checks,
 * and page arithmetic.
 * @module
 */
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/curves/utils.js';

export { bytesToHex, concatBytes, equalBytes, hexToBytes, utf8ToBytes };

/** Size of a guest page, and of the XTS data unit, in bytes. */
export const PAGE_SIZE = 4096;

/** Reads a big-endian u32 at `offset`. The caller has checked the bounds. */
export function readU32(b: Uint8Array, offset: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset, false);
}

/** Reads a big-endian u64 at `offset` as a bigint. The caller has checked the bounds. */
export function readU64(b: Uint8Array, offset: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset, false);
}

/** Writes a big-endian u32 at `offset`. */
export function writeU32(b: Uint8Array, offset: number, value: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(offset, value >>> 0, false);
}

/** Writes a big-endian u64 at `offset`; the value is taken modulo 2^64. */
export function writeU64(b: Uint8Array, offset: number, value: bigint): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setBigUint64(offset, BigInt.asUintN(64, value), false);
}

/** A u64 as 8 big-endian bytes (modulo 2^64). On the unpack hot path: no DataView. */
export function u64be(value: bigint): Uint8Array {
  let hi: number;
  let lo: number;
  if (value >= 0n && value <= 0x1f_ffff_ffff_ffffn) {
    // Guest addresses are below 2^53: exact as a number, no bigint arithmetic.
    const n = Number(value);
    hi = Math.floor(n / 0x1_0000_0000);
    lo = n % 0x1_0000_0000;
  } else {
    const v = BigInt.asUintN(64, value);
    hi = Number(v >> 32n);
    lo = Number(v & 0xffff_ffffn);
  }
  return Uint8Array.of(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
}

/** A u32 as 4 big-endian bytes. */
export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32(out, 0, value);
  return out;
}

/** A u64 as `0x` and 16 lower-case hex digits, the spelling of the vectors' expected.json. */
export function hex64(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16).padStart(16, '0')}`;
}

/** Rounds `n` up to a whole number of pages (0 stays 0). */
export function pageAlign(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

/** A copy of `b` padded with zeros to `length` bytes (`length` ≥ `b.length`). */
export function zeroPad(b: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(b.subarray(0, length));
  return out;
}

/** Left-pads a big-endian number to `length` bytes (drops nothing: `b` must fit). */
export function leftPad(b: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}
