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
import { spawn, spawnSync } from 'node:child_process';
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

/** Two one-process campaigns at once, as child processes; resolves to the wall time of both. */
function twoAtOnce(): Promise<number> {
  const t0 = nowMs();
  const one = (): Promise<void> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [resolve(ROOT, 'bin/semodel.mjs'), 'campaign', '--runs', String(RUNS), '--seed', '2026', '--json'], { stdio: 'ignore' });
      child.on('error', fail);
      child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`concurrent campaign exited ${code}`))));
    });
  return Promise.all([one(), one()]).then(() => nowMs() - t0);
}

/** A CPU-bound loop with no memory traffic, as a child process. */
const SPIN = 'let x = 0; for (let i = 0; i < 4e8; i++) x = (x * 31 + i) | 0; if (x === 1) console.log(x);';

/** Wall time of `n` spinning children at once. */
function spinning(n: number): Promise<number> {
  const t0 = nowMs();
  const one = (): Promise<void> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
      child.on('error', fail);
      child.on('exit', () => done());
    });
  return Promise.all(Array.from({ length: n }, one)).then(() => nowMs() - t0);
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
  // The machine's own limit for this workload: two whole campaigns side by side do twice the
  // work; their throughput over one alone bounds what any split into two workers can reach.
  const both: number[] = [];
  for (let i = 0; i < PAIRS; i++) both.push(await twoAtOnce());
  const spinOne: number[] = [];
  const spinTwo: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    spinOne.push(await spinning(1));
    spinTwo.push(await spinning(2));
  }
  const load1 = loadavg()[0] ?? 0;
  const ratio = median(one) / median(two);
  const cpuCeiling = (2 * median(spinOne)) / median(spinTwo);
  const ceiling = (2 * median(one)) / median(both);
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
    {
      name: 'the machine: two one-process campaigns at once, throughput over one alone',
      value: ceiling,
      unit: 'ratio',
      note: `median of ${PAIRS}; the most two workers can reach on this workload here`,
    },
    { name: 'the machine: two CPU-bound loops at once, over one alone', value: cpuCeiling, unit: 'ratio', note: `median of ${PAIRS}; no memory traffic: what the two cores give` },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchCampaignWorkers()));
}
