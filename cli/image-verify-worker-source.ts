/**
 * The source of `image verify`'s second thread (driven by ./image-verify-worker.ts, started early
 * by ./image-verify-early.ts), and the layout of what it shares with the main thread. It imports
 * nothing of the model, so that `bin/semodel.mjs` can start the thread before the command loads.
 *
 * The thread's life, in order:
 * 1. Started early with a file to read (`workerData` is an {@link EarlyRead}): it reads the
 *    image into the shared buffer the main thread allocated, then says how many bytes it got.
 *    Started later, `workerData` is null and there is nothing to read.
 * 2. It waits for its {@link VerifyPlan} (one message).
 * 3. It hashes the PLD over the plan's ranges, start to end: the one piece of work only it does,
 *    so it goes first. Meanwhile the main thread decrypts each chunk it needs itself.
 * 4. Once the key is posted, it decrypts every chunk the main thread has not claimed yet, ahead
 *    of the model's unpacks; a chunk is claimed by compare-and-swap on one counter, so each is
 *    decrypted once, by whichever thread gets to it first.
 * @module
 */
import { PAGE_SIZE } from '../model/core/bytes.js';
import { XTS_XOR_WASM } from './image-build-worker-source.js';

/** Indices into the plan's control array (Int32). */
export const VERIFY_CTRL = { KEY: 0, CLAIMED: 1, PLD: 2, XTS: 3, READY: 4 } as const;
/** Values of `ctrl[KEY]`. */
export const KEY_STATE = { NO_KEY: 0, KEY_POSTED: 1, STOP: 2 } as const;
/** Values of `ctrl[PLD]`, `ctrl[XTS]`, and of an early read's state. */
export const JOB = { PENDING: 0, DONE: 1, FAILED: 2 } as const;

/**
 * A read the thread does before its plan: `path` into `file` (allocated by the main thread at
 * the size the file had), then the state (Int32 at byte 0 of `ctrl`: {@link JOB}) and the
 * bytes it got (Float64 at byte 8).
 */
export interface EarlyRead {
  readonly path: string;
  readonly file: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
}

/** What the thread works on, posted once. */
export interface VerifyPlan {
  readonly file: SharedArrayBuffer;
  /** PLD ranges: (offset, length) pairs into `file`, consecutive pages merged. */
  readonly ranges: Float64Array;
  /** Each page's offset into `file` (empty when the pages cannot be batched). */
  readonly offsets: Float64Array;
  readonly tweaks: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
  readonly key: SharedArrayBuffer;
  readonly pld: SharedArrayBuffer;
  readonly chunkPages: number;
}

/** The worker, as CommonJS (what an eval worker runs). */
export const VERIFY_WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { createCipheriv, createDecipheriv, createHash } = require('node:crypto');
const KEY = ${VERIFY_CTRL.KEY}, CLAIMED = ${VERIFY_CTRL.CLAIMED}, PLD = ${VERIFY_CTRL.PLD}, XTS = ${VERIFY_CTRL.XTS}, READY = ${VERIFY_CTRL.READY};
const KEY_POSTED = ${KEY_STATE.KEY_POSTED}, DONE = ${JOB.DONE}, FAILED = ${JOB.FAILED};
const PAGE = ${PAGE_SIZE}, PIECE = 1 << 20;
if (workerData !== null) {
  // The early read: up to the size the main thread found, as its own read does.
  const state = new Int32Array(workerData.ctrl, 0, 1);
  const got = new Float64Array(workerData.ctrl, 8, 1);
  try {
    const bytes = new Uint8Array(workerData.file);
    const fd = openSync(workerData.path, 'r');
    let at = 0;
    try {
      for (let n = 1; n > 0 && at < bytes.length; at += n) n = readSync(fd, bytes, at, bytes.length - at, at);
    } finally {
      closeSync(fd);
    }
    got[0] = at;
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
}
parentPort.once('message', run);
function run(plan) {
  const { file, ranges, offsets, tweaks, out, ctrl, key, pld, chunkPages } = plan;
  const c = new Int32Array(ctrl);
  const bytes = new Uint8Array(file);
  const pages = offsets.length;
  const chunks = Math.ceil(pages / chunkPages);
  const output = new Uint8Array(out);
  const tw = new Uint8Array(tweaks);
  // XTS (IEEE 1619) decryption on two long-lived AES-256-ECB ciphers: per page T = AES(K2, tweak),
  // then block j is AES^-1(K1, C xor T·alpha^j) xor T·alpha^j; the XORs run in WebAssembly.
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
  function decrypt(xts, chunk) {
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
  // The PLD first, without a pause: it is the longest piece, and only this thread does it.
  try {
    const h = createHash('sha512');
    for (let r = 0; r < ranges.length; r += 2) {
      for (let at = ranges[r], end = ranges[r] + ranges[r + 1]; at < end; at += PIECE) h.update(bytes.subarray(at, Math.min(end, at + PIECE)));
    }
    new Uint8Array(pld).set(h.digest());
    Atomics.store(c, PLD, DONE);
  } catch {
    Atomics.store(c, PLD, FAILED);
  }
  Atomics.notify(c, PLD);
  // Then every chunk the main thread has not claimed, once the key is there (or main says it needs none).
  while (Atomics.load(c, KEY) === 0) Atomics.wait(c, KEY, 0);
  if (Atomics.load(c, XTS) === FAILED || Atomics.load(c, KEY) !== KEY_POSTED) return;
  try {
    const xts = xtsFor(new Uint8Array(key).slice());
    for (let k = Atomics.load(c, CLAIMED); k < chunks && Atomics.load(c, KEY) === KEY_POSTED; k = Atomics.load(c, CLAIMED)) {
      if (Atomics.compareExchange(c, CLAIMED, k, k + 1) === k) decrypt(xts, k);
    }
  } catch {
    Atomics.store(c, XTS, FAILED); // the main thread decrypts what is left
    for (let k = 0; k < chunks; k++) Atomics.notify(c, READY + k);
  }
}
`;
