// Each faulty implementation of mechanism 3 is caught by the request-controls property written
// for its fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the request-controls properties (a divergence from the model).
import { expect, it } from 'vitest';
import type { ModelProperty } from '../../properties/property.js';
import { measurementInputs } from '../../properties/request-controls/attestation.js';
import { bindingEnforced, extensionSecretEnforced } from '../../properties/request-controls/binding.js';
import { hypervisorSeesNoRequest } from '../../properties/request-controls/confidentiality.js';
import { controlsGateResponses } from '../../properties/request-controls/gating.js';
import { lockIsFinal, retrieveNeverClear } from '../../properties/request-controls/store.js';
import { ctrlGuardAlone } from '../../properties/request-controls/stimulus.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'request-controls',
  area: 'CTRL',
  catchers: {
    'pckmo-ignores-pcf': controlsGateResponses as ModelProperty<unknown>,
    'add-after-lock': lockIsFinal as ModelProperty<unknown>,
    'extension-secret-ignored': extensionSecretEnforced as ModelProperty<unknown>,
    'image-binding-ignored': bindingEnforced as ModelProperty<unknown>,
    'retrieve-clear-key': retrieveNeverClear as ModelProperty<unknown>,
    'leaks-secret-store': hypervisorSeesNoRequest as ModelProperty<unknown>,
  },
  stimulus: ctrlGuardAlone as ModelProperty<unknown>,
  caughtByStimulus: ['pckmo-ignores-pcf', 'add-after-lock', 'extension-secret-ignored', 'image-binding-ignored'],
});

it('the measurement property stays for the conformance check', () => {
  expect(measurementInputs.mechanism).toBe('request-controls');
});
