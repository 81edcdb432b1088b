/**
 * The source of the worker thread of the streamed `semodel image build` (./image-build-stream.ts).
 * It is a string run with `new Worker(source, { eval: true })` because Node 20 worker threads
 * cannot load TypeScript: a string runs the same from dist/, under tsx and under vitest.
 *
 * The worker reads the kernel and initrd files (by file descriptor: threads share them) chunk by
 * chunk at explicit positions, zero-pads the last page, encrypts every page with AES-256-XTS
 * (IEEE 1619 on node:crypto's AES-256-ECB and {@link XTS_XOR_WASM}; node:crypto's XTS per page
 * if WebAssembly fails; tests compare both with the node suite byte for byte) and leaves the
 * chunk in a ring of shared slots, writing it to the image file at its offset first when the
 * output is a file it can write at offsets (every output of the command is). The main thread
 * digests the chunks in order (and writes those the worker did not), then releases their slots. Either thread may
 * take the next chunk: the main thread, when it has caught up, encrypts a chunk the worker has
 * not claimed yet itself, so that both cores stay busy whichever is slower. `ctrl` (Int32Array
 * over a SharedArrayBuffer) is the handshake:
 * - `ctrl[CLAIMED]`: chunks claimed so far, by either thread (compare-and-swap `k` → `k + 1`
 *   claims chunk `k`);
 * - `ctrl[CONSUMED]`: chunks the main thread is done with; the worker claims chunk `k` only when
 *   `k - CONSUMED < slots`, so it never writes a slot the main thread still reads;
 * - `ctrl[STATE]`: RUNNING, then DONE, FAILED (any exception, a file shorter than planned) or
 *   CANCELLED (by the main thread);
 * - `ctrl[BUSY]`: 1 while the worker works on a chunk it claimed (reads, encrypts, writes it),
 *   else 0 (notified), so that the main thread can wait for a cancelled worker's last write;
 * - `ctrl[READY + s]`: `k + 1` once the worker has filled slot `s` with chunk `k` (notified).
 * Both sides cut the components into the same chunks: {@link chunksOf}'s rule, repeated in the
 * source below.
 * @module
 */
import { COLLECT_YOUNG_SOURCE } from './young-gc.js';

/** Indices into the control array. */
export const BUILD_CTRL = { CLAIMED: 0, CONSUMED: 1, STATE: 2, BUSY: 3, READY: 4 } as const;
/** Values of `ctrl[BUILD_CTRL.STATE]`. */
export const BUILD_STATE = { RUNNING: 0, DONE: 1, FAILED: 2, CANCELLED: 3 } as const;

