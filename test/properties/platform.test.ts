// Runs every registered platform property, as the campaign does, 200 times each.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { platformProperties } from '../../properties/platform/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('platform properties', () => {
  for (const p of platformProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: PROPERTY_RUNS });
    });
  }
});
