/**
 * `npm run bench`: runs every benchmark group in sequence (image build, XTS, unpack, step scaling,
 * campaign steps) and prints each with {@link formatResults}. With `--write` it also writes
 * `docs/benchmarks.md`: the machine, then one table per group (figure, value, unit, target,
 * verdict). `--only NAME[,NAME…]` runs some groups only (names: build, verify-floor, xts, dispatch, unpack, dump, migration,
 * step-scaling, campaign-steps, campaign-workers, robustness); it cannot be combined with `--write`, so the file always holds every
 * group.
 *
 * A figure's target and verdict are read from its note, in the form bench/xts.ts uses:
 * `target ≤ 2: met` or `target ≥ 0.8: NOT met`, optionally preceded or followed by other text
 * after `; ` or `, `.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchBuild } from './build.js';
import { benchCampaignSteps } from './campaign-steps.js';
import { benchCampaignWorkers } from './campaign-workers.js';
import { benchDispatch } from './dispatch.js';
import { benchDump } from './dump.js';
import { benchMigration } from './migration.js';
import { formatResults, type BenchResult } from './harness.js';
import { benchRobustness } from './robustness.js';
import { runTuned } from './tuned.js';
import { benchStepScaling } from './step-scaling.js';
import { benchUnpack } from './unpack.js';
import { benchVerifyFloor } from './verify-floor.js';
import { benchXts } from './xts.js';

/** One group of figures: a short name for `--only`, a title, and what produces it. */
export interface BenchGroup {
  readonly name: string;
  readonly title: string;
  /** One sentence on what is measured, for the written file. */
  readonly about: string;
  run(): Promise<BenchResult[]>;
}

/**
 * Every group, in the order they run. The image build comes first: it times child processes,
 * which the garbage the other groups leave in this process would slow down (its collector runs
 * in background threads on the same two cores).
 */
