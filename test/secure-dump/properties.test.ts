// Runs every secure-dump property, as the campaign does, PROPERTY_RUNS times each but the stimulus
// (each run of which walks every guard: a few runs suffice) and the costlier ones, which run a
// fifth as often (each run boots guests and opens whole dumps).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { secureDumpProperties } from '../../properties/secure-dump/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

/** Runs per property: the stimulus walks every guard each run; the others boot and open whole dumps. */
const RUNS: Readonly<Record<string, number>> = {
  'stimulus-each-guard': 2,
  'owner-opens-dump': Math.ceil(PROPERTY_RUNS / 4),
  'dump-confidential': Math.ceil(PROPERTY_RUNS / 10),
  'dump-keys-fresh': Math.ceil(PROPERTY_RUNS / 4),
};

describe('secure-dump properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of secureDumpProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('secure-dump');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-DUMP-'))).toBe(true);
    }
    expect(secureDumpProperties.map((p) => p.name)).toEqual([
      'dump-needs-permission',
      'stimulus-each-guard',
      'dump-keys-fresh',
      'owner-opens-dump',
      'dump-confidential',
      'dump-tamper-evidence',
    ]);
  });

  for (const p of secureDumpProperties) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? PROPERTY_RUNS });
    });
  }
});
