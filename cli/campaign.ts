/**
 * `semodel campaign`: runs the registered properties of the selected mechanisms with fast-check,
 * each with its own seed derived from the campaign seed, counting coverage; shows progress on
 * stderr, writes each failure's counterexample as a trace file, and prints a summary (or JSON).
 * `semodel campaign merge` combines shard summaries; `semodel campaign replay` replays a failure.
 * `npm start` runs it with the default budget.
 * @module
 */
import { MECHANISMS, isMechanismName, type ModelProperty } from '../properties/property.js';
import { allProperties } from '../properties/registry.js';
import { MODULES } from '../model/platform/index.js';
import { emptyCoverage, unreachedCodes, unreachedGuards, unreachedPhases, type Coverage } from '../properties/campaign/coverage.js';
import { parseShard, shardFromIndex, shardOf, timeShare, type Shard } from '../properties/campaign/plan.js';
import { isCampaignSuite, runCampaignProperty, type CampaignSuite } from '../properties/campaign/run.js';
import { MAX_SEED, propertySeed } from '../properties/campaign/seeds.js';
import { SUMMARY_FORMAT, SUMMARY_FORMAT_VERSION, totals, type Budget, type CampaignSummary, type PropertyResult } from '../properties/campaign/summary.js';
import { parse } from './args.js';
import { writeBaseline } from './campaign-baseline.js';
import { DEFAULT_OUT, recordFailure, writeSummary } from './campaign-files.js';
import { runPool } from './campaign-pool.js';
import { createProgress } from './campaign-progress.js';
import { summaryText } from './campaign-table.js';
import { semodelVersion, UsageError, type Io } from './io.js';

/** Runs per property when neither `--runs` nor `--time` is given. */
export const DEFAULT_RUNS = 100;
/** Seed when `--seed` is not given: fixed, so that a default campaign replays. */
export const DEFAULT_SEED = 2026;

/** Every mechanism name a campaign accepts. */
const MECHANISM_NAMES = ['platform', ...MECHANISMS] as const;

export const CAMPAIGN_HELP = `usage: semodel campaign [--mechanism M]... [--property P]... [--runs N | --time SECONDS]
                        [--seed N] [--suite noble|node] [--workers N] [--shard K/N | --shard-count N]
                        [--out DIR] [--json] [--write-baseline FILE]
       semodel campaign merge DIR... [--json]
       semodel campaign replay FILE [--json]

Runs the model's registered properties with fast-check and prints a summary.
  --mechanism M     only this mechanism's properties (repeatable): ${MECHANISM_NAMES.join(', ')}
  --property P      only this property, by name or mechanism/name (repeatable)
  --runs N          runs per property (default ${DEFAULT_RUNS})
  --time SECONDS    a time budget instead of a run count: each property runs for its share
                    (the budget over the properties this process runs, times --workers)
  --seed N          campaign seed, 0 to ${MAX_SEED} (default ${DEFAULT_SEED}); each property's seed is
                    derived from it and the property's name
  --suite S         crypto suite of the model: noble (default) or node (node:crypto)
  --workers N       run properties in N child processes (default 1: in this process)
  --shard K/N       run shard K of N (K from 1 to N): every N-th property from the K-th
  --shard-count N   with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) set to K-1: --shard K/N
  --out DIR         failures' trace files go here (default ${DEFAULT_OUT}); with --out, --shard
                    or --shard-count the summary JSON is written here too (for 'campaign merge')
  --json            print the summary as JSON: {version, seed, suite, budget, steps, passed, failed,
                    properties: [{mechanism, name, requirements, runs, status, timeMs, seed, path?,
                    steps, codesReached, coverage, counterexample?, error?, failureFile?, replay?}],
                    coverage: {steps, runs, outcomes, phases}, unreached, unreachedGuards,
                    unreachedPhases}
  --write-baseline FILE  write the codes and phases this campaign reached as a coverage baseline
Progress goes to stderr: a live line on a terminal, else one line per property.
A failure writes its shrunk counterexample as a trace file under --out and prints one line with
the command that replays it: semodel campaign replay FILE.
Exit status: 0 when every property passed, 1 when one failed, 2 for bad arguments.`;

/**
 * The selection's properties from `pool` (the registry's), by `--mechanism` and `--property`.
 * @throws UsageError naming the choices
 */
