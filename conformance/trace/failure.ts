/**
 * Campaign failures as trace files: a failed property run's shrunk counterexample is run once
 * more through the recorder and written with fast-check's seed and path in the header, and a
 * failure file replays by running the property from that seed and path again.
 * @module
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { configToWire, type ModelSystem } from '../../model/platform/index.js';
import { predicateOf, type ModelProperty, type PropertyRun } from '../../properties/property.js';
import { allProperties } from '../../properties/registry.js';
import { decodeTrace, encodeTrace, traceErrorText } from './codec.js';
import { TRACE_FORMAT, TRACE_VERSION, type TraceHeader } from './format.js';
import { recordPropertyRun } from './recorder.js';
import { traceWriterVersion } from './version.js';

/** A failure trace written by {@link writeFailureTrace}. */
export interface FailureRecord {
  /** The file written. */
  readonly file: string;
  /** The command that replays it: `semodel campaign replay FILE`. */
  readonly replayCommand: string;
}

/** A failure file that cannot be replayed: not a trace, or no property, seed, path or runs. */
export class FailureFileError extends Error {
  override readonly name = 'FailureFileError';
}

/** The file name of a failure: `<mechanism>--<name>--seed-<seed>.trace.jsonl`. */
export function failureFileName(mechanism: string, name: string, seed: number): string {
  return `${mechanism}--${name}--seed-${seed}.trace.jsonl`;
}

/** `file` as one shell word. */
function shellWord(file: string): string {
  return /^[\w./@%+=:,-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}

/** fast-check's shrunk counterexample of a failed run, found again from its seed and path. */
function counterexampleOf<T>(property: ModelProperty<T>, seed: number, runPath: string, runs: number, system?: () => ModelSystem): { found: true; input: T } | { found: false } {
  const details = fc.check(fc.property(property.arbitrary, predicateOf(property, system)), { seed, path: runPath, numRuns: Math.max(1, runs), endOnFailure: true });
  return details.failed && details.counterexample !== null ? { found: true, input: details.counterexample[0] } : { found: false };
}

/**
 * Re-runs the shrunk counterexample of a failed property run once, recording its trace, and
 * writes it to `<outDir>/<mechanism>--<name>--seed-<seed>.trace.jsonl` (creating outDir; a file
 * of the same name, from the same failure, is replaced). The header carries property, seed,
 * path, runs and the error.
 * @throws Error when `run` did not fail, has no path, or the file cannot be written
 * @example
 * ```ts
 * const run = runProperty(p, { numRuns: 200, seed: 7 });
 * if (run.status === 'failed') console.log(writeFailureTrace('semodel-failures', p, run).replayCommand);
 * ```
 */
export function writeFailureTrace(outDir: string, property: ModelProperty<unknown>, run: PropertyRun, options: { system?: () => ModelSystem } = {}): FailureRecord {
  if (run.status !== 'failed' || run.path === undefined) throw new Error(`${run.mechanism}/${run.name}: only a failed run with fast-check's path has a counterexample to write`);
  const again = counterexampleOf(property, run.seed, run.path, run.runs, options.system);
  // The counterexample as fast-check finds it again; should it pass now (a property that is not
  // a pure function of its input), the trace records that run all the same, with the campaign's error.
  const recorded = again.found ? recordPropertyRun(property, again.input, options.system === undefined ? {} : { system: options.system }) : undefined;
  const failure = { property: { mechanism: property.mechanism, name: property.name }, seed: run.seed, path: run.path, runs: run.runs, error: run.error ?? recorded?.error ?? 'failed' };
  const trace = recorded === undefined ? { header: { ...emptyHeader(), ...failure }, lines: [] } : { header: { ...recorded.trace.header, ...failure }, lines: recorded.trace.lines };
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, failureFileName(property.mechanism, property.name, run.seed));
  // Written beside and moved into place: an interrupted write leaves no partial trace.
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, encodeTrace(trace), { flag: 'w' });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return { file, replayCommand: `semodel campaign replay ${shellWord(file)}` };
}

/** The header of a trace with no lines (a counterexample fast-check did not find again). */
function emptyHeader(): TraceHeader {
  const config = configToWire({ suite: 'noble', machines: [], adapters: [] });
  return { format: TRACE_FORMAT, version: TRACE_VERSION, semodel: traceWriterVersion(), system: 'semodel', suite: 'noble', config };
}

/** The property, seed, path and runs of a failure file's header, or why they are missing. */
export function failureOf(text: string, source: string): { property: ModelProperty<unknown>; header: TraceHeader & Required<Pick<TraceHeader, 'seed' | 'path' | 'runs'>> } {
  const r = decodeTrace(text);
  if (!r.ok) throw new FailureFileError(`${source}: not a trace file: ${traceErrorText(r.error)}`);
  const h = r.value.header;
  if (h.property === undefined || h.seed === undefined || h.path === undefined || h.runs === undefined) {
    const missing = (['property', 'seed', 'path', 'runs'] as const).filter((k) => h[k] === undefined);
    throw new FailureFileError(`${source}: not a campaign failure: the header has no ${missing.join(', ')}`);
  }
  const { mechanism, name } = h.property;
  const property = allProperties.find((p) => p.mechanism === mechanism && p.name === name);
  if (property === undefined) throw new FailureFileError(`${source}: no property ${mechanism}/${name} in this semodel (${h.semodel} wrote the file)`);
  return { property, header: h as TraceHeader & Required<Pick<TraceHeader, 'seed' | 'path' | 'runs'>> };
}

/** {@link replayFailure} on a failure file's text. */
export function replayFailureText(text: string, source: string, options: { system?: () => ModelSystem } = {}): { reproduced: boolean; message: string } {
  const { property, header } = failureOf(text, source);
  const id = `${property.mechanism}/${property.name}`;
  // A shrunk path can run to hundreds of steps: the line shows its start and its length.
  const steps = header.path.split(':').length;
  const at = `seed ${header.seed}, path ${steps > 12 ? `${header.path.split(':').slice(0, 8).join(':')}:… (${steps} steps)` : header.path}`;
  const details = fc.check(fc.property(property.arbitrary, predicateOf(property, options.system)), { seed: header.seed, path: header.path, numRuns: Math.max(1, header.runs), endOnFailure: true });
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    return { reproduced: true, message: `${id} fails again (${at}): ${error.split('\n')[0] ?? ''}` };
  }
  return { reproduced: false, message: `${id} passes on the recorded input now (${at}); the file recorded: ${(header.error ?? '').split('\n')[0] ?? ''}` };
}

/**
 * Replays a failure file: re-runs its property with fast-check from the header's seed and path
 * (`fc.check` with `{seed, path, numRuns: runs, endOnFailure: true}`); `reproduced` is true when
 * it fails again.
 * @throws FailureFileError when the file is not a failure trace or names no known property
 * @example
 * ```ts
 * replayFailure('semodel-failures/image-unpack--start-implies-verify--seed-7.trace.jsonl');
 * // { reproduced: true, message: 'image-unpack/start-implies-verify fails again (seed 7, path 3:1): …' }
 * ```
 */
export function replayFailure(file: string, options: { system?: () => ModelSystem } = {}): { reproduced: boolean; message: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FailureFileError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  return replayFailureText(text, file, options);
}
