// The startup-order stimulus: it names every guard of every startup call alone and every pair of
// guards that can fail together (the vectors harvest their cases from these labels), the rest are
// the listed impossible pairs.
import { describe, it } from 'vitest';
import { expectStimulusCovers } from '../stimulus-table.js';
import { scenarioLabels, START_IMPOSSIBLE, STIMULUS_KINDS } from '../../properties/startup-order/index.js';

describe('startup-order stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    expectStimulusCovers(scenarioLabels(), STIMULUS_KINDS, START_IMPOSSIBLE);
  });
});
