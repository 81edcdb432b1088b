/**
 * `semodel trace replay|check|export|import`: replays a trace file on the model (or checks
 * someone else's, JSON lines or ITF, with the context of a divergence), exports it to ITF
 * (Apalache ADR-015, what Quint's `--mbt` writes) and imports an ITF trace that uses semodel's
 * variable names back into a trace file (docs/trace-format.md).
 * @module
 */
import { runSubcommand } from './subcommands.js';
import { lstatSync } from 'node:fs';
import { decodeTrace, encodeTrace, exportItf, importItf, replayTrace, traceErrorText, type ReplayResult, type Trace } from '../conformance/trace/index.js';
import { checkTrace, parseTraceText } from '../conformance/vectors/trace-check.js';
import { parse, onePositional } from './args.js';
import { UsageError, type Io } from './io.js';

export const TRACE_REPLAY_HELP = `usage: semodel trace replay FILE [--json]

Replays a trace file (docs/trace-format.md) on the model: starts it from the header's
configuration and suite, applies every line's action again, and compares each outcome, the
SHA-256 digest of every party's view, the abstract state and every observed view with the
recorded ones. Prints that it replays exactly, or the first divergence as one line: its step,
line, request, field, and the recorded and replayed values.

  --json  print {file, exact, lines, steps, divergence?}; a divergence is
          {step, line, request, field, expected, got}

Exit status: 0 the trace replays exactly, 1 it diverges, 2 the file is not a usable trace.`;

export const TRACE_EXPORT_HELP = `usage: semodel trace export FILE --itf -o OUT [--force]

Converts a trace file to the Informal Trace Format (ITF, Apalache ADR-015, as Quint's --mbt
writes it): #meta, vars, states; one state per reset or apply line with the variables
mbt::actionTaken, action, outcome, step, guests, adapters and digests (docs/trace-format.md).

  --itf      the output format (the only one)
  -o OUT     where to write (a new path, or an existing regular file with --force; - for stdout)
  --force    replace an existing OUT

Exit status: 0 written, 2 an unusable trace or output.`;

export const TRACE_IMPORT_HELP = `usage: semodel trace import FILE.itf.json -o OUT [--force]

Converts an ITF trace that uses semodel's variable names (action and outcome; digests, guests
and adapters are checked when present) into a trace file that 'semodel trace replay' checks.
The header comes from #meta.semodel when present, otherwise from the first state's reset.

  -o OUT     where to write (a new path, or an existing regular file with --force; - for stdout)
  --force    replace an existing OUT

Exit status: 0 written, 2 an unusable ITF document or output.`;

/** The help of `semodel trace check`. */
export const TRACE_CHECK_HELP = `usage: semodel trace check FILE [--json]

Checks someone else's trace against the model: a semodel trace file (JSON lines,
docs/trace-format.md) or an ITF trace (Apalache ADR-015, as Quint's --mbt writes it, with
semodel's variable names), told apart by the content. Replays it as 'semodel trace replay' does
and, at the first divergence, gives the context: the step and its action, the trace's outcome
and the model's, every party whose view digest differs, and where the views the trace carries
there differ from the model's.

  --json  print {file, format, exact, lines, steps, divergence?, context?}

Exit status: 0 the trace replays exactly, 1 it diverges, 2 the file is not a usable trace.`;

/** The help of all trace commands. */
export const TRACE_HELP = `usage: semodel trace <replay|check|export|import> [options]

${TRACE_REPLAY_HELP}

${TRACE_CHECK_HELP}

${TRACE_EXPORT_HELP}

${TRACE_IMPORT_HELP}`;

/** A file's text; not UTF-8 is unusable input. */
function readText(io: Io, file: string): string {
  const bytes = io.readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${file}: not UTF-8 text`);
  }
}

/** The decoded trace in `file`, or a UsageError naming the line and field. */
export function readTrace(io: Io, file: string): Trace {
  const text = readText(io, file);
  const r = decodeTrace(text);
  if (!r.ok) {
    const itf = /^\s*\{\s*"(#meta|vars|states)"/.test(text) ? "; it looks like ITF: convert it with 'semodel trace import'" : '';
    throw new UsageError(`${file}: not a usable trace: ${traceErrorText(r.error)}${itf}`);
  }
  return r.value;
}

/**
 * Refuses an output that exists and is not a regular file (a folder, a FIFO, a device, a
 * symbolic link), and one that exists without `force`.
 */
export function checkOutput(out: string, force: boolean): void {
  let stat;
  try {
    stat = lstatSync(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`${out}: cannot check the output (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!stat.isFile()) throw new UsageError(`${out} exists and is not a regular file; choose another output`);
  if (!force) throw new UsageError(`${out} exists; choose another output or pass --force`);
}

