/**
 * An immutable incremental digest that costs no more than a mutable one.
 *
 * Reducer state holds running digests (PLD, ALD, TLD) and must stay persistent: an update may
 * not change the value it was called on. Copying the hash state on every update does that, but
 * the copies dominated the cost of an unpack step. Here an update only links the data onto a
 * list of pending chunks; every {@link FOLD_EVERY} updates, and at `digest()`, the pending chunks
 * are fed, in order, into a copy of the last folded hash. Each byte is hashed once along a linear
 * history; branches of the history share their folded prefix.
 *
 * The data passed to `update` is copied onto the list (../core/slab.ts), as a DigestState
 * promises: the caller may change its bytes afterwards.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { slabCopy } from '../core/slab.js';
import type { DigestState } from './suite.js';

/** How a suite drives one of its mutable hashes. */
export interface MutableHash<H> {
  /** A fresh hash. */
  create(): H;
  /** An independent copy of `h`. */
  copy(h: H): H;
  /** Feeds `data` into `h` (mutates `h`). */
  update(h: H, data: Uint8Array): void;
  /** Finishes `h` (which is not used again) and returns the digest. */
  finish(h: H): Uint8Array;
}

/** Pending updates fold into a new hash snapshot after this many. */
export const FOLD_EVERY = 32;

/** Chunks up to this size are joined before they are hashed. */
const SMALL_CHUNK = 64;

interface Pending {
  readonly data: Uint8Array;
  readonly prev: Pending | undefined;
}

class LazyDigest<H> implements DigestState {
  constructor(
    private readonly ops: MutableHash<H>,
    /** Never mutated once it is here: every fold works on a copy. */
    private readonly folded: H,
    private readonly pending: Pending | undefined,
    private readonly count: number,
  ) {}

  update(data: Uint8Array): DigestState {
    const pending: Pending = { data: slabCopy(data), prev: this.pending };
    // When to fold only trades memory (pending chunks) against hash copies: folding at any
    // count, or never, feeds the same bytes in the same order, so the digests are the same.
    // Stryker disable next-line ArithmeticOperator: a wrong count only moves the next fold (performance-only, see above)
    const count = this.count + 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: fold timing is performance-only (see above)
    return count < FOLD_EVERY
      ? new LazyDigest(this.ops, this.folded, pending, count)
      : new LazyDigest(this.ops, this.fold(pending), undefined, 0);
  }

  digest(): Uint8Array {
    return this.ops.finish(this.fold(this.pending));
  }

  /**
   * A copy of the folded hash with the pending chunks fed in, oldest first. Small chunks (page
   * addresses, tweaks) are joined first: one update instead of many cheap ones, each of which
   * costs a call into the hash (a crossing into C++ for node:crypto).
   */
  private fold(pending: Pending | undefined): H {
    const chunks: Uint8Array[] = [];
    // Joining the chunks or feeding them one by one hashes the same bytes in the same order
    // (the hash of a concatenation): which of the two is used is performance-only.
    // Stryker disable next-line BooleanLiteral: join-or-not is performance-only (see above)
    let small = true;
    for (let p = pending; p !== undefined; p = p.prev) {
      chunks.push(p.data);
      // Stryker disable next-line AssignmentOperator,ConditionalExpression,EqualityOperator: join-or-not is performance-only
      small &&= p.data.length <= SMALL_CHUNK;
    }
    chunks.reverse();
    const h = this.ops.copy(this.folded);
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: join-or-not is performance-only
    if (small && chunks.length > 1) this.ops.update(h, concatBytes(...chunks));
    else for (const c of chunks) this.ops.update(h, c);
    return h;
  }
}

/** An empty immutable digest over the suite's mutable hash. */
export function lazyDigest<H>(ops: MutableHash<H>): DigestState {
  return new LazyDigest(ops, ops.create(), undefined, 0);
}