export const GROUPS: readonly BenchGroup[] = [
  {
    name: 'build',
    title: 'Building a 64 MiB kernel + 8 MiB initrd image',
    about:
      "`semodel image build` against IBM's genprotimg v2.35.0, both live as child processes on the same inputs, started as a user starts them (without the copy setting the bench runs under), alternated over 7 pairs: wall, CPU and peak RSS by /usr/bin/time, as medians of the per-pair ratios; semodel's RSS above `node -e 0` and its growth from a 16 MiB to a 64 MiB kernel; the model's buildImage in-process (bench/build.ts). Without genprotimg (../shared/peers/build-genprotimg.sh failed) the group says so and reports semodel alone.",
    run: benchBuild,
  },
  {
    name: 'verify-floor',
    title: 'Verifying a 72 MiB image against the C floor',
    about:
      '`semodel image verify` against raw-verify (C/OpenSSL: per page one XTS decryption and three SHA-512 updates), both live as child processes on the same image, started as a user starts them (without the copy setting of the bench), alternated over 7 pairs; the median of the per-pair ratios (bench/verify-floor.ts). Target ≤ 2.',
    run: benchVerifyFloor,
  },
  {
    name: 'xts',
    title: 'AES-256-XTS, one 4 KiB page',
    about: 'Decrypting one page with raw node:crypto, the node suite and the noble suite (bench/xts.ts).',
    run: () => benchXts(),
  },
  {
    name: 'dispatch',
    title: 'Early rejection: one step refused before any crypto',
    about:
      'Platform `step` on a world of four guests on two machines, for actions refused by an early guard (unknown guest, wrong phase, bad address, malformed); medians of 5 batches after warm-up, the cases taking turns; and the boundary\'s parts alone (bench/dispatch.ts). Target from DESIGN.md: ≤ 0.5 µs/step, ≥ 2,000,000 steps/s on one core.',
    run: () => benchDispatch(),
  },
  {
    name: 'unpack',
    title: 'Unpacking a 64 MiB image',
    about:
      'The model (platform step with the node suite: create-guest, set-header, one unpack per page, verify, accepted; the boundary copies every page) against the raw work: per page one node:crypto XTS decryption and three running SHA-512 digests (bench/unpack.ts). Raw and model alternate, medians of 3 runs. Target ≤ 1.5 (issue 7).',
    run: benchUnpack,
  },
  {
    name: 'dump',
    title: 'Dumping a 64 MiB guest',
    about:
      'A real-mode dump of a running 64 MiB guest (16,384 secure pages) through the platform step with the node suite (dump-init, 64 storage-state calls of 1 MiB, dump-cpu, dump-complete) against the raw node:crypto work on the same bytes (per page one XTS encryption, and the two GCM seals), alternated over 5 pairs, median of the per-pair ratios (bench/dump.ts). Target ≤ 1.5 (issue 10).',
    run: benchDump,
  },
  {
    name: 'migration',
    title: 'Migrating a 64 MiB guest',
    about:
      'A migration of a 64 MiB area (16,384 secure pages) from machine 0 to machine 1 through the platform step with the node suite (migration-start, one migration-send and one migration-receive per page, migration-finish, migration-receive-start and -finish) against the raw node:crypto work on the same bytes (per page one AES-256-GCM seal and one open, the entries\' SHA-512 and the HMAC on each side), alternated over 5 pairs, median of the per-pair ratios (bench/migration.ts). Target ≤ 1.5 (issue 11).',
    run: benchMigration,
  },
  {
    name: 'step-scaling',
    title: 'Cost of one unpack step against memory size',
    about:
      'One unpack (platform step, node suite, boundary copy included) on a fresh page against a prebuilt guest holding 16 pages and one holding 262,144 pages (1 GiB), alternated over 7 pairs (median of the per-pair ratios); and the persistent-structure part alone (bench/step-scaling.ts).',
    run: () => benchStepScaling(),
  },
  {
    name: 'campaign-steps',
    title: 'Platform steps in the campaign setting',
    about:
      'Adversarial image-unpack schedules sampled with fast-check (seed 2026), stepped with generation excluded; and one property campaign of 200 runs with generation included (bench/campaign-steps.ts).',
    run: benchCampaignSteps,
  },
  {
    name: 'campaign-workers',
    title: 'Campaign in worker processes',
    about:
      '`semodel campaign --runs 60 --workers 1` against `--workers 2` as child processes, alternated over 3 pairs, results checked equal; with the load average (bench/campaign-workers.ts). Target: 2 workers ≥ 1.7× one on 2 cores.',
    run: benchCampaignWorkers,
  },
  {
    name: 'robustness',
    title: 'Robustness: 1,000,000 schema-generated actions',
    about:
      'Half `arbHostileAction`, half `arbAction` (properties/arbitraries.ts), sampled in batches of 1,000 from seeds 2026, 2027, …, stepped through one world of two machines where an honest hypervisor keeps guests in every phase between batches (bench/robustness.ts, also `npm run robustness`). Must hold: no exception, every rejection a row of the tables, a rejection leaves the world unchanged unless the spec records it.',
    run: benchRobustness,
  },
];

/** A figure's target and verdict, and the rest of its note. */
interface Judged {
  readonly target: string;
  readonly verdict: string;
  readonly rest: string | undefined;
}

const TARGET_NOTE = /^(.*?)(?:[;,]\s*)?target ([^:;,]+): (met|NOT met)(?:[;,]\s*(.*))?$/;

/** Splits a note of the form `[text; ]target ≤ 2: met[; text]` (`,` may stand for `;`). */
function judge(note: string | undefined): Judged {
  const m = note === undefined ? null : TARGET_NOTE.exec(note);
  if (m === null) return { target: '', verdict: '', rest: note };
  const rest = [m[1], m[4]].filter((s): s is string => s !== undefined && s.trim() !== '').join('; ');
  return { target: m[2] ?? '', verdict: m[3] === 'met' ? 'met' : '**not met**', rest: rest === '' ? undefined : rest };
}

