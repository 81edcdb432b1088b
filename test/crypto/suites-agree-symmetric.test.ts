// Differential properties, noble vs node: AES-XTS, AES-GCM, SHA-2 (one-shot and incremental),
// HMAC, HKDF. Every output must be byte-identical.
import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../model/core/bytes.js';
import { nobleSuite, nodeSuite, type DigestState } from '../../model/crypto/index.js';
import { bytesBetween, bytesOf, expectOwned, expectReached, flipBit, hashName, hex, RUNS } from './arbitraries.js';

const PAGE = 4096;

/** key1 ‖ key2 of 32, 48 or 64 bytes; one key in four has equal halves (OpenSSL refuses those). */
const xtsKey = fc
  .tuple(fc.constantFrom(16, 24, 32), fc.nat({ max: 3 }))
  .chain(([half, mode]) =>
    fc.tuple(bytesOf(half), bytesOf(half)).map(([k1, k2]) => concatBytes(k1, mode === 0 ? k1 : k2)),
  );

/** 16..2×4096+15 bytes, whole blocks and not (ciphertext stealing), page sizes included. */
const xtsData = fc
  .oneof(
    fc.integer({ min: 16, max: 2 * PAGE + 15 }),
    fc.integer({ min: 16, max: 100 }),
    fc.constantFrom(16, 17, 31, 32, 33, PAGE - 1, PAGE, PAGE + 1, PAGE + 15, 2 * PAGE, 2 * PAGE + 15),
  )
  .chain(bytesOf);

