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
  return new OnTrack(start, pages, job, 0);
}

/** A prediction fed exactly the first `count` pages so far. */
class OnTrack implements DigestState {
  constructor(
    private readonly start: DigestState,
    private readonly pages: readonly Uint8Array[],
    private readonly job: PageHashJob | undefined,
    private readonly count: number,
  ) {}

  update(data: Uint8Array): DigestState {
    const next = this.pages[this.count];
    return next !== undefined && same(data, next) ? new OnTrack(this.start, this.pages, this.job, this.count + 1) : this.replay().update(data);
  }

  digest(): Uint8Array {
    const ahead = this.count === this.pages.length && this.count > 0 ? this.job?.result() : undefined;
    return ahead ?? this.replay().digest();
  }

  /** The base digest of the first `count` pages: where a history leaves the prediction. */
  private replay(): DigestState {
    let d = this.start;
    for (let i = 0; i < this.count; i++) d = d.update(this.pages[i] as Uint8Array);
    return d;
  }
}
