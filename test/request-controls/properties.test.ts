// Runs every registered request-controls property, as the campaign does, PROPERTY_RUNS times each.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { requestControlsProperties } from '../../properties/request-controls/index.js';
import { STIMULI } from '../../properties/request-controls/stimulus.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

// The stimulus properties run in stimulus.test.ts (fewer runs: each run walks every guard).
const stimuli = new Set<unknown>(STIMULI.map((s) => s.property));

describe('request-controls properties', () => {
  for (const p of requestControlsProperties.filter((x) => !stimuli.has(x))) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: PROPERTY_RUNS });
    });
  }
});
