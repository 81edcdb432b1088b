/**
 * The tweaks a guest has used (REQ-UNPACK-10), as a persistent set of 16-byte values.
 *
 * A tweak is held as four 32-bit words, never as the caller's bytes or a string built from them:
 * `add` reads the tweak once and keeps numbers, so it may be handed scratch memory, and no key
 * string is built and hashed per step. The set is a trie on a 32-bit hash of the words,
 * {@link WIDTH}-way per level like the page table (../world/page-map.ts); a slot holds a bucket of
 * up to {@link BUCKET_MAX} tweaks, which splits into a node when it overflows while hash bits are
 * left. An `add` copies the path to one bucket and shares everything else, so an old set never
 * changes. Equal hashes of different tweaks only share a bucket: membership always compares all
 * four words.
 * @module
 */

/** Hash bits per level, and slots per node. */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/** Tweaks per bucket before it splits (while the hash has bits left below its level). */
export const BUCKET_MAX = 16;

/** The bytes of a tweak. */
export const TWEAK_BYTES = 16;

/** Up to {@link BUCKET_MAX} tweaks (more only where the hash has no bits left): 4 words each. */
class Bucket {
  constructor(readonly words: readonly number[]) {}
}

/** A node's slots hold nodes, buckets or nothing. */
type Slot = Node | Bucket | undefined;
type Node = readonly Slot[];

/** The big-endian 32-bit word at byte `i` of a tweak, as a signed integer. */
function word(t: Uint8Array, i: number): number {
  return ((t[i] ?? 0) << 24) | ((t[i + 1] ?? 0) << 16) | ((t[i + 2] ?? 0) << 8) | (t[i + 3] ?? 0);
}

/** MurmurHash3's finalizer: every input bit moves about half the output bits. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hash of a tweak's words. */
function hashOf(w0: number, w1: number, w2: number, w3: number): number {
  return mix(w0 ^ mix(w1 ^ mix(w2 ^ mix(w3))));
}

/**
 * The 32-bit hash the set files a 16-byte tweak under (exported for tests that build colliding
 * tweaks).
 */
export function tweakHash(tweak: Uint8Array): number {
  return hashOf(word(tweak, 0), word(tweak, 4), word(tweak, 8), word(tweak, 12));
}

/** Where in the bucket's words the tweak of these words starts, or -1. */
function indexIn(b: Bucket, w0: number, w1: number, w2: number, w3: number): number {
  const w = b.words;
  for (let i = 0; i < w.length; i += 4) {
    if (w[i] === w0 && w[i + 1] === w1 && w[i + 2] === w2 && w[i + 3] === w3) return i;
  }
  return -1;
}

/** The bucket the tweak of hash `h` would be in, if any. */
function bucketOf(root: Slot, h: number): Bucket | undefined {
  let slot = root;
  for (let shift = 0; slot !== undefined && !(slot instanceof Bucket); shift += BITS) slot = slot[(h >>> shift) & MASK];
  return slot;
}

/**
 * A persistent set of 16-byte tweaks. Every update returns a new set and leaves this one as it
 * was; no update keeps the bytes it was given.
 * @example
 * ```ts
 * const used = TweakSet.empty().add(tweak);
 * used.has(tweak); // true
 * used.size; // 1
 * ```
 */
export class TweakSet {
  /** The one empty set. */
  private static readonly NONE = new TweakSet(undefined, 0);

  private constructor(
    private readonly root: Slot,
    /** The number of tweaks held. */
    readonly size: number,
  ) {}

  /** The set with no tweaks. */
  static empty(): TweakSet {
    return TweakSet.NONE;
  }

  /** Whether the set holds `tweak`; false for a value that is not 16 bytes long (no tweak is). */
  has(tweak: Uint8Array): boolean {
    if (tweak.length !== TWEAK_BYTES) return false;
    const w0 = word(tweak, 0), w1 = word(tweak, 4), w2 = word(tweak, 8), w3 = word(tweak, 12);
    const b = bucketOf(this.root, hashOf(w0, w1, w2, w3));
    return b !== undefined && indexIn(b, w0, w1, w2, w3) >= 0;
  }

