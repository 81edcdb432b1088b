/**
 * Platform steps per second in the campaign setting: the image-unpack adversarial schedules
 * (properties/image-unpack: small images, hypervisor schedules that reorder, replay, skip,
 * alter and mix pages) sampled with a fixed seed, then stepped. Only the stepping is timed
 * (`runSchedule` through `runSync` over the model as a synchronous system under test: reset,
 * create-guest, then per move one `apply` and one owner `observe`); generating the images is not.
 * Also the whole campaign of one property (`adversarial-schedule-integrity`, 200 runs through
 * `runProperty`), generation included, in property runs per second.
 *
 * Run standalone: `npx tsx bench/campaign-steps.ts`.
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import { modelSystem, type SyncSystemUnderTest } from '../model/platform/index.js';
import { arbCase, SUITE, type ScheduleCase } from '../properties/image-unpack/fixtures.js';
import { memoizeKeyAgreement } from '../properties/memoized-suite.js';
import { adversaryCannotStartOtherContents } from '../properties/image-unpack/integrity.js';
import { runSchedule } from '../properties/image-unpack/schedules.js';
import { runProperty } from '../properties/property.js';
import { runSync } from '../properties/sut-calls.js';
import { formatResults, type BenchResult } from './harness.js';
import { median, nowMs } from './unpack.js';

/** Seed of the sampled cases and of the property campaign (the campaign CLI's default). */
const SEED = 2026;
/** Sampled schedule cases. */
const CASES = 300;
/** Runs of the timed property campaign (the campaign CLI's default). */
const PROPERTY_RUNS = 200;
/** Timed passes over the cases; the median is reported. */
const ROUNDS = 3;

/**
 * The model as a synchronous system computing with `suite`: the schedules reset it to the
 * properties' configuration, whose suite name is replaced by `suite`'s (a world's configuration
 * names its suite).
 */
function systemOn(suite: CryptoSuite): SyncSystemUnderTest {
  const model = modelSystem({ suite });
  const name = suite.name === 'node' ? 'node' : 'noble';
  return { name: model.name, reset: (config) => model.reset({ ...config, suite: name }), apply: (a) => model.apply(a), observe: (p) => model.observe(p) };
}

/** Runs every case's schedule on a fresh world; returns the number of platform steps taken. */
function stepAll(cases: readonly ScheduleCase[], system: SyncSystemUnderTest): number {
  let steps = 0;
  for (const c of cases) {
    const run = runSync(runSchedule(c.image, c.foreign, c.schedule), system);
    steps += 1 + run.trace.length; // create-guest, then one step per move
  }
  return steps;
}

/** Steps per second of `suite` over `cases`: median of {@link ROUNDS} timed passes after a warm-up pass. */
function stepsPerSecond(cases: readonly ScheduleCase[], suite: CryptoSuite): { steps: number; perSecond: number } {
  const system = systemOn(suite);
  const steps = stepAll(cases, system);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = nowMs();
    stepAll(cases, system);
    times.push(nowMs() - t0);
  }
  return { steps, perSecond: steps / (median(times) / 1000) };
}

/**
 * Measures platform steps per second over sampled adversarial schedules (the campaign's suite:
 * noble with memoized key agreement; and the node suite, memoized alike) and property runs per
 * second of one whole property campaign.
 * @throws Error when the timed property fails (its time would then include shrinking)
 */
export async function benchCampaignSteps(): Promise<BenchResult[]> {
  const g0 = nowMs();
  const cases = fc.sample(arbCase, { numRuns: CASES, seed: SEED });
  const generationMs = nowMs() - g0;
  const moves = cases.reduce((n, c) => n + c.schedule.length, 0);
  const pages = cases.reduce((n, c) => n + c.image.pages.length + c.foreign.pages.length, 0);

  const campaignSuite = stepsPerSecond(cases, SUITE);
  const node = stepsPerSecond(cases, memoizeKeyAgreement(nodeSuite));

  const p0 = nowMs();
  const run = runProperty(adversaryCannotStartOtherContents, { numRuns: PROPERTY_RUNS, seed: SEED, now: nowMs });
  const propertyMs = nowMs() - p0;
  if (run.status !== 'passed') throw new Error(`${run.name} failed (seed ${SEED}): ${run.error ?? ''}`);

  return [
    {
      name: `platform steps, ${CASES} sampled schedules, campaign suite (noble)`,
      value: campaignSuite.perSecond,
      unit: 'steps/s',
      note: `${campaignSuite.steps} steps, ${(moves / CASES).toFixed(1)} moves per schedule; an owner observe after each; generation excluded`,
    },
    {
      name: 'platform steps, same schedules, nodeSuite (ECDH memoized too)',
      value: node.perSecond,
      unit: 'steps/s',
      note: `${(node.perSecond / campaignSuite.perSecond).toFixed(2)} × the campaign suite`,
    },
    {
      name: 'generating one case (2 images + schedule, noble)',
      value: generationMs / CASES,
      unit: 'ms/case',
      note: `${(pages / (2 * CASES)).toFixed(1)} pages per image`,
    },
    {
      name: `${run.name}, ${PROPERTY_RUNS} runs, generation included`,
      value: PROPERTY_RUNS / (propertyMs / 1000),
      unit: 'runs/s',
      note: `one run: ${(propertyMs / 1000).toFixed(2)} s for the campaign of one property`,
    },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchCampaignSteps()));
}
