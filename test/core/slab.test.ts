// Slab copies (model/core/slab.ts) are as independent as fresh arrays: equal to their source,
// unchanged when the source or any other copy changes, never overlapping, across slab boundaries
// and at every size limit (on-heap, slab, own array).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SLAB_COPY, SLAB_BYTES, slabCopy } from '../../model/core/slab.js';

describe('slabCopy', () => {
  it('copies of any size equal their source and stay so when the source is overwritten', () => {
    for (const n of [0, 1, 63, 64, 65, 4096, MAX_SLAB_COPY - 1, MAX_SLAB_COPY, MAX_SLAB_COPY + 1, SLAB_BYTES]) {
      const source = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      const copy = slabCopy(source);
      expect(copy.length).toBe(n);
      expect(copy).toEqual(source);
      const before = Uint8Array.from(copy);
      source.fill(0xee);
      expect(copy).toEqual(before);
    }
  });

  it('no copy changes when any other is written, across several slabs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 4096 }), { minLength: 2, maxLength: 200 }), (sizes) => {
        const copies = sizes.map((n, k) => slabCopy(new Uint8Array(n).fill(k & 0xff)));
        // Overwrite every copy in turn with its own marker pattern, then check all of them.
        copies.forEach((c, k) => c.fill((k * 13 + 1) & 0xff));
        copies.forEach((c, k) => expect(c.every((b) => b === ((k * 13 + 1) & 0xff))).toBe(true));
      }),
      { numRuns: 50 },
    );
  });

  it('fills a slab and starts the next one without overlap', () => {
    const page = new Uint8Array(4096);
    const copies = Array.from({ length: (2 * SLAB_BYTES) / 4096 + 3 }, (_, k) => slabCopy(page.fill(k & 0xff)));
    copies.forEach((c, k) => expect(c[0] === (k & 0xff) && c[4095] === (k & 0xff)).toBe(true));
    const buffers = new Set(copies.map((c) => c.buffer));
    expect(buffers.size).toBeGreaterThanOrEqual(3);
  });
});
