// Byte helpers of model/core: big-endian fields, padding, page arithmetic, search.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  hex64,
  leftPad,
  pageAlign,
  readU32,
  readU64,
  u32be,
  u64be,
  writeU32,
  writeU64,
  zeroPad,
} from '../../model/core/bytes.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('big-endian integers', () => {
  it('u64be writes the value most significant byte first, modulo 2^64', () => {
    expect(bytesToHex(u64be(0x0123456789abcdefn))).toBe('0123456789abcdef');
    expect(bytesToHex(u64be(0x15000n))).toBe('0000000000015000');
    expect(bytesToHex(u64be(-1n))).toBe('ffffffffffffffff');
    expect(bytesToHex(u64be((1n << 64n) + 5n))).toBe('0000000000000005');
  });

  it('u64be, writeU64 and readU64 agree for every u64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(8), (v, at) => {
        const buf = new Uint8Array(16);
        writeU64(buf, at, v);
        expect(bytesToHex(buf.subarray(at, at + 8))).toBe(bytesToHex(u64be(v)));
        expect(readU64(buf, at)).toBe(v);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('u32 fields round-trip', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff_ffff }), (v) => {
        const buf = new Uint8Array(6);
        writeU32(buf, 1, v);
        expect(readU32(buf, 1)).toBe(v);
        expect(bytesToHex(u32be(v))).toBe(v.toString(16).padStart(8, '0'));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('hex64 spells a u64 as the vectors do', () => {
    expect(hex64(0xe0n)).toBe('0x00000000000000e0');
    expect(hex64(-1n)).toBe('0xffffffffffffffff');
  });
});

describe('padding and pages', () => {
  it('pageAlign rounds up to whole 4 KiB pages', () => {
    expect([0, 1, 4095, 4096, 4097, 12188].map(pageAlign)).toEqual([0, 4096, 4096, 4096, 8192, 12288]);
  });

  it('zeroPad pads on the right and leftPad on the left', () => {
    expect(bytesToHex(zeroPad(Uint8Array.of(1, 2), 4))).toBe('01020000');
    expect(bytesToHex(leftPad(Uint8Array.of(1, 2), 4))).toBe('00000102');
  });

});
