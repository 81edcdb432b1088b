/**
 * The PLD of an image computed ahead, on a worker thread, while `image verify` runs the model.
 *
 * The PLD is SHA-512 over the stored (encrypted) pages in the order the IPIB lists them: it does
 * not depend on anything the firmware decrypts, so the command can start hashing the moment it
 * has parsed the file, on the second core, and hand the model the result when the model's running
 * digest has been fed exactly those pages. The model's semantics do not change: a digest is a
 * pure function of the bytes fed to it, and {@link predictedDigest} answers from the worker only
 * when every update was byte for byte the next stored page; any other update (an address, a
 * tweak, a page out of order, a page the image does not hold) turns it into the base suite's
 * digest, fed with the pages so far and then that update. test/cli/image-verify-pld.test.ts
 * compares both on matching and diverging histories.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { DigestState } from '../model/crypto/suite.js';

/** The worker's source (CommonJS, run with `eval: true`: Node 20 worker threads cannot load TypeScript). */
const PLD_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag, 0, 1);
try {
  const digest = require('node:crypto').createHash('sha512').update(new Uint8Array(workerData.pages)).digest();
  new Uint8Array(workerData.flag, 4, 64).set(digest);
  Atomics.store(flag, 0, 1);
} catch {
  Atomics.store(flag, 0, 2);
}
Atomics.notify(flag, 0);
`;

/** The states of the worker's flag. */
const PENDING = 0;
const DONE = 1;

/** A SHA-512 of a list of pages being computed elsewhere. */
export interface PageHashJob {
  /** The digest, waiting for it if need be; undefined when the worker failed. */
  result(): Uint8Array | undefined;
  /** Stops the worker if it still runs (the process can exit without it in any case). */
  stop(): void;
}

/**
 * Starts hashing the concatenation of `pages` on a worker thread; undefined when no worker can
 * start. The pages are copied into shared memory first (one pass, so that later changes to the
 * caller's bytes cannot reach the worker's).
 */
export function hashPagesInBackground(pages: readonly Uint8Array[]): PageHashJob | undefined {
  const total = pages.reduce((s, p) => s + p.length, 0);
  const shared = new SharedArrayBuffer(total);
  const into = new Uint8Array(shared);
  let at = 0;
  for (const p of pages) {
    into.set(p, at);
    at += p.length;
  }
  const flag = new SharedArrayBuffer(4 + 64);
  let worker: Worker;
  try {
    worker = new Worker(PLD_WORKER_SOURCE, { eval: true, workerData: { pages: shared, flag } });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => undefined);
  const state = new Int32Array(flag, 0, 1);
  return {
    result() {
      // The worker always stores DONE or FAILED and notifies, even when hashing throws.
      while (Atomics.load(state, 0) === PENDING) Atomics.wait(state, 0, PENDING);
      return Atomics.load(state, 0) === DONE ? new Uint8Array(flag, 4, 64).slice() : undefined;
    },
    stop() {
      void worker.terminate();
    },
  };
}

/** Byte equality by memcmp. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * A digest state that is fed `pages` in order, answering its digest from `job` when it has been
 * fed all of them and nothing else, and otherwise behaving as `start` (the base suite's empty
 * digest) fed the same updates. Immutable, like every DigestState.
 * @example
 * ```ts
 * const job = hashPagesInBackground(pages);
 * const d = predictedDigest(suite.sha512Init(), pages, job);
 * pages.reduce((s, p) => s.update(p), d).digest(); // = SHA-512 of the pages, from the worker
 * ```
 */
export function predictedDigest(start: DigestState, pages: readonly Uint8Array[], job: PageHashJob | undefined): DigestState {
  /** The base digest of the first `count` pages: where a history leaves the prediction. */
  const replay = (count: number): DigestState => {
    let d = start;
    for (let i = 0; i < count; i++) d = d.update(pages[i] as Uint8Array);
    return d;
  };
  const onTrack = (count: number): DigestState => ({
    update(data) {
      const next = pages[count];
      return next !== undefined && same(data, next) ? onTrack(count + 1) : replay(count).update(data);
    },
    digest() {
      const ahead = count === pages.length && count > 0 ? job?.result() : undefined;
      return ahead ?? replay(count).digest();
    },
  });
  return onTrack(0);
}
