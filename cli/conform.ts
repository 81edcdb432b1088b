/**
 * `semodel conform`: checks another implementation, behind an adapter, against the model: every
 * black-box property and the long schedules run on both side by side, and the first divergence
 * is shrunk, saved as a trace and printed with the command that replays it. `semodel conform
 * replay FILE --adapter CMD` re-applies a saved trace to the adapter and the model.
 * @module
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openAdapter, type AdapterSystem } from '../conformance/adapter/index.js';
import { conform as runConform, divergenceLines, SHRINK_LIMIT_MS, SHRINK_RUNS, replayAgainst, selectConformance, type ConformReport, type ConformVerdict, type Selection } from '../conformance/check/index.js';
import { encodeTrace, type Trace } from '../conformance/trace/index.js';
import { GUEST_PHASES, MODULES } from '../model/platform/index.js';
import { codesReached, unreachedGuards } from '../properties/campaign/coverage.js';
import { timeShare } from '../properties/campaign/plan.js';
import { MAX_SEED } from '../properties/campaign/seeds.js';
import { MECHANISMS } from '../properties/property.js';
import { onePositional, parse, type Options } from './args.js';
import { UsageError, type Io } from './io.js';
import { readTrace } from './trace.js';

/** Runs per property when neither `--runs` nor `--time` is given: a default check takes well under a minute. */
export const DEFAULT_CONFORM_RUNS = 10;
/** The seed when `--seed` is not given: fixed, so that a check repeats. */
export const DEFAULT_CONFORM_SEED = 2026;
/** Where divergences' traces go by default. */
export const DEFAULT_CONFORM_OUT = 'conform-failures';
/** The per-call timeout when `--timeout-ms` is not given. */
export const DEFAULT_TIMEOUT_MS = 10_000;

const MECHANISM_NAMES = ['platform', ...MECHANISMS] as const;

/** The help of `semodel conform` and `semodel conform replay`. */
export const CONFORM_HELP = `usage: semodel conform --adapter "CMD ARGS" [--mechanism M]... [--runs N | --time SECONDS]
                       [--seed N] [--timeout-ms T] [--out DIR] [--shrink-runs N] [--json]
       semodel conform replay FILE --adapter "CMD ARGS" [--timeout-ms T] [--json]

Checks an implementation behind an adapter (docs/adapter-protocol.md) against the model: runs
every black-box property and the long adversarial schedules on both side by side, comparing at
every step the outcome (kind, code, requirement, response) and every observed view. On the
first divergence fast-check shrinks the run; the shrunk run is saved as a trace under --out and
printed (property, step, action, both outcomes, view diff) with the command that replays it.
  --adapter CMD     the adapter's command line (split like a shell's simple command, run without one)
  --mechanism M     only this mechanism's properties (repeatable): ${MECHANISM_NAMES.join(', ')};
                    by default those of every mechanism the adapter's hello names, and the platform's
  --runs N          runs per property (default ${DEFAULT_CONFORM_RUNS})
  --time SECONDS    a time budget instead: each property runs for its share
  --seed N          the check's seed, 0 to ${MAX_SEED} (default ${DEFAULT_CONFORM_SEED}); each property's is derived from it
  --timeout-ms T    how long one call may wait for its answer (default ${DEFAULT_TIMEOUT_MS})
  --out DIR         where a divergence's trace is written (default ${DEFAULT_CONFORM_OUT})
  --shrink-runs N   how many runs fast-check may try while shrinking a divergence (default ${SHRINK_RUNS};
                    0 keeps the first divergence as found); shrinking also stops after ${SHRINK_LIMIT_MS / 1000} s
  --json            print the report as JSON: {implementation, status, properties, skipped, steps,
                    codesReached, phasesReached, notModelled, divergence?, failure?, traceFile?, replay?}
'conform replay' applies a saved trace's requests to the adapter and the model and reports the
first divergence, or that there is none any more.
An adapter that crashes, hangs, writes garbage or exits is reported in one line, with the trace
of the run up to that point.
Exit status: 0 no divergence, 1 a divergence (or the adapter failed during the check), 2 the
adapter cannot be used (it does not start, speaks another protocol, fails before any step) or
bad arguments.`;

