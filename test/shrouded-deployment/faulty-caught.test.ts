// Each faulty implementation of mechanism 8 is caught by the shrouded-deployment property written
// for its fault (the property fails on it and passes on the model with the same seed), by the
// stimulus (a revoked document, the host manager's request), and by the conformance check.
import { authenticatedOnly } from '../../properties/shrouded-deployment/authentication.js';
import { immutableSettings } from '../../properties/shrouded-deployment/immutable.js';
import { shroudGuards } from '../../properties/shrouded-deployment/stimulus.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'shrouded-deployment',
  area: 'SHROUD',
  catchers: {
    'accepts-revoked-hkd': authenticatedOnly as ModelProperty<unknown>,
    'host-manager-changes-immutable': immutableSettings as ModelProperty<unknown>,
    'deploys-on-failed-host': authenticatedOnly as ModelProperty<unknown>,
  },
  stimulus: shroudGuards as ModelProperty<unknown>,
  caughtByStimulus: ['accepts-revoked-hkd', 'host-manager-changes-immutable', 'deploys-on-failed-host'],
});
