/**
 * `semodel campaign merge DIR... [--json]`: combines the summaries shards wrote into their
 * `--out` folders into the summary of the whole campaign, whose totals are those of one process
 * running it with the same seed.
 * @module
 */
import { MergeError, mergeSummaries } from '../properties/campaign/summary.js';
import { parse } from './args.js';
import { findSummaries, readSummary } from './campaign-files.js';
import { summaryText } from './campaign-table.js';
import { unreachedOf } from './campaign.js';
import { UsageError, type Io } from './io.js';

export const MERGE_HELP = `usage: semodel campaign merge DIR... [--json]

Combines the campaign-summary-K-of-N.json files that 'semodel campaign --shard K/N --out DIR'
wrote (in one folder or several) into one summary: the table, or with --json the same JSON as
'semodel campaign --json'. Every shard 1..N must be there exactly once, from one campaign.
Exit status: 0 when every property passed, 1 when one failed, 2 for missing or mismatched shards.`;

/** The merge command. */
export function campaignMerge(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true, 'campaign merge');
  if (values.help === true) {
    io.out(MERGE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('campaign merge needs at least one folder of shard summaries');
  const parts = findSummaries(positionals).map(readSummary);
  let merged;
  try {
    merged = mergeSummaries(parts, unreachedOf);
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(`cannot merge: ${e.message}`);
    throw e;
  }
  io.out(values.json === true ? JSON.stringify(merged, null, 2) : summaryText(merged));
  return merged.failed === 0 ? 0 : 1;
}
