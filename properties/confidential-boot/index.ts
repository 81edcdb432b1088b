/**
 * The properties of the confidential image boot, and what the vectors take from its stimulus.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { bootRunsChain, bootStops } from './boot.js';
import { keysHidden } from './confidentiality.js';
import { cbootGuards } from './stimulus.js';
import { readAfterWrite, tamperNotDetected } from './volume.js';

export { ACCEPTED_PATH, ACCEPTED_REQUIREMENT, CBOOT_IMPOSSIBLE, scenarioLabels, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every confidential-boot property. */
export const confidentialBootProperties: readonly ModelProperty<unknown>[] = [cbootGuards, bootStops, bootRunsChain, readAfterWrite, tamperNotDetected, keysHidden];

/** The stimulus property with the fixed input the vectors harvest their cases from (one run). */
export const STIMULI: readonly { readonly property: ModelProperty<{ variant: number; order: number }>; readonly input: { variant: number; order: number } }[] = [
  { property: cbootGuards, input: { variant: 0, order: 0 } },
];
