// Each faulty implementation of mechanism 10 is caught by the confidential-boot property written
// for its fault (the property fails on it and passes on the model with the same seed), one by the
// stimulus too, and both by the conformance check of the confidential-boot properties.
import { bootStops } from '../../properties/confidential-boot/boot.js';
import { keysHidden } from '../../properties/confidential-boot/confidentiality.js';
import { cbootGuards } from '../../properties/confidential-boot/stimulus.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'confidential-boot',
  area: 'CBOOT',
  catchers: {
    'boots-with-tampered-key-blob': bootStops as ModelProperty<unknown>,
    'plaintext-volume-sector': keysHidden as ModelProperty<unknown>,
  },
  stimulus: cbootGuards as ModelProperty<unknown>,
  caughtByStimulus: ['boots-with-tampered-key-blob'],
});
