// Differential properties, noble vs node: public keys and ECDH on P-521 and P-256, valid and
// invalid scalars and points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURVE_FIELD_BYTES,
  nobleSuite,
  nodeSuite,
  type CurveName,
  type EcPoint,
} from '../../model/crypto/index.js';
import {
  bytesOf,
  bytesToNumber,
  CURVE_PRIME,
  expectOwned,
  expectReached,
  flipBit,
  hex,
  invalidScalar,
  numberToBytes,
  RUNS,
  validScalar,
} from './arbitraries.js';

const CURVES: readonly CurveName[] = ['p521', 'p256'];
const pointHex = (p: EcPoint | undefined): string | undefined => p && `${hex(p.x)}:${hex(p.y)}`;

describe.each(CURVES)('%s', (curve) => {
  const n = CURVE_FIELD_BYTES[curve];

  it('ecPublicKey and ECDH agree across suites and both ways', () => {
    let leadingZero = 0;
    const nobleDirection = { ab: 0, ba: 0 };
    fc.assert(
      fc.property(validScalar(curve), validScalar(curve), fc.boolean(), (a, b, nobleAB) => {
        const pubA = nodeSuite.ecPublicKey(curve, a);
        const pubB = nodeSuite.ecPublicKey(curve, b);
        if (pubA === undefined || pubB === undefined) throw new Error('node refused a valid scalar');
        expectOwned(pubA.x);
        expectOwned(pubA.y);
        // (b is drawn like a: checking one public key per run covers both)
        expect(pointHex(pubA)).toBe(pointHex(nobleSuite.ecPublicKey(curve, a)));

        const ab = nodeSuite.ecdh(curve, a, pubB);
        if (ab === undefined) throw new Error('node ECDH refused a valid point');
        expectOwned(ab);
        expect(ab.length).toBe(n);
        if (ab[0] === 0) leadingZero++;
        const ba = nodeSuite.ecdh(curve, b, pubA);
        expect(ba && hex(ba)).toBe(hex(ab));
        // noble's P-521 ECDH costs ~20 ms: one direction per run, alternating
        if (nobleAB) nobleDirection.ab++;
        else nobleDirection.ba++;
        const viaNoble = nobleAB ? nobleSuite.ecdh(curve, a, pubB) : nobleSuite.ecdh(curve, b, pubA);
        expect(viaNoble && hex(viaNoble)).toBe(hex(ab));
      }),
      RUNS,
    );
    expectReached(nobleDirection.ab, 0.25);
    expectReached(nobleDirection.ba, 0.25);
    // the X coordinate was left-padded to the field size at least sometimes (always the case on P-521)
    if (curve === 'p521') expectReached(leadingZero, 0.1);
  });

  it('invalid scalars give undefined in both', () => {
    fc.assert(
      fc.property(invalidScalar(curve), validScalar(curve), (bad, good) => {
        const pub = nodeSuite.ecPublicKey(curve, good);
        if (pub === undefined) throw new Error('node refused a valid scalar');
        expect(nodeSuite.ecPublicKey(curve, bad)).toBeUndefined();
        expect(nobleSuite.ecPublicKey(curve, bad)).toBeUndefined();
        expect(nodeSuite.ecdh(curve, bad, pub)).toBeUndefined();
        expect(nobleSuite.ecdh(curve, bad, pub)).toBeUndefined();
      }),
      RUNS,
    );
  });

  /** Points that are not on the curve, or whose coordinates are not below p. */
  const invalidPoint = fc.oneof(
    // random coordinates (on the curve with negligible probability)
    fc.tuple(bytesOf(n), bytesOf(n)).map(([x, y]): EcPoint => ({ x, y })),
    // a valid point with one bit flipped in x or y
    fc.tuple(validScalar(curve), fc.boolean(), fc.nat()).map(([d, inX, bit]): EcPoint => {
      const p = nodeSuite.ecPublicKey(curve, d) as EcPoint;
      return inX ? { x: flipBit(p.x, bit), y: p.y } : { x: p.x, y: flipBit(p.y, bit) };
    }),
    // a valid point with a coordinate replaced by itself + p (the same residue, out of range)
    fc.tuple(validScalar(curve), fc.boolean()).chain(([d, inX]) => {
      const p = nodeSuite.ecPublicKey(curve, d) as EcPoint;
      const c = bytesToNumber(inX ? p.x : p.y) + CURVE_PRIME[curve];
      if (c >= 1n << BigInt(8 * n)) return fc.constant({ x: flipBit(p.x, 0), y: p.y }); // does not fit (P-256)
      const big = numberToBytes(c, n);
      return fc.constant(inX ? { x: big, y: p.y } : { x: p.x, y: big });
    }),
    // the all-zero encoding (not on the curve; the identity has no affine form)
    fc.constant<EcPoint>({ x: new Uint8Array(n), y: new Uint8Array(n) }),
  );

  it('invalid points give undefined in both', () => {
    fc.assert(
      fc.property(validScalar(curve), invalidPoint, (d, p) => {
        expect(nodeSuite.ecdh(curve, d, p)).toBeUndefined();
        expect(nobleSuite.ecdh(curve, d, p)).toBeUndefined();
        // and neither suite verifies a signature under such a key
        const sig = nobleSuite.ecdsaSign(curve, 'sha256', d, Uint8Array.of(1));
        expect(nodeSuite.ecdsaVerify(curve, 'sha256', p, Uint8Array.of(1), sig)).toBe(false);
        expect(nobleSuite.ecdsaVerify(curve, 'sha256', p, Uint8Array.of(1), sig)).toBe(false);
      }),
      RUNS,
    );
  });

  it('wrong sizes throw a RangeError in both', () => {
    const good = numberToBytes(5n, n);
    const pub = nodeSuite.ecPublicKey(curve, good) as EcPoint;
    for (const s of [nobleSuite, nodeSuite]) {
      expect(() => s.ecPublicKey(curve, new Uint8Array(n - 1))).toThrow(RangeError);
      expect(() => s.ecdh(curve, new Uint8Array(n + 1), pub)).toThrow(RangeError);
      expect(() => s.ecdh(curve, good, { x: pub.x.subarray(1), y: pub.y })).toThrow(RangeError);
    }
  });
});
