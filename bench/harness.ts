/**
 * A small timing harness for the benchmarks: run a function for at least a given time and report
 * operations per second, on the monotonic clock (`process.hrtime.bigint`). Generic: nothing here
 * knows what is measured.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One figure a benchmark reports. */
export interface BenchResult {
  name: string;
  value: number;
  /** e.g. `"ops/s"`, `"µs/op"`, `"pages/s"`, `"ratio"`. */
  unit: string;
  note?: string;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Minimum measured time in milliseconds (default 500). */
  minTime?: number;
  /** Time spent running `fn` before measuring, in milliseconds (default 100), for JIT warm-up. */
  warmupTime?: number;
}

/** Results of measured calls are kept here so that the JIT cannot drop them as dead code. */
let sink: unknown;

/** The last value a measured function returned (exported only so that it counts as used). */
export function lastSinkValue(): unknown {
  return sink;
}

/** Runs `fn` `count` times and returns the elapsed nanoseconds. */
function runBatch(fn: () => unknown, count: number): bigint {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) sink = fn();
  return process.hrtime.bigint() - start;
}

/** Runs batches of doubling size until `ms` milliseconds have passed; returns [calls, nanoseconds]. */
function runFor(fn: () => unknown, ms: number): [number, bigint] {
  const budget = BigInt(Math.round(ms * 1e6));
  let calls = 0;
  let elapsed = 0n;
  let batch = 1;
  while (elapsed < budget) {
    elapsed += runBatch(fn, batch);
    calls += batch;
    // Grow batches so the clock is read rarely relative to the work, but do not run much past
    // the budget: the next batch is at most what the remaining time allows at the pace so far.
    const perCall = Number(elapsed) / calls;
    const remaining = Number(budget - elapsed);
    batch = Math.max(1, Math.min(batch * 2, Math.ceil(remaining / Math.max(perCall, 1)), 1 << 20));
  }
  return [calls, elapsed];
}

/**
 * Operations per second of the synchronous `fn`: warms up, then calls it in growing batches for
 * at least `minTime` milliseconds.
 * @param name what is measured (used in error messages)
 * @throws Error naming the measurement when `fn` throws or the options are not positive
 */
export function measure(name: string, fn: () => unknown, options: MeasureOptions = {}): number {
  const minTime = options.minTime ?? 500;
  const warmupTime = options.warmupTime ?? 100;
  if (!(minTime > 0) || !(warmupTime >= 0)) {
    throw new Error(`measure(${name}): minTime must be > 0 and warmupTime ≥ 0`);
  }
  try {
    if (warmupTime > 0) runFor(fn, warmupTime);
    const [calls, ns] = runFor(fn, minTime);
    return (calls * 1e9) / Number(ns);
  } catch (e) {
    throw new Error(`measure(${name}) failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The results as an aligned text table, one line per result. */
export function formatResults(results: readonly BenchResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const v = Number.isInteger(r.value) ? String(r.value) : Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3);
      return `${r.name.padEnd(width)}  ${v.padStart(10)} ${r.unit}${r.note === undefined ? '' : `  (${r.note})`}`;
    })
    .join('\n');
}

/** What one measured child process took (see {@link measureChild}). */
export interface ChildMeasure {
  readonly status: number | null;
  /** Wall time around the whole child, start-up included (ms). */
  readonly wallMs: number;
  /** User + system CPU seconds of the child, all its threads; NaN when unknown. */
  readonly cpuSeconds: number;
  /** Peak resident set size in bytes; NaN when unknown. */
  readonly peakRss: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** GNU time, which reports a child's peak RSS and CPU time (`%M`, `%U`, `%S`). */
export const GNU_TIME = '/usr/bin/time';

/**
 * Runs `command args…` and measures it: wall time here, CPU time and peak RSS by GNU time
 * (`-f '%M %U %S'` into `report`) when `gnuTime`, else NaN. Synchronous: nothing else of this
 * process runs meanwhile.
 * @param report a scratch file for GNU time's line
 */
export function measureChild(
  command: string,
  args: readonly string[],
  options: { readonly report: string; readonly gnuTime: boolean; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv },
): ChildMeasure {
  rmSync(options.report, { force: true });
  const [cmd, argv] = options.gnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', options.report, command, ...args]] : [command, [...args]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const line = options.gnuTime && existsSync(options.report) ? (readFileSync(options.report, 'utf8').trim().split('\n').pop() ?? '') : '';
  const [kib, user, system] = line.trim().split(/\s+/).slice(-3).map(Number);
  const peakRss = kib !== undefined && Number.isFinite(kib) ? kib * 1024 : Number.NaN;
  const cpuSeconds = user !== undefined && system !== undefined && Number.isFinite(user + system) ? user + system : Number.NaN;
  return { status: r.status, wallMs, cpuSeconds, peakRss, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The median of `values` (NaN for none). */
export function medianOf(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `a` and `b` alternately, `pairs` times, swapping which goes first every pair, so that load
 * from other processes falls on both alike; returns every run of each, pair `i` being `a[i]`
 * and `b[i]`.
 */
export function alternatePairs<T>(pairs: number, a: () => T, b: () => T): { readonly a: T[]; readonly b: T[] } {
  const runsA: T[] = [];
  const runsB: T[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      runsA.push(a());
      runsB.push(b());
    } else {
      runsB.push(b());
      runsA.push(a());
    }
  }
  return { a: runsA, b: runsB };
}

let fullGc: (() => void) | undefined | null = null;

/**
 * A full garbage collection now, where the process lets us (V8's `gc()`, reached as
 * cli/young-gc.ts reaches it); else nothing. Run between timed runs, so that no run pays for the
 * garbage another left.
 */
export function collectAll(): void {
  if (fullGc === null) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      fullGc = typeof f === 'function' ? (f as () => void) : undefined;
    } catch {
      fullGc = undefined;
    }
  }
  fullGc?.();
}

/** The one-minute load average and the number of cores, as a note for a figure measured under load. */
export function loadNote(): string {
  return `load average ${(loadavg()[0] ?? Number.NaN).toFixed(2)} on ${cpus().length} cores`;
}
