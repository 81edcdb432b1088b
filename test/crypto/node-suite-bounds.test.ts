// The suites' size checks at their bounds (just inside, just outside), their RangeError messages,
// and the cases where node:crypto alone would answer differently from noble (HKDF beyond node's
// info limit, XTS keys node has no cipher for, EC coordinates of the wrong size, P-256 and
// P-521 names). Every check runs on both suites: they must agree.
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite, nodeSuite, type CryptoSuite, type CurveName, type EcPoint, type HashName } from '../../model/crypto/index.js';
import { hex, numberToBytes } from './arbitraries.js';

const SUITES = [
  ['noble', nobleSuite],
  ['node', nodeSuite],
] as const;

const bytes = (n: number, start = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

describe('suite names', () => {
  it('each suite reports its own name', () => {
    expect(nodeSuite.name).toBe('node');
    expect(nobleSuite.name).toBe('noble');
  });
});

describe.each(SUITES)('%s: SHA-512 and HKDF', (_name, suite: CryptoSuite) => {
  it('the incremental SHA-512 hashes what it is given (FIPS 180-2 "abc")', () => {
    const abc =
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
    expect(hex(suite.sha512Init().update(utf8ToBytes('abc')).digest())).toBe(abc);
    expect(hex(suite.sha512Init().update(utf8ToBytes('a')).update(utf8ToBytes('bc')).digest())).toBe(abc);
    expect(hex(suite.sha512(utf8ToBytes('abc')))).toBe(abc);
  });

  it('HKDF gives RFC 5869 test case 1', () => {
    const okm = suite.hkdf('sha256', new Uint8Array(22).fill(0x0b), hexToBytes('000102030405060708090a0b0c'), hexToBytes('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it.each([
    ['sha256', 32],
    ['sha512', 64],
  ] as const)('HKDF-%s accepts lengths 0..255 × %i exactly', (hash: HashName, hashLen: number) => {
    const max = 255 * hashLen;
    const ikm = bytes(20);
    const salt = bytes(7, 100);
    const info = bytes(5, 200);
    expect(suite.hkdf(hash, ikm, salt, info, 0)).toHaveLength(0);
    for (const length of [1, hashLen - 1, hashLen, hashLen + 1, 2 * hashLen, max - 1, max]) {
      const okm = suite.hkdf(hash, ikm, salt, info, length);
      expect(hex(okm)).toBe(hex(nobleHkdf(hash === 'sha256' ? sha256 : sha512, ikm, salt, info, length)));
    }
    for (const bad of [-1, max + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => suite.hkdf(hash, ikm, salt, info, bad)).toThrow(RangeError);
      expect(() => suite.hkdf(hash, ikm, salt, info, bad)).toThrow(
        new RegExp(`^HKDF-${hash} length must be 0\\.\\.${max}, got ${String(bad)}$`),
      );
    }
  });

  it('HKDF with an info of 1023..1026 bytes (node hkdfSync stops at 1024) matches @noble/hashes', () => {
    for (const hash of ['sha256', 'sha512'] as const) {
      for (const infoLength of [1023, 1024, 1025, 1026]) {
        for (const length of [0, 1, 31, 32, 33, 64, 65, 200]) {
          const info = bytes(infoLength, infoLength);
          const salt = length % 2 === 0 ? new Uint8Array(0) : bytes(13);
          const want = nobleHkdf(hash === 'sha256' ? sha256 : sha512, bytes(16), salt, info, length);
          const okm = suite.hkdf(hash, bytes(16), salt, info, length);
          expect(okm).toHaveLength(length);
          expect(hex(okm)).toBe(hex(want));
        }
      }
    }
  });
});

describe.each(SUITES)('%s: AES-XTS sizes and key handling', (_name, suite: CryptoSuite) => {
  it('a key of another size than 32, 48 or 64 bytes is reported before the tweak and the data', () => {
    for (const keyLength of [0, 16, 31, 33, 47, 49, 63, 65, 96]) {
      const message = new RegExp(`^XTS key must be 32, 48 or 64 bytes, got ${keyLength}$`);
      // equal halves and distinct halves: both paths of the node suite check the key first
      for (const key of [new Uint8Array(keyLength), bytes(keyLength)]) {
        expect(() => suite.aesXtsEncrypt(key, new Uint8Array(15), new Uint8Array(15))).toThrow(message);
        expect(() => suite.aesXtsDecrypt(key, new Uint8Array(16), new Uint8Array(16))).toThrow(message);
      }
    }
  });

  it('the tweak must be 16 bytes and the data at least 16', () => {
    for (const key of [bytes(32), bytes(48), bytes(64), new Uint8Array(32)]) {
      for (const tweakLength of [0, 15, 17]) {
        expect(() => suite.aesXtsEncrypt(key, new Uint8Array(tweakLength), new Uint8Array(16))).toThrow(
          new RegExp(`^XTS tweak must be 16 bytes, got ${tweakLength}$`),
        );
      }
      for (const dataLength of [0, 1, 15]) {
        expect(() => suite.aesXtsDecrypt(key, new Uint8Array(16), new Uint8Array(dataLength))).toThrow(
          new RegExp(`^XTS data must be at least 16 bytes, got ${dataLength}$`),
        );
      }
      expect(suite.aesXtsEncrypt(key, new Uint8Array(16), new Uint8Array(16))).toHaveLength(16);
    }
  });

  it('the result does not depend on the keys used before, even a key that is a prefix of the next one', () => {
    // c ‖ c (64 bytes, equal halves) starts with the 48-byte key c ‖ c[0..16), and the 48-byte key
    // starts with the 32-byte key c: keys of different sizes that share their first bytes.
    const c = bytes(32, 0x41);
    const k64 = concatBytes(c, c);
    const k48 = concatBytes(c, c.subarray(0, 16));
    const k32 = c;
    const tweak = bytes(16, 7);
    const data = bytes(4096 + 5, 3);
    const keys = [k64, k48, k32];
    const fresh = keys.map((k) => {
      suite.aesXtsEncrypt(bytes(32, 0x90), tweak, data); // another key in between
      return { ct: hex(suite.aesXtsEncrypt(k, tweak, data)), pt: hex(suite.aesXtsDecrypt(k, tweak, data)) };
    });
    expect(new Set(fresh.map((f) => f.ct)).size).toBe(3);
    // every order of consecutive calls gives the fresh results
    for (const order of [
      [1, 0, 2],
      [2, 1, 0],
      [0, 1, 2],
      [2, 0, 1],
    ]) {
      for (const i of order) {
        const k = keys[i] as Uint8Array;
        expect(hex(suite.aesXtsEncrypt(k, tweak, data))).toBe(fresh[i]?.ct);
        expect(hex(suite.aesXtsDecrypt(k, tweak, data))).toBe(fresh[i]?.pt);
      }
    }
  });
});

describe.each(SUITES)('%s: AES-256-GCM sizes', (_name, suite: CryptoSuite) => {
  const key = bytes(32);
  const iv = bytes(12, 50);

  it('key 32, IV 12 and tag 16 bytes, no other', () => {
    for (const n of [0, 16, 31, 33]) {
      const message = new RegExp(`^AES-256-GCM key must be 32 bytes, got ${n}$`);
      expect(() => suite.aesGcmEncrypt(new Uint8Array(n), iv, bytes(3), new Uint8Array(0))).toThrow(message);
      expect(() => suite.aesGcmDecrypt(new Uint8Array(n), iv, bytes(3), new Uint8Array(16), new Uint8Array(0))).toThrow(message);
    }
    for (const n of [0, 11, 13, 16]) {
      const message = new RegExp(`^AES-GCM IV must be 12 bytes, got ${n}$`);
      expect(() => suite.aesGcmEncrypt(key, new Uint8Array(n), bytes(3), new Uint8Array(0))).toThrow(message);
      expect(() => suite.aesGcmDecrypt(key, new Uint8Array(n), bytes(3), new Uint8Array(16), new Uint8Array(0))).toThrow(message);
    }
    const sealed = suite.aesGcmEncrypt(key, iv, bytes(40), bytes(5));
    expect(sealed.tag).toHaveLength(16);
    for (const n of [0, 4, 12, 15, 17]) {
      const tag = concatBytes(sealed.tag, new Uint8Array(1)).subarray(0, n);
      expect(() => suite.aesGcmDecrypt(key, iv, sealed.ciphertext, tag, bytes(5))).toThrow(
        new RegExp(`^AES-GCM tag must be 16 bytes, got ${n}$`),
      );
    }
    expect(hex(suite.aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, bytes(5)) ?? new Uint8Array(0))).toBe(hex(bytes(40)));
  });

  it('seals the empty plaintext to an empty ciphertext and a tag', () => {
    const sealed = suite.aesGcmEncrypt(key, iv, new Uint8Array(0), bytes(9));
    expect(sealed.ciphertext).toHaveLength(0);
    expect(hex(sealed.tag)).toBe(hex(nobleSuite.aesGcmEncrypt(key, iv, new Uint8Array(0), bytes(9)).tag));
    expect(suite.aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, bytes(9))).toHaveLength(0);
  });
});

// The generators of P-256 and P-521 (SEC 2 / FIPS 186-4): the public key of the scalar 1.
const GENERATOR: Readonly<Record<CurveName, { x: string; y: string }>> = {
  p256: {
    x: '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
    y: '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
  },
  p521: {
    x: '00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66',
    y: '011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650',
  },
};

const FIELD: Readonly<Record<CurveName, number>> = { p256: 32, p521: 66 };
const withZero = (b: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0), b);

