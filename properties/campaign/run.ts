/**
 * Runs one property of a campaign: its own seed, the suite asked for, coverage counted, and the
 * result as plain data (the CLI writes the failure's trace file).
 * @module
 */
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { modelSystem, type ModelSystem } from '../../model/platform/index.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import { runProperty, type ModelProperty, type PropertyRun } from '../property.js';
import { codesReached, countingSystem, emptyCoverage } from './coverage.js';
import { propertySeed } from './seeds.js';
import type { PropertyResult } from './summary.js';

/** The suites a campaign can compute with. */
export const CAMPAIGN_SUITES = ['noble', 'node'] as const;
/** A campaign suite's name. */
export type CampaignSuite = (typeof CAMPAIGN_SUITES)[number];

/** True when `s` names a campaign suite. */
export function isCampaignSuite(s: string): s is CampaignSuite {
  return (CAMPAIGN_SUITES as readonly string[]).includes(s);
}

const SUITES = { noble: memoizeKeyAgreement(nobleSuite), node: memoizeKeyAgreement(nodeSuite) } as const;

/**
 * Fresh models computing with `suite` (key agreements memoized). The properties' configurations
 * name the noble suite; a world's configuration names its suite, so `reset` rewrites the name to
 * the suite's (both suites give the same bytes: the crypto tests check it).
 */
export function suiteSystem(suite: CampaignSuite): () => ModelSystem {
  return () => {
    const model = modelSystem({ suite: SUITES[suite] });
    if (suite === 'noble') return model;
    return {
      name: model.name,
      get world() {
        return model.world;
      },
      reset: (config) => model.reset({ ...config, suite }),
      apply: (a) => model.apply(a),
      observe: (p) => model.observe(p),
    };
  };
}

/** Options of {@link runCampaignProperty}. */
export interface CampaignRunOptions {
  readonly campaignSeed: number;
  /** Runs (with `timeLimitMs`: at most this many). */
  readonly runs: number;
  readonly timeLimitMs?: number;
  readonly suite: CampaignSuite;
  readonly now?: () => number;
  /** Models to run against instead of the suite's (a faulty model, in tests). */
  readonly system?: () => ModelSystem;
  /** Hears of the steps and runs so far every 1024 steps (a progress display). */
  readonly tick?: (steps: number, runs: number) => void;
}

/** Longest counterexample text kept in a result (the whole one goes to the trace file). */
export const COUNTEREXAMPLE_CHARS = 400;

/** One line of at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * Runs `p` for a campaign: seed from the campaign seed and the property's name, coverage
 * counted on every model it runs against. Returns fast-check's run (to write the failure's trace)
 * and the result as data.
 */
export function runCampaignProperty(p: ModelProperty<unknown>, o: CampaignRunOptions): { run: PropertyRun; result: PropertyResult } {
  const coverage = emptyCoverage();
  const seed = propertySeed(o.campaignSeed, p.mechanism, p.name);
  const tick = o.tick;
  const system = countingSystem(o.system ?? suiteSystem(o.suite), coverage, tick === undefined ? undefined : (c) => tick(c.steps, c.runs));
  const run = runProperty(p, {
    numRuns: o.runs,
    seed,
    system,
    ...(o.now === undefined ? {} : { now: o.now }),
    ...(o.timeLimitMs === undefined ? {} : { timeLimitMs: o.timeLimitMs }),
  });
  const result: PropertyResult = {
    mechanism: run.mechanism,
    name: run.name,
    requirements: run.requirements,
    runs: run.runs,
    status: run.status,
    timeMs: Math.round(run.timeMs),
    seed,
    ...(run.path === undefined ? {} : { path: run.path }),
    steps: coverage.steps,
    codesReached: codesReached(coverage),
    coverage,
    ...(run.counterexample === undefined
      ? {}
      : { counterexample: oneLine(run.counterexample, COUNTEREXAMPLE_CHARS), error: run.error ?? '' }),
  };
  return { run, result };
}
