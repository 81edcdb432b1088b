// Runs every registered image-unpack property, as the campaign does, 200 times each.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { imageUnpackProperties } from '../../properties/image-unpack/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('image-unpack properties', () => {
  for (const p of imageUnpackProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: PROPERTY_RUNS });
    });
  }
});
