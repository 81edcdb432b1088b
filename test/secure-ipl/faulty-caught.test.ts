// Each faulty implementation of mechanism 1 is caught by the secure-ipl property written for its
// fault (the property fails on it and passes on the model with the same seed), by the stimulus,
// and by the conformance check of the secure-ipl properties (a divergence from the model).
import { iplGuards } from '../../properties/secure-ipl/stimulus.js';
import { unsignedEntryHalts, untrustedKeyHalts } from '../../properties/secure-ipl/tamper.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'secure-ipl',
  area: 'IPL',
  catchers: {
    'ipl-trusts-any-key': untrustedKeyHalts as ModelProperty<unknown>,
    'ipl-enters-unsigned': unsignedEntryHalts as ModelProperty<unknown>,
  },
  stimulus: iplGuards as ModelProperty<unknown>,
  caughtByStimulus: ['ipl-trusts-any-key', 'ipl-enters-unsigned'],
});
