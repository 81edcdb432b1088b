// Each faulty implementation of mechanism 6 is caught by the secure-dump property written for its
// fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the secure-dump properties (a divergence from the model).
import { dumpConfidential } from '../../properties/secure-dump/confidentiality.js';
import { dumpKeysFresh } from '../../properties/secure-dump/fresh-keys.js';
import { dumpNeedsPermission } from '../../properties/secure-dump/permission.js';
import { dumpGuards } from '../../properties/secure-dump/stimulus.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'secure-dump',
  area: 'DUMP',
  catchers: {
    'dump-without-pcf': dumpNeedsPermission as ModelProperty<unknown>,
    'plaintext-page-in-dump': dumpConfidential as ModelProperty<unknown>,
    'reused-dump-key': dumpKeysFresh as ModelProperty<unknown>,
  },
  stimulus: dumpGuards as ModelProperty<unknown>,
  caughtByStimulus: ['dump-without-pcf'],
});
