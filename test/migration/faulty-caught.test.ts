// Each faulty implementation of mechanism 9 is caught by the migration property written for its
// fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the migration properties (a divergence from the model).
import { migrationGate } from '../../properties/migration/gate.js';
import { migrationGuards } from '../../properties/migration/stimulus.js';
import { migrationWriteLock } from '../../properties/migration/write-lock.js';
import type { ModelProperty } from '../../properties/property.js';
import { describeCatchers } from '../conformance/faulty-catchers.js';

describeCatchers({
  mechanism: 'migration',
  area: 'MIGR',
  catchers: {
    'stale-page-version': migrationGate as ModelProperty<unknown>,
    'global-over-first-version': migrationGate as ModelProperty<unknown>,
    'write-during-migration': migrationWriteLock as ModelProperty<unknown>,
  },
  stimulus: migrationGuards as ModelProperty<unknown>,
  caughtByStimulus: ['stale-page-version'],
});
