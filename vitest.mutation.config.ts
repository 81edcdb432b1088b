// The test run Stryker uses per mutant: the model's own suites (core, crypto, the formats,
// each mechanism's, platform, properties). The CLI suites spawn processes and add nothing to what the model's
// suites kill. The include list replaces the base one (mergeConfig would append to it).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// A run over one group of files (scripts/mutate-group.ts) narrows the tests to that group's
// suites: a JSON array of globs. Fewer test files cover each mutant, so each mutant runs faster,
// and the score is a lower bound of the one the whole model suite would give.
const given = process.env['SEMODEL_MUTATION_TESTS'];
const narrowed = given === undefined ? undefined : (JSON.parse(given) as string[]);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: narrowed ?? [
      'test/core/**/*.test.ts',
      'test/crypto/**/*.test.ts',
      'test/se-format/**/*.test.ts',
      'test/image-unpack/**/*.test.ts',
      'test/request-controls/**/*.test.ts',
      'test/hsm-binding/**/*.test.ts',
      'test/secure-dump/**/*.test.ts',
      'test/secure-interception/**/*.test.ts',
      'test/startup-order/**/*.test.ts',
      'test/secure-ipl/**/*.test.ts',
      'test/shrouded-deployment/**/*.test.ts',
      'test/migration/**/*.test.ts',
      'test/confidential-boot/**/*.test.ts',
      'test/platform/**/*.test.ts',
      'test/properties/**/*.test.ts',
    ],
    // The trace test re-runs every property to record its assertions, and the confidentiality
    // control runs the properties against a leaky stand-in, not the model: neither kills a mutant
    // the property suites do not.
    exclude: ['test/properties/trace-asserts.test.ts', 'test/properties/confidentiality-control.test.ts'],
  },
});
