// The wire form's table-driven hex: the same text as noble's bytesToHex for every input, the
// exact inverse on lower-case hex of even length, and nothing else decodes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { bytesToWireHex, wireHexToBytes } from '../../model/core/hex.js';
import { PROPERTY_RUNS } from '../runs.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('bytesToWireHex', () => {
  it('spells every byte value as noble does, in order', () => {
    expect(bytesToWireHex(ALL_BYTES)).toBe(bytesToHex(ALL_BYTES));
    for (let b = 0; b < 256; b++) expect(bytesToWireHex(Uint8Array.of(b))).toBe(b.toString(16).padStart(2, '0'));
  });

  it('table: fixed inputs and their spellings', () => {
    const table: [number[], string][] = [
      [[], ''],
      [[0], '00'],
      [[0x0f], '0f'],
      [[0xf0], 'f0'],
      [[0xff, 0x00, 0xa5], 'ff00a5'],
      [[0xde, 0xad, 0xbe, 0xef], 'deadbeef'],
    ];
    for (const [bytes, hex] of table) {
      expect(bytesToWireHex(Uint8Array.from(bytes))).toBe(hex);
      expect(wireHexToBytes(hex)).toEqual(Uint8Array.from(bytes));
    }
  });

  it('agrees with noble on any bytes, a whole page included, and on views at an offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(16), (b, skip) => {
        expect(bytesToWireHex(b)).toBe(bytesToHex(b));
        const view = b.subarray(Math.min(skip, b.length));
        expect(bytesToWireHex(view)).toBe(bytesToHex(view));
        expect(bytesToWireHex(Buffer.from(b))).toBe(bytesToHex(b));
      }),
      { numRuns: PROPERTY_RUNS },
    );
    const page = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    expect(bytesToWireHex(page)).toBe(bytesToHex(page));
  });
});

describe('wireHexToBytes', () => {
  it('is the exact inverse of bytesToWireHex, and agrees with noble on lower-case hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const hex = bytesToWireHex(b);
        expect(wireHexToBytes(hex)).toEqual(b);
        expect(wireHexToBytes(hex)).toEqual(hexToBytes(hex));
      }),
      { numRuns: PROPERTY_RUNS },
    );
    expect(wireHexToBytes(bytesToHex(ALL_BYTES))).toEqual(ALL_BYTES);
  });

  it('refuses odd lengths, upper case, and anything that is not a hex digit', () => {
    for (const bad of ['0', 'abc', 'A0', '0A', 'FF', 'aB', 'DEADBEEF', '0x00', ' 00', '00 ', 'g0', '0g', '--', 'é0', '\u0130\u0130', '０0', '\u0000\u0000', '0\u0100']) {
      expect(wireHexToBytes(bad), JSON.stringify(bad)).toBeUndefined();
    }
    expect(wireHexToBytes('')).toEqual(new Uint8Array(0));
  });

  it('refuses any string with an upper-case or non-hex character at any position', () => {
    const digit = fc.constantFrom(...'0123456789abcdef');
    fc.assert(
      fc.property(fc.array(digit, { minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom(...'ABCDEFGxyz :\u00e9\u2028'), (digits, at, bad) => {
        const s = digits.length % 2 === 0 ? digits : [...digits, '0'];
        s[at % s.length] = bad;
        expect(wireHexToBytes(s.join(''))).toBeUndefined();
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('every byte value decodes from its two digits and from no other pair spelling', () => {
    for (let b = 0; b < 256; b++) {
      const lower = b.toString(16).padStart(2, '0');
      expect(wireHexToBytes(lower)).toEqual(Uint8Array.of(b));
      const upper = lower.toUpperCase();
      if (upper !== lower) expect(wireHexToBytes(upper)).toBeUndefined();
    }
  });
});
