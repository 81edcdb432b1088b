// The key under which the firmware remembers used tweaks must be injective (REQ-UNPACK-10).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { tweakKey } from '../../model/image-unpack/slice.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('tweakKey', () => {
  it('gives distinct tweaks distinct keys, and equal tweaks equal keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (a, b) => {
        expect(tweakKey(a) === tweakKey(b)).toBe(bytesToHex(a) === bytesToHex(b));
        expect(tweakKey(a)).toBe(tweakKey(Uint8Array.from(a)));
        expect(tweakKey(a)).toHaveLength(8);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
