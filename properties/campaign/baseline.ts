/**
 * The coverage baseline: the outcomes (action kind × code) and lifecycle phases a fixed, reduced
 * campaign reaches, committed as docs/coverage-baseline.json. A test re-runs that campaign and
 * fails when something the baseline lists is no longer reached.
 * @module
 */
import { ACTION_KINDS, GUEST_PHASES } from '../../model/platform/index.js';
import { codesReached, type Coverage } from './coverage.js';

/** The baseline file's content. */
export interface CoverageBaseline {
  /** What produced it and how to regenerate it. */
  readonly about: string;
  readonly command: string;
  readonly seed: number;
  readonly runs: number;
  readonly suite: string;
  /** Rejection codes reached (by any action, hostile ones included), sorted. */
  readonly codes: readonly string[];
  /** `kind outcome` keys reached by actions of a declared kind, sorted. */
  readonly outcomes: readonly string[];
  /** Lifecycle phases reached, in lifecycle order. */
  readonly phases: readonly string[];
}

/** The baseline of `coverage`, from a campaign of `runs` runs per property with `seed`. */
export function baselineOf(coverage: Coverage, o: { seed: number; runs: number; suite: string; command: string }): CoverageBaseline {
  return {
    about:
      'Rejection codes, outcomes (declared action kind and outcome code) and lifecycle phases that the campaign of `command` reaches (a reduced campaign: fixed seed, few runs, so the test stays quick); test/campaign/coverage-baseline.test.ts re-runs it and fails when one of them is no longer reached. Regenerate by running `command` (node bin/semodel.mjs ...) after a change that reaches more, or that knowingly reaches less.',
    command: o.command,
    seed: o.seed,
    runs: o.runs,
    suite: o.suite,
    codes: codesReached(coverage),
    // Hostile actions of made-up kinds are counted too, but their kinds come from a generator, not the schema.
    outcomes: Object.keys(coverage.outcomes)
      .filter((k) => (coverage.outcomes[k] ?? 0) > 0 && (ACTION_KINDS as readonly string[]).includes(k.slice(0, k.indexOf(' '))))
      .sort(),
    phases: GUEST_PHASES.filter((p) => (coverage.phases[p] ?? 0) > 0),
  };
}

/** What `baseline` lists and `coverage` no longer reaches. */
export function lostSince(baseline: CoverageBaseline, coverage: Coverage): { codes: string[]; outcomes: string[]; phases: string[] } {
  const reached = new Set(codesReached(coverage));
  return {
    codes: baseline.codes.filter((c) => !reached.has(c)),
    outcomes: baseline.outcomes.filter((k) => (coverage.outcomes[k] ?? 0) === 0),
    phases: baseline.phases.filter((p) => (coverage.phases[p] ?? 0) === 0),
  };
}
