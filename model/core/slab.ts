/**
 * Copies of byte strings that live as long as the state that holds them, cut from shared slabs.
 * A fresh 4 KiB Uint8Array costs an off-heap allocation and a finalizer (about 2-3 µs in V8, and
 * garbage-collection work on top), several times the copy itself; a view cut from a 256 KiB slab
 * costs a small object. Views never overlap, and nothing writes a slab but {@link slabCopy} into
 * bytes not yet handed out, so each copy is as independent as a fresh array. A slab lives until
 * the last view of it is dropped.
 * @module
 */

/** The size of one slab. */
export const SLAB_BYTES = 256 * 1024;

/** Copies longer than this get arrays of their own: cutting them from slabs saves little. */
export const MAX_SLAB_COPY = 16 * 1024;

/** Copies this short are small on-heap arrays already (V8 keeps typed arrays of ≤ 64 bytes on the heap). */
const ON_HEAP_BYTES = 64;

let slab = new Uint8Array(0);
let used = 0;

/**
 * A copy of `bytes` in memory no other copy shares.
 * @example
 * ```ts
 * const kept = slabCopy(page); // equal to page, independent of it
 * ```
 */
export function slabCopy(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: a copy of its own or from a slab holds the same bytes
  if (n <= ON_HEAP_BYTES || n > MAX_SLAB_COPY) return bytes.slice();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: starting a slab early only wastes its tail
  if (used + n > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  // Keep copies 16-byte aligned (SIMD-friendly for the hashes and ciphers that read them).
  used += (n + 15) & ~15;
  out.set(bytes);
  return out;
}
