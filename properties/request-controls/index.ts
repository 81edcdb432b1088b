/**
 * The properties of metadata-gated requests, in the order of the spec's requirements.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { measurementInputs } from './attestation.js';
import { bindingEnforced, extensionSecretEnforced } from './binding.js';
import { hypervisorSeesNoRequest } from './confidentiality.js';
import { controlsGateResponses } from './gating.js';
import { requestBitFlipRejected } from './integrity.js';
import { lockIsFinal, retrieveNeverClear, storeRoundTrip } from './store.js';
import { ctrlCodesByPhase, ctrlGuardAlone, ctrlGuardPairs } from './stimulus.js';

/** Every request-controls property. */
export const requestControlsProperties: readonly ModelProperty<unknown>[] = [
  ctrlGuardAlone,
  ctrlCodesByPhase,
  ctrlGuardPairs,
  controlsGateResponses,
  measurementInputs,
  requestBitFlipRejected,
  lockIsFinal,
  extensionSecretEnforced,
  bindingEnforced,
  storeRoundTrip,
  retrieveNeverClear,
  hypervisorSeesNoRequest,
];
