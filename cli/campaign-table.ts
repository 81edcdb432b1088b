/**
 * The campaign's summary as text: a table that fits 100 columns (requirements wrap in the last
 * column), the coverage, the failures with their replay commands, and the totals line.
 * @module
 */
import { GUEST_PHASES } from '../model/platform/index.js';
import type { CampaignSummary, PropertyResult } from '../properties/campaign/summary.js';

/** The widest line the summary prints. */
export const TABLE_WIDTH = 100;

/** `n` with thousands separators. */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Seconds with two decimals, or minutes and seconds from a minute on. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Words of `text` wrapped to lines of at most `width` characters (a longer word stays whole). */
export function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

const status = (r: PropertyResult): string => (r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'FAILED' : 'CRASHED');

/**
 * Requirement IDs compacted by area, in first-seen order of areas and ascending numbers:
 * `REQ-UNPACK-2 REQ-UNPACK-10 REQ-PLATFORM-1` becomes `UNPACK-2,10 PLATFORM-1`.
 */
export function compactRequirements(ids: readonly string[]): string[] {
  const byArea = new Map<string, number[]>();
  const other: string[] = [];
  for (const id of ids) {
    const m = /^REQ-([A-Z0-9-]+)-(\d+)$/.exec(id);
    if (m === null) {
      other.push(id);
      continue;
    }
    const area = m[1] as string;
    byArea.set(area, [...(byArea.get(area) ?? []), Number(m[2])]);
  }
  return [...[...byArea].map(([area, ns]) => `${area}-${[...new Set(ns)].sort((a, b) => a - b).join(',')}`), ...other];
}

/** `text` cut into pieces of at most `width`, after commas where it can. */
function wrapAtCommas(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(',', width - 1);
    const at = cut > 0 ? cut + 1 : width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out;
}

/**
 * The table: a line per mechanism, under it one row per property (name, runs, steps, result,
 * time) and its requirements compacted by area and wrapped into what is left of
 * {@link TABLE_WIDTH}.
 */
export function table(rows: readonly PropertyResult[]): string {
  const head = ['property', 'runs', 'steps', 'result', 'time'];
  const body = rows.map((r) => [`  ${r.name}`, grouped(r.runs), grouped(r.steps), status(r), duration(r.timeMs)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const right = new Set([1, 2, 4]);
  const cells = (c: readonly string[]) => c.map((x, i) => (right.has(i) ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0))).join('  ');
  const used = widths.reduce((a, b) => a + b, 0) + 2 * widths.length;
  const reqWidth = Math.max(16, TABLE_WIDTH - used);
  const blank = ' '.repeat(used);
  const out = [`${cells(head)}  requirements`, `${cells(widths.map((w) => '-'.repeat(w)))}  ${'-'.repeat(12)}`];
  let mechanism: string | undefined;
  rows.forEach((r, i) => {
    if (r.mechanism !== mechanism) {
      mechanism = r.mechanism;
      out.push(`${r.mechanism}`);
    }
    const [first, ...more] = wrap(compactRequirements(r.requirements).flatMap((w) => wrapAtCommas(w, reqWidth)), reqWidth);
    out.push(`${cells(body[i] ?? [])}  ${first ?? ''}`.trimEnd());
    for (const m of more) out.push(`${blank}${m}`);
  });
  return out.join('\n');
}

/** The coverage lines: steps, the share of runs reaching each phase, what no run reached. */
export function coverageLines(s: CampaignSummary): string[] {
  const runs = Math.max(1, s.coverage.runs);
  const phases = GUEST_PHASES.map((p) => `${p} ${Math.round((100 * (s.coverage.phases[p] ?? 0)) / runs)}%`);
  const phaseWords = phases.map((x, i) => (i < phases.length - 1 ? `${x},` : x));
  const [firstPhases, ...morePhases] = wrap(phaseWords, TABLE_WIDTH - '  runs reaching each phase: '.length);
  const list = (title: string, items: readonly string[], all: string): string[] =>
    items.length === 0 ? [`  ${all}`] : [`  ${title} (${items.length}):`, ...wrap(items.map((x, i) => (i < items.length - 1 ? `${x},` : x)), TABLE_WIDTH - 4).map((l) => `    ${l}`)];
  return [
    `coverage: ${grouped(s.steps)} steps in ${grouped(s.coverage.runs)} runs`,
    `  runs reaching each phase: ${firstPhases ?? ''}`,
    ...morePhases.map((l) => `    ${l}`),
    ...list('codes of the rejection tables no run reached', s.unreached, 'every code of the selected rejection tables was reached'),
    ...list('guard outcomes (action, code) no step reached', s.unreachedGuards ?? [], 'every guard of every action kind was reached'),
  ];
}

/** One line per failure: the property, its error (one line) and the command that replays it. */
export function failureLines(rows: readonly PropertyResult[]): string[] {
  return rows
    .filter((r) => r.status !== 'passed')
    .map((r) => {
      const head = `FAILED ${r.mechanism}/${r.name}`;
      const error = (r.error ?? '').replace(/\s+/g, ' ');
      const short = error.length > 60 ? `${error.slice(0, 59)}…` : error;
      return r.replay === undefined ? `${head}: ${short}` : `${head}: ${short} | replay: ${r.replay}`;
    });
}

/** The whole text summary. */
export function summaryText(s: CampaignSummary): string {
  const budget = 'runs' in s.budget ? `${s.budget.runs} runs per property` : `${s.budget.seconds} s budget`;
  const shard = s.shard === undefined ? '' : `, shard ${s.shard.index}/${s.shard.count}`;
  return [
    table(s.properties),
    '',
    ...coverageLines(s),
    ...failureLines(s.properties),
    '',
    `${s.passed} passed, ${s.failed} failed (seed ${s.seed}, ${budget}, suite ${s.suite}${shard})`,
  ].join('\n');
}