describe('AES-XTS: noble and node agree', () => {
  it('encrypt and decrypt are byte-identical and round-trip', () => {
    let equalHalves = 0;
    let stealing = 0;
    fc.assert(
      fc.property(xtsKey, bytesOf(16), xtsData, (key, tweak, data) => {
        const half = key.length / 2;
        if (hex(key.subarray(0, half)) === hex(key.subarray(half))) equalHalves++;
        if (data.length % 16 !== 0) stealing++;
        const ct = nobleSuite.aesXtsEncrypt(key, tweak, data);
        const ctNode = nodeSuite.aesXtsEncrypt(key, tweak, data);
        expectOwned(ctNode);
        expect(hex(ctNode)).toBe(hex(ct));
        expect(ct.length).toBe(data.length);
        const pt = nodeSuite.aesXtsDecrypt(key, tweak, ct);
        expectOwned(pt);
        expect(hex(pt)).toBe(hex(data));
        expect(hex(nobleSuite.aesXtsDecrypt(key, tweak, ct))).toBe(hex(data));
        // decrypting what was never encrypted also agrees
        expect(hex(nodeSuite.aesXtsDecrypt(key, tweak, data))).toBe(hex(nobleSuite.aesXtsDecrypt(key, tweak, data)));
      }),
      RUNS,
    );
    // the generators reached the fallback (equal halves) and ciphertext stealing
    expectReached(equalHalves, 0.1);
    expectReached(stealing, 0.1);
  });

  it('leaves its inputs unchanged and results stay valid after later calls (no shared pool)', () => {
    fc.assert(
      fc.property(xtsKey, bytesOf(16), xtsData, xtsData, (key, tweak, a, b) => {
        const [k, t, d] = [hex(key), hex(tweak), hex(a)];
        const first = nodeSuite.aesXtsEncrypt(key, tweak, a);
        const firstHex = hex(first);
        nodeSuite.aesXtsEncrypt(key, tweak, b);
        nodeSuite.aesXtsDecrypt(key, tweak, b);
        expect(hex(first)).toBe(firstHex);
        expect([hex(key), hex(tweak), hex(a)]).toEqual([k, t, d]);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------

type Tamper = 'tag' | 'ciphertext' | 'aad';

describe('AES-256-GCM: noble and node agree', () => {
  it('seal and open are byte-identical; tampering gives undefined in both', () => {
    fc.assert(
      fc.property(
        bytesOf(32),
        bytesOf(12),
        bytesBetween(0, 64),
        bytesBetween(0, 300),
        fc.constantFrom<Tamper>('tag', 'ciphertext', 'aad'),
        fc.nat(),
        (key, iv, aad, plaintext, tamper, bit) => {
          const sealed = nobleSuite.aesGcmEncrypt(key, iv, plaintext, aad);
          const sealedNode = nodeSuite.aesGcmEncrypt(key, iv, plaintext, aad);
          expectOwned(sealedNode.ciphertext);
          expectOwned(sealedNode.tag);
          expect(hex(sealedNode.ciphertext)).toBe(hex(sealed.ciphertext));
          expect(hex(sealedNode.tag)).toBe(hex(sealed.tag));
          expect(sealed.tag.length).toBe(16);

          for (const s of [nobleSuite, nodeSuite]) {
            const opened = s.aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aad);
            expect(opened && hex(opened)).toBe(hex(plaintext));
          }
          const opened = nodeSuite.aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aad);
          if (opened !== undefined) expectOwned(opened);

          // Tamper with one bit of tag, ciphertext or aad (an empty one cannot be flipped: use the tag).
          let [ct, tag, a] = [sealed.ciphertext, sealed.tag, aad];
          if (tamper === 'ciphertext' && ct.length > 0) ct = flipBit(ct, bit);
          else if (tamper === 'aad' && a.length > 0) a = flipBit(a, bit);
          else tag = flipBit(tag, bit);
          expect(nobleSuite.aesGcmDecrypt(key, iv, ct, tag, a)).toBeUndefined();
          expect(nodeSuite.aesGcmDecrypt(key, iv, ct, tag, a)).toBeUndefined();
        },
      ),
      RUNS,
    );
  });

  it('wrong sizes throw a RangeError in both', () => {
    for (const s of [nobleSuite, nodeSuite]) {
      expect(() => s.aesGcmEncrypt(new Uint8Array(16), new Uint8Array(12), new Uint8Array(1), new Uint8Array(0))).toThrow(RangeError);
      expect(() => s.aesGcmEncrypt(new Uint8Array(32), new Uint8Array(16), new Uint8Array(1), new Uint8Array(0))).toThrow(RangeError);
      expect(() => s.aesGcmDecrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(1), new Uint8Array(12), new Uint8Array(0))).toThrow(RangeError);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** Data and cut points that split it into consecutive chunks. */
const splitData = bytesBetween(0, 600).chain((data) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: data.length }), { maxLength: 6 })
    .map((cuts): [Uint8Array, Uint8Array[]] => {
      const points = [0, ...cuts.sort((x, y) => x - y), data.length];
      const chunks = points.slice(1).map((end, i) => data.subarray(points[i] ?? 0, end));
      return [data, chunks];
    }),
);

describe('SHA-256 / SHA-512: noble and node agree', () => {
  it('one-shot digests of concatenated parts are identical', () => {
    fc.assert(
      fc.property(splitData, ([data, parts]) => {
        for (const h of ['sha256', 'sha512'] as const) {
          const one = nobleSuite[h](data);
          expect(hex(nobleSuite[h](...parts))).toBe(hex(one));
          const node = nodeSuite[h](...parts);
          expectOwned(node);
          expect(hex(node)).toBe(hex(one));
          expect(hex(nodeSuite[h](data))).toBe(hex(one));
        }
      }),
      RUNS,
    );
  });

  it('the incremental DigestState gives the one-shot digest and is immutable', () => {
    fc.assert(
      fc.property(splitData, bytesBetween(0, 100), ([data, chunks], extra) => {
        const expected = hex(nobleSuite.sha512(data));
        for (const s of [nobleSuite, nodeSuite]) {
          const states: DigestState[] = [s.sha512Init()];
          for (const c of chunks) states.push((states[states.length - 1] as DigestState).update(c));
          const last = states[states.length - 1] as DigestState;
          expect(hex(last.digest())).toBe(expected);
          expect(hex(last.digest())).toBe(expected); // digest() does not consume the state
          // every earlier state is still the digest of its prefix, and can branch
          let prefix = new Uint8Array(0);
          states.forEach((st, i) => {
            expect(hex(st.digest())).toBe(hex(nobleSuite.sha512(prefix)));
            expect(hex(st.update(extra).digest())).toBe(hex(nobleSuite.sha512(prefix, extra)));
            prefix = concatBytes(prefix, chunks[i] ?? new Uint8Array(0));
          });
          expect(hex(last.digest())).toBe(expected); // branching left the last state alone
        }
        const nodeDigest = nodeSuite.sha512Init().update(data).digest();
        expectOwned(nodeDigest);
      }),
      RUNS,
    );
  });
});

describe('HMAC and HKDF: noble and node agree', () => {
  it('HMAC-SHA-256/512, keys shorter and longer than a block', () => {
    fc.assert(
      fc.property(hashName, bytesBetween(0, 200), bytesBetween(0, 300), (hash, key, data) => {
        const mac = nodeSuite.hmac(hash, key, data);
        expectOwned(mac);
        expect(hex(mac)).toBe(hex(nobleSuite.hmac(hash, key, data)));
        expect(mac.length).toBe(hash === 'sha256' ? 32 : 64);
      }),
      RUNS,
    );
  });

  it('HKDF over the whole output range, info beyond node hkdfSync limit of 1024 included', () => {
    let longInfo = 0;
    fc.assert(
      fc.property(
        hashName,
        bytesBetween(0, 100),
        bytesBetween(0, 100),
        fc.oneof(bytesBetween(0, 64), bytesBetween(1000, 1100)),
        fc.nat(),
        (hash, ikm, salt, info, n) => {
          const length = n % (255 * (hash === 'sha256' ? 32 : 64) + 1);
          if (info.length > 1024) longInfo++;
          const okm = nodeSuite.hkdf(hash, ikm, salt, info, length);
          expectOwned(okm);
          expect(okm.length).toBe(length);
          expect(hex(okm)).toBe(hex(nobleSuite.hkdf(hash, ikm, salt, info, length)));
          if (info.length <= 1024) {
            expect(hex(okm)).toBe(hex(new Uint8Array(hkdfSync(hash, ikm, salt, info, length))));
          }
        },
      ),
      RUNS,
    );
    expectReached(longInfo, 0.1);
  });

  it('an HKDF length above 255 × HashLen throws in both', () => {
    for (const s of [nobleSuite, nodeSuite]) {
      expect(() => s.hkdf('sha256', new Uint8Array(8), new Uint8Array(0), new Uint8Array(0), 255 * 32 + 1)).toThrow();
      expect(s.hkdf('sha256', new Uint8Array(8), new Uint8Array(0), new Uint8Array(0), 255 * 32)).toHaveLength(255 * 32);
    }
  });
});
