/**
 * The source of the worker thread of {@link ./parallel-xts.ts}. It is a string run with
 * `new Worker(source, { eval: true })` because Node 20 worker threads cannot load TypeScript: a
 * string runs the same from dist/, under tsx and under vitest.
 *
 * The worker encrypts the planned pages in order with node:crypto AES-XTS (the same call as the
 * node suite's) into chunks: each chunk is a new SharedArrayBuffer of `chunkPages` pages (the
 * last may be shorter), written once, posted on `port` and never touched again, so the main
 * thread hands out views of it without a copy. `ctrl` (Int32Array over a SharedArrayBuffer) is
 * the handshake:
 * - `ctrl[PRODUCED]`: chunks posted so far (stored after the post, then notified);
 * - `ctrl[CONSUMED]`: chunks the main thread has received; the worker stays at most
 *   `aheadChunks` in front of it, so the memory in flight is bounded;
 * - `ctrl[STATE]`: RUNNING, then DONE, FAILED (any exception) or CANCELLED (by the main thread).
 * OpenSSL's output buffers are collected every 256 pages (see ./young-gc.ts).
 * @module
 */
import type { MessagePort } from 'node:worker_threads';
import { COLLECT_YOUNG_SOURCE } from './young-gc.js';

/** Indices into the control array. */
export const CTRL = { PRODUCED: 0, CONSUMED: 1, STATE: 2 } as const;
/** Values of `ctrl[CTRL.STATE]`. */
export const STATE = { RUNNING: 0, DONE: 1, FAILED: 2, CANCELLED: 3 } as const;

/** The plan the worker receives as its first message. */
export interface XtsWorkerPlan {
  readonly key: Uint8Array;
  /** The shared buffers the pages are in. */
  readonly sources: readonly SharedArrayBuffer[];
  /** Per page: index into `sources`, byte offset there, and 16 tweak bytes at `16 * i`. */
  readonly sourceIndex: Uint32Array;
  readonly offsets: Float64Array;
  readonly tweaks: Uint8Array;
  readonly pageSize: number;
  readonly chunkPages: number;
  readonly aheadChunks: number;
  readonly ctrl: SharedArrayBuffer;
  /** Where the chunks go. */
  readonly port: MessagePort;
}

/** The worker, as CommonJS (what an eval worker runs). */
export const XTS_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
${COLLECT_YOUNG_SOURCE}
// The plan comes as the first message, so that the thread can start up while the main thread
// is still reading the inputs.
parentPort.once('message', (plan) => {
  const { key, sources, sourceIndex, offsets, tweaks, pageSize, chunkPages, aheadChunks, ctrl, port } = plan;
  const c = new Int32Array(ctrl);
  const PRODUCED = ${CTRL.PRODUCED}, CONSUMED = ${CTRL.CONSUMED}, STATE = ${CTRL.STATE};
  const RUNNING = ${STATE.RUNNING}, DONE = ${STATE.DONE}, FAILED = ${STATE.FAILED};
  const views = sources.map((s) => new Uint8Array(s));
  const n = sourceIndex.length;
  function run() {
    for (let k = 0, from = 0; from < n; k++, from += chunkPages) {
      for (;;) {
        if (Atomics.load(c, STATE) !== RUNNING) return;
        const taken = Atomics.load(c, CONSUMED);
        if (k - taken < aheadChunks) break;
        Atomics.wait(c, CONSUMED, taken, 1000);
      }
      const to = Math.min(n, from + chunkPages);
      const chunk = new SharedArrayBuffer((to - from) * pageSize);
      const out = new Uint8Array(chunk);
      for (let i = from; i < to; i++) {
        const at = offsets[i];
        const cipher = createCipheriv('aes-256-xts', key, tweaks.subarray(16 * i, 16 * i + 16));
        out.set(cipher.update(views[sourceIndex[i]].subarray(at, at + pageSize)), (i - from) * pageSize);
        if ((i & 255) === 255) collectYoung(); // OpenSSL's output buffers, 1 MiB of them
      }
      port.postMessage(chunk);
      Atomics.store(c, PRODUCED, k + 1);
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
});
`;
