// Runs every confidential-boot property, as the campaign does, PROPERTY_RUNS times each but the
// stimulus (each run of which walks every guard and pair: a few runs suffice).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confidentialBootProperties } from '../../properties/confidential-boot/index.js';
import { allProperties } from '../../properties/registry.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

const RUNS: Readonly<Record<string, number>> = { 'stimulus-each-guard': 2 };

describe('confidential-boot properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of confidentialBootProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('confidential-boot');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-CBOOT-'))).toBe(true);
    }
    const named = new Set(confidentialBootProperties.flatMap((p) => p.requirements));
    for (let i = 1; i <= 10; i++) expect(named, `REQ-CBOOT-${i}`).toContain(`REQ-CBOOT-${i}`);
  });

  for (const p of confidentialBootProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? PROPERTY_RUNS });
    });
  }
});