export function selectProperties(mechanisms: readonly string[], names: readonly string[], pool: readonly ModelProperty<unknown>[] = allProperties): ModelProperty<unknown>[] {
  for (const m of mechanisms) {
    if (m !== 'platform' && !isMechanismName(m)) throw new UsageError(`unknown mechanism '${m}'; one of: ${MECHANISM_NAMES.join(', ')}`);
    if (!pool.some((p) => p.mechanism === m)) {
      const have = [...new Set(pool.map((p) => p.mechanism))].join(', ');
      throw new UsageError(`mechanism '${m}' has no properties yet; mechanisms with properties: ${have}`);
    }
  }
  let selected = pool.filter((p) => mechanisms.length === 0 || mechanisms.includes(p.mechanism));
  if (names.length > 0) {
    for (const n of names) {
      if (!selected.some((p) => p.name === n || `${p.mechanism}/${p.name}` === n)) {
        throw new UsageError(`unknown property '${n}'${mechanisms.length > 0 ? ` in ${mechanisms.join(', ')}` : ''}; one of: ${selected.map((p) => p.name).join(', ')}`);
      }
    }
    selected = selected.filter((p) => names.includes(p.name) || names.includes(`${p.mechanism}/${p.name}`));
  }
  return selected;
}

/** A whole number flag from `min` to `max`. */
function whole(flag: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

/** The unreached codes and phases of `coverage` over the modules of `selection`. */
export function unreachedOf(coverage: Coverage, selection: readonly string[]): { unreached: string[]; unreachedGuards: string[]; unreachedPhases: string[] } {
  const mechanisms = new Set(selection.map((k) => k.slice(0, k.indexOf('/'))));
  // The platform's table applies to every mechanism's actions.
  const modules = MODULES.map((m) => m.name).filter((n) => n === 'platform' || mechanisms.has(n));
  return { unreached: unreachedCodes(coverage, modules), unreachedGuards: unreachedGuards(coverage, modules), unreachedPhases: unreachedPhases(coverage) };
}

/** The shard this process runs: `--shard K/N`, or `--shard-count N` with `JOB_COMPLETION_INDEX`. */
function shardOption(shard: string | undefined, shardCount: string | undefined, env: NodeJS.ProcessEnv): Shard | undefined {
  if (shard !== undefined && shardCount !== undefined) throw new UsageError('--shard and --shard-count are exclusive (--shard-count takes K from JOB_COMPLETION_INDEX)');
  if (shard !== undefined) {
    const s = parseShard(shard);
    if (typeof s === 'string') throw new UsageError(s);
    return s;
  }
  if (shardCount === undefined) return undefined;
  const count = whole('shard-count', shardCount, 1, 1);
  const index = env['JOB_COMPLETION_INDEX'];
  if (index === undefined) throw new UsageError('--shard-count needs JOB_COMPLETION_INDEX (0 to N-1) in the environment, as a Kubernetes Indexed Job sets it');
  const s = shardFromIndex(index, count);
  if (typeof s === 'string') throw new UsageError(s);
  return s;
}

/** A result for a property whose worker died. */
function crashedResult(p: ModelProperty<unknown>, seed: number, why: string): PropertyResult {
  return {
    mechanism: p.mechanism,
    name: p.name,
    requirements: p.requirements,
    runs: 0,
    status: 'crashed',
    timeMs: 0,
    seed,
    steps: 0,
    codesReached: [],
    coverage: emptyCoverage(),
    error: why,
  };
}

/** The campaign command (and its `merge` and `replay` subcommands). Returns the exit status. */
export async function campaign(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === 'merge') return (await import('./campaign-merge.js')).campaignMerge(argv.slice(1), io);
  if (argv[0] === 'replay') return (await import('./campaign-replay.js')).campaignReplay(argv.slice(1), io);
  const { values } = parse(
    argv,
    {
      mechanism: { type: 'string', multiple: true },
      property: { type: 'string', multiple: true },
      runs: { type: 'string' },
      time: { type: 'string' },
      seed: { type: 'string' },
      suite: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      'shard-count': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'write-baseline': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'campaign',
  );
  if (values.help === true) {
    io.out(CAMPAIGN_HELP);
    return 0;
  }
  if (values.runs !== undefined && values.time !== undefined) throw new UsageError('--runs and --time are exclusive: give a run count or a time budget');
  const runs = whole('runs', values.runs, DEFAULT_RUNS, 1);
  let seconds: number | undefined;
  if (values.time !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(values.time) || Number(values.time) <= 0) throw new UsageError(`--time takes a positive number of seconds, got '${values.time}'`);
    seconds = Number(values.time);
  }
  if (values.seed !== undefined && /^\d+$/.test(values.seed) && Number(values.seed) > MAX_SEED) {
    throw new UsageError(`--seed is a 32-bit unsigned number (0 to ${MAX_SEED}); ${values.seed} is too large`);
  }
  const seed = whole('seed', values.seed, DEFAULT_SEED, 0, MAX_SEED);
  const suiteName = values.suite ?? 'noble';
  if (!isCampaignSuite(suiteName)) throw new UsageError(`--suite takes noble or node, got '${suiteName}'`);
  const suite: CampaignSuite = suiteName;
  const workers = whole('workers', values.workers, 1, 1, 256);
  const shard = shardOption(values.shard, values['shard-count'], env);
  const outDir = values.out ?? DEFAULT_OUT;
  const selected = selectProperties(values.mechanism ?? [], values.property ?? []);
  const selection = selected.map((p) => `${p.mechanism}/${p.name}`);
  const mine = shard === undefined ? selected : shardOf(selected, shard);
  const budget: Budget = seconds === undefined ? { runs } : { seconds };
  // Under a time budget each property gets its share of this process's wall time (times the workers).
  const timeLimitMs = seconds === undefined ? undefined : timeShare(seconds * Math.min(workers, Math.max(1, mine.length)), mine.length);
  const maxRuns = seconds === undefined ? runs : 2 ** 31 - 1;

  const progress = createProgress({
    io,
    properties: mine.length,
    ...(seconds === undefined ? { totalRuns: runs * mine.length } : { budgetMs: seconds * 1000 }),
  });
  let results: PropertyResult[];
  if (workers > 1 && mine.length > 1) {
    const byKey = new Map(mine.map((p) => [`${p.mechanism}/${p.name}`, p]));
    results = await runPool(
      mine.map((p) => `${p.mechanism}/${p.name}`),
      {
        workers,
        job: (key) => ({ type: 'run', key, campaignSeed: seed, runs: maxRuns, suite, outDir, ...(timeLimitMs === undefined ? {} : { timeLimitMs }) }),
        crashed: (key, why) => {
          const p = byKey.get(key);
          if (p === undefined) throw new Error(`no property ${key}`);
          return crashedResult(p, propertySeed(seed, p.mechanism, p.name), why);
        },
        onTick: (key, steps, r) => progress.tick(key, steps, r),
        onDone: (r) => progress.done(r),
        onNote: (t) => progress.note(t),
      },
    );
  } else {
    results = [];
    for (const p of mine) {
      const key = `${p.mechanism}/${p.name}`;
      const { run, result } = runCampaignProperty(p, {
        campaignSeed: seed,
        runs: maxRuns,
        suite,
        now: () => io.now(),
        tick: (steps, r) => progress.tick(key, steps, r),
        ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
      });
      const final = result.status === 'failed' ? recordFailure(outDir, p, run, result) : result;
      results.push(final);
      progress.done(final);
    }
  }
  progress.end();

  const t = totals(results);
  const summary: CampaignSummary = {
    format: SUMMARY_FORMAT,
    formatVersion: SUMMARY_FORMAT_VERSION,
    version: semodelVersion(),
    seed,
    suite,
    budget,
    selection,
    ...(shard === undefined ? {} : { shard }),
    properties: results,
    ...t,
    ...unreachedOf(t.coverage, selection),
  };
  if (values.out !== undefined || shard !== undefined) writeSummary(io, outDir, summary);
  if (values['write-baseline'] !== undefined) writeBaseline(io, values['write-baseline'], summary, argv);
  if (values.json === true) io.out(JSON.stringify(summary, null, 2));
  else {
    if (mine.length === 0 && shard !== undefined) io.out(`shard ${shard.index}/${shard.count} has no properties: the selection has ${selected.length}`);
    io.out(summaryText(summary));
  }
  return t.failed === 0 ? 0 : 1;
}
