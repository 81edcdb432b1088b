// The test run Stryker uses per mutant: the model's own suites (crypto, image-unpack, platform,
// properties). The CLI suites spawn processes and add nothing to what the model's suites kill.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/core/**/*.test.ts', 'test/crypto/**/*.test.ts', 'test/image-unpack/**/*.test.ts', 'test/platform/**/*.test.ts', 'test/properties/**/*.test.ts'],
    },
  }),
);
