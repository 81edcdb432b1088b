/**
 * The source of the worker thread of {@link ./parallel-xts.ts}. It is a string run with
 * `new Worker(source, { eval: true })` because Node 20 worker threads cannot load TypeScript: a
 * string runs the same from dist/, under tsx and under vitest.
 *
 * The worker encrypts the planned pages in order with node:crypto AES-XTS (the same call as the
 * node suite's) into `ring`, a SharedArrayBuffer of `slots` pages: page `i` goes to slot
 * `i % slots`. `ctrl` (Int32Array over a SharedArrayBuffer) is the handshake:
 * - `ctrl[PRODUCED]`: pages written to the ring so far (stored after the page, then notified);
 * - `ctrl[CONSUMED]`: pages the main thread has copied out (the worker never overwrites a slot
 *   the main thread has not copied: it waits while `slots` pages are in the ring);
 * - `ctrl[STATE]`: RUNNING, then DONE, FAILED (any exception) or CANCELLED (by the main thread).
 * No messages are passed and no buffer changes hands; OpenSSL's output buffers are collected
 * every 256 pages (see ./young-gc.ts).
 * @module
 */
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
  /** The ring: `slots` pages. */
  readonly ring: SharedArrayBuffer;
  readonly slots: number;
  readonly ctrl: SharedArrayBuffer;
}

/** The worker, as CommonJS (what an eval worker runs). */
export const XTS_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
${COLLECT_YOUNG_SOURCE}
// The plan comes as the first message, so that the thread can start up while the main thread
// is still reading the inputs.
parentPort.once('message', (data) => {
  const { key, sources, sourceIndex, offsets, tweaks, pageSize, ring, slots, ctrl } = data;
  const c = new Int32Array(ctrl);
  const r = new Uint8Array(ring);
  const PRODUCED = ${CTRL.PRODUCED}, CONSUMED = ${CTRL.CONSUMED}, STATE = ${CTRL.STATE};
  const RUNNING = ${STATE.RUNNING}, DONE = ${STATE.DONE}, FAILED = ${STATE.FAILED};
  const views = sources.map((s) => new Uint8Array(s));
  const n = sourceIndex.length;
  function run() {
    for (let i = 0; i < n; i++) {
      for (;;) {
        if (Atomics.load(c, STATE) !== RUNNING) return;
        const taken = Atomics.load(c, CONSUMED);
        if (i - taken < slots) break;
        Atomics.wait(c, CONSUMED, taken, 1000);
      }
      const at = offsets[i];
      const cipher = createCipheriv('aes-256-xts', key, tweaks.subarray(16 * i, 16 * i + 16));
      r.set(cipher.update(views[sourceIndex[i]].subarray(at, at + pageSize)), (i % slots) * pageSize);
      Atomics.store(c, PRODUCED, i + 1);
      Atomics.notify(c, PRODUCED);
      if ((i & 255) === 255) collectYoung(); // OpenSSL's output buffers, 1 MiB of them
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
