/**
 * A guest's secure memory as a persistent page table: page number → bytes.
 *
 * Guest memory is keyed by small dense integers (page numbers below the guest's size), so a
 * hash trie (immutable's `Map`) spends its time hashing keys and resizing bitmap nodes for
 * nothing. This is a radix trie of {@link WIDTH}-way nodes indexed by the page number's bits, as
 * a page table is: a lookup follows one slot per level, a `set` copies one node per level (the
 * path to the page) and shares everything else, so an old map never changes and a step that
 * places one page costs a few small array copies. Iteration is in ascending page order.
 * @module
 */

/** Slots per node, and the key bits each level takes. */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/** An inner node's slots hold nodes; a leaf's slots hold values. Absent slots are `undefined`. */
type Slots = readonly unknown[];

/** The empty node of every map: slots are only ever read from it. */
const NO_SLOTS: Slots = [];

/**
 * A persistent map from page numbers (integers ≥ 0, below 2^31) to values; `undefined` is not a
 * value (it means "no page"). Every update returns a new map and leaves this one as it was.
 * @example
 * ```ts
 * const m = PageMap.empty<Uint8Array>().set(3, page);
 * m.get(3); // page
 * m.has(4); // false
 * [...m.keys()]; // [3]
 * ```
 */
export class PageMap<V> implements Iterable<[number, V]> {
  private constructor(
    private readonly root: Slots,
    /** The key bits below the root's level: 0 when the root is a leaf. */
    private readonly shift: number,
    /** The number of pages held. */
    readonly size: number,
  ) {}

  /** The map with no pages. */
  static empty<V>(): PageMap<V> {
    return new PageMap<V>(NO_SLOTS, 0, 0);
  }

  /** A map holding `entries` (later entries win). */
  static of<V>(entries: Iterable<readonly [number, V]>): PageMap<V> {
    let m = PageMap.empty<V>();
    for (const [k, v] of entries) m = m.set(k, v);
    return m;
  }

  /** The value at `page`, or undefined when the map holds none (also for keys no map can hold). */
  get(page: number): V | undefined {
    if (!validKey(page) || page >>> this.shift >= WIDTH) return undefined;
    let node: Slots | undefined = this.root;
    for (let s = this.shift; s > 0 && node !== undefined; s -= BITS) node = node[(page >>> s) & MASK] as Slots | undefined;
    return node?.[page & MASK] as V | undefined;
  }

  /** Whether the map holds a value at `page`. */
  has(page: number): boolean {
    return this.get(page) !== undefined;
  }

  /**
   * The map with `value` at `page` (replacing any value there).
   * @throws RangeError for a key that is not an integer in [0, 2^31), or an undefined value
   */
  set(page: number, value: V): PageMap<V> {
    if (!validKey(page)) throw new RangeError(`a page number is an integer in [0, 2^31), got ${String(page)}`);
    if (value === undefined) throw new RangeError('a page map holds no undefined value: delete the page instead');
    let root = this.root;
    let shift = this.shift;
    // Grow the trie upward until the key fits: the old root becomes slot 0 of the new one.
    while (page >>> shift >= WIDTH) {
      root = this.size === 0 ? NO_SLOTS : grown(root);
      shift += BITS;
    }
    const had = this.size > 0 && this.get(page) !== undefined;
    return new PageMap<V>(setIn(root, shift, page, value), shift, had ? this.size : this.size + 1);
  }

  /** The map without `page` (this map when it holds none). */
  delete(page: number): PageMap<V> {
    if (this.get(page) === undefined) return this;
    const root = setIn(this.root, this.shift, page, undefined);
    return this.size === 1 ? PageMap.empty<V>() : new PageMap<V>(root, this.shift, this.size - 1);
  }

  /** Same as {@link PageMap.delete} (the name immutable's maps also answer to). */
  remove(page: number): PageMap<V> {
    return this.delete(page);
  }

  /** The pages held, ascending. */
  *keys(): IterableIterator<number> {
    for (const [k] of this.entries()) yield k;
  }

  /** The values held, by ascending page. */
  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  /** `[page, value]` pairs, by ascending page. */
  entries(): IterableIterator<[number, V]> {
    return walk<V>(this.root, this.shift, 0);
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }
}

/** A full-width node whose slot 0 is `child`. */
function grown(child: Slots): Slots {
  const node = new Array<unknown>(WIDTH);
  node[0] = child;
  return node;
}

/** Page numbers are the integers a 32-bit unsigned shift keeps: 0 ≤ page < 2^31. */
function validKey(page: number): boolean {
  return Number.isInteger(page) && page >= 0 && page <= 0x7fff_ffff;
}

/** A copy of `node` (a level at `shift`) with `value` at `page`'s slot, copying the path only. */
function setIn(node: Slots, shift: number, page: number, value: unknown): Slots {
  const i = (page >>> shift) & MASK;
  const copy = node.length === 0 ? new Array<unknown>(WIDTH) : node.slice();
  copy[i] = shift === 0 ? value : setIn((node[i] as Slots | undefined) ?? NO_SLOTS, shift - BITS, page, value);
  return copy;
}

/** The entries under `node` (a level at `shift`, its first key `base`), ascending. */
function* walk<V>(node: Slots, shift: number, base: number): Generator<[number, V]> {
  for (let i = 0; i < node.length; i++) {
    const slot = node[i];
    if (slot === undefined) continue;
    const key = base + i * 2 ** shift;
    if (shift === 0) yield [key, slot as V];
    else yield* walk<V>(slot as Slots, shift - BITS, key);
  }
}