describe.each(SUITES)('%s: elliptic curves', (_name, suite: CryptoSuite) => {
  describe.each(['p256', 'p521'] as const)('%s', (curve) => {
    const n = FIELD[curve];
    const one = numberToBytes(1n, n);
    const two = numberToBytes(2n, n);
    const g: EcPoint = { x: hexToBytes(GENERATOR[curve].x), y: hexToBytes(GENERATOR[curve].y) };

    it('the public key of 1 is the generator; ECDH of 2 and G is the X of 2G', () => {
      const pub = suite.ecPublicKey(curve, one);
      expect(pub && { x: hex(pub.x), y: hex(pub.y) }).toEqual(GENERATOR[curve]);
      const twoG = suite.ecPublicKey(curve, two) as EcPoint;
      expect(twoG.x).toHaveLength(n);
      const shared = suite.ecdh(curve, two, g);
      expect(shared && hex(shared)).toBe(hex(twoG.x));
      expect(hex(suite.ecdh(curve, one, twoG) ?? new Uint8Array(0))).toBe(hex(twoG.x));
    });

    it(`scalars and coordinates must be ${n} bytes`, () => {
      for (const len of [n - 1, n + 1, 0]) {
        const message = new RegExp(`^${curve} private key must be ${n} bytes, got ${len}$`);
        expect(() => suite.ecPublicKey(curve, new Uint8Array(len).fill(1))).toThrow(message);
        expect(() => suite.ecdh(curve, new Uint8Array(len).fill(1), g)).toThrow(message);
        // ECDSA signing runs on noble's curves in both suites; the size check is the suite's own RangeError.
        expect(() => suite.ecdsaSign(curve, 'sha256', new Uint8Array(len).fill(1), Uint8Array.of(1))).toThrow(RangeError);
        expect(() => suite.ecdsaSign(curve, 'sha256', new Uint8Array(len).fill(1), Uint8Array.of(1))).toThrow(message);
        const points: EcPoint[] = [
          { x: withZero(g.x), y: g.y },
          { x: g.x, y: withZero(g.y) },
          { x: g.x.subarray(1), y: g.y },
          { x: g.x, y: g.y.subarray(1) },
        ];
        for (const p of points) {
          expect(() => suite.ecdh(curve, two, p)).toThrow(new RegExp(`^${curve} point coordinates must be ${n} bytes each$`));
        }
      }
    });

    it('ECDSA verification: a valid signature verifies; a key with a zero-padded coordinate or a signature of another size does not', () => {
      const msg = utf8ToBytes('semodel');
      for (const hash of ['sha256', 'sha512'] as const) {
        const sig = suite.ecdsaSign(curve, hash, two, msg);
        expect(sig).toHaveLength(2 * n);
        const pub = suite.ecPublicKey(curve, two) as EcPoint;
        expect(suite.ecdsaVerify(curve, hash, pub, msg, sig)).toBe(true);
        expect(suite.ecdsaVerify(curve, hash, pub, utf8ToBytes('semodel!'), sig)).toBe(false);
        // The same number with a leading zero byte: not an n-byte coordinate, so not a valid key
        // (an encoding that reads coordinates as numbers, like JWK import, would accept it).
        expect(suite.ecdsaVerify(curve, hash, { x: withZero(pub.x), y: pub.y }, msg, sig)).toBe(false);
        expect(suite.ecdsaVerify(curve, hash, { x: pub.x, y: withZero(pub.y) }, msg, sig)).toBe(false);
        expect(suite.ecdsaVerify(curve, hash, { x: withZero(pub.x), y: withZero(pub.y) }, msg, sig)).toBe(false);
        for (const bad of [withZero(sig), concatBytes(sig, Uint8Array.of(0)), sig.subarray(1), sig.subarray(0, 2 * n - 1)]) {
          expect(suite.ecdsaVerify(curve, hash, pub, msg, bad)).toBe(false);
        }
        // a point that is not on the curve
        expect(suite.ecdsaVerify(curve, hash, { x: pub.y, y: pub.x }, msg, sig)).toBe(false);
      }
    });
  });
});

