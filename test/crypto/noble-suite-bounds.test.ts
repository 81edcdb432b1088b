// The noble suite's own paths at their bounds: what noble itself throws is turned into the
// suite's contract (a RangeError for a wrong size, false for a malformed key or signature).
import { describe, expect, it } from 'vitest';
import { concatBytes, hexToBytes, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite, nodeSuite, type CurveName, type EcPoint } from '../../model/crypto/index.js';
import { numberToBytes } from './arbitraries.js';

const FIELD: Readonly<Record<CurveName, number>> = { p256: 32, p521: 66 };

describe('noble suite: HKDF lengths', () => {
  it('a length above 255 × HashLen is a RangeError naming the limit, as in the node suite (noble throws a plain Error)', () => {
    for (const [hash, max] of [
      ['sha256', 8160],
      ['sha512', 16320],
    ] as const) {
      const call = (length: number) => (): Uint8Array =>
        nobleSuite.hkdf(hash, new Uint8Array(4), new Uint8Array(0), new Uint8Array(0), length);
      expect(call(max)()).toHaveLength(max);
      expect(call(max + 1)).toThrow(RangeError);
      expect(call(max + 1)).toThrow(`HKDF-${hash} length must be 0..${max}, got ${max + 1}`);
      expect(call(-1)).toThrow(`HKDF-${hash} length must be 0..${max}, got -1`);
      // both suites throw the same error
      let nodeError: unknown;
      try {
        nodeSuite.hkdf(hash, new Uint8Array(4), new Uint8Array(0), new Uint8Array(0), max + 1);
      } catch (e) {
        nodeError = e;
      }
      expect(nodeError).toBeInstanceOf(RangeError);
      expect(call(max + 1)).toThrow((nodeError as RangeError).message);
    }
  });
});

describe.each(['p256', 'p521'] as const)('noble suite: ECDSA verification on %s with malformed input', (curve) => {
  const n = FIELD[curve];
  const d = numberToBytes(3n, n);
  const msg = utf8ToBytes('message');
  const sig = nobleSuite.ecdsaSign(curve, 'sha512', d, msg);
  const pub = nobleSuite.ecPublicKey(curve, d) as EcPoint;

  it('returns false, never throws, for coordinates of the wrong size', () => {
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, sig)).toBe(true);
    const points: EcPoint[] = [
      { x: pub.x.subarray(1), y: pub.y },
      { x: pub.x, y: pub.y.subarray(1) },
      { x: concatBytes(Uint8Array.of(0), pub.x), y: pub.y },
      { x: new Uint8Array(0), y: new Uint8Array(0) },
    ];
    for (const p of points) expect(nobleSuite.ecdsaVerify(curve, 'sha512', p, msg, sig)).toBe(false);
  });

  it('returns false for a signature with r or s out of range, or of another size', () => {
    const ff = new Uint8Array(n).fill(0xff); // above the group order
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, concatBytes(ff, sig.subarray(n)))).toBe(false);
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, concatBytes(sig.subarray(0, n), ff))).toBe(false);
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, new Uint8Array(2 * n))).toBe(false);
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, concatBytes(sig, Uint8Array.of(0)))).toBe(false);
    expect(nobleSuite.ecdsaVerify(curve, 'sha512', pub, msg, new Uint8Array(0))).toBe(false);
  });
});

describe('noble suite: Ed25519 with malformed input', () => {
  const pub = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const sig = hexToBytes(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  );

  it('verification returns false for wrong sizes (noble itself throws)', () => {
    expect(nobleSuite.ed25519Verify(pub, new Uint8Array(0), sig)).toBe(true);
    expect(nobleSuite.ed25519Verify(pub.subarray(1), new Uint8Array(0), sig)).toBe(false);
    expect(nobleSuite.ed25519Verify(pub, new Uint8Array(0), sig.subarray(1))).toBe(false);
  });
});
