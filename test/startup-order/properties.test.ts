// Runs every startup-order property, as the campaign does, PROPERTY_RUNS times each but the
// stimulus (each run of which walks every guard: a few runs suffice).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { startupOrderProperties } from '../../properties/startup-order/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

/** Runs per property: the stimulus walks every guard each run. */
const RUNS: Readonly<Record<string, number>> = { 'stimulus-each-guard': 2 };

describe('startup-order properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of startupOrderProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('startup-order');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-START-'))).toBe(true);
    }
    expect(startupOrderProperties.map((p) => p.name)).toEqual([
      'stimulus-each-guard',
      'malformed-lists-refused',
      'starts-once-in-requirement-order',
      'all-start-iff-satisfiable',
      'ends-without-loop',
      'stuck-report-exact',
      'startup-hidden-from-hypervisor',
      'real-chain',
    ]);
  });

  for (const p of startupOrderProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? PROPERTY_RUNS });
    });
  }
});
