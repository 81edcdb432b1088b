/**
 * The PLD of an image computed ahead, on a worker thread (./image-verify-worker.ts), while
 * `image verify` runs the model.
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
import type { DigestState } from '../model/crypto/suite.js';

/** A SHA-512 of a list of pages being computed elsewhere (./image-verify-worker.ts). */
export interface PageHashJob {
  /** The digest, waiting for it if need be; undefined when the worker failed. */
  result(): Uint8Array | undefined;
  /** Stops the worker if it still runs (the process can exit without it in any case). */
  stop(): void;
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
 * const job = startVerifyWorker(imagePages); // pages: their stored bytes
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