/** One file component the worker reads: `pages` pages from `fd`, of which `length` bytes are data. */
export interface WorkerComponent {
  readonly fd: number;
  readonly length: number;
  readonly pages: number;
  /** The u64 tweak prefix, big-endian (page `i`'s tweak is it ‖ u64 `i * pageSize`). */
  readonly prefix: Uint8Array;
  /** Where the component's first page goes in the image file. */
  readonly offset: number;
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
  /** `BUILD_CTRL.READY + slots.length` Int32 (see the module comment). */
  readonly ctrl: SharedArrayBuffer;
  /** Encrypt with node:crypto's XTS page by page instead of ECB and WebAssembly (the fallback; tests use it). */
  readonly perPageXts: boolean;
  /**
   * The image file's descriptor: the worker writes each chunk it fills there, at its offset,
   * before it says the chunk is ready; null: the main thread writes every chunk.
   */
  readonly out: number | null;
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

/**
 * A WebAssembly module (this base64) for the XOR work of XTS, which typed-array loops in
 * JavaScript do at a fraction of the speed. Its text (WAT), hand-assembled:
 *
 *     (memory (export "mem") 13)
 *     ;; mask(n, t, p, m): for each of n pages at p (page-aligned, 4096 bytes each), with T the
 *     ;; 16 bytes at t + 16·page as a little-endian u128: for each 16-byte block j, store T·α^j
 *     ;; at m and XOR it into the block; T·α = (T << 1) xor (0x87 if bit 127 of T was set)
 *     (func (export "mask") (param $n i32) (param $t i32) (param $p i32) (param $m i32)
 *       (local $lo i64) (local $hi i64) (local $end i32) (local $c i64)
 *       (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 12))))
 *       (block $done (loop $page
 *         (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $lo (i64.load (local.get $t))) (local.set $hi (i64.load offset=8 (local.get $t)))
 *         (local.set $t (i32.add (local.get $t) (i32.const 16)))
 *         (loop $block
 *           (i64.store (local.get $m) (local.get $lo)) (i64.store offset=8 (local.get $m) (local.get $hi))
 *           (i64.store (local.get $p) (i64.xor (i64.load (local.get $p)) (local.get $lo)))
 *           (i64.store offset=8 (local.get $p) (i64.xor (i64.load offset=8 (local.get $p)) (local.get $hi)))
 *           (local.set $c (i64.shr_u (local.get $hi) (i64.const 63)))
 *           (local.set $hi (i64.or (i64.shl (local.get $hi) (i64.const 1)) (i64.shr_u (local.get $lo) (i64.const 63))))
 *           (local.set $lo (i64.xor (i64.shl (local.get $lo) (i64.const 1)) (i64.mul (local.get $c) (i64.const 135))))
 *           (local.set $p (i32.add (local.get $p) (i32.const 16))) (local.set $m (i32.add (local.get $m) (i32.const 16)))
 *           (br_if $block (i32.and (local.get $p) (i32.const 4095))))
 *         (br $page))))
 *     ;; xor(a, b, len): a[i] ^= b[i] for len bytes (a multiple of 16)
 *     (func (export "xor") (param $a i32) (param $b i32) (param $len i32) (local $end i32)
 *       (local.set $end (i32.add (local.get $a) (local.get $len)))
 *       (block $done (loop $l
 *         (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
 *         (i64.store (local.get $a) (i64.xor (i64.load (local.get $a)) (i64.load (local.get $b))))
 *         (i64.store offset=8 (local.get $a) (i64.xor (i64.load offset=8 (local.get $a)) (i64.load offset=8 (local.get $b))))
 *         (local.set $a (i32.add (local.get $a) (i32.const 16))) (local.set $b (i32.add (local.get $b) (i32.const 16)))
 *         (br $l))))
 *
 * WebAssembly memory is little-endian on every host, as XTS's u128 is.
 */
export const XTS_XOR_WASM = 'AGFzbQEAAAABDgJgBH9/f38AYAN/f38AAwMCAAEFAwEADQcUAwNtZW0CAARtYXNrAAADeG9yAAEK5QECmQEDAn4BfwF+IAIgAEEMdGohBgJAA0AgAiAGTw0BIAEpAwAhBCABKQMIIQUgAUEQaiEBA0AgAyAENwMAIAMgBTcDCCACIAIpAwAgBIU3AwAgAiACKQMIIAWFNwMIIAVCP4ghByAFQgGGIARCP4iEIQUgBEIBhiAHQocBfoUhBCACQRBqIQIgA0EQaiEDIAJB/x9xDQALDAALCwtIAQF/IAAgAmohAwJAA0AgACADTw0BIAAgACkDACABKQMAhTcDACAAIAApAwggASkDCIU3AwggAEEQaiEAIAFBEGohAQwACwsL';

/** The worker, as CommonJS (what an eval worker runs). */
export const BUILD_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
const { readSync, writeSync } = require('node:fs');
${COLLECT_YOUNG_SOURCE}
parentPort.once('message', (plan) => {
  const { key, components, pageSize, chunkPages, slots, ctrl, perPageXts, out } = plan;
  const c = new Int32Array(ctrl);
  const CLAIMED = ${BUILD_CTRL.CLAIMED}, CONSUMED = ${BUILD_CTRL.CONSUMED}, STATE = ${BUILD_CTRL.STATE}, BUSY = ${BUILD_CTRL.BUSY}, READY = ${BUILD_CTRL.READY};
  const RUNNING = ${BUILD_STATE.RUNNING}, DONE = ${BUILD_STATE.DONE}, FAILED = ${BUILD_STATE.FAILED};
  const views = slots.map((s) => new Uint8Array(s));
  const plain = Buffer.alloc(chunkPages * pageSize);
  const tweak = Buffer.alloc(16);
  const tweaks = Buffer.alloc(16 * chunkPages);
  let pagesDone = 0;
  let chunksDone = 0;
  // XTS (IEEE 1619) on two long-lived AES-256-ECB ciphers: per page T = AES(K2, tweak), then
  // block j is AES(K1, P xor T·α^j) xor T·α^j. Per chunk one ECB call for the tweaks, one for the
  // pages, and the XORs in WebAssembly: no cipher object, output buffer and key schedule per page
  // (node:crypto's XTS costs that, and the garbage collector twice as much again).
  const ecb = (k) => { const e = createCipheriv('aes-256-ecb', k, null); e.setAutoPadding(false); return e; };
  let fast = null;
  if (key !== null && pageSize === 4096 && !perPageXts) {
    try {
      const wasm = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from('${XTS_XOR_WASM}', 'base64'))).exports;
      const region = chunkPages * pageSize;
      const need = Math.ceil((3 * region + 16 * chunkPages) / 65536);
      const have = wasm.mem.buffer.byteLength / 65536;
      if (need > have) wasm.mem.grow(need - have);
      fast = { wasm, mem: new Uint8Array(wasm.mem.buffer), PLAIN: 0, MASK: region, OUT: 2 * region, TW: 3 * region, k1: ecb(key.subarray(0, 32)), k2: ecb(key.subarray(32, 64)) };
    } catch {
      fast = null; // node:crypto's XTS per page, below
    }
  }
  const plainOf = () => (fast === null ? plain : fast.mem.subarray(fast.PLAIN, fast.PLAIN + chunkPages * pageSize));
  function setTweak(into, at, comp, p) {
    into.set(comp.prefix, at);
    const offset = p * pageSize; // below 2^53: two u32 halves
    into.writeUInt32BE(Math.floor(offset / 0x100000000), at + 8);
    into.writeUInt32BE(offset >>> 0, at + 12);
  }
  function encrypt(comp, from, to, slot) {
    const n = to - from;
    if (fast === null) {
      for (let p = from; p < to; p++) {
        setTweak(tweak, 0, comp, p);
        const at = (p - from) * pageSize;
        slot.set(createCipheriv('aes-256-xts', key, tweak).update(plain.subarray(at, at + pageSize)), at);
        if ((++pagesDone & 255) === 0) collectYoung(); // OpenSSL's output buffers, 1 MiB of them
      }
      return;
    }
    const { wasm, mem, PLAIN, MASK, OUT, TW, k1, k2 } = fast;
    for (let p = from; p < to; p++) setTweak(tweaks, 16 * (p - from), comp, p);
    mem.set(k2.update(tweaks.subarray(0, 16 * n)), TW);
    wasm.mask(n, TW, PLAIN, MASK);
    mem.set(k1.update(mem.subarray(PLAIN, PLAIN + n * pageSize)), OUT);
    wasm.xor(OUT, MASK, n * pageSize);
    slot.set(mem.subarray(OUT, OUT + n * pageSize));
    // The chunks' ECB outputs, 8 MiB of them: a young collection costs some 0.5 ms, so not one per chunk.
    if ((++chunksDone & 31) === 0) collectYoung();
  }
  // The chunks, as chunksOf cuts them.
  const chunks = [];
  components.forEach((comp) => {
    for (let from = 0; from < comp.pages; from += chunkPages) chunks.push({ comp, from, to: Math.min(comp.pages, from + chunkPages) });
  });
  function idle() {
    Atomics.store(c, BUSY, 0);
    Atomics.notify(c, BUSY);
  }
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
      // Busy before the claim and the state read again after it: a main thread that cancels and
      // then sees the worker idle knows that no write of the worker comes later.
      Atomics.store(c, BUSY, 1);
      if (Atomics.load(c, STATE) !== RUNNING || Atomics.compareExchange(c, CLAIMED, k, k + 1) !== k) {
        idle();
        continue; // cancelled, or the main thread took the chunk
      }
      const { comp, from, to } = chunks[k];
      const slot = views[k % slots.length];
      const target = key === null ? slot : plainOf();
      const start = from * pageSize;
      const want = Math.max(0, Math.min(to * pageSize, comp.length) - start);
      for (let got = 0; got < want; ) {
        const n = readSync(comp.fd, target, got, want - got, start + got);
        if (n === 0) throw new Error('short read'); // the file shrank: the main thread reads it again and says so
        got += n;
      }
      target.fill(0, want, (to - from) * pageSize);
      if (key !== null) encrypt(comp, from, to, slot);
      if (out !== null) {
        // A failed write (a full disk) fails the worker: the main thread writes the rest and says why.
        const bytes = (to - from) * pageSize, at = comp.offset + from * pageSize;
        for (let done = 0; done < bytes; ) done += writeSync(out, slot, done, bytes - done, at + done);
      }
      Atomics.store(c, READY + (k % slots.length), k + 1);
      Atomics.notify(c, READY + (k % slots.length));
      idle();
    }
    Atomics.compareExchange(c, STATE, RUNNING, DONE);
  }
  try {
    run();
  } catch {
    Atomics.compareExchange(c, STATE, RUNNING, FAILED);
  } finally {
    idle();
    for (let s = 0; s < slots.length; s++) Atomics.notify(c, READY + s);
  }
});
`;
