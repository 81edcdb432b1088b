/**
 * The campaign's files: a failure's trace file (written by conformance/trace/failure.ts) and the
 * summary JSON a campaign or a shard leaves in `--out` for `semodel campaign merge`.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelSystem } from '../model/platform/index.js';
import type { ModelProperty, PropertyRun } from '../properties/property.js';
import type { CampaignSummary, PropertyResult } from '../properties/campaign/summary.js';
import { writeFailureTrace } from '../conformance/trace/failure.js';
import { UsageError, type Io } from './io.js';

/** Where failures and summaries go when `--out` is not given. */
export const DEFAULT_OUT = './semodel-failures';

/**
 * Writes the shrunk counterexample of a failed run as a trace file under `outDir` and returns
 * `result` with the file and its replay command.
 */
export function recordFailure(
  outDir: string,
  property: ModelProperty<unknown>,
  run: PropertyRun,
  result: PropertyResult,
  system?: () => ModelSystem,
): PropertyResult {
  mkdirSync(outDir, { recursive: true });
  const f = writeFailureTrace(outDir, property, run, system === undefined ? {} : { system });
  return { ...result, failureFile: f.file, replay: f.replayCommand };
}

/** The summary file of a campaign, or of shard K of N, in `outDir`. */
export function summaryPath(outDir: string, shard: { index: number; count: number } | undefined): string {
  return path.join(outDir, shard === undefined ? 'campaign-summary.json' : `campaign-summary-${shard.index}-of-${shard.count}.json`);
}

/** Writes `summary` into `outDir` (replacing the file of an earlier run of the same shard). */
export function writeSummary(io: Io, outDir: string, summary: CampaignSummary): string {
  mkdirSync(outDir, { recursive: true });
  const file = summaryPath(outDir, summary.shard);
  io.writeFile(file, `${JSON.stringify(summary, null, 2)}\n`, true);
  return file;
}

/**
 * The summary files under each of `dirs` (a file given directly is taken as it is): every
 * `campaign-summary*.json`, sorted by name.
 * @throws UsageError for a path that does not exist or a folder without summaries
 */
export function findSummaries(dirs: readonly string[]): string[] {
  const files: string[] = [];
  for (const d of dirs) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch {
      throw new UsageError(`${d}: no such file or folder`);
    }
    if (!isDir) {
      files.push(d);
      continue;
    }
    const found = readdirSync(d)
      .filter((f) => /^campaign-summary.*\.json$/.test(f))
      .sort()
      .map((f) => path.join(d, f));
    if (found.length === 0) throw new UsageError(`${d}: no campaign-summary*.json in this folder`);
    files.push(...found);
  }
  return files;
}

/** Reads a summary file. @throws UsageError when it is not JSON */
export function readSummary(file: string): CampaignSummary {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CampaignSummary;
  } catch (e) {
    throw new UsageError(`${file}: not a campaign summary (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}
