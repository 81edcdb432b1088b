/**
 * A small timing harness for the benchmarks: run a function for at least a given time and report
 * operations per second, on the monotonic clock (`process.hrtime.bigint`). Generic: nothing here
 * knows what is measured.
 * @module
 */

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
