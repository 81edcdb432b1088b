// The stimulus table of mechanism 4: its impossible pairs and guards without a lone scenario are
// exactly those no scenario gives, every code of the table is reached by one run of the single-guard
// and pair properties (as the campaign counts codes), both hold on the model, and the accepted
// paths the vectors use end in an accepted call of each kind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HSM_REJECTIONS } from '../../model/hsm-binding/index.js';
import { guardsOf } from '../../model/platform/index.js';
import { countingSystem, emptyCoverage } from '../../properties/campaign/coverage.js';
import { ACCEPTED_PATH, STIMULI, STIMULUS_CONFIG, STIMULUS_KINDS } from '../../properties/hsm-binding/index.js';
import {
  hsmGuardAlone,
  hsmGuardPairs,
  IMPOSSIBLE_PAIRS,
  IMPOSSIBLE_SINGLES,
  loneGuardsMissing,
  pairsOf,
  SETUPS,
  uncombinablePairs,
} from '../../properties/hsm-binding/stimulus.js';
import { HSM_CONFIG } from '../../properties/hsm-binding/fixtures.js';
import { predicateOf, propertyModel, runProperty } from '../../properties/property.js';
import { itAcceptsEachPath } from '../properties/accepted-paths.js';

describe('hsm-binding stimulus table', () => {
  it('lists as impossible exactly the guard pairs no scenario combines, and only real pairs', () => {
    expect([...uncombinablePairs()].sort()).toEqual(Object.keys(IMPOSSIBLE_PAIRS).sort());
    const all = new Set(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key)));
    for (const key of Object.keys(IMPOSSIBLE_PAIRS)) expect(all.has(key), key).toBe(true);
  });

  it('lists exactly the guards that never fail alone', () => {
    expect([...loneGuardsMissing()].sort()).toEqual(Object.keys(IMPOSSIBLE_SINGLES).sort());
  });

  it('covers the six AP instructions, with setups of distinct names', () => {
    expect([...STIMULUS_KINDS].sort()).toEqual(['ap-associate', 'ap-bind', 'ap-query', 'ap-reply', 'ap-request', 'ap-reset']);
    expect(new Set(SETUPS.map((s) => s.name)).size).toBe(SETUPS.length);
    for (const s of SETUPS) expect(s.name).not.toMatch(/[,;]/);
    expect(STIMULUS_CONFIG).toBe(HSM_CONFIG);
    expect(STIMULI.map((s) => s.property)).toEqual([hsmGuardAlone, hsmGuardPairs]);
  });

  it('the single-guard and pair properties assert the requirement of every code of the table', () => {
    const reqs = new Set(Object.values(HSM_REJECTIONS.rows).map((r) => r.requirement));
    expect([...new Set([...hsmGuardAlone.requirements, ...hsmGuardPairs.requirements])]).toEqual(expect.arrayContaining([...reqs]));
  });

  it('one run of each passes and reaches every code of the table, and every guard of every kind', () => {
    const coverage = emptyCoverage();
    for (const s of STIMULI) expect(runProperty(s.property, { numRuns: 1, seed: s.input, system: countingSystem(propertyModel, coverage) }).status).toBe('passed');
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(coverage.outcomes[`${kind} ${g.code}`] ?? 0, `${kind} ${g.code}`).toBeGreaterThan(0);
    }
    for (const code of Object.keys(HSM_REJECTIONS.rows)) {
      expect(STIMULUS_KINDS.some((k) => (coverage.outcomes[`${k} ${code}`] ?? 0) > 0), code).toBe(true);
    }
  });

  for (const p of [hsmGuardAlone, hsmGuardPairs]) {
    it(`${p.name} holds on the model`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: 10 });
    });
  }

  itAcceptsEachPath(STIMULUS_KINDS, ACCEPTED_PATH);
});
