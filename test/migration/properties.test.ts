// Runs every migration property, as the campaign does: PROPERTY_RUNS times each but the stimulus
// (each run of which walks every guard: a few runs suffice) and the costlier ones, which boot
// guests on both machines and move whole streams.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { migrationProperties } from '../../properties/migration/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

/** Runs per property: the stimulus walks every guard each run; the confidentiality one runs two schedules and scans them. */
const RUNS: Readonly<Record<string, number>> = {
  'stimulus-each-guard': 2,
  'migration-confidential': Math.ceil(PROPERTY_RUNS / 10),
};

describe('migration properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of migrationProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('migration');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-MIGR-'))).toBe(true);
    }
    expect(migrationProperties.map((p) => p.name)).toEqual(['stimulus-each-guard', 'migration-confidential', 'migration-write-lock', 'migration-integrity-gate', 'migration-interleaved', 'paging-round-trip']);
  });

  it('name every requirement of spec/migration.md between them', () => {
    const named = new Set(migrationProperties.flatMap((p) => p.requirements));
    for (let n = 1; n <= 12; n++) expect(named, `REQ-MIGR-${n}`).toContain(`REQ-MIGR-${n}`);
  });

  for (const p of migrationProperties) {
    if (p.name === 'stimulus-each-guard') continue;
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: RUNS[p.name] ?? PROPERTY_RUNS });
    });
  }
});
