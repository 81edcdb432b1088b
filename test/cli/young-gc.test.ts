// cli/young-gc.ts: collects the young generation on demand, without putting `gc` on the global
// object of the program that calls it.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { collectYoung } from '../../cli/young-gc.js';

describe('collectYoung', () => {
  it('runs one young-generation collection per call, and leaves no gc on the global object', async () => {
    let minor = 0;
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (((e as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      for (let i = 0; i < 3; i++) collectYoung();
      // GC entries are delivered asynchronously: let the event loop turn until they arrive.
      for (let turn = 0; turn < 100 && minor < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(minor).toBeGreaterThanOrEqual(3);
      expect('gc' in globalThis).toBe(false);
    } finally {
      observer.disconnect();
    }
  });
});
