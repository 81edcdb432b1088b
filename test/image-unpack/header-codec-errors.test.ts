// The header codec's errors in full: the fixed field a short input cuts, every message with the
// numbers it reports, the 8192-byte limit at its edge; encodeHeader's fitting of wrong-sized bytes
// fields to their place, and headerAad on inputs too short to hold NKS.
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, writeU32, writeU64 } from '../../model/core/bytes.js';
import { decodeHeader, encodeHeader, headerAad, type HeaderError, type SeHeader } from '../../model/se-format/header-codec.js';
import { vectorFile } from './se-vectors.js';

const header01 = vectorFile('01-nks1-pcf-default', 'header.bin');

function errorOf(bytes: Uint8Array): HeaderError {
  const r = decodeHeader(bytes);
  if (r.ok) throw new Error('expected a decode error');
  return r.error;
}

/** A copy of `bytes` changed by `edit`. */
function edited(bytes: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const b = Uint8Array.from(bytes);
  edit(b);
  return b;
}

describe('a header shorter than its fixed part names the first field it cuts', () => {
  // name, offset, size of each fixed field (format: 0x00 magic … 0x160 TLD, 0x1A0 bytes in all)
  const fields: [string, number, number][] = [
    ['magic', 0x00, 8],
    ['version', 0x08, 4],
    ['phs', 0x0c, 4],
    ['iv', 0x10, 12],
    ['reserved', 0x1c, 4],
    ['nks', 0x20, 8],
    ['sea', 0x28, 8],
    ['nep', 0x30, 8],
    ['pcf', 0x38, 8],
    ['customerPublicKey', 0x40, 160],
    ['pld', 0xe0, 64],
    ['ald', 0x120, 64],
    ['tld', 0x160, 64],
  ];
  it.each(fields)('%s (at offset %i, %i bytes): cut at its first and its last byte', (field, offset, size) => {
    for (const length of [offset, offset + size - 1]) {
      expect(errorOf(header01.subarray(0, length))).toEqual({
        reason: 'HEADER_MALFORMED',
        field,
        offset,
        message: `header is ${length} bytes, shorter than its fixed part (416)`,
      });
    }
  });
});

describe('decodeHeader messages', () => {
  it('a wrong magic', () => {
    expect(errorOf(edited(header01, (x) => (x[7] = 0x58)))).toEqual({ reason: 'HEADER_MALFORMED', field: 'magic', offset: 0, message: 'not "IBMSecEx"' });
  });

  it('a PHS that disagrees with NKS and SEA: both sides of the equation', () => {
    expect(errorOf(edited(header01, (x) => writeU32(x, 0x0c, 656))).message).toBe('PHS 656 ≠ 0x1A0 + 80·NKS (1) + SEA (128) + 16 = 640');
  });

  it('an SEA below 128 or not a multiple of 16', () => {
    const b = edited(header01, (x) => {
      writeU64(x, 0x28, 136n);
      writeU32(x, 0x0c, 0x1a0 + 80 + 136 + 16);
    });
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'sea', offset: 0x28, message: 'SEA 136 is not a multiple of 16 of at least 128' });
  });

  it('zero key slots', () => {
    const b = edited(header01, (x) => {
      writeU64(x, 0x20, 0n);
      writeU32(x, 0x0c, 0x1a0 + 128 + 16);
    });
    expect(errorOf(b).message).toBe('a header needs at least one key slot');
  });

  it('a truncated header: its length and the PHS', () => {
    expect(errorOf(header01.subarray(0, 0x1a0)).message).toBe('header is truncated: 416 bytes, PHS says 640');
    expect(errorOf(header01.subarray(0, 639))).toEqual({
      reason: 'INCONSISTENT_SIZES',
      field: 'tag',
      offset: 624,
      message: 'header is truncated: 639 bytes, PHS says 640',
    });
  });

  it('bytes after the header: how many', () => {
    const b = new Uint8Array(header01.length + 48);
    b.set(header01);
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c, message: '48 bytes follow the 640 bytes PHS announces' });
  });

  it('non-zero reserved bytes and key padding', () => {
    expect(errorOf(edited(header01, (x) => (x[0x1c] = 0x80)))).toEqual({ reason: 'HEADER_MALFORMED', field: 'reserved', offset: 0x1c, message: 'reserved bytes must be zero' });
    expect(errorOf(edited(header01, (x) => (x[0x90] = 1)))).toEqual({
      reason: 'HEADER_MALFORMED',
      field: 'customerPublicKey.y',
      offset: 0x90,
      message: 'the 14 padding bytes before a P-521 coordinate must be zero',
    });
  });
});

