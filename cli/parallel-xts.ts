/**
 * Page encryption on a second thread for `semodel image build`. The builder ({@link streamImage})
 * stays one pure, sequential function; this module only makes its `suite.aesXtsEncrypt` calls for
 * the pages listed by {@link plannedComponents} cheap, by encrypting those pages ahead of it in a worker
 * thread, while the builder's own thread digests and writes. On two cores that takes the XTS
 * work (about a third of a large build) off the critical path.
 *
 * The worker's result for a page is used only when the call is exactly the planned one: the same
 * key bytes, the same tweak bytes, and the data a 4096-byte view at the planned place of the same
 * shared buffer. Any other call, every call after the worker failed or stalled, and every call
 * when the plan cannot be shared (inputs not in SharedArrayBuffers, a key OpenSSL's XTS does not
 * take) is computed by the base suite on the calling thread. So the output never depends on the
 * worker, only the time does; a test compares both ways byte for byte.
 *
 * The inputs must not change while the build runs (the builder never writes them).
 * @module
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { equalBytes, PAGE_SIZE } from '../model/core/bytes.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import type { PlannedComponent } from '../model/se-format/image-builder.js';
import { componentTweakBytes } from '../model/se-format/image-pages.js';
import { CTRL, STATE, XTS_WORKER_SOURCE, type XtsWorkerPlan } from './xts-worker-source.js';

/** Fewer planned pages than this are not worth a thread (4 MiB). */
export const MIN_PARALLEL_PAGES = 1024;

/** Tuning of {@link parallelXts}; the defaults suit large images. */
export interface ParallelXtsOptions {
  /** Pages per chunk the worker hands over (default 64: 256 KiB). */
  readonly chunkPages?: number;
  /** Chunks the worker may be ahead of the builder (default 8): bounds the memory in flight. */
  readonly aheadChunks?: number;
  /** Fewer planned pages than this are not worth a thread (default {@link MIN_PARALLEL_PAGES}). */
  readonly minPages?: number;
  /** A worker that produces nothing for this long is given up (default 10 s). */
  readonly stallMs?: number;
  /** A thread started earlier with {@link startXtsWorker}; without one, one is started here if needed. */
  readonly worker?: XtsWorker;
}

/** A worker thread that waits for its plan (see {@link startXtsWorker}). */
export interface XtsWorker {
  /** Ends the thread (whether or not it got a plan). */
  terminate(): void;
  /** Hands the thread its plan (`transfer`: the plan's port). */
  post(plan: XtsWorkerPlan, transfer: readonly MessagePort[]): void;
}

/**
 * Starts the encryption thread before its plan is known, so that its start-up (tens of
 * milliseconds) overlaps reading the inputs. Give it to {@link parallelXts}, which ends it if the
 * plan does not need it.
 */
