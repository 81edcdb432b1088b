// The secure-dump stimulus: it names every guard of every dump call alone and every pair of guards
// that can fail together (the vectors harvest their cases from these labels), the rest are the
// listed impossible pairs; and one run of it passes on the model.
import { describe, expect, it } from 'vitest';
import { guardsOf } from '../../model/platform/index.js';
import { DUMP_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/secure-dump/index.js';
import { pairsOf } from '../../properties/image-unpack/stimulus.js';

describe('secure-dump stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    const labels = scenarioLabels();
    expect(new Set(labels).size).toBe(labels.length);
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(labels, `${kind}: ${g.name}`).toContain(`${kind}: only '${g.name}' fails`);
      for (const p of pairsOf(kind)) {
        const covered = labels.includes(p.key);
        expect(covered !== p.key in DUMP_IMPOSSIBLE, `${p.key}: covered ${covered}, listed impossible ${p.key in DUMP_IMPOSSIBLE}`).toBe(true);
      }
    }
    for (const key of Object.keys(DUMP_IMPOSSIBLE)) expect(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key))).toContain(key);
  });
});
