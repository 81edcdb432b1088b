/**
 * Runs a campaign's properties in child processes: N workers, each taking the next property
 * when it finishes one. A worker that dies is reported (its property is `crashed`) and replaced;
 * the others go on.
 *
 * Workers run the same code as the parent: the compiled JavaScript in dist/ when the CLI runs from
 * there (bin/semodel.mjs picks dist/ when it is fresh), else the TypeScript sources through tsx
 * (a dependency already), so a stale dist/ never runs.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkQueue } from '../properties/campaign/plan.js';
import type { PropertyResult } from '../properties/campaign/summary.js';
import type { WorkerJob, WorkerMessage } from './campaign-worker.js';

/** How to start a worker: its script and node's options. */
export function workerCommand(): { script: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const script = path.join(path.dirname(here), ts ? 'campaign-worker.ts' : 'campaign-worker.js');
  // Workers run under the parent's node options (a heap or GC setting given to the campaign holds
  // for all of its processes).
  const own = process.execArgv.filter((a) => !a.startsWith('--import') && !a.includes('tsx'));
  const execArgv = ts ? [...own, '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : own;
  return { script, execArgv };
}

/** Options of {@link runPool}. */
export interface PoolOptions {
  readonly workers: number;
  /** The job of a property, by key (`mechanism/name`). */
  readonly job: (key: string) => WorkerJob;
  /** The result of a property whose worker died. */
  readonly crashed: (key: string, why: string) => PropertyResult;
  readonly onTick?: (key: string, steps: number, runs: number) => void;
  readonly onDone?: (result: PropertyResult) => void;
  readonly onNote?: (text: string) => void;
}

/**
 * Runs `keys` on `workers` child processes and returns their results in the order of `keys`.
 * @example
 * ```ts
 * const results = await runPool(['image-unpack/noninterference'], { workers: 2, job, crashed });
 * ```
 */
export function runPool(keys: readonly string[], o: PoolOptions): Promise<PropertyResult[]> {
  const { script, execArgv } = workerCommand();
  // Each worker keeps to its own part of the selection (less code to compile per process) and the
  // workers finish close together (plan.ts); results come back in `keys` order.
  const queue = new WorkQueue(keys, o.workers);
  const results = new Map<string, PropertyResult>();
  let alive = 0;
  return new Promise((resolve) => {
    const finish = (r: PropertyResult): void => {
      results.set(`${r.mechanism}/${r.name}`, r);
      o.onDone?.(r);
    };
    const maybeEnd = (): void => {
      if (alive === 0 && queue.size === 0) resolve(keys.map((k) => results.get(k) ?? o.crashed(k, 'never ran')));
    };
    const start = (slot: number): void => {
      const key = queue.take(slot);
      if (key === undefined) return;
      const child: ChildProcess = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      alive++;
      let current: string | undefined = key;
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      const next = (): void => {
        current = queue.take(slot);
        if (current === undefined) child.disconnect();
        else child.send(o.job(current));
      };
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'tick') o.onTick?.(m.key, m.steps, m.runs);
        else {
          finish(m.type === 'done' ? m.result : o.crashed(m.key, m.message));
          next();
        }
      });
      child.on('exit', (code, signal) => {
        alive--;
        if (current !== undefined) {
          const why = `worker exited (${signal ?? `status ${code ?? '?'}`})${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').pop() ?? ''}`}`;
          o.onNote?.(`semodel: ${current}: ${why}; the other workers go on`);
          finish(o.crashed(current, why));
          current = undefined;
          // A replacement takes the rest of the queue.
          if (queue.size > 0) start(slot);
        }
        maybeEnd();
      });
      child.send(o.job(key));
    };
    const n = Math.min(o.workers, queue.size);
    for (let i = 0; i < n; i++) start(i);
    maybeEnd();
  });
}