describe.each(SUITES)('%s: Ed25519 sizes', (_name, suite: CryptoSuite) => {
  // RFC 8032 §7.1, test 1
  const seed = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pub = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');

  it('a private key of 32 bytes and no other', () => {
    expect(hex(suite.ed25519PublicKey(seed))).toBe(hex(pub));
    for (const n of [0, 31, 33, 64]) {
      const bad = new Uint8Array(n).fill(7);
      expect(() => suite.ed25519PublicKey(bad)).toThrow(RangeError);
      expect(() => suite.ed25519Sign(bad, new Uint8Array(1))).toThrow(RangeError);
      expect(() => suite.ed25519PublicKey(bad)).toThrow(/32/);
    }
  });

  it('a public key or signature of another size does not verify', () => {
    const sig = suite.ed25519Sign(seed, new Uint8Array(0));
    expect(bytesToHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(suite.ed25519Verify(pub, new Uint8Array(0), sig)).toBe(true);
    for (const badSig of [concatBytes(sig, Uint8Array.of(0)), withZero(sig), sig.subarray(0, 63), sig.subarray(1)]) {
      expect(suite.ed25519Verify(pub, new Uint8Array(0), badSig)).toBe(false);
    }
    for (const badPub of [pub.subarray(0, 31), concatBytes(pub, Uint8Array.of(0)), withZero(pub)]) {
      expect(suite.ed25519Verify(badPub, new Uint8Array(0), sig)).toBe(false);
    }
  });
});

describe('node suite: messages of its own checks', () => {
  it('an Ed25519 private key of the wrong size names the size', () => {
    expect(() => nodeSuite.ed25519PublicKey(new Uint8Array(31))).toThrow(/^Ed25519 private key must be 32 bytes, got 31$/);
    expect(() => nodeSuite.ed25519Sign(new Uint8Array(33), new Uint8Array(1))).toThrow(/^Ed25519 private key must be 32 bytes, got 33$/);
  });
});
