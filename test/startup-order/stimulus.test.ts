// The startup-order stimulus: it names every guard of every startup call alone and every pair of
// guards that can fail together (the vectors harvest their cases from these labels), the rest are
// the listed impossible pairs.
import { describe, expect, it } from 'vitest';
import { guardsOf } from '../../model/platform/index.js';
import { scenarioLabels, START_IMPOSSIBLE, STIMULUS_KINDS } from '../../properties/startup-order/index.js';
import { pairsOf } from '../../properties/image-unpack/stimulus.js';

describe('startup-order stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    const labels = scenarioLabels();
    expect(new Set(labels).size).toBe(labels.length);
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(labels, `${kind}: ${g.name}`).toContain(`${kind}: only '${g.name}' fails`);
      for (const p of pairsOf(kind)) {
        const covered = labels.includes(p.key);
        expect(covered !== p.key in START_IMPOSSIBLE, `${p.key}: covered ${covered}, listed impossible ${p.key in START_IMPOSSIBLE}`).toBe(true);
      }
    }
    for (const key of Object.keys(START_IMPOSSIBLE)) expect(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key))).toContain(key);
  });
});
