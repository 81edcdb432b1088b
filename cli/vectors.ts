/**
 * `semodel vectors export|run`: writes the conformance vectors (docs/vectors.md) into a folder,
 * and runs a folder of vectors against an implementation behind the adapter protocol.
 * @module
 */
import { runSubcommand } from './subcommands.js';
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { exportVectors, FAIL_FAST_STOP, readIndex, runVectors, VECTOR_MECHANISMS, VectorsError, type CaseResult, type RunnerSystem, type VectorsRun } from '../conformance/vectors/index.js';
import { onePositional, parse, parseCount } from './args.js';
import { UsageError, type Io } from './io.js';

/** The help of `semodel vectors export`. */
export const VECTORS_EXPORT_HELP = `usage: semodel vectors export --out DIR [--mechanism M]... [--force]

Writes deterministic conformance vectors into DIR (docs/vectors.md): one folder per case,
<mechanism>/<handler>/<case>/, with config.json, steps.jsonl, expected.jsonl and meta.json, and
index.json and README.md at the top. Cases: for every handler the accepted path, every guard
failed alone, every pair of guards failed together, each handler in each phase, and a few long
adversarial schedules. The same semodel version writes the same bytes on every run.

  --out DIR        the folder (created; an existing one must be empty)
  --mechanism M    only this mechanism folder (${VECTOR_MECHANISMS.join(', ')}); repeatable
  --force          write into a folder that holds earlier vectors: their cases are removed first

Exit status: 0 written, 2 bad arguments or a folder that cannot be written.`;

/** The help of `semodel vectors run`. */
export const VECTORS_RUN_HELP = `usage: semodel vectors run DIR --adapter "CMD ARGS" [--json] [--timeout-ms T] [--max-reopens N] [--fail-fast]

Runs every case of DIR (written by 'semodel vectors export') against an implementation behind
the adapter protocol (docs/adapter-protocol.md): resets it to the case's configuration, applies
each step and compares the outcome and the digest of every party's view with the expected ones.
Every case is reported: passed, failed (the first differing step, expected and got), skipped
with the reason (a mechanism the adapter does not implement), or an error (its files are
missing or unreadable). A party the adapter does not model is compared by outcomes only, and
the report says so. An adapter that crashes or hangs fails the case and is started again.

  --adapter CMD     the adapter's command line (split like a shell, run without one)
  --json            print the whole report as JSON
  --timeout-ms T    how long one call may wait for its answer (default 10000)
  --max-reopens N   how often a failed adapter is started again before the run stops (default 5)
  --fail-fast       stop at the first failed case; the cases after it are not run

Exit status: 0 every case run passed, 1 a case failed, 2 an unusable DIR or adapter (or a case
that cannot be read, or the run stopped).`;

/** The help of both vectors commands. */
export const VECTORS_HELP = `usage: semodel vectors <export|run> [options]

${VECTORS_EXPORT_HELP}

${VECTORS_RUN_HELP}`;

/** Opens the implementation a run talks to (the CLI: an adapter process). */
export type Opener = (command: string, timeoutMs: number) => Promise<RunnerSystem & { readonly describe: string }>;

/** The adapter behind `command`, opened with the protocol client. */
const openAdapterSystem: Opener = async (command, timeoutMs) => {
  const { openAdapter } = await import('../conformance/adapter/client.js');
  const a = await openAdapter(command, { timeoutMs });
  return { sut: a, mechanisms: a.hello.mechanisms, close: () => a.close(), describe: `${a.hello.implementation} ${a.hello.version}` };
};

/** Whether `dir` is a folder with entries; a UsageError when it is something else. */
function nonEmptyFolder(dir: string): boolean {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UsageError(`${dir}: cannot check the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${dir} exists and is not a folder; choose another --out`);
  return readdirSync(dir).length > 0;
}

const readerOf =
  (io: Io, dir: string) =>
  (p: string): string => {
    const bytes = io.readFile(path.join(dir, p));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error('not UTF-8 text');
    }
  };

function exportCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(
    argv,
    { out: { type: 'string', short: 'o' }, mechanism: { type: 'string', multiple: true }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
    'vectors export',
  );
  if (values.help === true) {
    io.out(VECTORS_EXPORT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'; the folder is given with --out DIR`);
  const out = values.out;
  if (out === undefined || out === '') throw new UsageError('vectors export needs --out DIR');
  const mechanisms = values.mechanism;
  for (const m of mechanisms ?? []) if (!VECTOR_MECHANISMS.includes(m)) throw new UsageError(`--mechanism: unknown mechanism '${m}'; one of: ${VECTOR_MECHANISMS.join(', ')}`);
  if (nonEmptyFolder(out)) {
    let old;
    try {
      old = readIndex(readerOf(io, out));
    } catch {
      throw new UsageError(`${out} is not empty and holds no vectors (index.json); choose an empty or new folder`);
    }
    if (values.force !== true) throw new UsageError(`${out} holds vectors; pass --force to replace them`);
    // Only what the earlier export listed is removed: nothing else of the folder.
    for (const c of old.cases) rmSync(path.join(out, c.path), { recursive: true, force: true });
  }
  const e = exportVectors(mechanisms === undefined ? {} : { mechanisms: [...new Set(mechanisms)] });
  let bytes = 0;
  for (const f of e.files) {
    const file = path.join(out, f.path);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (err) {
      throw new UsageError(`${path.dirname(file)}: cannot create the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const data = new TextEncoder().encode(f.text);
    io.writeFile(file, data, true);
    bytes += data.length;
  }
  io.out(`wrote ${e.index.cases.length} cases (${e.files.length} files, ${bytes} bytes) to ${out}`);
  return 0;
}

/** One line of a case that did not pass. */
function resultLine(r: CaseResult): string {
  const label = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR', 'not-run': 'NOT RUN' }[r.status];
  const detail = r.expected === undefined ? '' : `: expected ${r.expected}, got ${r.got ?? ''}`;
  const diff = r.diff === undefined || r.diff.length === 0 ? '' : `; view diff: ${r.diff.join('; ')}`;
  return `${label} ${r.path}: ${r.reason ?? ''}${detail}${diff}`;
}

/** The exit status of a run: 2 when something could not be run, 1 a failure, 0 otherwise. */
export function runStatus(r: VectorsRun): number {
  // A fail-fast run that stopped at a failed case is a failed check, not an unusable adapter.
  if (r.stopped === FAIL_FAST_STOP && r.errors === 0) return 1;
  if (r.stopped !== undefined || r.errors > 0 || r.notRun > 0) return 2;
  return r.failed > 0 ? 1 : 0;
}

async function runCommand(argv: string[], io: Io, open: Opener): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { adapter: { type: 'string' }, json: { type: 'boolean' }, 'timeout-ms': { type: 'string' }, 'max-reopens': { type: 'string' }, 'fail-fast': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
    'vectors run',
  );
  if (values.help === true) {
    io.out(VECTORS_RUN_HELP);
    return 0;
  }
  const dir = onePositional('vectors run', positionals, 'DIR', 'a folder written by semodel vectors export');
  const command = values.adapter;
  if (command === undefined || command.trim() === '') throw new UsageError('vectors run needs --adapter "CMD ARGS"');
  const timeoutMs = parseCount('timeout-ms', values['timeout-ms'], 10_000);
  if (timeoutMs === 0) throw new UsageError('--timeout-ms must be at least 1');
  const maxReopens = parseCount('max-reopens', values['max-reopens'], 5);
  let adapter = '';
  let r: VectorsRun;
  try {
    r = await runVectors(readerOf(io, dir), {
      open: async () => {
        const s = await open(command, timeoutMs);
        adapter = s.describe;
        return s;
      },
      maxReopens,
      failFast: values['fail-fast'] === true,
    });
  } catch (e) {
    if (e instanceof VectorsError) throw new UsageError(`${dir}: not a usable vectors folder: ${e.message}`);
    throw new UsageError(`the adapter cannot be used: ${e instanceof Error ? e.message : String(e)}`);
  }
  const status = runStatus(r);
  if (values.json === true) {
    io.out(JSON.stringify({ dir, adapter: { command, implementation: adapter }, status, ...r }, null, 2));
    return status;
  }
  for (const x of r.results) if (x.status !== 'passed') io.out(resultLine(x));
  const partial = r.results.filter((x) => x.outcomesOnly !== undefined);
  if (partial.length > 0) {
    const parties = [...new Set(partial.flatMap((x) => x.outcomesOnly ?? []))].join(', ');
    io.out(`note: ${partial.length} cases compared by outcomes only: the adapter does not model the views of ${parties}`);
  }
  if (r.stopped !== undefined) io.out(r.stopped);
  io.out(
    `${dir}: ${r.cases} cases against ${adapter || command}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${r.errors} errors, ${r.notRun} not run` +
      (r.reopened > 0 ? ` (adapter restarted ${r.reopened} times)` : ''),
  );
  return status;
}

/**
 * The vectors command. Returns the exit status.
 * @param open how `run` opens the adapter (tests pass an in-process system)
 * @example
 * ```ts
 * await vectorsCommand(['export', '--out', 'vectors'], io); // 0
 * await vectorsCommand(['run', 'vectors', '--adapter', 'npx semodel adapter'], io); // 0 when every case passes
 * ```
 */
export async function vectorsCommand(argv: string[], io: Io, open: Opener = openAdapterSystem): Promise<number> {
  return runSubcommand(argv, io, 'vectors', VECTORS_HELP, {
    export: (rest) => Promise.resolve(exportCommand(rest, io)),
    run: (rest) => runCommand(rest, io, open),
  });
}
