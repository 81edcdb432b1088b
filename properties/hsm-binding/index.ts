/**
 * The properties of exclusive HSM binding, in the order of the spec's requirements, and what the
 * vectors take from its stimulus properties.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { associationNeedsAddedSecret } from './association.js';
import { sessionCodeConfidential } from './confidentiality.js';
import { exclusiveBinding } from './exclusive.js';
import { releaseLeavesNothing } from './release.js';
import { nonSecureNeverBinds } from './secure-guest.js';
import { hsmGuardAlone, hsmGuardPairs } from './stimulus.js';

export { ACCEPTED_PATH, STIMULUS_CONFIG, STIMULUS_KINDS } from './stimulus.js';

/** Every hsm-binding property. */
export const hsmBindingProperties: readonly ModelProperty<unknown>[] = [
  exclusiveBinding,
  nonSecureNeverBinds,
  hsmGuardAlone,
  hsmGuardPairs,
  associationNeedsAddedSecret,
  sessionCodeConfidential,
  releaseLeavesNothing,
];

/** The stimulus properties with the fixed input the vectors harvest their cases from (one run each). */
export const STIMULI: readonly { readonly property: ModelProperty<number>; readonly input: number }[] = [
  { property: hsmGuardAlone, input: 0 },
  { property: hsmGuardPairs, input: 0 },
];
