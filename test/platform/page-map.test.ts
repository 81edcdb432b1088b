// The page table of guest memory (model/world/page-map.ts) behaves as a persistent map: every
// sequence of sets and deletes answers get, has, size and iteration as a native Map given the
// same sequence does, and every earlier version still answers as it did when it was made.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageMap } from '../../model/world/page-map.js';

type Op = { readonly kind: 'set'; readonly page: number; readonly value: number } | { readonly kind: 'delete'; readonly page: number };

/** Keys near each trie boundary (32, 1024, 32768 …) and anywhere up to 2^31 - 1. */
const page = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.constantFrom(31, 32, 33, 1023, 1024, 1025, 32767, 32768, 32769, 2 ** 20, 2 ** 26 - 1, 2 ** 30, 2 ** 31 - 1),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), page, value: fc.integer() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), page }) },
);

function entriesOf(m: Map<number, number>): [number, number][] {
  return [...m.entries()].sort(([a], [b]) => a - b);
}

describe('PageMap', () => {
  it('answers as a native Map after any sets and deletes, and old versions never change', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let m = PageMap.empty<number>();
        const oracle = new Map<number, number>();
        const history: [PageMap<number>, [number, number][]][] = [[m, []]];
        for (const o of ops) {
          if (o.kind === 'set') {
            m = m.set(o.page, o.value);
            oracle.set(o.page, o.value);
          } else {
            m = m.delete(o.page);
            oracle.delete(o.page);
          }
          history.push([m, entriesOf(oracle)]);
          expect(m.size).toBe(oracle.size);
          expect(m.get(o.page)).toBe(oracle.get(o.page));
          expect(m.has(o.page)).toBe(oracle.has(o.page));
        }
        for (const [version, expected] of history) {
          expect([...version]).toEqual(expected);
          expect([...version.keys()]).toEqual(expected.map(([k]) => k));
          expect([...version.values()]).toEqual(expected.map(([, v]) => v));
          expect(version.size).toBe(expected.length);
          for (const [k, v] of expected) expect(version.get(k)).toBe(v);
        }
      }),
    );
  });

  it('holds nothing at keys no page number is, and refuses to set them', () => {
    const m = PageMap.empty<string>().set(0, 'a');
    for (const bad of [-1, 0.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(m.get(bad)).toBeUndefined();
      expect(m.has(bad)).toBe(false);
      expect(() => m.set(bad, 'b')).toThrow(RangeError);
      expect(m.delete(bad)).toBe(m);
    }
  });

  it('refuses an undefined value, and deleting an absent page returns the same map', () => {
    const m = PageMap.of([[5, 'x'] as const]);
    expect(() => (m as PageMap<string | undefined>).set(6, undefined)).toThrow(RangeError);
    expect(m.delete(6)).toBe(m);
    expect(m.remove(5).size).toBe(0);
    expect([...m.remove(5)]).toEqual([]);
  });

  it('replacing a page keeps the size; of() lets later entries win', () => {
    const m = PageMap.of([[3, 'a'], [3, 'b'], [40, 'c']] as const);
    expect(m.size).toBe(2);
    expect(m.get(3)).toBe('b');
    expect((m as PageMap<string>).set(40, 'd').size).toBe(2);
    expect(m.get(40)).toBe('c');
  });

  it('a map emptied by deletes takes new pages at any key', () => {
    const m = PageMap.empty<number>().set(2 ** 20, 1).delete(2 ** 20).set(7, 2);
    expect([...m]).toEqual([[7, 2]]);
    expect(m.get(2 ** 20)).toBeUndefined();
  });
});
