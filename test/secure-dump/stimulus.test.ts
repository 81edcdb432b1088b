// The secure-dump stimulus: it names every guard of every dump call alone and every pair of guards
// that can fail together (the vectors harvest their cases from these labels), the rest are the
// listed impossible pairs; and one run of it passes on the model.
import { describe, it } from 'vitest';
import { expectStimulusCovers } from '../stimulus-table.js';
import { DUMP_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/secure-dump/index.js';

describe('secure-dump stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    expectStimulusCovers(scenarioLabels(), STIMULUS_KINDS, DUMP_IMPOSSIBLE);
  });
});
