/**
 * Where `semodel image build` writes its image: a new or existing regular file (never anything
 * else, even with --force), or standard output for `-o -`.
 *
 * A file is written through a temporary file beside it (`OUT.<pid>.semodel-tmp`), piece by piece
 * at the pieces' offsets (pages first, the header last), and moved into place only when whole:
 * a failed build leaves neither a partial file nor a damaged old one. Standard output cannot be
 * written out of order, so the image is built into an unlinked temporary file under the system's
 * temp folder and then copied to it in order (genprotimg also builds through temporary files).
 *
 * Every failure of a write (a full disk, a closed pipe, an I/O error) is a {@link UsageError}:
 * one line naming the output, exit status 2.
 * @module
 */
import { closeSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './io.js';

/** An image being written: positioned writes, then {@link ImageOutput.commit} or {@link ImageOutput.abort}. */
export interface ImageOutput {
  /** The output as the user named it (`-` for standard output). */
  readonly name: string;
  /** Writes `bytes` at `offset` (pieces may come in any order). */
  write(offset: number, bytes: Uint8Array): void;
  /**
   * The file descriptor `write` writes to at explicit offsets, for a thread that writes pieces
   * itself (the build's worker); it then reports each piece with {@link ImageOutput.wrote}.
   * Undefined when only `write` may be used.
   */
  readonly fd?: number;
  /** Says that `length` bytes were written at `offset` through {@link ImageOutput.fd}. */
  wrote(offset: number, length: number): void;
  /** Puts the finished image in place (or copies it to standard output); the output is then closed. */
  commit(): void;
  /** Drops what was written; the old file, if any, is untouched. Safe to call after commit. */
  abort(): void;
}

/** What an existing path is, in words, for a refusal. */
function kindOf(s: Stats): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** The one line for a failed write of `name`. */
function writeFailure(name: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOSPC' ? 'no space left on the device' : code === 'EPIPE' ? 'the reader closed the pipe' : code === 'EDQUOT' ? 'disk quota exceeded' : (code ?? String(e));
  return new UsageError(`${name === '-' ? 'standard output' : name}: cannot write (${why})`);
}

/** Writes all of `bytes` to `fd` at `position` (null: at the current position), resuming after short writes and EAGAIN. */
function writeFully(fd: number, bytes: Uint8Array, position: number | null): void {
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
    } catch (e) {
      // A non-blocking pipe that is full: wait a little for the reader (never forever: EPIPE ends it).
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

/**
 * Checks `-o target` and opens the temporary file the image is written to. Refused (a
 * {@link UsageError}): an existing path that is not a regular file (a symbolic link, FIFO, device,
 * socket or directory), even with `force`; an existing regular file without `force`; an output
 * that is the same file as one of `inputs`.
 * @param stdoutFd where `-` writes (the process's standard output unless a test says otherwise)
 * @example
 * const out = openImageOutput('se.img', force, [kernelPath]);
 * try { out.write(0, bytes); out.commit(); } catch (e) { out.abort(); throw e; }
 */
export function openImageOutput(target: string, force: boolean, inputs: readonly string[], stdoutFd = 1): ImageOutput {
  if (target === '-') return stdoutOutput(stdoutFd);
  let existing: Stats | undefined;
  try {
    existing = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${target}: cannot use as output (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (existing !== undefined) {
    if (!existing.isFile()) throw new UsageError(`${target} is ${kindOf(existing)}: the image is written only to a regular file or a new path, even with --force`);
    for (const input of inputs) {
      const s = lstatSync(input, { throwIfNoEntry: false });
      if (s !== undefined && s.dev === existing.dev && s.ino === existing.ino) throw new UsageError(`-o ${target} is also an input (${input}); choose another output`);
    }
    if (!force) throw new UsageError(`${target} exists; choose another output or pass --force`);
  }
  const temp = `${target}.${process.pid}.semodel-tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw new UsageError(`${target}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    name: target,
    fd,
    write(offset, bytes) {
      try {
        writeFully(fd, bytes, offset);
      } catch (e) {
        throw writeFailure(target, e);
      }
    },
    wrote: () => undefined,
    commit() {
      try {
        close();
        if (force) renameSync(temp, target);
        else {
          linkSync(temp, target); // fails if the path appeared meanwhile: nothing is overwritten without --force
          rmSync(temp);
        }
      } catch (e) {
        rmSync(temp, { force: true });
        const code = (e as NodeJS.ErrnoException).code;
        throw code === 'EEXIST' ? new UsageError(`${target} exists; choose another output or pass --force`) : writeFailure(target, e);
      }
    },
    abort() {
      try {
        close();
      } catch {
        // closing a descriptor whose writes failed may fail again: the file goes anyway
      }
      rmSync(temp, { force: true });
    },
  };
}

/** `-o -`: the image is built in an unlinked temporary file, then copied to `fd` in order. */
function stdoutOutput(fd: number): ImageOutput {
  const temp = path.join(os.tmpdir(), `semodel-image.${process.pid}.${Date.now()}.semodel-tmp`);
  let tfd: number;
  try {
    tfd = openSync(temp, 'wx+', 0o600);
    unlinkSync(temp); // nothing stays behind, whatever happens next
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot create a temporary file in ${os.tmpdir()} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let open = true;
  let size = 0;
  const close = (): void => {
    if (open) closeSync(tfd);
    open = false;
  };
  return {
    name: '-',
    fd: tfd,
    write(offset, bytes) {
      try {
        writeFully(tfd, bytes, offset);
      } catch (e) {
        throw writeFailure(os.tmpdir(), e);
      }
      size = Math.max(size, offset + bytes.length);
    },
    wrote(offset, length) {
      size = Math.max(size, offset + length);
    },
    commit() {
      const buffer = new Uint8Array(1 << 20);
      try {
        for (let at = 0; at < size; ) {
          const n = readSync(tfd, buffer, 0, Math.min(buffer.length, size - at), at);
          if (n === 0) break;
          try {
            writeFully(fd, buffer.subarray(0, n), null);
          } catch (e) {
            throw writeFailure('-', e);
          }
          at += n;
        }
      } finally {
        close();
      }
    },
    abort() {
      try {
        close();
      } catch {
        // the temporary file is unlinked already
      }
    },
  };
}
