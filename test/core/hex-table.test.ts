// The hex tables (model/core/hex.ts): every byte value round-trips, and every char code that is
// not a lower-case hex digit is refused, on either side of the digit ranges and beyond ASCII.
import { describe, expect, it } from 'vitest';
import { bytesToWireHex, wireHexToBytes } from '../../model/core/hex.js';

describe('hex tables', () => {
  it('every byte value encodes as two lower-case digits and decodes back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = bytesToWireHex(all);
    expect(hex).toBe(Array.from(all, (b) => b.toString(16).padStart(2, '0')).join(''));
    expect(wireHexToBytes(hex)).toEqual(all);
    for (let b = 0; b < 256; b++) {
      const one = b.toString(16).padStart(2, '0');
      expect(bytesToWireHex(Uint8Array.of(b))).toBe(one);
      expect(wireHexToBytes(one)).toEqual(Uint8Array.of(b));
    }
  });

  it('refuses every char code that is not a lower-case hex digit, in either position', () => {
    const digits = new Set('0123456789abcdef');
    for (let c = 0; c < 300; c++) {
      const ch = String.fromCharCode(c);
      if (digits.has(ch)) continue;
      expect(wireHexToBytes(`${ch}0`)).toBeUndefined();
      expect(wireHexToBytes(`0${ch}`)).toBeUndefined();
      expect(wireHexToBytes(`00${ch}a`)).toBeUndefined();
    }
    for (const s of ['/0', ':0', '`0', 'g0', 'A0', 'F0', '0/', '0:', '0`', '0g', '0A', '0F', '\u00800', '0\u00ff', '\u01000']) {
      expect(wireHexToBytes(s)).toBeUndefined();
    }
  });

  it('decodes each digit to its value', () => {
    expect(wireHexToBytes('0123456789abcdef')).toEqual(Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef));
    expect(wireHexToBytes('')).toEqual(new Uint8Array(0));
    expect(wireHexToBytes('0')).toBeUndefined();
  });
});