  /**
   * The set with `tweak` (this set when it holds it already).
   * @throws RangeError for a value that is not 16 bytes long
   */
  add(tweak: Uint8Array): TweakSet {
    if (tweak.length !== TWEAK_BYTES) throw new RangeError(`a tweak is ${TWEAK_BYTES} bytes, got ${tweak.length}`);
    const w0 = word(tweak, 0), w1 = word(tweak, 4), w2 = word(tweak, 8), w3 = word(tweak, 12);
    const root = insert(this.root, 0, hashOf(w0, w1, w2, w3), w0, w1, w2, w3);
    return root === this.root ? this : new TweakSet(root, this.size + 1);
  }

  /** The set without `tweak` (this set when it holds none). */
  delete(tweak: Uint8Array): TweakSet {
    if (!this.has(tweak)) return this;
    const w0 = word(tweak, 0), w1 = word(tweak, 4), w2 = word(tweak, 8), w3 = word(tweak, 12);
    return this.size === 1 ? TweakSet.NONE : new TweakSet(remove(this.root, 0, hashOf(w0, w1, w2, w3), w0, w1, w2, w3), this.size - 1);
  }

  /** Same as {@link TweakSet.delete} (the name immutable's sets also answer to). */
  remove(tweak: Uint8Array): TweakSet {
    return this.delete(tweak);
  }

  /** Every tweak held, as fresh 16-byte arrays, in no particular order. */
  *values(): IterableIterator<Uint8Array> {
    yield* walk(this.root);
  }

  [Symbol.iterator](): IterableIterator<Uint8Array> {
    return this.values();
  }
}

/** An empty node, every slot present (a packed array copies faster than a holey one). */
function emptyNode(): Slot[] {
  return new Array<Slot>(WIDTH).fill(undefined);
}

/** `slot` (at level `shift`) with the tweak added: copies the path to its bucket; `slot` itself when it holds the tweak. */
function insert(slot: Slot, shift: number, h: number, w0: number, w1: number, w2: number, w3: number): Slot {
  if (slot === undefined) return new Bucket([w0, w1, w2, w3]);
  if (slot instanceof Bucket) {
    if (indexIn(slot, w0, w1, w2, w3) >= 0) return slot;
    // A full bucket splits while the hash has bits below this level; at the last level it grows.
    if (slot.words.length < 4 * BUCKET_MAX || shift >= 32) {
      const words = slot.words.slice();
      words.push(w0, w1, w2, w3);
      return new Bucket(words);
    }
    let node: Slot = emptyNode();
    const w = slot.words;
    for (let i = 0; i < w.length; i += 4) {
      const [a, b, c, d] = [w[i] ?? 0, w[i + 1] ?? 0, w[i + 2] ?? 0, w[i + 3] ?? 0];
      node = insert(node, shift, hashOf(a, b, c, d), a, b, c, d);
    }
    return insert(node, shift, h, w0, w1, w2, w3);
  }
  const i = (h >>> shift) & MASK;
  const child = insert(slot[i], shift + BITS, h, w0, w1, w2, w3);
  if (child === slot[i]) return slot;
  const copy = slot.slice();
  copy[i] = child;
  return copy;
}

/** `slot` (at level `shift`) without the tweak, which it holds: copies the path to its bucket. */
function remove(slot: Slot, shift: number, h: number, w0: number, w1: number, w2: number, w3: number): Slot {
  if (slot === undefined) return undefined;
  if (slot instanceof Bucket) {
    const at = indexIn(slot, w0, w1, w2, w3);
    const words = slot.words.slice();
    if (at >= 0) words.splice(at, 4);
    return words.length === 0 ? undefined : new Bucket(words);
  }
  const i = (h >>> shift) & MASK;
  const copy = slot.slice();
  copy[i] = remove(slot[i], shift + BITS, h, w0, w1, w2, w3);
  return copy;
}

/** The tweaks under `slot`, as bytes. */
function* walk(slot: Slot): Generator<Uint8Array> {
  if (slot === undefined) return;
  if (slot instanceof Bucket) {
    for (let i = 0; i < slot.words.length; i += 4) {
      const t = new Uint8Array(TWEAK_BYTES);
      const v = new DataView(t.buffer);
      for (let j = 0; j < 4; j++) v.setUint32(4 * j, (slot.words[i + j] ?? 0) >>> 0);
      yield t;
    }
    return;
  }
  for (const s of slot) yield* walk(s);
}
