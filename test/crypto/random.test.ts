// The deterministic random generator: its construction (SP 800-108 counter mode on HMAC-SHA-512),
// agreement of the suites, and the immutability of Rng values.
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8ToBytes } from '../../model/core/bytes.js';
import {
  createRng,
  deriveBytes,
  MAX_DERIVED_BYTES,
  nextBelow,
  nextBytes,
  nextUint32,
  nobleSuite,
  nodeSuite,
  type Rng,
} from '../../model/crypto/index.js';
import { bytesBetween, hex, RUNS } from './arbitraries.js';

/** An independent transcription of the documented construction, straight on @noble/hashes. */
function reference(seed: Uint8Array, label: string, length: number): Uint8Array {
  const be32 = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  const blocks: Uint8Array[] = [];
  for (let i = 1; 64 * (i - 1) < length; i++) {
    blocks.push(hmac(sha512, seed, concatBytes(be32(i), utf8ToBytes(label), Uint8Array.of(0), be32(length * 8))));
  }
  return concatBytes(...blocks).slice(0, length);
}

const label = fc.string({ maxLength: 40, unit: 'grapheme' });
const seed = bytesBetween(0, 160);
const length = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 3000 }));

describe('deriveBytes', () => {
  it('is HMAC-SHA-512 in SP 800-108 counter mode, identical on both suites', () => {
    fc.assert(
      fc.property(seed, label, length, (s, l, n) => {
        const a = deriveBytes(nobleSuite, s, l, n);
        const b = deriveBytes(nodeSuite, s, l, n);
        expect(a.length).toBe(n);
        expect(hex(b)).toBe(hex(a));
        expect(hex(a)).toBe(hex(reference(s, l, n)));
      }),
      RUNS,
    );
  });

  it('separates labels and lengths, and does not change its seed', () => {
    fc.assert(
      fc.property(seed, label, label, fc.integer({ min: 16, max: 100 }), (s, l1, l2, n) => {
        fc.pre(l1 !== l2);
        const before = hex(s);
        const a = deriveBytes(nodeSuite, s, l1, n);
        expect(hex(deriveBytes(nodeSuite, s, l2, n))).not.toBe(hex(a));
        // L is part of the input: a longer output does not start with the shorter one
        expect(hex(deriveBytes(nodeSuite, s, l1, n + 1).subarray(0, n))).not.toBe(hex(a));
        expect(hex(s)).toBe(before);
      }),
      RUNS,
    );
  });

  it('rejects lengths outside 0..MAX_DERIVED_BYTES', () => {
    for (const bad of [-1, 1.5, Number.NaN, MAX_DERIVED_BYTES + 1]) {
      expect(() => deriveBytes(nobleSuite, new Uint8Array(1), 'x', bad)).toThrow(RangeError);
    }
  });
});

describe('Rng', () => {
  it('draws are pure: the same Rng replays the same draw, the next one differs, both suites agree', () => {
    fc.assert(
      fc.property(seed, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }), (s, sizes) => {
        const copyOfSeed = Uint8Array.from(s);
        let r: Rng = createRng(s);
        s.fill(0xaa); // the Rng holds its own copy of the seed
        const seen: string[] = [];
        sizes.forEach((n, i) => {
          const [bytes, next] = nextBytes(nobleSuite, r, n);
          const [again, nextAgain] = nextBytes(nobleSuite, r, n);
          const [onNode] = nextBytes(nodeSuite, r, n);
          expect(hex(again)).toBe(hex(bytes));
          expect(hex(onNode)).toBe(hex(bytes));
          expect(nextAgain).toEqual(next);
          expect(r.counter).toBe(i); // unchanged by the draws
          expect(next.counter).toBe(i + 1);
          expect(hex(bytes)).toBe(hex(deriveBytes(nodeSuite, copyOfSeed, `semodel/rng/draw/${i}`, n)));
          if (n >= 16) seen.push(hex(bytes));
          r = next;
        });
        expect(new Set(seen).size).toBe(seen.length);
        expect(Object.isFrozen(r)).toBe(true);
      }),
      RUNS,
    );
  });

  it('nextUint32 and nextBelow stay in range and agree across suites', () => {
    fc.assert(
      fc.property(seed, fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 2 ** 32 })), (s, bound) => {
        const r = createRng(s);
        const [u, r1] = nextUint32(nobleSuite, r);
        expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
        expect(r1.counter).toBe(1);
        const [v, r2] = nextBelow(nobleSuite, r, bound);
        const [w, r3] = nextBelow(nodeSuite, r, bound);
        expect(w).toBe(v);
        expect(r3).toEqual(r2);
        expect(Number.isInteger(v) && v >= 0 && v < bound).toBe(true);
        expect(r2.counter).toBeGreaterThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('nextBelow covers small ranges roughly uniformly', () => {
    let r = createRng(utf8ToBytes('uniformity'));
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 1200; i++) {
      const [v, next] = nextBelow(nobleSuite, r, 6);
      counts[v] = (counts[v] ?? 0) + 1;
      r = next;
    }
    for (const c of counts) expect(c).toBeGreaterThan(140); // expectation 200 each
  });

  it('rejects bad bounds', () => {
    const r = createRng(new Uint8Array(4));
    for (const bad of [0, -1, 0.5, 2 ** 32 + 1]) expect(() => nextBelow(nobleSuite, r, bad)).toThrow(RangeError);
  });
});