/** Writes `text` to `out` (stdout for `-`), after {@link checkOutput}. */
function writeOutput(io: Io, out: string, text: string, force: boolean): void {
  if (out === '-') {
    io.out(text.endsWith('\n') ? text.slice(0, -1) : text);
    return;
  }
  checkOutput(out, force);
  io.writeFile(out, text, force);
  io.out(`wrote ${out}`);
}

function replay(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.out(TRACE_REPLAY_HELP);
    return 0;
  }
  const file = onePositional('trace replay', positionals, 'FILE');
  const trace = readTrace(io, file);
  const r = replayTrace(trace);
  if (values.json === true) io.out(JSON.stringify({ file, ...replayJson(r) }, null, 2));
  else io.out(replayText(file, r));
  return r.exact ? 0 : 1;
}

/** A replay's result as the JSON report's fields. */
function replayJson(r: ReplayResult): Record<string, unknown> {
  return { exact: r.exact, lines: r.lines, steps: r.steps, ...(r.divergence === undefined ? {} : { divergence: r.divergence }) };
}

/** A replay's result as one line: that it replays exactly, or the first divergence. */
function replayText(file: string, r: ReplayResult): string {
  const d = r.divergence;
  if (d === undefined) return `${file}: replays exactly (${r.lines} lines, ${r.steps} steps)`;
  const at = d.step === null ? `line ${d.line} (${d.request})` : `step ${d.step} (line ${d.line}, ${d.request})`;
  return `${file}: diverges at ${at}: ${d.field}: expected ${d.expected}, got ${d.got}`;
}

function check(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true, 'trace check');
  if (values.help === true) {
    io.out(TRACE_CHECK_HELP);
    return 0;
  }
  const file = onePositional('trace check', positionals, 'FILE');
  const parsed = parseTraceText(readText(io, file));
  if (!parsed.ok) throw new UsageError(`${file}: not a usable ${parsed.format === 'itf' ? 'ITF trace' : 'trace'}: ${parsed.message}`);
  const { result, context } = checkTrace(parsed.trace);
  if (values.json === true) {
    io.out(JSON.stringify({ file, format: parsed.format, ...replayJson(result), ...(context === undefined ? {} : { context }) }, null, 2));
    return result.exact ? 0 : 1;
  }
  const lines = [`${replayText(file, result)}${parsed.format === 'itf' ? ' [ITF]' : ''}`];
  if (context !== undefined) {
    if (context.action !== undefined) lines.push(`  action: ${context.action}`);
    if (context.traceOutcome !== undefined) lines.push(`  outcome: the trace has ${context.traceOutcome}, the model gives ${context.modelOutcome ?? ''}`);
    for (const d of context.digests) lines.push(`  view of ${d.party} differs: the trace has ${d.trace}, the model ${d.model}`);
    for (const v of context.views) lines.push(`  view ${v}`);
  }
  io.out(lines.join('\n'));
  return result.exact ? 0 : 1;
}

function exportCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { itf: { type: 'boolean' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.out(TRACE_EXPORT_HELP);
    return 0;
  }
  const file = onePositional('trace export', positionals, 'FILE');
  if (values.itf !== true) throw new UsageError('trace export needs the format: --itf (the only one)');
  if (values.out === undefined || values.out === '') throw new UsageError('trace export needs -o OUT');
  const trace = readTrace(io, file);
  writeOutput(io, values.out, `${JSON.stringify(exportItf(trace, file))}\n`, values.force === true);
  return 0;
}

function importCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.out(TRACE_IMPORT_HELP);
    return 0;
  }
  const file = onePositional('trace import', positionals, 'FILE.itf.json');
  if (values.out === undefined || values.out === '') throw new UsageError('trace import needs -o OUT');
  let doc: unknown;
  try {
    doc = JSON.parse(readText(io, file));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const r = importItf(doc);
  if (!r.ok) throw new UsageError(`${file}: not an ITF trace semodel imports: at ${r.error.path}: ${r.error.message}`);
  writeOutput(io, values.out, encodeTrace(r.value), values.force === true);
  return 0;
}

/**
 * The trace command. Returns the exit status.
 * @example
 * ```ts
 * traceCommand(['replay', 'run.trace.jsonl'], io); // 0 when it replays exactly
 * ```
 */
export function traceCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'trace', TRACE_HELP, {
    replay: (rest) => replay(rest, io),
    check: (rest) => check(rest, io),
    export: (rest) => exportCommand(rest, io),
    import: (rest) => importCommand(rest, io),
  });
}
