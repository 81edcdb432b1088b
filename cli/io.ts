/**
 * The CLI's contact with the outside world, passed in so that commands can be tested in-process.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Output streams and files, as the commands use them. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Uint8Array;
  /** Writes a file; refuses to overwrite unless `overwrite` (nothing a user passes in is lost). */
  writeFile(path: string, data: Uint8Array | string, overwrite: boolean): void;
  exists(path: string): boolean;
  /** Milliseconds, for timings in reports only. */
  now(): number;
}

/** A failure the user can fix: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The process's own streams and files. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readFile(path) {
    try {
      const b = readFileSync(path);
      // A large file gets a Buffer of its own: view it without a copy. A small one may sit in
      // Node's shared 8 KiB pool: copy it, so nothing aliases the pool.
      return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : Uint8Array.from(b);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(e)})`);
    }
  },
  writeFile(path, data, overwrite) {
    try {
      writeFileSync(path, data, { flag: overwrite ? 'w' : 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'EEXIST' ? `${path} exists; choose another output or pass --force` : `${path}: cannot write (${code ?? String(e)})`,
      );
    }
  },
  exists: (path) => existsSync(path),
  now: () => performance.now(),
};
