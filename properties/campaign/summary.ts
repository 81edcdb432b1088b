/**
 * The campaign's results as data: one record per property, the summary a campaign (or one shard
 * of it) writes, and the merge of shard summaries into the summary of the whole campaign.
 * @module
 */
import { addCoverage, emptyCoverage, type Coverage } from './coverage.js';

/** The format of a campaign summary file; a merge refuses other versions. */
export const SUMMARY_FORMAT = 'semodel-campaign-summary';
/** Version of {@link SUMMARY_FORMAT}. */
export const SUMMARY_FORMAT_VERSION = 1;

/** One property's result, as the JSON output and the summary files hold it. */
export interface PropertyResult {
  readonly mechanism: string;
  readonly name: string;
  readonly requirements: readonly string[];
  /** Runs fast-check completed (with `--time`, the runs done in the property's share). */
  readonly runs: number;
  /** `crashed`: the worker running it died (the property's own result is unknown). */
  readonly status: 'passed' | 'failed' | 'crashed';
  readonly timeMs: number;
  /** The property's own seed (derived from the campaign seed and its name). */
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample. */
  readonly path?: string;
  /** Platform steps its runs took. */
  readonly steps: number;
  /** Rejection codes its runs reached, sorted. */
  readonly codesReached: readonly string[];
  readonly coverage: Coverage;
  /** The shrunk input, shortened (the whole one is in {@link PropertyResult.failureFile}). */
  readonly counterexample?: string;
  readonly error?: string;
  /** The trace file of the failure, and the command that replays it. */
  readonly failureFile?: string;
  readonly replay?: string;
}

/** The budget of a campaign: runs per property, or seconds for the whole campaign. */
export type Budget = { readonly runs: number } | { readonly seconds: number };

/** Which part of the work a summary covers: shard `index` (1-based) of `count`. */
export interface ShardOf {
  readonly index: number;
  readonly count: number;
}

/** A campaign's (or a shard's) summary. */
export interface CampaignSummary {
  readonly format: typeof SUMMARY_FORMAT;
  readonly formatVersion: number;
  /** semodel's version. */
  readonly version: string;
  readonly seed: number;
  readonly suite: string;
  readonly budget: Budget;
  /** The property selection (`mechanism/name`, in registry order) the campaign was split from. */
  readonly selection: readonly string[];
  /** Present for one shard; absent for a whole campaign (or a merge of every shard). */
  readonly shard?: ShardOf;
  readonly properties: readonly PropertyResult[];
  readonly passed: number;
  readonly failed: number;
  readonly steps: number;
  readonly coverage: Coverage;
  /** Codes of the selected modules' rejection tables no run reached (`module/CODE`). */
  readonly unreached: readonly string[];
  /** Guard outcomes (`kind CODE`) of the selected modules' action kinds no step reached. */
  readonly unreachedGuards: readonly string[];
  /** Lifecycle phases no run reached. */
  readonly unreachedPhases: readonly string[];
}

/** Totals of a list of results: passed, failed (crashed included), steps, coverage. */
export function totals(results: readonly PropertyResult[]): { passed: number; failed: number; steps: number; coverage: Coverage } {
  const coverage = emptyCoverage();
  for (const r of results) addCoverage(coverage, r.coverage);
  const passed = results.filter((r) => r.status === 'passed').length;
  return { passed, failed: results.length - passed, steps: coverage.steps, coverage };
}

/** Why shard summaries cannot be merged. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/**
 * Combines the summaries of the shards of one campaign into the summary of the whole: the same
 * seed, suite, budget and selection, each shard 1..N exactly once, properties in selection order.
 * `finish` computes what depends on the whole (unreached codes and phases).
 * @throws MergeError when the summaries are not the shards of one campaign
 */
export function mergeSummaries(
  parts: readonly CampaignSummary[],
  finish: (coverage: Coverage, selection: readonly string[]) => { unreached: string[]; unreachedGuards: string[]; unreachedPhases: string[] },
): CampaignSummary {
  const first = parts[0];
  if (first === undefined) throw new MergeError('no campaign summaries to merge');
  const same = (s: CampaignSummary) =>
    s.seed === first.seed &&
    s.suite === first.suite &&
    JSON.stringify(s.budget) === JSON.stringify(first.budget) &&
    JSON.stringify(s.selection) === JSON.stringify(first.selection);
  for (const s of parts) {
    if (s.format !== SUMMARY_FORMAT || s.formatVersion !== SUMMARY_FORMAT_VERSION) throw new MergeError(`not a campaign summary of format version ${SUMMARY_FORMAT_VERSION}`);
    if (!same(s)) throw new MergeError('the summaries come from different campaigns (seed, suite, budget or selection differ)');
  }
  const count = first.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const s of parts) {
    const c = s.shard?.count ?? 1;
    if (c !== count) throw new MergeError(`shard counts differ (${count} and ${c})`);
    const i = s.shard?.index ?? 1;
    if (seen.has(i)) throw new MergeError(`shard ${i}/${count} appears twice`);
    seen.add(i);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new MergeError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  const order = new Map(first.selection.map((id, i) => [id, i]));
  const properties = parts
    .flatMap((s) => s.properties)
    .sort((a, b) => (order.get(`${a.mechanism}/${a.name}`) ?? 0) - (order.get(`${b.mechanism}/${b.name}`) ?? 0));
  const t = totals(properties);
  const { shard: _shard, ...rest } = first;
  void _shard;
  return { ...rest, properties, ...t, ...finish(t.coverage, first.selection) };
}