/** `text` as one shell word. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A whole number flag from `min` to `max`. */
function whole(flag: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got '${value}'`);
  return Number(value);
}

/** The adapter, started and greeted, or exit status 2 with the reason. */
async function open(io: Io, command: string, timeoutMs: number): Promise<AdapterSystem | number> {
  try {
    return await openAdapter(command, { timeoutMs });
  } catch (e) {
    io.err(`semodel: conform: the adapter cannot be used: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

/** Writes a trace under `outDir`; the file's path. */
function writeTrace(io: Io, outDir: string, name: string, trace: Trace): string {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${outDir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const file = path.join(outDir, name);
  io.writeFile(file, encodeTrace(trace), true);
  return file;
}

const CONFORM_OPTIONS = {
  adapter: { type: 'string' },
  mechanism: { type: 'string', multiple: true },
  runs: { type: 'string' },
  time: { type: 'string' },
  seed: { type: 'string' },
  'timeout-ms': { type: 'string' },
  out: { type: 'string' },
  'shrink-runs': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * The conform command (and its `replay` subcommand). Returns the exit status; never throws for
 * anything the adapter does.
 * @example
 * ```ts
 * await conform(['--adapter', 'node bin/semodel.mjs adapter', '--runs', '5'], io); // 0
 * ```
 */
export async function conform(argv: string[], io: Io): Promise<number> {
  if (argv[0] === 'replay') return conformReplay(argv.slice(1), io);
  const { values } = parse(argv, CONFORM_OPTIONS, false, 'conform');
  if (values.help === true) {
    io.out(CONFORM_HELP);
    return 0;
  }
  if (values.adapter === undefined) throw new UsageError("conform needs --adapter \"CMD ARGS\" (try --adapter 'semodel adapter')");
  if (values.runs !== undefined && values.time !== undefined) throw new UsageError('--runs and --time are exclusive: give a run count or a time budget');
  const runs = whole('runs', values.runs, DEFAULT_CONFORM_RUNS, 1);
  let seconds: number | undefined;
  if (values.time !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(values.time) || Number(values.time) <= 0) throw new UsageError(`--time takes a positive number of seconds, got '${values.time}'`);
    seconds = Number(values.time);
  }
  const seed = whole('seed', values.seed, DEFAULT_CONFORM_SEED, 0, MAX_SEED);
  const timeoutMs = whole('timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 1);
  const only = values.mechanism ?? [];
  for (const m of only) if (!(MECHANISM_NAMES as readonly string[]).includes(m)) throw new UsageError(`unknown mechanism '${m}'; one of: ${MECHANISM_NAMES.join(', ')}`);
  const outDir = values.out ?? DEFAULT_CONFORM_OUT;
  const shrinkRuns = whole('shrink-runs', values['shrink-runs'], SHRINK_RUNS, 0);
  const command = values.adapter;

  const opened = await open(io, command, timeoutMs);
  if (typeof opened === 'number') return opened;
  const adapter = opened;
  try {
    const selection = selectConformance(adapter.hello.mechanisms, only);
    if (selection.run.length === 0) {
      io.err(`semodel: conform: nothing to check: ${selection.skipped.map((s) => `${s.mechanism}/${s.name} (${s.reason})`).join('; ')}`);
      return 2;
    }
    const report = await runConform({
      implementation: adapter,
      properties: selection.run,
      runs: seconds === undefined ? runs : 2 ** 31 - 1,
      seed,
      ...(seconds === undefined ? {} : { timeLimitMs: timeShare(seconds, selection.run.length) }),
      shrinkRuns,
      implemented: ['platform', ...adapter.hello.mechanisms],
      now: () => io.now(),
      onProperty: (r) => io.err(`conform: ${r.mechanism}/${r.name} ${r.status} (${r.runs} runs, ${r.steps} steps, ${(r.timeMs / 1000).toFixed(1)} s)`),
    });
    return reportCheck(io, { report, selection, adapter, command, outDir, shrinkRuns, json: values.json === true });
  } finally {
    await adapter.close();
  }
}

/** What {@link reportCheck} needs. */
interface CheckContext {
  readonly report: ConformReport;
  readonly selection: Selection;
  readonly adapter: AdapterSystem;
  readonly command: string;
  readonly outDir: string;
  readonly shrinkRuns: number;
  readonly json: boolean;
}

/** Prints the report of a check and returns its exit status. */
function reportCheck(io: Io, c: CheckContext): number {
  const { report, selection, adapter } = c;
  const v: ConformVerdict = report.verdict;
  const modules = MODULES.map((m) => m.name).filter((n) => n === 'platform' || adapter.hello.mechanisms.includes(n));
  const phasesReached = GUEST_PHASES.filter((p) => (report.coverage.phases[p] ?? 0) > 0);
  const summary = {
    implementation: adapter.hello,
    status: v.status,
    properties: report.properties,
    skipped: selection.skipped,
    steps: report.coverage.steps,
    codesReached: codesReached(report.coverage),
    unreachedGuards: unreachedGuards(report.coverage, modules),
    phasesReached,
    notModelled: report.notModelled,
  };
  let traceFile: string | undefined;
  let replay: string | undefined;
  if (v.status === 'diverged' || v.status === 'adapter-failed') {
    const seed = v.status === 'diverged' ? v.seed : (v.trace.header.seed ?? 0);
    traceFile = writeTrace(io, c.outDir, `conform--${v.property.mechanism}--${v.property.name}--seed-${seed}.trace.jsonl`, v.trace);
    replay = `semodel conform replay ${shellWord(traceFile)} --adapter ${shellWord(c.command)}`;
  }
  if (c.json) {
    const extra =
      v.status === 'diverged'
        ? { property: `${v.property.mechanism}/${v.property.name}`, divergence: { ...v.divergence.toJSON(), seed: v.seed, ...(v.path === undefined ? {} : { path: v.path }), counterexample: v.counterexample, caughtAfter: v.caughtAfter } }
        : v.status === 'adapter-failed'
          ? { property: `${v.property.mechanism}/${v.property.name}`, failure: { kind: v.failure.kind, message: v.failure.message, step: v.step } }
          : v.status === 'model-failed'
            ? { property: `${v.property.mechanism}/${v.property.name}`, error: v.error }
            : {};
    io.out(JSON.stringify({ ...summary, ...extra, ...(traceFile === undefined ? {} : { traceFile, replay }) }, null, 2));
  }
  const who = `${adapter.hello.implementation} ${adapter.hello.version}`;
  switch (v.status) {
    case 'passed': {
      if (!c.json) {
        const lines = [
          `conform: ${who} agrees with the model: ${report.properties.filter((p) => p.status === 'passed').length} properties, ${report.properties.filter((p) => p.status === 'passed').reduce((n, p) => n + p.runs, 0)} runs, ${report.coverage.steps} steps`,
          `  codes reached (${summary.codesReached.length}): ${summary.codesReached.join(' ')}`,
          `  phases reached: ${phasesReached.join(' ')}`,
          ...(summary.unreachedGuards.length === 0 ? [] : [`  guards not reached: ${summary.unreachedGuards.join(', ')}`]),
          ...(report.notModelled.length === 0 ? [] : [`  views compared by outcomes only (the implementation does not model them): ${report.notModelled.join(', ')}`]),
          ...selection.skipped.map((s) => `  skipped ${s.mechanism}/${s.name}: ${s.reason}`),
          ...report.properties.filter((p) => p.status === 'skipped').map((p) => `  skipped ${p.mechanism}/${p.name}: ${p.reason ?? ''}`),
        ];
        io.out(lines.join('\n'));
      }
      return 0;
    }
    case 'diverged': {
      if (!c.json) {
        io.out(
          [
            `conform: ${who} DIVERGES from the model in ${v.property.mechanism}/${v.property.name} (seed ${v.seed}; first seen after ${v.caughtAfter.steps} steps${c.shrinkRuns > 0 ? ', then shrunk' : ''})`,
            ...divergenceLines(v.divergence),
            ...(report.notModelled.length === 0 ? [] : [`  views compared by outcomes only: ${report.notModelled.join(', ')}`]),
            `  trace:  ${traceFile ?? ''}`,
            `  replay: ${replay ?? ''}`,
          ].join('\n'),
        );
      }
      io.err(`semodel: conform: ${v.divergence.message}`);
      return 1;
    }
    case 'adapter-failed': {
      if (!c.json) io.out([`conform: the adapter failed in ${v.property.mechanism}/${v.property.name} at step ${v.step} of the run`, `  trace (up to that point): ${traceFile ?? ''}`, `  replay: ${replay ?? ''}`].join('\n'));
      io.err(`semodel: conform: the adapter failed (${v.failure.kind}): ${v.failure.message}`);
      // An adapter that never answered a step cannot be used at all.
      return report.answered === 0 ? 2 : 1;
    }
    case 'model-failed':
      io.err(`semodel: conform: internal error: ${v.error}`);
      return 2;
  }
}

const REPLAY_OPTIONS = {
  adapter: { type: 'string' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** `semodel conform replay FILE --adapter CMD`. */
async function conformReplay(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, REPLAY_OPTIONS, true, 'conform replay');
  if (values.help === true) {
    io.out(CONFORM_HELP);
    return 0;
  }
  const file = onePositional('conform replay', positionals, 'FILE', 'a trace written by semodel conform');
  if (values.adapter === undefined) throw new UsageError('conform replay needs --adapter "CMD ARGS"');
  const timeoutMs = whole('timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 1);
  const trace = readTrace(io, file);
  const opened = await open(io, values.adapter, timeoutMs);
  if (typeof opened === 'number') return opened;
  try {
    const r = await replayAgainst(trace, opened);
    if (values.json === true) {
      const body =
        r.status === 'diverged' ? { divergence: r.divergence.toJSON() } : r.status === 'adapter-failed' ? { failure: { kind: r.failure.kind, message: r.failure.message, step: r.step } } : r.status === 'unusable' ? { line: r.line, message: r.message } : { steps: r.steps, requests: r.requests };
      io.out(JSON.stringify({ file, implementation: opened.hello, status: r.status, ...body }, null, 2));
    }
    switch (r.status) {
      case 'agrees':
        if (values.json !== true) io.out(`conform replay: ${file}: ${opened.hello.implementation} agrees with the model on all ${r.steps} steps: it no longer diverges`);
        return 0;
      case 'diverged':
        if (values.json !== true) io.out([`conform replay: ${file}: ${opened.hello.implementation} still diverges from the model`, ...divergenceLines(r.divergence)].join('\n'));
        io.err(`semodel: conform replay: ${r.divergence.message}`);
        return 1;
      case 'adapter-failed':
        io.err(`semodel: conform replay: the adapter failed (${r.failure.kind}) at step ${r.step}: ${r.failure.message}`);
        return r.answered === 0 ? 2 : 1;
      case 'unusable':
        io.err(`semodel: conform replay: ${file}: line ${r.line}: ${r.message}`);
        return 2;
    }
  } finally {
    await opened.close();
  }
}
