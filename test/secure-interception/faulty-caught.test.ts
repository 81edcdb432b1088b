// Each faulty implementation of mechanism 7 is caught by the secure-interception property written
// for its fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the secure-interception properties (a divergence from the model).
import { footprintOnlyInView } from '../../properties/secure-interception/footprint.js';
import { resultsWithinFootprint } from '../../properties/secure-interception/results.js';
import { intcpGuardAlone } from '../../properties/secure-interception/stimulus.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'secure-interception',
  area: 'INTCP',
  catchers: {
    'one-register-too-many': footprintOnlyInView as ModelProperty<unknown>,
    'result-outside-footprint': resultsWithinFootprint as ModelProperty<unknown>,
    'notification-applies-results': resultsWithinFootprint as ModelProperty<unknown>,
  },
  stimulus: intcpGuardAlone as ModelProperty<unknown>,
  caughtByStimulus: ['result-outside-footprint'],
});
