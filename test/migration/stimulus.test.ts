// The migration stimulus: it names every guard of every migration and paging call alone and every
// pair of guards that can fail together (the vectors harvest their cases from these labels), the
// rest are the listed impossible pairs, each with its reason; and runs of it pass on the model.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectStimulusCovers } from '../stimulus-table.js';
import { ACCEPTED_PATH, MIGR_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/migration/index.js';
import { itAcceptsEachPath } from '../properties/accepted-paths.js';
import { migrationGuards } from '../../properties/migration/stimulus.js';
import { predicateOf } from '../../properties/property.js';

describe('migration stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    expectStimulusCovers(scenarioLabels(), STIMULUS_KINDS, MIGR_IMPOSSIBLE);
  });

  it('passes on the model, every scenario answered with its code', () => {
    fc.assert(fc.property(migrationGuards.arbitrary, predicateOf(migrationGuards)), { numRuns: 2 });
  });

  itAcceptsEachPath(STIMULUS_KINDS, ACCEPTED_PATH);
});
