/**
 * The checks every mechanism's faulty implementations get (test/<mechanism>/faulty-caught.test.ts):
 * the variants registered with the mechanism are exactly those with a catching property; each
 * fails the property written for it, which passes on the model with the same seed; some also fail
 * the single-guard stimulus; and each diverges from the model under that mechanism's conformance check.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { conform, selectConformance } from '../../conformance/check/index.js';
import { FAULTY, FAULTY_NAMES } from '../../conformance/faulty/index.js';
import { asAsync, modelSystem, type ModelSystem } from '../../model/platform/index.js';
import { runProperty, type ModelProperty } from '../../properties/property.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** What {@link describeCatchers} checks for one mechanism. */
export interface Catchers {
  readonly mechanism: string;
  /** The requirement area whose ID a catching failure names (`CTRL`). */
  readonly area: string;
  /** Each variant of the mechanism and the property written to catch it. */
  readonly catchers: Readonly<Record<string, ModelProperty<unknown>>>;
  /** The mechanism's single-guard stimulus, and the variants it catches too. */
  readonly stimulus: ModelProperty<unknown>;
  readonly caughtByStimulus: readonly string[];
}

/** Registers the tests of a mechanism's faulty implementations. */
export function describeCatchers(c: Catchers): void {
  const mine = FAULTY_NAMES.filter((n) => FAULTY[n]?.mechanism === c.mechanism);
  const faulty = (name: string) => {
    const f = FAULTY[name];
    if (f === undefined) throw new Error(`no faulty implementation ${name}`);
    return f;
  };

  describe(`faulty implementations of ${c.mechanism}`, () => {
    it('are registered with their mechanism, and each has a catching property', () => {
      expect([...mine].sort()).toEqual(Object.keys(c.catchers).sort());
    });

    it.each(Object.keys(c.catchers))('%s fails the property written for it, which passes on the model', (name) => {
      const p = c.catchers[name] as ModelProperty<unknown>;
      const caught = runProperty(p, { numRuns: 40, seed: 7, system: () => faulty(name).system() as ModelSystem });
      expect(caught.status, `${name} under ${p.name}`).toBe('failed');
      expect(caught.error).toMatch(new RegExp(`^REQ-${c.area}-\\d+:`));
      const correct = runProperty(p, { numRuns: 40, seed: 7, system: () => modelSystem({ suite: PROPERTY_SUITE }) });
      expect(correct.status, `${p.name} on the model`).toBe('passed');
    });

    it.each(c.caughtByStimulus)('%s also fails the single-guard stimulus', (name) => {
      // The stimulus visits every guard in each run: two runs are plenty.
      const r = runProperty(c.stimulus, { numRuns: 2, seed: 11, system: () => faulty(name).system() as ModelSystem });
      expect(r.status).toBe('failed');
    });

    it.each(mine)(`%s diverges from the model under the ${c.mechanism} conformance check`, async (name) => {
      const { run } = selectConformance([c.mechanism], [c.mechanism]);
      const report = await conform({ implementation: asAsync(faulty(name).system()), properties: run, runs: 10, seed: 2026, shrinkRuns: 5 });
      expect(report.verdict.status, name).toBe('diverged');
    });
  });
}
