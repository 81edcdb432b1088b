// Each faulty implementation of mechanism 4 is caught by the hsm-binding property written for
// its fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the hsm-binding properties (a divergence from the model).
import { associationNeedsAddedSecret } from '../../properties/hsm-binding/association.js';
import { sessionCodeConfidential } from '../../properties/hsm-binding/confidentiality.js';
import { exclusiveBinding } from '../../properties/hsm-binding/exclusive.js';
import { releaseLeavesNothing } from '../../properties/hsm-binding/release.js';
import { nonSecureNeverBinds } from '../../properties/hsm-binding/secure-guest.js';
import { hsmGuardAlone } from '../../properties/hsm-binding/stimulus.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'hsm-binding',
  area: 'HSM',
  catchers: {
    'second-guest-binds': exclusiveBinding as ModelProperty<unknown>,
    'non-secure-binds': nonSecureNeverBinds as ModelProperty<unknown>,
    'leaks-session-code': sessionCodeConfidential as ModelProperty<unknown>,
    'reset-keeps-session': releaseLeavesNothing as ModelProperty<unknown>,
    'destroy-keeps-queues': exclusiveBinding as ModelProperty<unknown>,
    'associate-without-secret': associationNeedsAddedSecret as ModelProperty<unknown>,
  },
  stimulus: hsmGuardAlone as ModelProperty<unknown>,
  caughtByStimulus: ['second-guest-binds', 'associate-without-secret'],
});
