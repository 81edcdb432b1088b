/**
 * The second thread of `image verify`, seen from the main thread: while the main thread runs the
 * model, the thread hashes the PLD (the PLD is SHA-512 over the stored pages in IPIB order: it
 * needs nothing the model decides) and then decrypts the image's pages ahead of the model's
 * unpacks, by chunks of {@link VERIFY_CHUNK_PAGES} pages (./image-verify-worker-source.ts holds
 * its source and its order of work).
 *
 * The main thread posts the image key the moment the model first asks for a page's decryption
 * (./image-verify-suite.ts). It takes any chunk the thread has not claimed yet itself
 * (compare-and-swap on one counter), so the model never waits for a thread that is busy with the
 * PLD or lags, and both cores work whichever is slower.
 *
 * The bytes are shared, not copied: the image file sits in a `SharedArrayBuffer`
 * (`Io.readFileShared`, which the thread itself may have filled: ./image-verify-early.ts), every
 * page is a view of it, and nothing writes it after it was read (the platform's boundary copies
 * what an action carries before a handler sees it). Decrypted chunks are written once, each into
 * its own region of one shared output buffer.
 *
 * `ctrl` (Int32Array over a SharedArrayBuffer) is the handshake:
 * - `ctrl[KEY]`: NO_KEY, then KEY_POSTED (the 64 key bytes are in `key`) or STOP (main is done);
 * - `ctrl[CLAIMED]`: chunks claimed so far by either thread (`k` → `k + 1` claims chunk `k`);
 * - `ctrl[PLD]`: PENDING, then DONE (the digest is in `pld`) or FAILED;
 * - `ctrl[XTS]`: 0, or FAILED when the thread cannot decrypt (no WebAssembly, an exception);
 * - `ctrl[READY + c]`: 1 once chunk `c` is in `out` (notified).
 * @module
 */
import { PAGE_SIZE } from '../model/core/bytes.js';
import type { ImagePage } from '../model/se-format/image-pages.js';
import { chunkXtsDecrypt, type ChunkXts } from './image-build-xts.js';
import { startVerifyThread, takeEarlyVerifyThread, type VerifyThread } from './image-verify-early.js';
import type { PageHashJob } from './image-verify-pld.js';
import { JOB, KEY_STATE, VERIFY_CTRL as CTRL, type VerifyPlan } from './image-verify-worker-source.js';

/** Pages per chunk: 256 KiB, one ECB call each. */
export const VERIFY_CHUNK_PAGES = 64;

/** The image's pages where the worker can read them: views of one SharedArrayBuffer, or a copy into one. */
function sharedPages(pages: readonly ImagePage[]): { file: SharedArrayBuffer; offsets: Float64Array; lengths: number[] } {
  const first = pages[0]?.stored.buffer;
  const offsets = new Float64Array(pages.length);
  if (first instanceof SharedArrayBuffer && pages.every((p) => p.stored.buffer === first)) {
    pages.forEach((p, i) => (offsets[i] = p.stored.byteOffset));
    return { file: first, offsets, lengths: pages.map((p) => p.stored.length) };
  }
  // Bytes the worker cannot share (a test's pages, a file read another way): one copy.
  const file = new SharedArrayBuffer(pages.reduce((s, p) => s + p.stored.length, 0));
  const into = new Uint8Array(file);
  let at = 0;
  pages.forEach((p, i) => {
    into.set(p.stored, at);
    offsets[i] = at;
    at += p.stored.length;
  });
  return { file, offsets, lengths: pages.map((p) => p.stored.length) };
}

/** The (offset, length) pairs of the pages in order, consecutive ones merged. */
function pldRanges(offsets: Float64Array, lengths: readonly number[]): Float64Array {
  const out: number[] = [];
  offsets.forEach((off, i) => {
    const len = lengths[i] ?? 0;
    const last = out.length - 2;
    if (last >= 0 && (out[last] ?? 0) + (out[last + 1] ?? 0) === off) out[last + 1] = (out[last + 1] ?? 0) + len;
    else out.push(off, len);
  });
  return Float64Array.from(out);
}

/** Byte equality by memcmp. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** The worker of one verify run: the PLD of its pages, and their decryptions by chunk. */
export interface VerifyWorker extends PageHashJob {
  /**
   * The decryption of chunk `c` (pages `[c·chunkPages, …)`) under `key`, from the worker or
   * decrypted here when the worker has not claimed it; undefined when it cannot be batched (not
   * every page whole, a key other than the first one asked for, equal key halves, no
   * WebAssembly). The first call posts `key` to the worker. The bytes are a view that nothing
   * writes again.
   */
  chunk(key: Uint8Array, c: number): Uint8Array | undefined;
  /**
   * Posts the image key to the worker (the first {@link VerifyWorker.chunk} does it); false when
   * the key cannot be batched or another key was posted before.
   */
  postKey(key: Uint8Array): boolean;
}

/**
 * Starts the worker for `pages` (in IPIB order); undefined when no worker thread can start.
 * @example
 * ```ts
 * const worker = startVerifyWorker(parsed.pages);
 * const suite = batchedVerifySuite(nodeSuite, parsed.pages, VERIFY_CHUNK_PAGES, worker);
 * ```
 */
