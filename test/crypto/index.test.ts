// The crypto entry point: suites by name, the default suite.
import { describe, expect, it } from 'vitest';
import { defaultSuite, nobleSuite, nodeSuite, suiteByName, SUITES, type SuiteName } from '../../model/crypto/index.js';

describe('model/crypto index', () => {
  it('finds each suite by its name', () => {
    expect(suiteByName('noble')).toBe(nobleSuite);
    expect(suiteByName('node')).toBe(nodeSuite);
    for (const [name, suite] of Object.entries(SUITES)) expect(suite.name).toBe(name);
  });

  it('uses noble by default', () => {
    expect(defaultSuite).toBe(nobleSuite);
  });

  it('rejects an unknown name with a RangeError', () => {
    expect(() => suiteByName('openssl' as SuiteName)).toThrow(/unknown crypto suite "openssl"/);
    expect(() => suiteByName('toString' as SuiteName)).toThrow(RangeError);
  });
});
