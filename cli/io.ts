/**
 * The CLI's contact with the outside world, passed in so that commands can be tested in-process.
 * @module
 */
import { closeSync, existsSync, fstatSync, linkSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync, writevSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeEarlyRead } from './image-verify-early.js';

/** Output streams and files, as the commands use them. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Uint8Array;
  /**
   * Like {@link Io.readFile}, but the bytes sit in a `SharedArrayBuffer` of their own, so that a
   * worker thread can read them without a copy (for large inputs such as a kernel).
   */
  readFileShared(path: string): Uint8Array;
  /**
   * Writes a file from bytes, text, or consecutive chunks; refuses to overwrite unless
   * `overwrite` (nothing a user passes in is lost). A failed write leaves no partial file.
   */
  writeFile(path: string, data: Uint8Array | string | readonly Uint8Array[], overwrite: boolean): void;
  /**
   * Writes a file piece by piece: `produce` calls `write(offset, bytes)` for each piece, in any
   * order. Same guarantees as {@link Io.writeFile}: no overwrite unless asked, no partial file.
   */
  writeFileWith(path: string, overwrite: boolean, produce: (write: (offset: number, bytes: Uint8Array) => void) => void): void;
  exists(path: string): boolean;
  /** Milliseconds, for timings in reports only. */
  now(): number;
}

/** A failure the user can fix: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Writes `chunks` one after the other to `fd` from `position`, resuming after short writes. */
function writeAll(fd: number, chunks: Uint8Array[], position: number): void {
  let i = 0;
  let at = position;
  while (i < chunks.length) {
    let wrote = writevSync(fd, chunks.slice(i, i + 1024), at);
    at += wrote;
    while (wrote > 0 && i < chunks.length) {
      const c = chunks[i] as Uint8Array;
      if (wrote >= c.length) {
        wrote -= c.length;
        i++;
      } else {
        chunks[i] = c.subarray(wrote);
        wrote = 0;
      }
    }
  }
}

/**
 * Writes a temporary file beside `path` with `fill`, then moves it into place: a failed or
 * interrupted write leaves neither a partial file nor a damaged old one. Without `overwrite` an
 * existing file is refused, also one that appeared while writing.
 */
function atomicWrite(path: string, overwrite: boolean, fill: (fd: number) => void): void {
  const fail = (code: string | undefined, e?: unknown): never => {
    throw new UsageError(code === 'EEXIST' ? `${path} exists; choose another output or pass --force` : `${path}: cannot write (${code ?? String(e)})`);
  };
  if (!overwrite && existsSync(path)) fail('EEXIST');
  const temp = `${path}.${process.pid}.semodel-tmp`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      fill(fd);
    } finally {
      closeSync(fd);
    }
    if (overwrite) renameSync(temp, path);
    else {
      linkSync(temp, path);
      rmSync(temp);
    }
  } catch (e) {
    rmSync(temp, { force: true });
    if (e instanceof UsageError) throw e;
    fail((e as NodeJS.ErrnoException).code, e);
  }
}

/** Runs `read`, turning a failure into one line that names the file. */
function readOrFail(path: string, read: () => Uint8Array): Uint8Array {
  try {
    return read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(e)})`);
  }
}

/** What a failed write to stdout means, in words. */
function outputFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') return 'the output was closed before everything was written (EPIPE)';
  if (code === 'ENOSPC') return 'cannot write the output: no space left on device (ENOSPC)';
  return `cannot write the output (${code ?? (e instanceof Error ? e.message : String(e))})`;
}

let outputFailed = false;

/** Reports a failed write to stdout once, as one line on stderr, and exits with status 2. */
function stopOnOutputFailure(e: unknown): void {
  if (outputFailed) return;
  outputFailed = true;
  try {
    writeSync(2, `semodel: ${outputFailure(e)}\n`);
  } catch {
    // stderr is gone too: the exit status is all that is left.
  }
  process.exit(2);
}

let guarded = false;

/**
 * Makes a failed write to stdout (a closed pipe, a full disk) one line on stderr and exit
 * status 2, for every command, instead of Node's unhandled 'error' event and stack trace.
 * Node reports such failures as an 'error' event on the stream, also for a file that it writes
 * synchronously; the process exits at once, since nothing more can reach the reader.
 * Idempotent; {@link processIo} calls it on its first write, `main` when it starts.
 */
export function guardProcessOutput(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', stopOnOutputFailure);
  // A failed stderr has no one left to tell.
  process.stderr.on('error', () => process.exit(2));
}

/**
 * The version of the semodel package, from its package.json: the first one named `semodel`
 * above this module (cli/ in a checkout, dist/cli/ when compiled, node_modules/semodel/... when
 * installed).
 * @example
 * ```ts
 * semodelVersion(); // '0.1.0'
 * ```
 */
export function semodelVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'semodel' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the package.json of semodel is not found above cli/io');
    dir = parent;
  }
}

/** The process's own streams and files. */
export const processIo: Io = {
  out: (text) => {
    guardProcessOutput();
    try {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    } catch (e) {
      stopOnOutputFailure(e);
    }
  },
  err: (text) => {
    guardProcessOutput();
    try {
      process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    } catch {
      process.exit(2);
    }
  },
  readFile(path) {
    return readOrFail(path, () => {
      const b = readFileSync(path);
      // A large file gets a Buffer of its own: view it without a copy. A small one may sit in
      // Node's shared 8 KiB pool: copy it, so nothing aliases the pool.
      return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : Uint8Array.from(b);
    });
  },
  readFileShared(path) {
    // The image verify and extract start reading before their code loads (./image-verify-early.ts).
    const early = takeEarlyRead(path);
    if (early !== undefined) return early;
    return readOrFail(path, () => {
      const fd = openSync(path, 'r');
      try {
        const bytes = new Uint8Array(new SharedArrayBuffer(fstatSync(fd).size));
        let at = 0;
        for (let got = 1; got > 0 && at < bytes.length; at += got) got = readSync(fd, bytes, at, bytes.length - at, at);
        // A file that shrank while it was read is what was there; one that grew is read up to its size at open.
        return at === bytes.length ? bytes : bytes.subarray(0, at);
      } finally {
        closeSync(fd);
      }
    });
  },
  writeFile(path, data, overwrite) {
    const chunks = typeof data === 'string' ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : [...data];
    atomicWrite(path, overwrite, (fd) => writeAll(fd, chunks, 0));
  },
  writeFileWith(path, overwrite, produce) {
    atomicWrite(path, overwrite, (fd) => {
      // Consecutive pieces are gathered and written with one writev at their position.
      let pending: Uint8Array[] = [];
      let start = 0;
      let end = 0;
      const flush = () => {
        if (pending.length > 0) writeAll(fd, pending, start);
        pending = [];
      };
      produce((offset, bytes) => {
        if (offset !== end || pending.length >= 1024) {
          flush();
          start = offset;
        }
        pending.push(bytes);
        end = offset + bytes.length;
      });
      flush();
    });
  },
  exists: (path) => existsSync(path),
  now: () => performance.now(),
};
