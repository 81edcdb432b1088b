// Differential properties, noble vs node: ECDSA on P-256 and P-521 with SHA-256 and SHA-512.
// noble's P-521 verification costs ~12 ms, so each run has noble verify only what it must:
// the cross-verification, and one of the two negative/high-S checks (alternating); the node suite
// checks all of them every run.
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../model/core/bytes.js';
import { CURVE_FIELD_BYTES, nobleSuite, nodeSuite, type CurveName, type EcPoint } from '../../model/crypto/index.js';
import {
  bytesBetween,
  bytesToNumber,
  CURVE_ORDER,
  expectReached,
  flipBit,
  hashName,
  hex,
  numberToBytes,
  RUNS,
  validScalar,
} from './arbitraries.js';

const CURVES: readonly CurveName[] = ['p256', 'p521'];
const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

describe.each(CURVES)('ECDSA %s', (curve) => {
  const n = CURVE_FIELD_BYTES[curve];
  const order = CURVE_ORDER[curve];

  it('signatures are identical and cross-verify; a flipped bit fails; high-S is accepted', () => {
    const nobleChecked = { flipped: 0, highS: 0 };
    fc.assert(
      fc.property(validScalar(curve), hashName, bytesBetween(0, 200), fc.nat(), fc.boolean(), (d, hash, msg, bit, nobleFlip) => {
        const pub = nodeSuite.ecPublicKey(curve, d) as EcPoint;
        const sigNoble = nobleSuite.ecdsaSign(curve, hash, d, msg);
        const sigNode = nodeSuite.ecdsaSign(curve, hash, d, msg);
        expect(hex(sigNode)).toBe(hex(sigNoble));
        expect(sigNode.length).toBe(2 * n);
        // low-S normalised
        expect(bytesToNumber(sigNode.subarray(n)) <= order / 2n).toBe(true);
        // signed by one suite, verified by the other
        expect(nodeSuite.ecdsaVerify(curve, hash, pub, msg, sigNoble)).toBe(true);
        expect(nobleSuite.ecdsaVerify(curve, hash, pub, msg, sigNode)).toBe(true);

        // one flipped bit, in the signature or in the message
        const inSig = msg.length === 0 || bit % 2 === 0;
        const [m2, s2] = inSig ? [msg, flipBit(sigNoble, bit >> 1)] : [flipBit(msg, bit >> 1), sigNoble];
        expect(nodeSuite.ecdsaVerify(curve, hash, pub, m2, s2)).toBe(false);

        // (r, n - s) is the same signature with high S: accepted (the interface asks for any s)
        const highS = concatBytes(sigNoble.subarray(0, n), numberToBytes(order - bytesToNumber(sigNoble.subarray(n)), n));
        expect(nodeSuite.ecdsaVerify(curve, hash, pub, msg, highS)).toBe(true);

        if (nobleFlip) {
          nobleChecked.flipped++;
          expect(nobleSuite.ecdsaVerify(curve, hash, pub, m2, s2)).toBe(false);
        } else {
          nobleChecked.highS++;
          expect(nobleSuite.ecdsaVerify(curve, hash, pub, msg, highS)).toBe(true);
        }
      }),
      RUNS,
    );
    expectReached(nobleChecked.flipped, 0.25);
    expectReached(nobleChecked.highS, 0.25);
  });

  it('both suites verify what raw node:crypto signs (random nonce); node rejects it for another message', () => {
    fc.assert(
      fc.property(validScalar(curve), hashName, bytesBetween(0, 100), (d, hash, msg) => {
        const pub = nodeSuite.ecPublicKey(curve, d) as EcPoint;
        const crv = curve === 'p256' ? 'P-256' : 'P-521';
        const key = createPrivateKey({
          key: { kty: 'EC', crv, d: b64u(d), x: b64u(pub.x), y: b64u(pub.y) },
          format: 'jwk',
        });
        const sig = new Uint8Array(nodeSign(hash, msg, { key, dsaEncoding: 'ieee-p1363' }));
        expect(nodeSuite.ecdsaVerify(curve, hash, pub, msg, sig)).toBe(true);
        expect(nobleSuite.ecdsaVerify(curve, hash, pub, msg, sig)).toBe(true);
        expect(nodeSuite.ecdsaVerify(curve, hash, pub, concatBytes(msg, Uint8Array.of(0)), sig)).toBe(false);
      }),
      RUNS,
    );
  });

  it('malformed signatures (wrong length, r or s zero or ≥ n) are false in both', () => {
    fc.assert(
      fc.property(
        validScalar(curve),
        bytesBetween(0, 50),
        fc.constantFrom('short', 'long', 'r0', 's0', 'rN', 'sN'),
        (d, msg, kind) => {
          const pub = nodeSuite.ecPublicKey(curve, d) as EcPoint;
          const sig = nobleSuite.ecdsaSign(curve, 'sha512', d, msg);
          const [r, s] = [sig.subarray(0, n), sig.subarray(n)];
          const zero = new Uint8Array(n);
          const nBytes = numberToBytes(order, n);
          const bad = {
            short: sig.subarray(1),
            long: concatBytes(sig, Uint8Array.of(0)),
            r0: concatBytes(zero, s),
            s0: concatBytes(r, zero),
            rN: concatBytes(nBytes, s),
            sN: concatBytes(r, nBytes),
          }[kind];
          expect(nodeSuite.ecdsaVerify(curve, 'sha512', pub, msg, bad)).toBe(false);
          expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, bad)).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

