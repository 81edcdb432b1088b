/**
 * A campaign worker: a child process that runs the properties its parent sends, one at a time,
 * and answers with each result (and progress ticks). Started by cli/campaign-pool.ts with
 * `child_process.fork`; it does nothing when not started that way.
 * @module
 */
import { allProperties } from '../properties/registry.js';
import { runCampaignProperty, type CampaignSuite } from '../properties/campaign/run.js';
import type { PropertyResult } from '../properties/campaign/summary.js';
import { recordFailure } from './campaign-files.js';

/** A job the parent sends: one property of the campaign. */
export interface WorkerJob {
  readonly type: 'run';
  /** `mechanism/name`. */
  readonly key: string;
  readonly campaignSeed: number;
  readonly runs: number;
  readonly timeLimitMs?: number;
  readonly suite: CampaignSuite;
  readonly outDir: string;
}

/** What a worker sends back. */
export type WorkerMessage =
  | { readonly type: 'tick'; readonly key: string; readonly steps: number; readonly runs: number }
  | { readonly type: 'done'; readonly key: string; readonly result: PropertyResult }
  | { readonly type: 'error'; readonly key: string; readonly message: string };

/** Runs one job and returns the message that answers it. */
export async function runJob(job: WorkerJob, send: (m: WorkerMessage) => void): Promise<WorkerMessage> {
  const p = allProperties.find((x) => `${x.mechanism}/${x.name}` === job.key);
  if (p === undefined) return { type: 'error', key: job.key, message: `no property ${job.key}` };
  // A test hook: makes this worker die on one property, to check that the others go on.
  if (process.env['SEMODEL_TEST_WORKER_CRASH'] === job.key) process.exit(70);
  const { run, result } = runCampaignProperty(p, {
    campaignSeed: job.campaignSeed,
    runs: job.runs,
    suite: job.suite,
    now: () => performance.now(),
    tick: (steps, runs) => send({ type: 'tick', key: job.key, steps, runs }),
    ...(job.timeLimitMs === undefined ? {} : { timeLimitMs: job.timeLimitMs }),
  });
  const final = result.status === 'failed' ? recordFailure(job.outDir, p, run, result) : result;
  return { type: 'done', key: job.key, result: final };
}

if (process.send !== undefined) {
  const send = (m: WorkerMessage): void => void process.send?.(m);
  // One job at a time, in the order they come: the parent sends the next when this one is done.
  let chain = Promise.resolve();
  process.on('message', (job: WorkerJob) => {
    chain = chain.then(async () => {
      try {
        send(await runJob(job, send));
      } catch (e) {
        send({ type: 'error', key: job.key, message: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
}
