// Runs every secure-interception property but the stimulus ones, as the campaign does,
// PROPERTY_RUNS times each (the stimulus properties, each run of which walks every guard or pair,
// run in stimulus.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { secureInterceptionProperties, STIMULI } from '../../properties/secure-interception/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

const stimuli = new Set<unknown>(STIMULI.map((s) => s.property));

describe('secure-interception properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of secureInterceptionProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('secure-interception');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-INTCP-'))).toBe(true);
    }
    expect(secureInterceptionProperties.map((p) => p.name)).toEqual(['footprint-only-in-view', 'results-within-footprint', 'noninterference', 'stimulus-each-guard', 'stimulus-guard-pairs']);
  });

  for (const p of secureInterceptionProperties.filter((x) => !stimuli.has(x))) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: PROPERTY_RUNS });
    });
  }
});