describe('the maximum header size, 8192 bytes (two pages)', () => {
  let h: SeHeader;
  beforeAll(() => {
    const d = decodeHeader(header01);
    if (!d.ok) throw new Error('vector 01 does not decode');
    h = d.value;
  });

  /** Vector 01's header with an encrypted area of `sea` bytes and a consistent PHS. */
  const sized = (sea: number): Uint8Array => encodeHeader({ ...h, sea, phs: 0x1a0 + 80 + sea + 16, encryptedArea: new Uint8Array(sea).fill(0x3c) });

  it('decodes a header of exactly 8192 bytes', () => {
    const b = sized(8192 - 0x1a0 - 80 - 16);
    expect(b.length).toBe(8192);
    const d = decodeHeader(b);
    expect(d.ok && [d.value.phs, d.value.sea, d.value.encryptedArea.length]).toEqual([8192, 7680, 7680]);
  });

  it('refuses one 16 bytes larger, saying so', () => {
    expect(errorOf(sized(7696))).toEqual({
      reason: 'INCONSISTENT_SIZES',
      field: 'phs',
      offset: 0x0c,
      message: 'PHS 8208 exceeds the maximum header size 8192',
    });
  });
});

describe('encodeHeader fits a bytes field of the wrong size to its place', () => {
  let h: SeHeader;
  beforeAll(() => {
    const d = decodeHeader(header01);
    if (!d.ok) throw new Error('vector 01 does not decode');
    h = d.value;
  });

  it('a short IV is written from the start of its field and zero-filled', () => {
    const b = encodeHeader({ ...h, iv: Uint8Array.of(1, 2, 3, 4, 5) });
    expect(bytesToHex(b.subarray(0x10, 0x1c))).toBe('0102030405' + '00'.repeat(7));
  });

  it('a long IV or digest is cut to its first bytes; the next field keeps its own', () => {
    const iv = Uint8Array.from({ length: 13 }, (_, i) => 0xa0 + i);
    const b = encodeHeader({ ...h, iv });
    expect(b.subarray(0x10, 0x1c)).toEqual(iv.subarray(0, 12));
    expect(b[0x1c]).toBe(0);
    expect(decodeHeader(b).ok).toBe(true);
    const tld = new Uint8Array(70).fill(0x77);
    const t = encodeHeader({ ...h, tld });
    expect(t.subarray(0x160, 0x1a0)).toEqual(tld.subarray(0, 64));
    expect(t.subarray(0x1a0)).toEqual(header01.subarray(0x1a0));
    const tag = new Uint8Array(17).fill(0x99);
    expect(encodeHeader({ ...h, tag }).subarray(624)).toEqual(tag.subarray(0, 16));
  });

  it('a coordinate is right-aligned in its 80 bytes: zero-filled before, or cut to its last 80 bytes', () => {
    const x = Uint8Array.from({ length: 82 }, (_, i) => i + 1);
    const y = Uint8Array.of(0xee, 0xff);
    const b = encodeHeader({ ...h, customerPublicKey: { x, y } });
    expect(b.subarray(0x40, 0x90)).toEqual(x.subarray(2));
    expect(bytesToHex(b.subarray(0x90, 0xe0))).toBe('00'.repeat(78) + 'eeff');
    expect(b.subarray(0xe0)).toEqual(header01.subarray(0xe0));
  });
});

describe('headerAad of bytes too short to hold NKS', () => {
  it('is the bytes themselves, for every length up to 0x28', () => {
    for (const length of [0, 0x18, 0x20, 0x21, 0x27, 0x28, 0x29]) {
      expect(headerAad(header01.subarray(0, length))).toEqual(header01.subarray(0, length));
    }
  });
});
