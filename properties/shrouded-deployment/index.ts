/**
 * The properties of the shrouded virtual server, and what the vectors take from its stimulus.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { authenticatedOnly } from './authentication.js';
import { immutableSettings } from './immutable.js';
import { orderIndependent } from './order.js';
import { uniqueServers } from './servers.js';
import { shroudGuards } from './stimulus.js';

export { ACCEPTED_PATH, scenarioLabels, SHROUD_IMPOSSIBLE, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every shrouded-deployment property. */
export const shroudedDeploymentProperties: readonly ModelProperty<unknown>[] = [shroudGuards, authenticatedOnly, orderIndependent, immutableSettings, uniqueServers];

/** The stimulus properties with the fixed input the vectors harvest their cases from (one run each). */
export const STIMULI: readonly { readonly property: ModelProperty<{ order: number }>; readonly input: { order: number } }[] = [{ property: shroudGuards, input: { order: 0 } }];
