/**
 * The second thread of `image verify`: while the main thread runs the model, a worker thread
 * decrypts the image's pages ahead of the model's unpacks and hashes the PLD.
 *
 * Neither needs anything the model decides except the image key, which the main thread posts the
 * moment the model first asks for a page's decryption (./image-verify-suite.ts): until then the
 * worker hashes the stored pages (the PLD is SHA-512 over them in IPIB order); from then it
 * decrypts chunks of {@link VERIFY_CHUNK_PAGES} pages in order, then finishes the PLD. The main
 * thread takes any chunk the worker has not claimed yet itself (compare-and-swap on one counter),
 * so the model never waits for a worker that lags, and both cores work whichever is slower.
 *
 * The bytes are shared, not copied: the image file sits in a `SharedArrayBuffer`
 * (`Io.readFileShared`), every page is a view of it, and nothing writes it after it was read (the
 * platform's boundary copies what an action carries before a handler sees it). Decrypted chunks
 * are written once, each into its own region of one shared output buffer.
 *
 * `ctrl` (Int32Array over a SharedArrayBuffer) is the handshake:
 * - `ctrl[KEY]`: NO_KEY, then KEY_POSTED (the 64 key bytes are in `key`) or STOP (main is done);
 * - `ctrl[CLAIMED]`: chunks claimed so far by either thread (`k` → `k + 1` claims chunk `k`);
 * - `ctrl[PLD]`: PENDING, then DONE (the digest is in `pld`) or FAILED;
 * - `ctrl[XTS]`: 0, or FAILED when the worker cannot decrypt (no WebAssembly, an exception);
 * - `ctrl[READY + c]`: 1 once chunk `c` is in `out` (notified).
 * @module
 */
import { Worker } from 'node:worker_threads';
import { PAGE_SIZE } from '../model/core/bytes.js';
import type { ImagePage } from '../model/se-format/image-pages.js';
import { XTS_XOR_WASM } from './image-build-worker-source.js';
import { chunkXtsDecrypt, type ChunkXts } from './image-build-xts.js';
import type { PageHashJob } from './image-verify-pld.js';

/** Pages per chunk: 256 KiB, one ECB call each. */
export const VERIFY_CHUNK_PAGES = 64;

/** Indices into the control array. */
const CTRL = { KEY: 0, CLAIMED: 1, PLD: 2, XTS: 3, READY: 4 } as const;
const KEY_STATE = { NO_KEY: 0, KEY_POSTED: 1, STOP: 2 } as const;
const JOB = { PENDING: 0, DONE: 1, FAILED: 2 } as const;

