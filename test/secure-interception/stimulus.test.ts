// The stimulus table of mechanism 7: its cases cover every guard of every kind, one run reaches
// every code of the table (as the campaign counts codes), it holds on the model, and the accepted
// paths the vectors use end in an accepted call of each kind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTCP_REJECTIONS } from '../../model/secure-interception/index.js';
import { guardsOf } from '../../model/platform/index.js';
import { countingSystem, emptyCoverage } from '../../properties/campaign/coverage.js';
import { ACCEPTED_PATH, STIMULI, STIMULUS_KINDS } from '../../properties/secure-interception/index.js';
import { CASES, intcpGuardAlone } from '../../properties/secure-interception/stimulus.js';
import { buildCase, IMPOSSIBLE_PAIRS, intcpGuardPairs, runBuilt } from '../../properties/secure-interception/stimulus-pairs.js';
import { pairsOf } from '../../properties/image-unpack/stimulus.js';
import { predicateOf, propertyModel, runProperty } from '../../properties/property.js';
import { itAcceptsEachPath } from '../properties/accepted-paths.js';
import { runSync } from '../../properties/sut-calls.js';
import { INTCP_ACTIONS } from '../../model/secure-interception/actions.js';

describe('secure-interception stimulus table', () => {
  it('covers the five kinds of the mechanism, each guard of each by a case', () => {
    expect([...STIMULUS_KINDS]).toEqual(INTCP_ACTIONS.map((a) => a.kind));
    for (const kind of STIMULUS_KINDS) {
      const covered = new Set(CASES.filter((c) => c.kind === kind).map((c) => c.guard));
      expect([...covered].sort((a, b) => a - b), kind).toEqual(guardsOf(kind).map((_, i) => i));
    }
    expect(STIMULI.map((s) => s.property)).toEqual([intcpGuardAlone, intcpGuardPairs]);
  });

  it('asserts the requirement of every code of the table', () => {
    const reqs = new Set(Object.values(INTCP_REJECTIONS.rows).map((r) => r.requirement));
    expect([...intcpGuardAlone.requirements]).toEqual(expect.arrayContaining([...reqs, 'REQ-INTCP-10']));
  });

  it('one run reaches every code of the table, and every guard of every kind', () => {
    const coverage = emptyCoverage();
    for (const s of STIMULI) expect(runProperty(s.property, { numRuns: 1, seed: s.input, system: countingSystem(propertyModel, coverage) }).status).toBe('passed');
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(coverage.outcomes[`${kind} ${g.code}`] ?? 0, `${kind} ${g.code}`).toBeGreaterThan(0);
    }
    for (const code of Object.keys(INTCP_REJECTIONS.rows)) {
      expect(STIMULUS_KINDS.some((k) => (coverage.outcomes[`${k} ${code}`] ?? 0) > 0), code).toBe(true);
    }
  });

  it('lists as impossible only real pairs, and builds a case for every other pair', () => {
    const all = new Set(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key)));
    for (const key of Object.keys(IMPOSSIBLE_PAIRS)) expect(all.has(key), key).toBe(true);
    for (const kind of STIMULUS_KINDS) {
      for (const p of pairsOf(kind)) expect(buildCase(kind, new Set([p.a, p.b])) === undefined, p.key).toBe(p.key in IMPOSSIBLE_PAIRS);
    }
    expect(Object.keys(IMPOSSIBLE_PAIRS).length).toBeLessThan(all.size);
  });

  it("makes each guard fail alone the way the pairs compose it: every guard's own way gives its code, and no failure at all is accepted", () => {
    for (const kind of STIMULUS_KINDS) {
      const model = propertyModel();
      for (const g of guardsOf(kind)) expect(runSync(runBuilt(kind, new Set([g.name]), 1), model)?.code, `${kind}: ${g.name}`).toBe(g.code);
      expect(runSync(runBuilt(kind, new Set(), 1), model)?.code, `${kind} with nothing failing`).toBe('accepted');
    }
  });

  for (const p of [intcpGuardAlone, intcpGuardPairs]) {
    it(`${p.name} holds on the model`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: 3 });
    });
  }

  itAcceptsEachPath(STIMULUS_KINDS, ACCEPTED_PATH);
});
