/**
 * Platform steps per second in the campaign setting: the image-unpack adversarial schedules
 * (properties/image-unpack: small images, hypervisor schedules that reorder, replay, skip,
 * alter and mix pages) sampled with a fixed seed, then stepped. Only the stepping is timed
 * (`runSchedule` through `runSync` over the model as a synchronous system under test: reset,
 * create-guest, then per move one `apply` and one owner `observe`); generating the images is not.
 * Also the whole campaign of one property (`adversarial-schedule-integrity`, 200 runs through
 * `runProperty`), generation included, in property runs per second; campaign steps per second
 * with each suite (`runCampaignProperty`, as `semodel campaign --suite` runs it); and semodel
 * beside the in-repo peer, fast-check's `fc.commands` model run of the abstract unpack workload
 * (bench/unpack-commands-peer.ts), on the same workload size (64-page guest, 32-page image).
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
import { arbCase, arbSecrets, imageOf, SUITE, type ImageShape, type ScheduleCase, type TestImage } from '../properties/image-unpack/fixtures.js';
import { runCampaignProperty, type CampaignSuite } from '../properties/campaign/run.js';
import { arbSchedule } from '../properties/image-unpack/schedules.js';
import { PEER_IMAGE_PAGES, PEER_MEMORY_PAGES, runCommandsPeer } from './unpack-commands-peer.js';
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

/** Images of exactly {@link PEER_IMAGE_PAGES} secured pages in a guest of at least {@link PEER_MEMORY_PAGES}: the peer's workload size. */
function peerSizedImage(seed: number): TestImage {
  // kernel 16 + initrd 13 + parmline 1 + stage3b 2 = 32 secured pages.
  const shape: ImageShape = {
    kernelPages: 16,
    kernelTail: 4096,
    initrdPages: 13,
    initrdTail: 4096,
    parmlineLength: 20,
    hosts: [0],
    noDecryption: false,
    tweakRandoms: { kernel: new Uint8Array(6).fill(1), parmline: new Uint8Array(6).fill(2), initrd: new Uint8Array(6).fill(3), stage3b: new Uint8Array(6).fill(4) },
  };
  const [secrets] = fc.sample(arbSecrets, { numRuns: 1, seed });
  if (secrets === undefined) throw new Error('no secrets sampled');
  const image = imageOf(shape, secrets);
  if (image.pages.length !== PEER_IMAGE_PAGES) throw new Error(`the peer-sized image has ${image.pages.length} pages`);
  return { ...image, memoryPages: Math.max(PEER_MEMORY_PAGES, image.memoryPages) };
}

/** Steps per second of the campaign's own run of a property with `suite` (generation included). */
function campaignStepsPerSecond(suite: CampaignSuite): { steps: number; perSecond: number } {
  const { result } = runCampaignProperty(adversaryCannotStartOtherContents, { campaignSeed: SEED, runs: PROPERTY_RUNS, suite, now: nowMs });
  if (result.status !== 'passed') throw new Error(`${result.name} failed with the ${suite} suite`);
  return { steps: result.steps, perSecond: result.steps / (result.timeMs / 1000) };
}

/**
 * semodel and the in-repo peer (fast-check's model-based runner over an abstract model) on the
 * same workload size: one guest of 64 pages, a 32-page image, adversarial schedules.
 */
function peerComparison(): BenchResult[] {
  const own = peerSizedImage(1);
  const foreign = peerSizedImage(2);
  const schedules = fc.sample(arbSchedule(own.pages.length, foreign.pages.length), { numRuns: 100, seed: SEED });
  const cases: ScheduleCase[] = schedules.map((schedule) => ({ image: own, foreign, schedule }));
  const noble = stepsPerSecond(cases, SUITE);
  const node = stepsPerSecond(cases, memoizeKeyAgreement(nodeSuite));
  stepAll(cases.slice(0, 1), systemOn(SUITE)); // both paths warm
  runCommandsPeer(20, 100, SEED, nowMs);
  const peer = runCommandsPeer(200, 100, SEED, nowMs);
  const peerRate = peer.steps / (peer.ms / 1000);
  return [
    { name: `semodel, ${PEER_IMAGE_PAGES}-page image in a ${own.memoryPages}-page guest, adversarial schedules, noble`, value: noble.perSecond, unit: 'steps/s', note: `${noble.steps} steps of 100 schedules; real crypto` },
    { name: 'same workload, node suite', value: node.perSecond, unit: 'steps/s', note: `${(node.perSecond / noble.perSecond).toFixed(2)} × noble` },
    {
      name: `peer: fc.commands model run, abstract unpack (${PEER_MEMORY_PAGES}-page guest, ${PEER_IMAGE_PAGES}-page image)`,
      value: peerRate,
      unit: 'steps/s',
      note: `${peer.steps} commands in 200 runs, generation included; semodel node is ${(node.perSecond / peerRate).toFixed(3)} × the peer (issue 7 measured 200-600 k steps/s for it)`,
    },
  ];
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

  const campaignNoble = campaignStepsPerSecond('noble');
  const campaignNode = campaignStepsPerSecond('node');

  return [
    {
      name: `campaign steps (runCampaignProperty, ${run.name}, ${PROPERTY_RUNS} runs), --suite noble`,
      value: campaignNoble.perSecond,
      unit: 'steps/s',
      note: `${campaignNoble.steps} steps; generation and coverage counting included`,
    },
    {
      name: 'same campaign, --suite node',
      value: campaignNode.perSecond,
      unit: 'steps/s',
      note: `${(campaignNode.perSecond / campaignNoble.perSecond).toFixed(2)} × noble`,
    },
    ...peerComparison(),
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
