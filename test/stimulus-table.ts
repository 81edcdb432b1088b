// What every mechanism's stimulus table must cover, checked the same way for each: every guard of
// every kind alone, every pair of guards either covered or listed impossible (with a reason), and
// nothing listed impossible that is not a pair of those kinds. The vectors harvest their cases
// from these labels.
import { expect } from 'vitest';
import { guardsOf, type ActionKind } from '../model/platform/index.js';
import { pairsOf } from '../properties/image-unpack/stimulus.js';

/** Asserts that `labels` cover `kinds`' guards alone and every pair not in `impossible`. */
export function expectStimulusCovers(labels: readonly string[], kinds: readonly ActionKind[], impossible: Readonly<Record<string, string>>): void {
  expect(new Set(labels).size).toBe(labels.length);
  for (const kind of kinds) {
    for (const g of guardsOf(kind)) expect(labels, `${kind}: ${g.name}`).toContain(`${kind}: only '${g.name}' fails`);
    for (const p of pairsOf(kind)) {
      const covered = labels.includes(p.key);
      expect(covered !== p.key in impossible, `${p.key}: covered ${covered}, listed impossible ${p.key in impossible}`).toBe(true);
    }
  }
  const pairs = kinds.flatMap((k) => pairsOf(k).map((p) => p.key));
  for (const [key, reason] of Object.entries(impossible)) {
    expect(pairs).toContain(key);
    expect(reason, key).not.toBe('');
  }
}
