/**
 * The properties of migration and paging, in the order of the spec's requirements, and what the
 * vectors take from its stimulus property.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { migrationConfidential } from './confidentiality.js';
import { migrationGate } from './gate.js';
import { migrationInterleaved } from './interleaved.js';
import { pagingRoundTrip } from './paging.js';
import { migrationGuards } from './stimulus.js';
import { migrationWriteLock } from './write-lock.js';

export { ACCEPTED_PATH, ACCEPTED_REQUIREMENT, MIGR_IMPOSSIBLE, scenarioLabels, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every migration property. */
export const migrationProperties: readonly ModelProperty<unknown>[] = [migrationGuards, migrationConfidential, migrationWriteLock, migrationGate, migrationInterleaved, pagingRoundTrip];

/** The stimulus property with the fixed input the vectors harvest their cases from (one run). */
export const STIMULI: readonly { readonly property: ModelProperty<{ variant: number; order: number }>; readonly input: { variant: number; order: number } }[] = [
  { property: migrationGuards, input: { variant: 0, order: 0 } },
];
