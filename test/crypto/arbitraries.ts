// Shared arbitraries and checks of the crypto tests.
import { p256, p521 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { expect } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { CURVE_FIELD_BYTES, type CurveName, type HashName } from '../../model/crypto/index.js';
import { PROPERTY_RUNS } from '../runs.js';

/** Runs per property: the project's floor of 200 (lowered only in mutation runs, see test/runs.ts). */
export const RUNS = { numRuns: PROPERTY_RUNS } as const;

/**
 * Checks that a generator reached a case it is meant to reach in at least `fraction` of the runs
 * (so a property cannot pass by never meeting, say, ciphertext stealing).
 */
export function expectReached(count: number, fraction: number): void {
  expect(count).toBeGreaterThanOrEqual(Math.floor(RUNS.numRuns * fraction));
}

/** Hex, for comparisons that print readable diffs and ignore Buffer-vs-Uint8Array. */
export const hex = (b: Uint8Array): string => bytesToHex(b);

/**
 * The node suite's outputs must be plain Uint8Arrays owning their memory: not Buffers, and not
 * views into Node's shared allocation pool (which later allocations overwrite).
 */
export function expectOwned(b: Uint8Array): void {
  expect(Object.getPrototypeOf(b)).toBe(Uint8Array.prototype);
  expect(b.byteOffset).toBe(0);
  expect(b.buffer.byteLength).toBe(b.byteLength);
}

/** Bytes of exactly `n`. */
export const bytesOf = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

/** Bytes of a length in [min, max], the length drawn uniformly (not biased to small). */
export const bytesBetween = (min: number, max: number): fc.Arbitrary<Uint8Array> =>
  fc.integer({ min, max }).chain(bytesOf);

export const hashName: fc.Arbitrary<HashName> = fc.constantFrom('sha256', 'sha512');

export const CURVE_ORDER: Readonly<Record<CurveName, bigint>> = {
  p256: p256.Point.Fn.ORDER,
  p521: p521.Point.Fn.ORDER,
};
export const CURVE_PRIME: Readonly<Record<CurveName, bigint>> = {
  p256: p256.Point.Fp.ORDER,
  p521: p521.Point.Fp.ORDER,
};

/** A big-endian number as exactly `length` bytes (it must fit). */
export function numberToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  if (v !== 0n) throw new RangeError('number does not fit');
  return out;
}

export function bytesToNumber(b: Uint8Array): bigint {
  return b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
}

/** A valid private scalar, 1..n-1, field-size bytes; biased to include the extremes. */
export const validScalar = (curve: CurveName): fc.Arbitrary<Uint8Array> =>
  fc
    .oneof(
      { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: CURVE_ORDER[curve] - 1n }) },
      { weight: 1, arbitrary: fc.constantFrom(1n, 2n, CURVE_ORDER[curve] - 1n) },
      // small scalars: public keys and shared secrets with leading zero bytes become likelier
      { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 1n << 64n }) },
    )
    .map((d) => numberToBytes(d, CURVE_FIELD_BYTES[curve]));

/** A field-size scalar that is not a valid private key: 0, n, or above n. */
export const invalidScalar = (curve: CurveName): fc.Arbitrary<Uint8Array> =>
  fc
    .oneof(
      fc.constant(0n),
      fc.constant(CURVE_ORDER[curve]),
      fc.bigInt({ min: CURVE_ORDER[curve], max: (1n << BigInt(8 * CURVE_FIELD_BYTES[curve])) - 1n }),
    )
    .map((d) => numberToBytes(d, CURVE_FIELD_BYTES[curve]));

/** Flips bit `bit` (taken modulo the length in bits) of a copy of `b`. */
export function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8));
  return out;
}
