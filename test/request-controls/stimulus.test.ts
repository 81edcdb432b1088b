// The stimulus table of mechanism 3: its impossible pairs are exactly those no scenario combines,
// every guard has a single-failure scenario, and the three stimulus properties pass on the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardsOf } from '../../model/platform/index.js';
import { CTRL_REJECTIONS } from '../../model/request-controls/index.js';
import { predicateOf } from '../../properties/property.js';
import {
  CTRL_STIMULUS_KINDS,
  ctrlCodesByPhase,
  ctrlGuardAlone,
  ctrlGuardPairs,
  IMPOSSIBLE_PAIRS,
  pairsOf,
  singleCandidates,
  uncombinablePairs,
} from '../../properties/request-controls/stimulus.js';

describe('request-controls stimulus table', () => {
  it('lists as impossible exactly the guard pairs no scenario combines', () => {
    expect([...uncombinablePairs()].sort()).toEqual(Object.keys(IMPOSSIBLE_PAIRS).sort());
  });

  it('has a scenario for every guard failing alone, and names only real pairs', () => {
    for (const kind of CTRL_STIMULUS_KINDS) for (const g of guardsOf(kind)) expect(singleCandidates(kind, g.name).length, `${kind}: ${g.name}`).toBeGreaterThan(0);
    const all = new Set(CTRL_STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key)));
    for (const key of Object.keys(IMPOSSIBLE_PAIRS)) expect(all.has(key), key).toBe(true);
  });

  it('the single-guard property asserts the requirement of every code of the table', () => {
    const reqs = new Set(Object.values(CTRL_REJECTIONS.rows).map((r) => r.requirement));
    expect(ctrlGuardAlone.requirements).toEqual(expect.arrayContaining([...reqs]));
  });

  it('the format requirements (REQ-CTRL-4 ARCB, REQ-CTRL-9 ASRCB, REQ-CTRL-11 secret type and length) are checked through their codes', () => {
    // These requirements have no property of their own: the stimulus provokes each of their codes.
    for (const req of ['REQ-CTRL-4', 'REQ-CTRL-9', 'REQ-CTRL-11'] as const) {
      const codes = Object.entries(CTRL_REJECTIONS.rows).filter(([, r]) => r.requirement === req);
      expect(codes.length, req).toBeGreaterThan(0);
      expect(ctrlGuardAlone.requirements, req).toContain(req);
      for (const [code] of codes) {
        const provoking = CTRL_STIMULUS_KINDS.flatMap((k) => guardsOf(k).filter((g) => g.code === code).flatMap((g) => singleCandidates(k, g.name)));
        expect(provoking.length, `${req}: ${code}`).toBeGreaterThan(0);
      }
    }
  });

  for (const p of [ctrlGuardAlone, ctrlCodesByPhase, ctrlGuardPairs]) {
    it(`${p.name} holds on the model`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: 10 });
    });
  }
});
