// The migration stimulus: it names every guard of every migration and paging call alone and every
// pair of guards that can fail together (the vectors harvest their cases from these labels), the
// rest are the listed impossible pairs, each with its reason; and runs of it pass on the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardsOf } from '../../model/platform/index.js';
import { ACCEPTED_PATH, MIGR_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/migration/index.js';
import { itAcceptsEachPath } from '../properties/accepted-paths.js';
import { migrationGuards } from '../../properties/migration/stimulus.js';
import { pairsOf } from '../../properties/image-unpack/stimulus.js';
import { predicateOf } from '../../properties/property.js';

describe('migration stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    const labels = scenarioLabels();
    expect(new Set(labels).size).toBe(labels.length);
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(labels, `${kind}: ${g.name}`).toContain(`${kind}: only '${g.name}' fails`);
      for (const p of pairsOf(kind)) {
        const covered = labels.includes(p.key);
        expect(covered !== p.key in MIGR_IMPOSSIBLE, `${p.key}: covered ${covered}, listed impossible ${p.key in MIGR_IMPOSSIBLE}`).toBe(true);
      }
    }
    for (const [key, reason] of Object.entries(MIGR_IMPOSSIBLE)) {
      expect(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key))).toContain(key);
      expect(reason, key).not.toBe('');
    }
  });

  it('passes on the model, every scenario answered with its code', () => {
    fc.assert(fc.property(migrationGuards.arbitrary, predicateOf(migrationGuards)), { numRuns: 2 });
  });

  itAcceptsEachPath(STIMULUS_KINDS, ACCEPTED_PATH);
});