export function startXtsWorker(): XtsWorker {
  // A small young generation: the thread's per-page garbage (OpenSSL's output buffers) is freed early.
  const worker = new Worker(XTS_WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  worker.unref();
  worker.on('error', () => undefined); // reported through ctrl; an 'error' event must not crash the build
  return {
    terminate: () => void worker.terminate().catch(() => undefined),
    post: (plan, transfer) => worker.postMessage(plan, transfer),
  };
}

/** A suite whose XTS encryption of planned pages is done ahead on a worker thread. */
export interface ParallelXts {
  /** The base suite, except for `aesXtsEncrypt` of planned pages. */
  readonly suite: CryptoSuite;
  /** Whether a worker was started for the plan. */
  readonly threaded: boolean;
  /** How many `aesXtsEncrypt` calls the worker answered, and how many this thread computed. */
  counts(): { readonly fromWorker: number; readonly onThread: number };
  /** Stops the worker. Call it when the build is over, also after a failure. */
  close(): void;
}

/** Whether the plan can go to a worker: a 64-byte key, components in shared memory. */
function shareable(key: Uint8Array, plan: readonly PlannedComponent[]): boolean {
  // OpenSSL refuses XTS keys whose halves are equal; the base suite handles them on this thread.
  if (key.length !== 64 || equalBytes(key.subarray(0, 32), key.subarray(32))) return false;
  return plan.every((c) => c.bytes.buffer instanceof SharedArrayBuffer && c.wholePages * PAGE_SIZE <= c.bytes.length);
}

/** Whether the 16 bytes of `tweak` are those at `16 * n` of `tweaks` (no view allocated). */
function sameTweak(tweak: Uint8Array, tweaks: Uint8Array, n: number): boolean {
  if (tweak.length !== 16) return false;
  for (let i = 0; i < 16; i++) if (tweak[i] !== tweaks[16 * n + i]) return false;
  return true;
}

/**
 * Starts encrypting the planned pages with `key` on a worker thread and returns a suite that
 * serves those results to the builder. Without a worker (small or unshareable plan) the suite is
 * `base`.
 */
export function parallelXts(base: CryptoSuite, key: Uint8Array, plan: readonly PlannedComponent[], options: ParallelXtsOptions = {}): ParallelXts {
  let fromWorker = 0;
  let onThread = 0;
  const counted: CryptoSuite = {
    ...base,
    aesXtsEncrypt: (k, tweak, data) => {
      onThread++;
      return base.aesXtsEncrypt(k, tweak, data);
    },
  };
  const counts = () => ({ fromWorker, onThread });
  const total = plan.reduce((n, c) => n + c.wholePages, 0);
  if (total < (options.minPages ?? MIN_PARALLEL_PAGES) || !shareable(key, plan)) {
    options.worker?.terminate();
    return { suite: counted, threaded: false, counts, close: () => undefined };
  }

  // The plan as flat arrays, page by page: which buffer, where in it, and the tweak.
  const chunkPages = options.chunkPages ?? 64;
  const stallMs = options.stallMs ?? 10_000;
  const sources: SharedArrayBuffer[] = [];
  const sourceIndex = new Uint32Array(total);
  const offsets = new Float64Array(total);
  const tweaks = new Uint8Array(16 * total);
  let n = 0;
  for (const c of plan) {
    const buffer = c.bytes.buffer as SharedArrayBuffer;
    let s = sources.indexOf(buffer);
    if (s < 0) s = sources.push(buffer) - 1;
    tweaks.set(componentTweakBytes(c.tweakPrefix, c.wholePages), 16 * n);
    for (let i = 0; i < c.wholePages; i++, n++) {
      sourceIndex[n] = s;
      offsets[n] = c.bytes.byteOffset + i * PAGE_SIZE;
    }
  }
  const ctrlBuffer = new SharedArrayBuffer(4 * 3);
  const ctrl = new Int32Array(ctrlBuffer);
  const { port1, port2 } = new MessageChannel();
  const worker = options.worker ?? startXtsWorker();
  worker.post(
    { key: Uint8Array.from(key), sources, sourceIndex, offsets, tweaks, pageSize: PAGE_SIZE, chunkPages, aheadChunks: options.aheadChunks ?? 8, ctrl: ctrlBuffer, port: port2 },
    [port2],
  );

  let usable = true;
  let next = 0; // the planned page expected next
  let held = -1; // the chunk in hand
  let heldPages: Uint8Array = new Uint8Array(0);

  /** Chunk `k`, the next one, once the worker has posted it; undefined if it ended or stalled first. */
  const receive = (k: number): Uint8Array | undefined => {
    for (let misses = 0; ; ) {
      const produced = Atomics.load(ctrl, CTRL.PRODUCED);
      if (produced > k) {
        const m = receiveMessageOnPort(port1);
        if (m !== undefined) return new Uint8Array(m.message as SharedArrayBuffer);
        // Posted before it was counted, so it should be in the port already: wait a little, not forever.
        if (++misses > 1000) return undefined;
        Atomics.wait(ctrl, CTRL.STATE, Atomics.load(ctrl, CTRL.STATE), 1);
        continue;
      }
      // The state is read before the count again: a worker that finished counted its last chunk first.
      if (Atomics.load(ctrl, CTRL.STATE) !== STATE.RUNNING && Atomics.load(ctrl, CTRL.PRODUCED) <= k) return undefined;
      if (Atomics.wait(ctrl, CTRL.PRODUCED, produced, stallMs) === 'timed-out') return undefined;
    }
  };

  /**
   * Planned page `i` (the next one) as the worker encrypted it: a view of its chunk, which the
   * worker wrote once and no one writes again. Undefined if the worker ended or stalled.
   */
  const take = (i: number): Uint8Array | undefined => {
    const k = Math.floor(i / chunkPages);
    if (k !== held) {
      const got = k === held + 1 ? receive(k) : undefined;
      if (got === undefined) return undefined;
      held = k;
      heldPages = got;
      Atomics.store(ctrl, CTRL.CONSUMED, k + 1);
      Atomics.notify(ctrl, CTRL.CONSUMED);
    }
    const at = (i - held * chunkPages) * PAGE_SIZE;
    return at + PAGE_SIZE <= heldPages.length ? heldPages.subarray(at, at + PAGE_SIZE) : undefined;
  };

  const suite: CryptoSuite = {
    ...base,
    aesXtsEncrypt: (k, tweak, data) => {
      if (
        usable &&
        next < total &&
        data.buffer === sources[sourceIndex[next] ?? 0] &&
        data.byteOffset === offsets[next] &&
        data.length === PAGE_SIZE &&
        sameTweak(tweak, tweaks, next) &&
        (k === key || equalBytes(k, key))
      ) {
        const page = take(next);
        if (page !== undefined) {
          next++;
          fromWorker++;
          return page;
        }
        usable = false;
      }
      onThread++;
      return base.aesXtsEncrypt(k, tweak, data);
    },
  };

  return {
    suite,
    threaded: true,
    counts,
    close() {
      usable = false;
      Atomics.compareExchange(ctrl, CTRL.STATE, STATE.RUNNING, STATE.CANCELLED);
      Atomics.notify(ctrl, CTRL.CONSUMED);
      port1.close();
      worker.terminate();
    },
  };
}
