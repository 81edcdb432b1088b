// The runner the campaign and the conformance checks share: a failing property is reported with
// its shrunk counterexample and seed, not thrown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineProperty, isMechanismName, MECHANISMS, runProperty } from '../../properties/property.js';

const even = defineProperty({
  mechanism: 'image-unpack',
  name: 'every-number-is-small',
  requirements: ['REQ-UNPACK-2'],
  statement: 'a deliberately false statement',
  arbitrary: fc.nat(),
  *run(n) {
    return n < 50;
  },
});

describe('runProperty', () => {
  it('reports a failure with the shrunk counterexample, the error and the seed', () => {
    const r = runProperty(even, { numRuns: 200, seed: 42 });
    expect(r.status).toBe('failed');
    expect(r.counterexample).toBe('[50]');
    expect(r.seed).toBe(42);
    expect(r.runs).toBeGreaterThan(0);
    expect(r.error).toBeDefined();
  });

  it('reports a pass with the number of runs, timed by the clock it is given', () => {
    let t = 0;
    const r = runProperty(
      {
        ...even,
        *run() {
          return true;
        },
      },
      { numRuns: 30, seed: 1, now: () => (t += 5) },
    );
    expect(r).toMatchObject({ status: 'passed', runs: 30, timeMs: 5, mechanism: 'image-unpack', requirements: ['REQ-UNPACK-2'] });
    expect(r.counterexample).toBeUndefined();
  });

  it('knows the ten mechanisms by folder name', () => {
    expect(MECHANISMS).toHaveLength(10);
    expect(isMechanismName('secure-dump')).toBe(true);
    expect(isMechanismName('secure_dump')).toBe(false);
  });
});
