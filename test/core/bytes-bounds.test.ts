// u64be around the edge of its number fast path (2^53) and for values outside 0..2^64-1, which
// it takes modulo 2^64: every value must give the bytes of BigInt.asUintN(64, value).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, u64be } from '../../model/core/bytes.js';
import { PROPERTY_RUNS } from '../runs.js';

const expected = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

describe('u64be at the bounds of exact numbers', () => {
  it('values around 2^53, 2^64 and below zero', () => {
    const cases: bigint[] = [
      0n,
      1n,
      (1n << 53n) - 2n,
      (1n << 53n) - 1n,
      1n << 53n,
      (1n << 53n) + 1n,
      (1n << 53n) + 3n,
      (1n << 63n) + 1n,
      (1n << 64n) - 1n,
      1n << 64n,
      (1n << 64n) + 0x1234n,
      -1n,
      -(1n << 32n),
      -((1n << 53n) - 1n),
      -(1n << 53n) - 1n,
      -(1n << 60n) - 1n,
      -(1n << 64n) + 1n,
      -(1n << 70n) - 3n,
    ];
    for (const v of cases) expect(bytesToHex(u64be(v)), `u64be(${v})`).toBe(expected(v));
    expect(bytesToHex(u64be((1n << 53n) + 1n))).toBe('0020000000000001');
    expect(bytesToHex(u64be(-(1n << 60n) - 1n))).toBe('efffffffffffffff');
  });

  it('any bigint, negative and beyond 64 bits included, is taken modulo 2^64', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }),
          fc.bigInt({ min: -(1n << 54n), max: 1n << 54n }),
          fc.bigInt({ min: (1n << 53n) - 1000n, max: (1n << 53n) + 1000n }),
        ),
        (v) => {
          expect(bytesToHex(u64be(v))).toBe(expected(v));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
