/**
 * `semodel campaign --write-baseline FILE`: writes the coverage baseline of the campaign just run.
 * @module
 */
import { baselineOf } from '../properties/campaign/baseline.js';
import type { CampaignSummary } from '../properties/campaign/summary.js';
import { UsageError, type Io } from './io.js';

/** Writes the baseline of `summary` (a whole campaign with a run count) to `file`. */
export function writeBaseline(io: Io, file: string, summary: CampaignSummary, argv: readonly string[]): void {
  if (!('runs' in summary.budget)) throw new UsageError('--write-baseline needs a run count (--runs), not --time: a baseline must be reproducible');
  if (summary.shard !== undefined) throw new UsageError('--write-baseline needs the whole campaign, not a shard');
  const command = `semodel campaign ${argv.join(' ')}`;
  const b = baselineOf(summary.coverage, { seed: summary.seed, runs: summary.budget.runs, suite: summary.suite, command });
  io.writeFile(file, `${JSON.stringify(b, null, 2)}\n`, true);
}
