// The set of used tweaks (model/image-unpack/tweak-set.ts) behaves as a persistent set: every
// sequence of adds and deletes answers has, size and iteration as a native Set given the same
// sequence does, every earlier version still answers as it did, and tweaks whose hashes are
// equal (built below from the hash's definition) are still told apart by every byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { BUCKET_MAX, TweakSet, tweakHash } from '../../model/image-unpack/tweak-set.js';
import { PROPERTY_RUNS } from '../runs.js';

type Op = { readonly kind: 'add' | 'delete'; readonly tweak: Uint8Array };

/** Tweaks from a small pool (so that adds repeat and deletes hit) and from anywhere. */
const pool = Array.from({ length: 24 }, (_, i) => Uint8Array.from({ length: 16 }, (_, j) => (j === 15 ? i : j === 0 ? i % 3 : 0)));
const tweak = fc.oneof(fc.constantFrom(...pool), fc.uint8Array({ minLength: 16, maxLength: 16 }));
const op: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('add', 'add', 'add', 'delete'), tweak });

const sorted = (tweaks: Iterable<Uint8Array>): string[] => [...tweaks].map(bytesToHex).sort();

/** MurmurHash3's finalizer, as the set mixes words. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A tweak whose last 12 bytes are `tail` and whose hash is mix(`inner`): its first word makes it so. */
function colliding(inner: number, tail: Uint8Array): Uint8Array {
  const t = new Uint8Array(16);
  t.set(tail, 4);
  const v = new DataView(t.buffer);
  const rest = mix(v.getInt32(4) ^ mix(v.getInt32(8) ^ mix(v.getInt32(12))));
  v.setUint32(0, (inner ^ rest) >>> 0);
  return t;
}

describe('TweakSet', () => {
  it('answers as a native Set after any adds and deletes, and old versions never change', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        let s = TweakSet.empty();
        const oracle = new Set<string>();
        const history: [TweakSet, string[]][] = [[s, []]];
        for (const o of ops) {
          const hex = bytesToHex(o.tweak);
          if (o.kind === 'add') {
            s = s.add(o.tweak);
            oracle.add(hex);
          } else {
            s = s.delete(o.tweak);
            oracle.delete(hex);
          }
          history.push([s, [...oracle].sort()]);
          expect(s.size).toBe(oracle.size);
          expect(s.has(o.tweak)).toBe(oracle.has(hex));
        }
        for (const [version, expected] of history) {
          expect(sorted(version)).toEqual(expected);
          expect(version.size).toBe(expected.length);
          for (const p of pool) expect(version.has(p)).toBe(expected.includes(bytesToHex(p)));
        }
      }),
      { numRuns: Math.max(10, PROPERTY_RUNS / 4) },
    );
  });

  it('keeps numbers, not the bytes it was given: changing them afterwards changes nothing', () => {
    const t = Uint8Array.from(pool[5] as Uint8Array);
    const s = TweakSet.empty().add(t);
    t[15] = 99;
    expect(s.has(t)).toBe(false);
    expect(s.has(pool[5] as Uint8Array)).toBe(true);
  });

  it('tells apart tweaks whose hashes are all equal, past the last level of the trie', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.uniqueArray(fc.uint8Array({ minLength: 12, maxLength: 12 }), { minLength: 2 * BUCKET_MAX + 2, maxLength: 40, selector: bytesToHex }),
        (inner, tails) => {
          const tweaks = tails.map((tail) => colliding(inner, tail));
          for (const t of tweaks) expect(tweakHash(t)).toBe(mix(inner));
          let s = TweakSet.empty();
          const versions = tweaks.map((t) => (s = s.add(t)));
          versions.forEach((v, i) => {
            expect(v.size).toBe(i + 1);
            tweaks.forEach((t, j) => expect(v.has(t)).toBe(j <= i));
          });
          const cut = Math.floor(tweaks.length / 2);
          const half = tweaks.slice(0, cut).reduce((acc, t) => acc.delete(t), s);
          tweaks.forEach((t, j) => expect(half.has(t)).toBe(j >= cut));
          expect(sorted(half)).toEqual(sorted(tweaks.slice(cut)));
        },
      ),
      { numRuns: Math.max(10, PROPERTY_RUNS / 10) },
    );
  });

  it('holds no value that is not 16 bytes, and refuses to add one', () => {
    const s = TweakSet.empty().add(new Uint8Array(16));
    for (const bad of [new Uint8Array(0), new Uint8Array(15), new Uint8Array(17)]) {
      expect(s.has(bad)).toBe(false);
      expect(() => s.add(bad)).toThrow(RangeError);
      expect(s.delete(bad)).toBe(s);
    }
  });

  it('adding a tweak it holds, or deleting one it does not, returns the same set; remove is delete', () => {
    const a = pool[1] as Uint8Array;
    const s = TweakSet.empty().add(a);
    expect(s.add(Uint8Array.from(a))).toBe(s);
    expect(s.delete(pool[2] as Uint8Array)).toBe(s);
    expect(s.remove(a).size).toBe(0);
    expect([...s.remove(a)]).toEqual([]);
    expect(TweakSet.empty().size).toBe(0);
  });
});
