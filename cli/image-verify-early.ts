/**
 * `image verify` and `image extract` start their second thread (./image-verify-worker-source.ts)
 * as early as the process can, and that thread reads the image meanwhile: `bin/semodel.mjs`
 * calls {@link startVerifyWorkerEarly} before it loads the rest of the command (this module is
 * an entry point of the bundle of its own, so both see one module). Reading a large image and
 * loading the command's code then run side by side, as do the thread's own start-up and both.
 *
 * Nothing changes what the commands read or report: the main thread still reads the image
 * through its `Io` (`processIo.readFileShared` takes the early read of the same path, waiting
 * for it, and reads the file itself when the early read failed), and a thread that is never
 * taken ends with the process. This module imports nothing of the model but the page size.
 * @module
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { JOB, VERIFY_WORKER_SOURCE, type EarlyRead, type VerifyPlan } from './image-verify-worker-source.js';

/** The options of `image verify`, spelled once (the command parses with them). */
export const VERIFY_OPTIONS = {
  'host-key': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options of `image extract`, spelled once (the command parses with them). */
export const EXTRACT_OPTIONS = {
  'host-key': { type: 'string', multiple: true },
  out: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Files smaller than this are read by the command itself: a thread would not pay (cf. the worker's 2048 pages). */
const EARLY_MIN_BYTES = 8 * 1024 * 1024;

/** The thread of a verify run, before or after its plan. */
export interface VerifyThread {
  post(plan: VerifyPlan): void;
  terminate(): void;
  /** Runs `f` when the thread fails (an exception it did not catch, or no memory). */
  onError(f: () => void): void;
}

/** A thread running the verify worker source, with `read` to do first or none. */
export function startVerifyThread(read: EarlyRead | null): VerifyThread {
  const worker = new Worker(VERIFY_WORKER_SOURCE, { eval: true, workerData: read });
  worker.unref(); // the process never waits for it
  const failed: (() => void)[] = [];
  worker.on('error', () => failed.forEach((f) => f())); // an 'error' event must not crash the command
  return {
    post: (plan) => worker.postMessage(plan),
    terminate: () => void worker.terminate().catch(() => undefined),
    onError: (f) => void failed.push(f),
  };
}

/** The read and thread started early, until taken. */
let early: { read: EarlyRead; thread: VerifyThread; bytes?: Uint8Array } | undefined;

/**
 * For `image verify IMAGE …` or `image extract IMAGE …` (not their help), starts the thread and
 * its read of IMAGE now. Does nothing for other arguments, for a file it cannot stat or a small
 * one, or when no thread can start: the command then reads the file itself.
 */
export function startVerifyWorkerEarly(argv: readonly string[]): void {
  if (early !== undefined || argv[0] !== 'image' || (argv[1] !== 'verify' && argv[1] !== 'extract')) return;
  try {
    const { values, positionals } = parseArgs({ args: argv.slice(2), options: argv[1] === 'verify' ? VERIFY_OPTIONS : EXTRACT_OPTIONS, allowPositionals: true, strict: false });
    const [path, ...more] = positionals;
    if (values.help === true || path === undefined || more.length > 0) return;
    const stat = statSync(path);
    if (!stat.isFile() || stat.size < EARLY_MIN_BYTES) return;
    const read: EarlyRead = { path, file: new SharedArrayBuffer(stat.size), ctrl: new SharedArrayBuffer(16) };
    early = { read, thread: startVerifyThread(read) };
    const state = new Int32Array(read.ctrl, 0, 1);
    early.thread.onError(() => {
      Atomics.compareExchange(state, 0, JOB.PENDING, JOB.FAILED);
      Atomics.notify(state, 0);
    });
  } catch {
    early = undefined; // arguments the command will refuse, a missing file: the command says so
  }
}

/**
 * The bytes of `path` read early (waiting for the read to finish), or undefined when no early
 * read of that path was started or it failed. The bytes stay available for
 * {@link takeEarlyVerifyThread}.
 */
export function takeEarlyRead(path: string): Uint8Array | undefined {
  if (early === undefined || early.read.path !== path) return undefined;
  const state = new Int32Array(early.read.ctrl, 0, 1);
  while (Atomics.load(state, 0) === JOB.PENDING) Atomics.wait(state, 0, JOB.PENDING, 100);
  if (Atomics.load(state, 0) !== JOB.DONE) {
    dropEarly();
    return undefined;
  }
  const got = new Float64Array(early.read.ctrl, 8, 1)[0] ?? 0;
  early.bytes = new Uint8Array(early.read.file, 0, got);
  return early.bytes;
}

/** The thread that read `file` early and waits for its plan, or undefined (then start one). */
export function takeEarlyVerifyThread(file: SharedArrayBuffer): VerifyThread | undefined {
  if (early?.bytes === undefined || early.read.file !== file) return undefined;
  const { thread } = early;
  early = undefined;
  return thread;
}

/** Ends the thread started early, if any. */
export function dropEarly(): void {
  early?.thread.terminate();
  early = undefined;
}
