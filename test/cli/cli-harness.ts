/**
 * In-process harness for the CLI tests: runs `main(argv, io)` with an Io that captures stdout and
 * stderr, reads real files, writes only into temp folders (never into the vectors), and has no
 * clock. Also locates the SE image vectors (read-only).
 * @module
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo, type Io } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { sharedVectors } from '../shared-vectors.js';

/** The project folder: /work/main. */
export const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The SE image vectors: shared/vectors/se-images beside the project. */
export const VECTORS = sharedVectors('se-images');

if (!existsSync(path.join(VECTORS, 'README.md'))) {
  throw new Error(`SE image vectors not found at ${VECTORS}: the CLI tests need shared/vectors/se-images/ beside the project folder`);
}

/** What one run printed and returned. */
export interface RunResult {
  readonly code: number;
  /** Everything written to stdout, joined. */
  readonly out: string;
  /** Every stderr write, one entry each. */
  readonly errLines: readonly string[];
  readonly err: string;
}

const insideVectors = (p: string): boolean => {
  const rel = path.relative(VECTORS, path.resolve(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * An `Io` that captures stdout and stderr line by line. Writes go to disk, never into the
 * vectors; with `writes: false` any write throws (for a command that must write nothing).
 */
export function captureIo(options: { readonly writes?: boolean } = {}): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const guard = (p: string): void => {
    if (options.writes === false) throw new Error(`test harness: this command writes nothing, yet wrote ${p}`);
    if (insideVectors(p)) throw new Error(`test harness: refusing to write into the vectors: ${p}`);
  };
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readFile: (p) => processIo.readFile(p),
    readFileShared: (p) => processIo.readFileShared(p),
    writeFile(p, data, overwrite) {
      guard(p);
      processIo.writeFile(p, data, overwrite);
    },
    writeFileWith(p, overwrite, produce) {
      guard(p);
      processIo.writeFileWith(p, overwrite, produce);
    },
    exists: (p) => (options.writes === false ? false : processIo.exists(p)),
    now: () => 0,
  };
  return { io, out, err };
}

/** Runs `semodel argv...` in-process. */
export async function run(...argv: string[]): Promise<RunResult> {
  const { io, out, err } = captureIo();
  const code = await main(argv, io);
  return { code, out: out.join('\n'), errLines: err, err: err.join('\n') };
}

/** Runs and parses stdout as JSON. */
export async function runJson<T = Record<string, unknown>>(...argv: string[]): Promise<{ code: number; json: T; err: string }> {
  const r = await run(...argv);
  return { code: r.code, json: JSON.parse(r.out) as T, err: r.err };
}

/** A path inside the vectors folder. */
export const vec = (...parts: string[]): string => path.join(VECTORS, ...parts);

/** The vector folders (those with an expected.json), sorted. */
export function vectorNames(): string[] {
  return readdirSync(VECTORS)
    .filter((n) => existsSync(path.join(VECTORS, n, 'expected.json')))
    .sort();
}

/** A vector's expected.json. */
export function expectedOf(name: string): Record<string, any> {
  return JSON.parse(readFileSync(vec(name, 'expected.json'), 'utf8')) as Record<string, any>;
}

/** A vector's host-key-N.pem files, by N. */
export function hostKeyFiles(name: string): string[] {
  return readdirSync(vec(name))
    .map((f) => /^host-key-(\d+)\.pem$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => vec(name, m[0]));
}

/** `--host-key F` for each file. */
export const hostKeyArgs = (files: readonly string[]): string[] => files.flatMap((f) => ['--host-key', f]);

/** A fresh temp folder and its cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semodel-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when `err` is one line with no stack trace. */
export function isOneCleanLine(r: RunResult): boolean {
  return r.errLines.length === 1 && !r.err.trimEnd().includes('\n') && !/\n\s+at /.test(r.err) && r.err.startsWith('semodel: ');
}