/** The worker, as CommonJS (what an eval worker runs). */
const VERIFY_WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { createCipheriv, createDecipheriv, createHash } = require('node:crypto');
const { file, ranges, offsets, tweaks, out, ctrl, key, pld, chunkPages } = workerData;
const c = new Int32Array(ctrl);
const KEY = ${CTRL.KEY}, CLAIMED = ${CTRL.CLAIMED}, PLD = ${CTRL.PLD}, XTS = ${CTRL.XTS}, READY = ${CTRL.READY};
const KEY_POSTED = ${KEY_STATE.KEY_POSTED}, STOP = ${KEY_STATE.STOP}, DONE = ${JOB.DONE}, FAILED = ${JOB.FAILED};
const PAGE = ${PAGE_SIZE}, PIECE = 1 << 20;
const bytes = new Uint8Array(file);
const pages = offsets.length;
const chunks = Math.ceil(pages / chunkPages);
const output = new Uint8Array(out);
const tw = new Uint8Array(tweaks);
// XTS (IEEE 1619) decryption on two long-lived AES-256-ECB ciphers: per page T = AES(K2, tweak),
// then block j is AES^-1(K1, C xor T·alpha^j) xor T·alpha^j; the XORs run in WebAssembly.
let xts = null;
function xtsFor(k) {
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from('${XTS_XOR_WASM}', 'base64'))).exports;
  const region = chunkPages * PAGE;
  const need = Math.ceil((3 * region + 16 * chunkPages) / 65536);
  const have = wasm.mem.buffer.byteLength / 65536;
  if (need > have) wasm.mem.grow(need - have);
  const k1 = createDecipheriv('aes-256-ecb', k.subarray(0, 32), null); k1.setAutoPadding(false);
  const k2 = createCipheriv('aes-256-ecb', k.subarray(32, 64), null); k2.setAutoPadding(false);
  return { wasm, mem: new Uint8Array(wasm.mem.buffer), region, k1, k2 };
}
function decrypt(chunk) {
  const { wasm, mem, region, k1, k2 } = xts;
  const from = chunk * chunkPages, n = Math.min(chunkPages, pages - from);
  const PLAIN = 0, MASK = region, OUT = 2 * region, TW = 3 * region;
  for (let j = 0; j < n; j++) mem.set(bytes.subarray(offsets[from + j], offsets[from + j] + PAGE), PLAIN + j * PAGE);
  mem.set(k2.update(tw.subarray(16 * from, 16 * (from + n))), TW);
  wasm.mask(n, TW, PLAIN, MASK);
  mem.set(k1.update(mem.subarray(PLAIN, PLAIN + n * PAGE)), OUT);
  wasm.xor(OUT, MASK, n * PAGE);
  output.set(mem.subarray(OUT, OUT + n * PAGE), from * PAGE);
  Atomics.store(c, READY + chunk, 1);
  Atomics.notify(c, READY + chunk);
}
// Every chunk neither thread has claimed yet, claimed one at a time.
function decryptAhead() {
  if (Atomics.load(c, XTS) === FAILED || Atomics.load(c, KEY) !== KEY_POSTED) return;
  try {
    if (xts === null) xts = xtsFor(new Uint8Array(key).slice());
    for (let k = Atomics.load(c, CLAIMED); k < chunks && Atomics.load(c, KEY) === KEY_POSTED; k = Atomics.load(c, CLAIMED)) {
      if (Atomics.compareExchange(c, CLAIMED, k, k + 1) === k) decrypt(k);
    }
  } catch {
    Atomics.store(c, XTS, FAILED); // the main thread decrypts what is left
    for (let k = 0; k < chunks; k++) Atomics.notify(c, READY + k);
  }
}
try {
  const h = createHash('sha512');
  for (let r = 0; r < ranges.length; r += 2) {
    for (let at = ranges[r], end = ranges[r] + ranges[r + 1]; at < end; at += PIECE) {
      decryptAhead();
      h.update(bytes.subarray(at, Math.min(end, at + PIECE)));
    }
  }
  new Uint8Array(pld).set(h.digest());
  Atomics.store(c, PLD, DONE);
} catch {
  Atomics.store(c, PLD, FAILED);
}
Atomics.notify(c, PLD);
// The PLD is done; the pages wait for the key (or for the main thread to say it needs none).
while (Atomics.load(c, KEY) === 0) Atomics.wait(c, KEY, 0);
decryptAhead();
`;

/** What the worker shares with the main thread. */
interface Shared {
  readonly file: SharedArrayBuffer;
  /** PLD ranges: (offset, length) pairs into `file`, consecutive pages merged. */
  readonly ranges: Float64Array;
  /** Each page's offset into `file`. */
  readonly offsets: Float64Array;
  readonly tweaks: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
  readonly key: SharedArrayBuffer;
  readonly pld: SharedArrayBuffer;
  readonly chunkPages: number;
}

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
  const shared: Shared = {
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
  let worker: Worker;
  try {
    worker = new Worker(VERIFY_WORKER_SOURCE, { eval: true, workerData: shared });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => {
    // A worker that died says so, so that nothing waits for it.
    Atomics.compareExchange(ctrl, CTRL.PLD, JOB.PENDING, JOB.FAILED);
    Atomics.store(ctrl, CTRL.XTS, JOB.FAILED);
    Atomics.notify(ctrl, CTRL.PLD);
  });
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
      void worker.terminate();
    },
  };
}
