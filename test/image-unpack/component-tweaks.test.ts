// Page tweaks of a component in one array (componentTweakBytes) and as per-page views
// (componentTweaks): each equals pageTweak of its page offset, also past 2^32.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, PAGE_SIZE } from '../../model/core/bytes.js';
import { componentTweakBytes, componentTweaks, pageTweak } from '../../model/se-format/image-pages.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('component tweaks', () => {
  it('page i of the flat array and of the views is pageTweak(prefix, i * PAGE_SIZE)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 40 }), (prefix, pages) => {
        const flat = componentTweakBytes(prefix, pages);
        const views = componentTweaks(prefix, pages);
        expect(flat.length).toBe(16 * pages);
        expect(views).toHaveLength(pages);
        for (let i = 0; i < pages; i++) {
          const expected = bytesToHex(pageTweak(prefix, BigInt(i * PAGE_SIZE)));
          expect(bytesToHex(flat.subarray(16 * i, 16 * i + 16))).toBe(expected);
          expect(bytesToHex(views[i]!)).toBe(expected);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('writes offsets of 2^32 and more with their high word', () => {
    const pages = 0x100000 + 2; // the last two pages sit at 2^32 and 2^32 + 4096
    const flat = componentTweakBytes(0x0001_0203_0405_0607n, pages);
    expect(bytesToHex(flat.subarray(16 * (pages - 3)))).toBe(
      ['0001020304050607' + '00000000fffff000', '0001020304050607' + '0000000100000000', '0001020304050607' + '0000000100001000'].join(''),
    );
  });
});
