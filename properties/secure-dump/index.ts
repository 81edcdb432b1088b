/**
 * The properties of the encrypted dump, in the order of the spec's requirements, and what the
 * vectors take from its stimulus property.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { dumpConfidential } from './confidentiality.js';
import { dumpKeysFresh } from './fresh-keys.js';
import { ownerOpensDump } from './owner-opens.js';
import { dumpNeedsPermission } from './permission.js';
import { dumpGuards } from './stimulus.js';
import { dumpTamperEvidence } from './tamper.js';

export { ACCEPTED_PATH, DUMP_IMPOSSIBLE, scenarioLabels, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every secure-dump property. */
export const secureDumpProperties: readonly ModelProperty<unknown>[] = [
  dumpNeedsPermission,
  dumpGuards,
  dumpKeysFresh,
  ownerOpensDump,
  dumpConfidential,
  dumpTamperEvidence,
];

/** The stimulus properties with the fixed input the vectors harvest their cases from (one run each). */
export const STIMULI: readonly { readonly property: ModelProperty<{ variant: number; pages: number; order: number }>; readonly input: { variant: number; pages: number; order: number } }[] = [
  { property: dumpGuards, input: { variant: 0, pages: 0, order: 0 } },
];
