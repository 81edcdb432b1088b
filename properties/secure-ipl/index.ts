/**
 * The properties of secure IPL, in the order of the spec's requirements, and what the vectors
 * take from its stimulus property.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { reportFlagsExact, wellFormedContinues } from './continues.js';
import { continueImpliesStages } from './stages.js';
import { iplGuards } from './stimulus.js';
import { anyChangeHalts, unsignedEntryHalts, untrustedKeyHalts } from './tamper.js';

export { ACCEPTED_PATH, scenarioLabels, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every secure-IPL property. */
export const secureIplProperties: readonly ModelProperty<unknown>[] = [iplGuards, wellFormedContinues, anyChangeHalts, untrustedKeyHalts, unsignedEntryHalts, continueImpliesStages, reportFlagsExact];

/** The stimulus properties with the fixed input the vectors harvest their cases from (one run each). */
export const STIMULI: readonly { readonly property: ModelProperty<{ seed: number; order: number }>; readonly input: { seed: number; order: number } }[] = [{ property: iplGuards, input: { seed: 0, order: 0 } }];