/** A value as formatResults spells it; `n/a` for NaN. */
function spell(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** Escapes `|` for a markdown table cell. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** One group as a markdown table. */
function table(results: readonly BenchResult[]): string {
  const rows = results.map((r) => {
    const j = judge(r.note);
    const figure = j.rest === undefined ? r.name.trim() : `${r.name.trim()} — ${j.rest}`;
    return `| ${cell(figure)} | ${spell(r.value)} | ${cell(r.unit)} | ${cell(j.target)} | ${j.verdict} |`;
  });
  return ['| figure | value | unit | target | verdict |', '|---|---:|---|---|---|', ...rows].join('\n');
}

/** What a group produced: its figures, or the error that stopped it. */
type GroupOutcome = { readonly group: BenchGroup; readonly results: BenchResult[] } | { readonly group: BenchGroup; readonly error: string };

/** The text of docs/benchmarks.md. */
function markdown(outcomes: readonly GroupOutcome[], load: { start: number; end: number }): string {
  const cpu = cpus();
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench -- --write` (bench/run.ts); each group can also be run alone with',
    '`npx tsx bench/<group>.ts`. Times are wall-clock medians of three runs unless a figure says',
    'otherwise; a figure with a target says whether this run met it.',
    '',
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB;`,
    `Node ${process.version}, OpenSSL ${process.versions.openssl}, ${process.platform}/${process.arch};`,
    `GLIBC_TUNABLES=${process.env['GLIBC_TUNABLES'] ?? '(unset)'} and node options ${process.execArgv.filter((a) => a.startsWith('--max-semi')).join(' ') || '(none)'}`,
    "(bin/tunables.mjs: semodel's commands that relaunch, and this bench, run under both).",
    `One-minute load average ${load.start.toFixed(2)} at the start and ${load.end.toFixed(2)} at the end of the run`,
    '(a loaded machine slows every figure; ratios measured side by side suffer least).',
  ];
  for (const o of outcomes) {
    lines.push('', `## ${o.group.title}`, '', o.group.about, '');
    lines.push('results' in o ? table(o.results) : `Failed: ${o.error}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the groups (all, or those of `--only`), prints them, and writes the file with `--write`. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { write: { type: 'boolean' }, only: { type: 'string' } }, strict: true });
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !GROUPS.some((g) => g.name === n)) ?? [];
  if (unknown.length > 0) {
    console.error(`bench: unknown group(s) ${unknown.join(', ')}; one of: ${GROUPS.map((g) => g.name).join(', ')}`);
    return 2;
  }
  if (only !== undefined && values.write === true) {
    console.error('bench: --write writes every group; it cannot be combined with --only');
    return 2;
  }
  const selected = GROUPS.filter((g) => only === undefined || only.includes(g.name));
  const load = { start: loadavg()[0] ?? Number.NaN, end: Number.NaN };
  const outcomes: GroupOutcome[] = [];
  for (const group of selected) {
    const t0 = process.hrtime.bigint();
    console.log(`\n== ${group.title}`);
    try {
      const results = await group.run();
      outcomes.push({ group, results });
      console.log(formatResults(results));
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      outcomes.push({ group, error });
      console.error(`FAILED: ${error}`);
    }
    console.log(`(${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s)`);
  }
  load.end = loadavg()[0] ?? Number.NaN;

  const missed = outcomes.flatMap((o) => ('results' in o ? o.results.filter((r) => judge(r.note).verdict !== '' && judge(r.note).verdict !== 'met') : []));
  console.log(missed.length === 0 ? '\nEvery target met.' : `\nTargets not met: ${missed.map((r) => r.name.trim()).join('; ')}`);
  if (values.write === true) {
    const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, markdown(outcomes, load));
    console.log(`wrote ${file}`);
  }
  return outcomes.some((o) => 'error' in o) ? 1 : 0;
}

await runTuned();
process.exitCode = await main(process.argv.slice(2));
