// Trace honesty: a property counts for a requirement in the requirements trace only if it really
// asserts it. Each registered property runs 30 times (fixed seed) with a recorder, and every
// requirement it declares must have been asserted at least once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequirementId } from '../../model/core/outcome.js';
import { IMPOSSIBLE_PAIRS, uncombinablePairs } from '../../properties/image-unpack/stimulus.js';
import { predicateOf } from '../../properties/property.js';
import { allProperties } from '../../properties/registry.js';

const RUNS = 30;

describe('every property asserts every requirement it declares', () => {
  for (const p of allProperties) {
    it(`${p.mechanism}/${p.name}`, () => {
      const asserted = new Set<RequirementId>();
      fc.check(fc.property(p.arbitrary, predicateOf(p, undefined, { asserted: (r) => void asserted.add(r) })), { numRuns: RUNS, seed: 20260101 });
      expect(p.requirements.filter((r) => !asserted.has(r)), 'declared but never asserted').toEqual([]);
    });
  }
});

// Kept with the trace: the stimulus table counts a guard pair as checked only when it runs it.
describe('stimulus table', () => {
  it('lists as impossible exactly the guard pairs no scenario combines', () => {
    expect([...uncombinablePairs()].sort()).toEqual(Object.keys(IMPOSSIBLE_PAIRS).sort());
  });
});
