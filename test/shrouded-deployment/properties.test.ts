// Runs every shrouded-deployment property, as the campaign does: the stimulus a few times (each
// run walks every guard and pair of every kind), the others PROPERTY_RUNS times; each run stays
// far under 100 ms (verifying IBM's chain is RSA through node:crypto, the images are built once).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { shroudedDeploymentProperties } from '../../properties/shrouded-deployment/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

const RUNS: Readonly<Record<string, number>> = { 'stimulus-each-guard': 2 };

describe('shrouded-deployment properties', () => {
  it('are registered, black-box, and name every requirement of the area', () => {
    for (const p of shroudedDeploymentProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('shrouded-deployment');
      expect(p.modelOnly).toBeUndefined();
    }
    const named = new Set(shroudedDeploymentProperties.flatMap((p) => p.requirements));
    for (let i = 1; i <= 6; i++) expect(named).toContain(`REQ-SHROUD-${i}`);
  });

  for (const p of shroudedDeploymentProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? PROPERTY_RUNS });
    });
  }
});
