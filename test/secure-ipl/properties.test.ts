// Runs every secure-IPL property, as the campaign does: the stimulus a few times (each run walks
// every guard), the others a fifth of PROPERTY_RUNS (each run signs and verifies four components
// with ECDSA, some milliseconds).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { secureIplProperties } from '../../properties/secure-ipl/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

const RUNS: Readonly<Record<string, number>> = { 'stimulus-each-guard': 2 };

describe('secure-ipl properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of secureIplProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('secure-ipl');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-IPL-'))).toBe(true);
    }
    expect(secureIplProperties.map((p) => p.name)).toEqual([
      'stimulus-each-guard',
      'well-formed-load-continues',
      'any-change-halts',
      'untrusted-key-halts',
      'unsigned-entry-halts',
      'continue-implies-all-stages',
      'report-flags-exact',
    ]);
  });

  for (const p of secureIplProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? Math.ceil(PROPERTY_RUNS / 5) });
    });
  }
});
