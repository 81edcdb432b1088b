/**
 * The properties of the startup processes, in the order of the spec's requirements, and what the
 * vectors take from its stimulus property.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { realChainOrder } from './chain.js';
import { allStartIffSatisfiable } from './completion.js';
import { startupHidden } from './hidden.js';
import { malformedRefused } from './malformed.js';
import { startsOnceInOrder } from './order.js';
import { stuckReportExact } from './report.js';
import { startupGuards } from './stimulus.js';
import { endsWithoutLoop } from './termination.js';

export { ACCEPTED_PATH, scenarioLabels, START_IMPOSSIBLE, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every startup-order property. */
export const startupOrderProperties: readonly ModelProperty<unknown>[] = [
  startupGuards,
  malformedRefused,
  startsOnceInOrder,
  allStartIffSatisfiable,
  endsWithoutLoop,
  stuckReportExact,
  startupHidden,
  realChainOrder,
];

/** The stimulus property with the fixed input the vectors harvest their cases from (one run). */
export const STIMULI: readonly { readonly property: ModelProperty<{ variant: number; order: number }>; readonly input: { variant: number; order: number } }[] = [
  { property: startupGuards, input: { variant: 1, order: 0 } },
];
