// Each faulty implementation of mechanism 5 is caught by the startup-order property written for its
// fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the startup-order properties (a divergence from the model).
import { malformedRefused } from '../../properties/startup-order/malformed.js';
import { startsOnceInOrder } from '../../properties/startup-order/order.js';
import { startupGuards } from '../../properties/startup-order/stimulus.js';
import { endsWithoutLoop } from '../../properties/startup-order/termination.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'startup-order',
  area: 'START',
  catchers: {
    'start-before-requirement': startsOnceInOrder as ModelProperty<unknown>,
    'stuck-too-early': endsWithoutLoop as ModelProperty<unknown>,
    'duplicate-starts-twice': malformedRefused as ModelProperty<unknown>,
  },
  stimulus: startupGuards as ModelProperty<unknown>,
  caughtByStimulus: ['duplicate-starts-twice'],
});
