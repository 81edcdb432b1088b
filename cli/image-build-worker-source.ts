/**
 * The source of the worker thread of the streamed `semodel image build` (./image-build-stream.ts).
 * It is a string run with `new Worker(source, { eval: true })` because Node 20 worker threads
 * cannot load TypeScript: a string runs the same from dist/, under tsx and under vitest.
 *
 * The worker reads the kernel and initrd files (by file descriptor: threads share them) chunk by
 * chunk at explicit positions, zero-pads the last page, encrypts every page with node:crypto
 * AES-256-XTS (the node suite's call) and leaves the chunk in a ring of shared slots. The main
 * thread digests and writes the chunks in order, then releases their slots. Either thread may
 * take the next chunk: the main thread, when it has caught up, encrypts a chunk the worker has
 * not claimed yet itself, so that both cores stay busy whichever is slower. `ctrl` (Int32Array
 * over a SharedArrayBuffer) is the handshake:
 * - `ctrl[CLAIMED]`: chunks claimed so far, by either thread (compare-and-swap `k` → `k + 1`
 *   claims chunk `k`);
 * - `ctrl[CONSUMED]`: chunks the main thread is done with; the worker claims chunk `k` only when
 *   `k - CONSUMED < slots`, so it never writes a slot the main thread still reads;
 * - `ctrl[STATE]`: RUNNING, then DONE, FAILED (any exception, a file shorter than planned) or
 *   CANCELLED (by the main thread);
 * - `ctrl[READY + s]`: `k + 1` once the worker has filled slot `s` with chunk `k` (notified).
 * Both sides cut the components into the same chunks: {@link chunksOf}'s rule, repeated in the
 * source below.
 * @module
 */
import { COLLECT_YOUNG_SOURCE } from './young-gc.js';

/** Indices into the control array. */
export const BUILD_CTRL = { CLAIMED: 0, CONSUMED: 1, STATE: 2, READY: 3 } as const;
/** Values of `ctrl[BUILD_CTRL.STATE]`. */
export const BUILD_STATE = { RUNNING: 0, DONE: 1, FAILED: 2, CANCELLED: 3 } as const;

/** One file component the worker reads: `pages` pages from `fd`, of which `length` bytes are data. */
export interface WorkerComponent {
  readonly fd: number;
  readonly length: number;
  readonly pages: number;
  /** The u64 tweak prefix, big-endian (page `i`'s tweak is it ‖ u64 `i * pageSize`). */
  readonly prefix: Uint8Array;
}

/** The plan the worker receives as its first message. */
export interface BuildWorkerPlan {
  /** The 64-byte XTS key, or null to store the pages as they are (PCF bit 35). */
  readonly key: Uint8Array | null;
  readonly components: readonly WorkerComponent[];
  readonly pageSize: number;
  readonly chunkPages: number;
  /** The ring: each slot holds `chunkPages` pages. */
  readonly slots: readonly SharedArrayBuffer[];
  /** `3 + slots.length` Int32 (see the module comment). */
  readonly ctrl: SharedArrayBuffer;
}

/** One chunk: pages `[from, to)` of component `component` (an index into the plan's components). */
export interface Chunk {
  readonly component: number;
  readonly from: number;
  readonly to: number;
}

/** The chunks of components of `pages` pages each, in order: no chunk spans two components. */
export function chunksOf(pages: readonly number[], chunkPages: number): Chunk[] {
  const out: Chunk[] = [];
  pages.forEach((n, component) => {
    for (let from = 0; from < n; from += chunkPages) out.push({ component, from, to: Math.min(n, from + chunkPages) });
  });
  return out;
}

/** The worker, as CommonJS (what an eval worker runs). */
export const BUILD_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
const { readSync } = require('node:fs');
${COLLECT_YOUNG_SOURCE}
parentPort.once('message', (plan) => {
  const { key, components, pageSize, chunkPages, slots, ctrl } = plan;
  const c = new Int32Array(ctrl);
  const CLAIMED = ${BUILD_CTRL.CLAIMED}, CONSUMED = ${BUILD_CTRL.CONSUMED}, STATE = ${BUILD_CTRL.STATE}, READY = ${BUILD_CTRL.READY};
  const RUNNING = ${BUILD_STATE.RUNNING}, DONE = ${BUILD_STATE.DONE}, FAILED = ${BUILD_STATE.FAILED};
  const views = slots.map((s) => new Uint8Array(s));
  const plain = Buffer.alloc(chunkPages * pageSize);
  const tweak = Buffer.alloc(16);
  let pagesDone = 0;
  function encrypt(comp, from, to, slot) {
    for (let p = from; p < to; p++) {
      tweak.set(comp.prefix, 0);
      const offset = p * pageSize; // below 2^53: two u32 halves
      tweak.writeUInt32BE(Math.floor(offset / 0x100000000), 8);
      tweak.writeUInt32BE(offset >>> 0, 12);
      const at = (p - from) * pageSize;
      slot.set(createCipheriv('aes-256-xts', key, tweak).update(plain.subarray(at, at + pageSize)), at);
      if ((++pagesDone & 255) === 0) collectYoung(); // OpenSSL's output buffers, 1 MiB of them
    }
  }
  // The chunks, as chunksOf cuts them.
  const chunks = [];
  components.forEach((comp) => {
    for (let from = 0; from < comp.pages; from += chunkPages) chunks.push({ comp, from, to: Math.min(comp.pages, from + chunkPages) });
  });
  function run() {
    for (;;) {
      if (Atomics.load(c, STATE) !== RUNNING) return;
      const k = Atomics.load(c, CLAIMED);
      if (k >= chunks.length) break;
      const done = Atomics.load(c, CONSUMED);
      if (k - done >= slots.length) {
        Atomics.wait(c, CONSUMED, done, 1000);
        continue;
      }
      if (Atomics.compareExchange(c, CLAIMED, k, k + 1) !== k) continue; // the main thread took it
      const { comp, from, to } = chunks[k];
      const slot = views[k % slots.length];
      const target = key === null ? slot : plain;
      const start = from * pageSize;
      const want = Math.max(0, Math.min(to * pageSize, comp.length) - start);
      for (let got = 0; got < want; ) {
        const n = readSync(comp.fd, target, got, want - got, start + got);
        if (n === 0) throw new Error('short read'); // the file shrank: the main thread reads it again and says so
        got += n;
      }
      target.fill(0, want, (to - from) * pageSize);
      if (key !== null) encrypt(comp, from, to, slot);
      Atomics.store(c, READY + (k % slots.length), k + 1);
      Atomics.notify(c, READY + (k % slots.length));
    }
    Atomics.compareExchange(c, STATE, RUNNING, DONE);
  }
  try {
    run();
  } catch {
    Atomics.compareExchange(c, STATE, RUNNING, FAILED);
  } finally {
    for (let s = 0; s < slots.length; s++) Atomics.notify(c, READY + s);
  }
});
`;