export function startVerifyWorker(pages: readonly ImagePage[], chunkPages = VERIFY_CHUNK_PAGES): VerifyWorker | undefined {
  const { file, offsets, lengths } = sharedPages(pages);
  const chunks = Math.ceil(pages.length / chunkPages);
  // Batching needs whole pages with whole tweaks, as the model's unpack accepts them.
  const whole = pages.every((p) => p.stored.length === PAGE_SIZE && p.tweak.length === 16);
  const tweaks = new SharedArrayBuffer(whole ? 16 * pages.length : 0);
  if (whole) pages.forEach((p, i) => new Uint8Array(tweaks, 16 * i, 16).set(p.tweak));
  const shared: VerifyPlan = {
    file,
    ranges: pldRanges(offsets, lengths),
    offsets: whole ? offsets : new Float64Array(0),
    tweaks,
    out: new SharedArrayBuffer(whole ? PAGE_SIZE * pages.length : 0),
    ctrl: new SharedArrayBuffer(4 * (CTRL.READY + chunks)),
    key: new SharedArrayBuffer(64),
    pld: new SharedArrayBuffer(64),
    chunkPages,
  };
  const ctrl = new Int32Array(shared.ctrl);
  if (!whole) Atomics.store(ctrl, CTRL.XTS, JOB.FAILED);
  let worker: VerifyThread;
  try {
    // The thread that read the file early when it is this file's, else a new one.
    worker = takeEarlyVerifyThread(file) ?? startVerifyThread(null);
  } catch {
    return undefined;
  }
  worker.onError(() => {
    // A worker that died says so, so that nothing waits for it.
    Atomics.compareExchange(ctrl, CTRL.PLD, JOB.PENDING, JOB.FAILED);
    Atomics.store(ctrl, CTRL.XTS, JOB.FAILED);
    Atomics.notify(ctrl, CTRL.PLD);
  });
  worker.post(shared);
  const out = new Uint8Array(shared.out);
  let posted: Uint8Array | undefined;
  let mine: ChunkXts | undefined;

  /** Decrypts chunk `k` on this thread into its region of `out`. */
  const decryptHere = (key: Uint8Array, k: number): boolean => {
    mine ??= chunkXtsDecrypt(key, chunkPages);
    if (mine === undefined) return false;
    const from = k * chunkPages;
    const n = Math.min(chunkPages, pages.length - from);
    const tw = new Uint8Array(tweaks, 16 * from, 16 * n);
    for (let j = 0; j < n; j++) mine.plain.set((pages[from + j] as ImagePage).stored, j * PAGE_SIZE);
    out.set(mine.encrypt(n, tw), from * PAGE_SIZE);
    Atomics.store(ctrl, CTRL.READY + k, 1);
    return true;
  };

  const postKey = (key: Uint8Array): boolean => {
    if (posted === undefined) {
      // Equal halves are refused by node's XTS: that call must fail as the node suite fails.
      if (key.length !== 64 || same(key.subarray(0, 32), key.subarray(32))) return false;
      posted = Uint8Array.from(key);
      new Uint8Array(shared.key).set(posted);
      Atomics.store(ctrl, CTRL.KEY, KEY_STATE.KEY_POSTED);
      Atomics.notify(ctrl, CTRL.KEY);
    }
    return same(posted, key);
  };

  return {
    postKey,
    result() {
      while (Atomics.load(ctrl, CTRL.PLD) === JOB.PENDING) Atomics.wait(ctrl, CTRL.PLD, JOB.PENDING, 100);
      return Atomics.load(ctrl, CTRL.PLD) === JOB.DONE ? new Uint8Array(shared.pld).slice() : undefined;
    },
    chunk(key, c) {
      if (!whole || c < 0 || c >= chunks || !postKey(key) || posted === undefined) return undefined;
      const view = (): Uint8Array => out.subarray(c * chunkPages * PAGE_SIZE, Math.min(pages.length, (c + 1) * chunkPages) * PAGE_SIZE);
      for (;;) {
        if (Atomics.load(ctrl, CTRL.READY + c) === 1) return view();
        const k = Atomics.load(ctrl, CTRL.CLAIMED);
        if (k <= c) {
          // Not claimed yet: take the next chunk here (the worker lags or has stopped).
          if (Atomics.compareExchange(ctrl, CTRL.CLAIMED, k, k + 1) === k && !decryptHere(posted, k)) return undefined;
        } else if (Atomics.load(ctrl, CTRL.XTS) === JOB.FAILED) {
          // The worker claimed it and then failed: the caller decrypts the page another way.
          if (Atomics.load(ctrl, CTRL.READY + c) !== 1) return undefined;
        } else {
          Atomics.wait(ctrl, CTRL.READY + c, 0, 100);
        }
      }
    },
    stop() {
      Atomics.store(ctrl, CTRL.KEY, KEY_STATE.STOP);
      Atomics.notify(ctrl, CTRL.KEY);
      worker.terminate();
    },
  };
}
