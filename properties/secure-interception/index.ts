/**
 * The properties of transparent secure interception, the stimulus ones last, and what the vectors
 * take from its stimulus properties.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { footprintOnlyInView } from './footprint.js';
import { interceptionNoninterference } from './noninterference.js';
import { resultsWithinFootprint } from './results.js';
import { intcpGuardAlone } from './stimulus.js';
import { intcpGuardPairs } from './stimulus-pairs.js';

export { ACCEPTED_PATH, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every secure-interception property. */
export const secureInterceptionProperties: readonly ModelProperty<unknown>[] = [
  footprintOnlyInView as ModelProperty<unknown>,
  resultsWithinFootprint as ModelProperty<unknown>,
  interceptionNoninterference as ModelProperty<unknown>,
  // The stimulus properties last: each run walks every guard or pair, the costliest runs.
  intcpGuardAlone as ModelProperty<unknown>,
  intcpGuardPairs as ModelProperty<unknown>,
];

export { IMPOSSIBLE_PAIRS } from './stimulus-pairs.js';

/** The stimulus properties with the fixed input the vectors harvest their cases from (one run each). */
export const STIMULI: readonly { readonly property: ModelProperty<number>; readonly input: number }[] = [
  { property: intcpGuardAlone, input: 0 },
  { property: intcpGuardPairs, input: 0 },
];
