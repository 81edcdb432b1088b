// Differential properties, noble vs node: Ed25519, including adversarial keys and signatures
// where OpenSSL's and noble's verification rules differ.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, hexToBytes } from '../../model/core/bytes.js';
import { nobleSuite, nodeSuite } from '../../model/crypto/index.js';
import { bytesBetween, bytesOf, expectOwned, expectReached, flipBit, hex, numberToBytes, RUNS } from './arbitraries.js';

describe('Ed25519', () => {
  it('public keys and signatures are identical; both verify; a flipped bit fails', () => {
    fc.assert(
      fc.property(bytesOf(32), bytesBetween(0, 300), fc.nat(), (seed, msg, bit) => {
        const pub = nodeSuite.ed25519PublicKey(seed);
        expectOwned(pub);
        expect(hex(pub)).toBe(hex(nobleSuite.ed25519PublicKey(seed)));
        const sig = nodeSuite.ed25519Sign(seed, msg);
        expectOwned(sig);
        expect(hex(sig)).toBe(hex(nobleSuite.ed25519Sign(seed, msg)));
        expect(nodeSuite.ed25519Verify(pub, msg, sig)).toBe(true);
        expect(nobleSuite.ed25519Verify(pub, msg, sig)).toBe(true);
        const inSig = msg.length === 0 || bit % 2 === 0;
        const [m2, s2] = inSig ? [msg, flipBit(sig, bit >> 1)] : [flipBit(msg, bit >> 1), sig];
        expect(nodeSuite.ed25519Verify(pub, m2, s2)).toBe(false);
        expect(nobleSuite.ed25519Verify(pub, m2, s2)).toBe(false);
        // a flipped public key fails too
        expect(nodeSuite.ed25519Verify(flipBit(pub, bit), msg, sig)).toBe(false);
        expect(nobleSuite.ed25519Verify(flipBit(pub, bit), msg, sig)).toBe(false);
      }),
      RUNS,
    );
  });

  // The eight points of small order (canonical encodings) and non-canonical encodings (y ≥ p).
  // noble verifies with ZIP-215 rules (cofactored equation), OpenSSL with the cofactorless
  // RFC 8032 one: on these inputs they differ, and the node suite must still answer as noble.
  const SMALL_ORDER = [
    '0100000000000000000000000000000000000000000000000000000000000000',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0000000000000000000000000000000000000000000000000000000000000080',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  ].map(hexToBytes);
  const NON_CANONICAL = [
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p + 1, sign bit
  ].map(hexToBytes);
  const SPKI = hexToBytes('302a300506032b6570032100');

  function rawOpenSsl(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
    try {
      const key = createPublicKey({ key: Buffer.from(concatBytes(SPKI, pub)), format: 'der', type: 'spki' });
      return nodeVerify(null, msg, key, sig);
    } catch {
      return false;
    }
  }

  it('the listed points really have small order', () => {
    for (const p of SMALL_ORDER) expect(ed25519.Point.fromBytes(p).isSmallOrder()).toBe(true);
  });

  it('adversarial keys and signatures: node suite answers as noble; OpenSSL accepts only a subset', () => {
    const special = fc.constantFrom(...SMALL_ORDER, ...NON_CANONICAL);
    // A public key: small-order, non-canonical, an honest key, or an honest key plus a small-order
    // point (mixed order). R likewise; S small (0 is the classic forgery with small-order points).
    const honest = bytesOf(32).map((seed) => ed25519.getPublicKey(seed));
    const mixed = fc.tuple(honest, fc.constantFrom(...SMALL_ORDER)).map(([a, t]) =>
      ed25519.Point.fromBytes(a).add(ed25519.Point.fromBytes(t)).toBytes(),
    );
    const point = fc.oneof(special, honest, mixed);
    const scalarS = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 15n }), fc.bigInt({ min: 0n, max: (1n << 252n) - 1n }));
    let disagreements = 0;
    let accepted = 0;
    fc.assert(
      fc.property(point, point, scalarS, bytesBetween(0, 40), (pub, r, s, msg) => {
        const sLe = numberToBytes(s, 32).reverse();
        const sig = concatBytes(r, sLe);
        const noble = nobleSuite.ed25519Verify(pub, msg, sig);
        const raw = rawOpenSsl(pub, msg, sig);
        if (raw) expect(noble).toBe(true); // the premise of the node suite's fallback
        if (raw !== noble) disagreements++;
        if (noble) accepted++;
        expect(nodeSuite.ed25519Verify(pub, msg, sig)).toBe(noble);
      }),
      RUNS,
    );
    // the generator did reach inputs where OpenSSL alone would have answered differently
    expectReached(disagreements, 0.025);
    expectReached(accepted, 0.025);
  });

  it('wrong lengths are false in both verifiers', () => {
    fc.assert(
      fc.property(bytesOf(32), bytesBetween(0, 20), fc.constantFrom(-1, 1), (seed, msg, delta) => {
        const pub = nobleSuite.ed25519PublicKey(seed);
        const sig = nobleSuite.ed25519Sign(seed, msg);
        const badSig = delta < 0 ? sig.subarray(1) : concatBytes(sig, Uint8Array.of(0));
        const badPub = delta < 0 ? pub.subarray(1) : concatBytes(pub, Uint8Array.of(0));
        for (const s of [nobleSuite, nodeSuite]) {
          expect(s.ed25519Verify(pub, msg, badSig)).toBe(false);
          expect(s.ed25519Verify(badPub, msg, sig)).toBe(false);
        }
      }),
      RUNS,
    );
  });
});
