import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // Property suites build images with P-521 key agreement; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on this 2-core machine. Two halve
    // the suite's wall time; its CPU-bound files never share state.
    maxWorkers: 2,
  },
});
