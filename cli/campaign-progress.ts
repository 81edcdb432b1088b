/**
 * The campaign's progress on stderr: on a terminal one live line, redrawn in place (properties
 * done, runs, steps/s, failures, elapsed, ETA); otherwise one plain line per property as it
 * finishes, which reads well in a CI log.
 * @module
 */
import type { Io } from './io.js';
import type { PropertyResult } from '../properties/campaign/summary.js';
import { duration, grouped } from './campaign-table.js';

/** What the progress line is told. */
export interface Progress {
  /** Steps and runs taken so far by a property still running (cumulative for that property). */
  tick(key: string, steps: number, runs: number): void;
  /** A property finished. */
  done(result: PropertyResult): void;
  /** A message that must not be drawn over (a crashed worker). */
  note(text: string): void;
  /** Clears the live line before the summary. */
  end(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  readonly io: Io;
  readonly properties: number;
  /** Runs expected in all (runs × properties), or undefined under a time budget. */
  readonly totalRuns?: number;
  /** Milliseconds the campaign is expected to take under a time budget. */
  readonly budgetMs?: number;
  /** Draw a live line (default: when stderr is a terminal). */
  readonly live?: boolean;
  /** The clock (default performance.now). */
  readonly now?: () => number;
  /** Where the live line goes (default process.stderr). */
  readonly write?: (text: string) => void;
}

/** Redraws at most this often, in milliseconds. */
const REDRAW_MS = 200;

/**
 * A progress reporter.
 * @example
 * ```ts
 * const p = createProgress({ io, properties: 17, totalRuns: 1700 });
 * p.tick('image-unpack/noninterference', 1200, 30);
 * p.done(result);
 * p.end();
 * ```
 */
export function createProgress(o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now());
  const live = o.live ?? process.stderr.isTTY === true;
  const write = o.write ?? ((t: string) => void process.stderr.write(t));
  const t0 = now();
  const running = new Map<string, { steps: number; runs: number }>();
  let doneCount = 0;
  let doneSteps = 0;
  let doneRuns = 0;
  let failures = 0;
  let lastDraw = -Infinity;
  let drawn = false;

  const line = (): string => {
    let steps = doneSteps;
    let runs = doneRuns;
    for (const r of running.values()) {
      steps += r.steps;
      runs += r.runs;
    }
    const elapsed = now() - t0;
    const rate = elapsed > 0 ? (steps * 1000) / elapsed : 0;
    let eta = '';
    if (o.budgetMs !== undefined) eta = `, ETA ${duration(Math.max(0, o.budgetMs - elapsed))}`;
    else if (o.totalRuns !== undefined && runs > 0) eta = `, ETA ${duration(Math.max(0, (elapsed * (o.totalRuns - Math.min(runs, o.totalRuns))) / runs))}`;
    const rateText = rate >= 1000 ? `${(rate / 1000).toFixed(1)} k` : rate.toFixed(0);
    return `[${doneCount}/${o.properties} properties] ${grouped(runs)} runs, ${rateText} steps/s, ${failures} failed, ${duration(elapsed)}${eta}`;
  };
  const draw = (force: boolean): void => {
    if (!live) return;
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    // \r and erase-to-end-of-line: the line is redrawn in place; 99 columns keep it on one row.
    write(`\r${line().slice(0, 99)}\x1b[K`);
    drawn = true;
  };
  const clear = (): void => {
    if (drawn) write('\r\x1b[K');
    drawn = false;
  };
  return {
    tick(key, steps, runs) {
      running.set(key, { steps, runs });
      draw(false);
    },
    done(r) {
      running.delete(`${r.mechanism}/${r.name}`);
      doneCount++;
      doneSteps += r.steps;
      doneRuns += r.runs;
      if (r.status !== 'passed') failures++;
      if (live) {
        if (r.status !== 'passed') {
          clear();
          write(`${r.status === 'failed' ? 'FAILED' : 'CRASHED'} ${r.mechanism}/${r.name}\n`);
        }
        draw(true);
      } else {
        const result = r.status === 'passed' ? 'ok    ' : r.status === 'failed' ? 'FAILED' : 'CRASHED';
        o.io.err(`${result} ${r.mechanism}/${r.name}: ${grouped(r.runs)} runs, ${grouped(r.steps)} steps, ${duration(r.timeMs)} [${doneCount}/${o.properties}]`);
      }
    },
    note(text) {
      clear();
      o.io.err(text);
      draw(true);
    },
    end() {
      clear();
    },
  };
}
