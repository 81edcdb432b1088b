// Parsing damaged images: each malformed part is named by field, file offset and a message that
// says what is wrong, at the exact bounds of each check; and page plaintexts of pages or keys of
// the wrong size.
import { describe, expect, it } from 'vitest';
import { utf8ToBytes, writeU32, writeU64 } from '../../model/core/bytes.js';
import { nobleSuite as suite } from '../../model/crypto/noble-suite.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { pagePlaintext, type ImagePage } from '../../model/se-format/image-pages.js';
import { parseImage, type ParsedImage } from '../../model/se-format/image-layout.js';
import { vectorFile } from './se-vectors.js';

// Vector 01: stage3a arguments at 0x12fe8, IPIB at 0x13000, header (PHS 640) at 0x14000,
// components at 0x15000 (1 page), 0x16000 (1), 0x17000 (2), 0x19000 (2); 0x1b000 bytes.
const image01 = vectorFile('01-nks1-pcf-default', 'image.bin');

function errorOf(bytes: Uint8Array): { field: string; offset: number; message: string } {
  const r = parseImage(bytes);
  if (r.ok) throw new Error('expected a parse error');
  return { field: r.error.field, offset: r.error.offset, message: r.error.message };
}

function parsed(bytes: Uint8Array): ParsedImage {
  const r = parseImage(bytes);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function edited(edit: (b: Uint8Array) => void): Uint8Array {
  const b = Uint8Array.from(image01);
  edit(b);
  return b;
}

describe('parseImage: a header alone and inputs too short for an image', () => {
  it('decodes as much of a header alone as there is, from its PHS or from the bytes left', () => {
    // The magic, then 2 bytes: the PHS field is cut, so the header is the 10 bytes there are.
    const ten = Uint8Array.from([...utf8ToBytes('IBMSecEx'), 0, 0]);
    expect(errorOf(ten)).toEqual({ field: 'version', offset: 8, message: expect.stringMatching(/header is 10 bytes, shorter than its fixed part \(416\)/) });
    // 16 bytes with PHS 0: the header is the 0 bytes PHS announces.
    const sixteen = new Uint8Array(16);
    sixteen.set(utf8ToBytes('IBMSecEx'));
    expect(errorOf(sixteen)).toEqual({ field: 'magic', offset: 0, message: expect.stringMatching(/header is 0 bytes/) });
    // The magic alone is a (too short) header, not an image.
    expect(errorOf(utf8ToBytes('IBMSecEx'))).toMatchObject({ field: 'version', offset: 8, message: expect.stringMatching(/header is 8 bytes/) });
  });

  it('needs 8 bytes for the short PSW, and then looks for the header from 0x10000 to the end', () => {
    expect(errorOf(new Uint8Array(7))).toEqual({ field: 'shortPsw', offset: 0, message: '7 bytes: neither an SE header nor an image' });
    expect(errorOf(new Uint8Array(8))).toEqual({
      field: 'header',
      offset: 0x10000,
      message: 'no SE header magic "IBMSecEx" at any page boundary from 0x10000 to the end (0x8)',
    });
    expect(errorOf(image01.subarray(0, 0x14000)).message).toMatch(/from 0x10000 to the end \(0x14000\)/);
  });

  it('finds a magic that ends exactly at the end of the file', () => {
    expect(errorOf(image01.subarray(0, 0x14008))).toEqual({ field: 'header.version', offset: 0x14008, message: expect.stringMatching(/header is 8 bytes/) });
    expect(errorOf(image01.subarray(0, 0x14010))).toMatchObject({ field: 'header.iv', offset: 0x14010, message: expect.stringMatching(/header is 16 bytes/) });
  });
});

describe('parseImage: the stage3a arguments', () => {
  it('parses vector 01 with its arguments at 0x12fe8', () => {
    const p = parsed(image01);
    expect([p.headerOffset, p.boot?.stage3aArgsOffset, p.boot?.ipibOffset]).toEqual([0x14000, 0x12fe8, 0x13000]);
  });

  it('looks for the arguments only before the header, and only where hdrSize is the PHS', () => {
    // A candidate overlapping the header (hdrOffs 16 at 0x13ff0, hdrSize 640): not looked at.
    const overlapping = edited((b) => {
      writeU64(b, 0x13ff0, 16n);
      writeU64(b, 0x13ff8, 640n);
    });
    expect(parsed(overlapping).boot?.stage3aArgsOffset).toBe(0x12fe8);
    // The nearest candidate (hdrOffs 24 at 0x13fe8) with another hdrSize: skipped.
    const wrongSize = edited((b) => {
      writeU64(b, 0x13fe8, 24n);
      writeU64(b, 0x13ff0, 641n);
      writeU64(b, 0x13ff8, 0x18n);
    });
    expect(parsed(wrongSize).boot?.stage3aArgsOffset).toBe(0x12fe8);
    // The same candidate with the right hdrSize is the nearest and wins.
    const nearest = edited((b) => {
      writeU64(b, 0x13fe8, 24n);
      writeU64(b, 0x13ff0, 640n);
      writeU64(b, 0x13ff8, 0x18n);
    });
    expect(errorOf(nearest)).toMatchObject({ field: 'ipib.version', offset: 0x14007 });
  });

  it('says which header no arguments point at', () => {
    expect(errorOf(edited((b) => writeU64(b, 0x12fe8, 0x1000n)))).toEqual({
      field: 'stage3aArgs',
      offset: 0x10000,
      message: 'no stage3a arguments {hdrOffs, hdrSize, ipibOffs} point at the header at 0x14000',
    });
  });

  it('rejects an IPIB offset inside the arguments or at or past the end of the file', () => {
    const outside = (ipibOffs: bigint) => errorOf(edited((b) => writeU64(b, 0x12ff8, ipibOffs)));
    expect(outside(0n)).toEqual({ field: 'stage3aArgs.ipibOffs', offset: 0x12ff8, message: 'IPIB offset 0x0 points outside the image' });
    expect(outside(23n)).toMatchObject({ field: 'stage3aArgs.ipibOffs', message: expect.stringMatching(/0x17 points outside/) });
    expect(outside(0x1b000n - 0x12fe8n)).toEqual({ field: 'stage3aArgs.ipibOffs', offset: 0x12ff8, message: 'IPIB offset 0x8018 points outside the image' });
    // One byte before the end: an IPIB of 1 byte.
    expect(outside(0x1afffn - 0x12fe8n)).toEqual({ field: 'ipib.len', offset: 0x1afff, message: '1 bytes, too short for an IPIB (136)' });
  });
});

describe('parseImage: the IPIB and its components', () => {
  it('reads the IPIB from one page at most', () => {
    expect(errorOf(edited((b) => writeU32(b, 0x13000, 8192)))).toEqual({
      field: 'ipib.len',
      offset: 0x13000,
      message: 'length 8192 runs past the 4096 bytes available',
    });
  });

  it('needs the IPIB header size to be the PHS', () => {
    expect(errorOf(edited((b) => writeU64(b, 0x13080, 641n)))).toEqual({
      field: 'ipib.pvHdrSize',
      offset: 0x13080,
      message: "IPIB header size 641 ≠ the header's PHS 640",
    });
  });

  it('names each bad component address and length with its value', () => {
    expect(errorOf(edited((b) => writeU64(b, 0x130a8, 0x16800n)))).toEqual({
      field: 'ipib.components[1].addr',
      offset: 0x130a8,
      message: 'address 0x16800 is not page-aligned',
    });
    expect(errorOf(edited((b) => writeU64(b, 0x130a8, 0x15000n)))).toEqual({
      field: 'ipib.components[1].addr',
      offset: 0x130a8,
      message: 'address 0x15000 overlaps the previous component',
    });
    // Right after the previous component: no overlap.
    expect(parsed(edited((b) => writeU64(b, 0x130a8, 0x16000n))).components[1]?.guestAddress).toBe(0x16000n);
    expect(errorOf(edited((b) => writeU64(b, 0x130b0, 0x800n)))).toEqual({
      field: 'ipib.components[1].len',
      offset: 0x130b0,
      message: 'length 0x800 is not a positive number of pages',
    });
    expect(errorOf(edited((b) => writeU64(b, 0x130b0, 0n)))).toEqual({
      field: 'ipib.components[1].len',
      offset: 0x130b0,
      message: 'length 0x0 is not a positive number of pages',
    });
    expect(errorOf(image01.subarray(0, image01.length - 1))).toEqual({
      field: 'ipib.components[3].len',
      offset: 0x130e0,
      message: 'component 0x19000 + 0x2000 runs past the end of the image (0x1afff)',
    });
  });
});

describe('pagePlaintext', () => {
  const p = parsed(image01);
  const page = p.pages[0] as ImagePage;
  const key = vectorFile('01-nks1-pcf-default', 'xts-key.bin');
  const kernel = vectorFile('01-nks1-pcf-default', 'kernel.bin');

  it('decrypts a page of the right sizes with a 64-byte key', () => {
    expect(pagePlaintext(suite, key, p.header.pcf, page)?.subarray(0, 64)).toEqual(kernel.subarray(0, 64));
  });

  it('is undefined for a page that is not 4096 bytes or a tweak that is not 16', () => {
    expect(pagePlaintext(suite, key, p.header.pcf, { ...page, stored: page.stored.subarray(0, 4095) })).toBeUndefined();
    expect(pagePlaintext(suite, key, p.header.pcf, { ...page, tweak: page.tweak.subarray(0, 15) })).toBeUndefined();
    // ...also when the page is stored in plaintext (PCF bit 35).
    expect(pagePlaintext(suite, key, PCF_NO_DECRYPTION, { ...page, stored: page.stored.subarray(0, 4095) })).toBeUndefined();
    expect(pagePlaintext(suite, key, PCF_NO_DECRYPTION, { ...page, tweak: new Uint8Array(17) })).toBeUndefined();
  });

  it('needs a 64-byte key only to decrypt', () => {
    expect(pagePlaintext(suite, key.subarray(0, 32), p.header.pcf, page)).toBeUndefined();
    expect(pagePlaintext(suite, new Uint8Array(0), PCF_NO_DECRYPTION, page)).toEqual(page.stored);
  });
});
