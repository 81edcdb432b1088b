/**
 * `semodel campaign --workers N`: wall time of the default campaign's properties (image-unpack and
 * platform, a reduced run count) in one process against two worker processes, alternated over
 * pairs with the same seed, as child processes of `node bin/semodel.mjs` (which runs dist/ when it
 * is fresh, else the sources through tsx; the workers run the same code as their parent). The
 * results of both are checked to be equal (the worker count never changes a result). The load
 * average is reported beside: on a shared machine the ratio means little.
 *
 * Run standalone: `npx tsx bench/campaign-workers.ts`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatResults, type BenchResult } from './harness.js';
import { median, nowMs } from './unpack.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Runs per property: enough that starting the workers is a small part of the time. */
const RUNS = 60;
/** Alternated pairs (one process, two workers). */
const PAIRS = 3;

/** One campaign as a child process; returns its wall time and its summary without times. */
function campaignOnce(workers: number): { ms: number; results: string } {
  const t0 = nowMs();
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/semodel.mjs'), 'campaign', '--runs', String(RUNS), '--seed', '2026', '--workers', String(workers), '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = nowMs() - t0;
  if (r.status !== 0) throw new Error(`campaign --workers ${workers} exited ${r.status ?? r.signal}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  const json = JSON.parse(r.stdout) as { properties: { timeMs: number }[]; steps: number };
  return { ms, results: JSON.stringify({ steps: json.steps, properties: json.properties.map((p) => ({ ...p, timeMs: 0 })) }) };
}

/** The newest modification time of the .ts files under `dir`. */
function newestTs(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = resolve(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestTs(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** True when bin/semodel.mjs runs the compiled dist/ (its rule: newer than every source), not tsx. */
function distFresh(): boolean {
  const built = resolve(ROOT, 'dist/cli/main.js');
  if (!existsSync(built)) return false;
  return statSync(built).mtimeMs >= Math.max(...['cli', 'conformance', 'model', 'properties'].map((d) => newestTs(resolve(ROOT, d))));
}

/** Measures one process against two workers. */
export async function benchCampaignWorkers(): Promise<BenchResult[]> {
  const load0 = loadavg()[0] ?? 0;
  const one: number[] = [];
  const two: number[] = [];
  let reference: string | undefined;
  for (let i = 0; i < PAIRS; i++) {
    for (const [workers, into] of [[1, one], [2, two]] as const) {
      const r = campaignOnce(workers);
      into.push(r.ms);
      reference ??= r.results;
      if (r.results !== reference) throw new Error(`--workers ${workers} gave other results than one process`);
    }
  }
  const load1 = loadavg()[0] ?? 0;
  const ratio = median(one) / median(two);
  const code = distFresh() ? 'dist/ (compiled)' : 'the sources through tsx (dist/ is stale)';
  return [
    { name: `default campaign, ${RUNS} runs per property, one process`, value: median(one) / 1000, unit: 's', note: `median of ${PAIRS}, ${code}` },
    { name: 'same, --workers 2', value: median(two) / 1000, unit: 's', note: `results equal to one process` },
    {
      name: 'speed-up of 2 workers over one process',
      value: ratio,
      unit: 'ratio',
      note: `load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after; target ≥ 1.7: ${ratio >= 1.7 ? 'met' : 'NOT met'}`,
    },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchCampaignWorkers()));
}
