/**
 * The source of the worker thread of {@link ./parallel-xts.ts}. It is a string run with
 * `new Worker(source, { eval: true })` because Node 20 worker threads cannot load TypeScript: a
 * string runs the same from dist/, under tsx and under vitest.
 *
 * The worker encrypts the planned pages in order with node:crypto AES-XTS (the same call as the
 * node suite's), a batch at a time, and hands each batch over on `port` as an array of
 * transferred ArrayBuffers, one per page. `ctrl` (Int32Array over a SharedArrayBuffer) is the handshake:
 * - `ctrl[PRODUCED]`: batches posted so far (the worker adds 1 after each post, then notifies);
 * - `ctrl[CONSUMED]`: batches the main thread has taken (the worker stays at most `ahead` batches
 *   in front of it, so memory stays bounded);
 * - `ctrl[STATE]`: RUNNING, then DONE, FAILED (any exception, e.g. OpenSSL refusing equal key
 *   halves) or CANCELLED (set by the main thread).
 * @module
 */
import type { MessagePort } from 'node:worker_threads';

/** Indices into the control array. */
export const CTRL = { PRODUCED: 0, CONSUMED: 1, STATE: 2 } as const;
/** Values of `ctrl[CTRL.STATE]`. */
export const STATE = { RUNNING: 0, DONE: 1, FAILED: 2, CANCELLED: 3 } as const;

/** What the worker receives as `workerData`. */
export interface XtsWorkerData {
  readonly key: Uint8Array;
  /** The shared buffers the pages are in. */
  readonly sources: readonly SharedArrayBuffer[];
  /** Per page: index into `sources`, byte offset there, and 16 tweak bytes at `16 * i`. */
  readonly sourceIndex: Uint32Array;
  readonly offsets: Float64Array;
  readonly tweaks: Uint8Array;
  readonly pageSize: number;
  readonly batch: number;
  readonly ahead: number;
  readonly ctrl: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** The worker, as CommonJS (what an eval worker runs). */
export const XTS_WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
const { key, sources, sourceIndex, offsets, tweaks, pageSize, batch, ahead, ctrl, port } = workerData;
const c = new Int32Array(ctrl);
const PRODUCED = ${CTRL.PRODUCED}, CONSUMED = ${CTRL.CONSUMED}, STATE = ${CTRL.STATE};
const RUNNING = ${STATE.RUNNING}, DONE = ${STATE.DONE}, FAILED = ${STATE.FAILED};
const views = sources.map((s) => new Uint8Array(s));
const n = sourceIndex.length;
function run() {
  for (let b = 0, from = 0; from < n; b++, from += batch) {
    for (;;) {
      if (Atomics.load(c, STATE) !== RUNNING) return;
      const taken = Atomics.load(c, CONSUMED);
      if (b - taken < ahead) break;
      Atomics.wait(c, CONSUMED, taken, 1000);
    }
    // Each page's ciphertext is OpenSSL's output buffer itself, handed over (transferred), so
    // this thread keeps no garbage and the receiver gets pages that own their memory.
    const to = Math.min(n, from + batch);
    const pages = [];
    for (let i = from; i < to; i++) {
      const at = offsets[i];
      const cipher = createCipheriv('aes-256-xts', key, tweaks.subarray(16 * i, 16 * i + 16));
      const out = cipher.update(views[sourceIndex[i]].subarray(at, at + pageSize));
      pages.push(out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : Uint8Array.from(out).buffer);
    }
    port.postMessage(pages, pages);
    Atomics.add(c, PRODUCED, 1);
    Atomics.notify(c, PRODUCED);
  }
  Atomics.compareExchange(c, STATE, RUNNING, DONE);
}
try {
  run();
} catch {
  Atomics.compareExchange(c, STATE, RUNNING, FAILED);
} finally {
  Atomics.notify(c, PRODUCED);
}
`;
