// Parsing whole image files: a header alone, clear errors naming field and file offset for each
// broken part, and totality on damaged images.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, writeU32, writeU64 } from '../../model/core/bytes.js';
import { nobleSuite as suite } from '../../model/crypto/noble-suite.js';
import { describeImage } from '../../model/se-format/describe.js';
import { parseImage } from '../../model/se-format/image-layout.js';
import { decodeIpib } from '../../model/se-format/ipib-codec.js';
import { vectorFile } from './se-vectors.js';
import { PROPERTY_RUNS } from '../runs.js';

const image01 = vectorFile('01-nks1-pcf-default', 'image.bin');

function errorOf(bytes: Uint8Array): { field: string; offset: number } {
  const r = parseImage(bytes);
  if (r.ok) throw new Error('expected a parse error');
  return { field: r.error.field, offset: r.error.offset };
}

function edited(edit: (b: Uint8Array) => void, bytes: Uint8Array = image01): Uint8Array {
  const b = Uint8Array.from(bytes);
  edit(b);
  return b;
}

describe('parseImage', () => {
  it('accepts a header alone: no boot area, no pages', () => {
    const r = parseImage(vectorFile('02-nks2-dump-cck', 'header.bin'));
    expect(r.ok && [r.value.header.nks, r.value.boot, r.value.pages.length]).toEqual([2, undefined, 0]);
    const d = r.ok ? describeImage(suite, r.value) : undefined;
    expect(d && [d.layout, d.components.length, d.header.nks]).toEqual([undefined, 0, 2]);
  });

  it('gives the IPIB\'s own bytes: len bytes at its offset, which encode its components', () => {
    const r = parseImage(image01);
    if (!r.ok || r.value.boot === undefined) throw new Error('vector 01 parses with its boot area');
    const { ipibOffset, ipib, ipibBytes } = r.value.boot;
    expect(ipibBytes.length).toBe(Number(ipib.len));
    expect(bytesToHex(ipibBytes)).toBe(bytesToHex(image01.subarray(ipibOffset, ipibOffset + Number(ipib.len))));
    const again = decodeIpib(ipibBytes);
    expect(again.ok && again.value).toEqual(ipib);
  });

  it('reports a broken header alone with its reason, offsets from 0', () => {
    const r = parseImage(vectorFile('01-nks1-pcf-default', 'header.bin').subarray(0, 0x200));
    expect(r.ok ? undefined : [r.error.field, r.error.offset, r.error.reason]).toEqual(['encryptedArea', 0x1f0, 'INCONSISTENT_SIZES']);
  });

  it('names what is missing or wrong, with its file offset', () => {
    expect(errorOf(Uint8Array.of(1, 2, 3))).toEqual({ field: 'shortPsw', offset: 0 });
    expect(errorOf(image01.subarray(0, 0x14000))).toEqual({ field: 'header', offset: 0x10000 });
    expect(errorOf(edited((b) => writeU32(b, 0x14008, 0x200)))).toEqual({ field: 'header.version', offset: 0x14008 });
    expect(errorOf(image01.subarray(0, 0x14100))).toEqual({ field: 'header.pld', offset: 0x140e0 });
    expect(errorOf(image01.subarray(0, 0x141b0))).toEqual({ field: 'header.keySlots[0].phkh', offset: 0x141a0 });
    expect(errorOf(edited((b) => writeU64(b, 0x12fe8, 0x1000n)))).toEqual({ field: 'stage3aArgs', offset: 0x10000 });
    expect(errorOf(edited((b) => writeU64(b, 0x12ff8, 0x1000000n)))).toEqual({ field: 'stage3aArgs.ipibOffs', offset: 0x12ff8 });
    expect(errorOf(edited((b) => (b[0x1300c] = 3)))).toEqual({ field: 'ipib.pbt', offset: 0x1300c });
    expect(errorOf(edited((b) => writeU32(b, 0x13074, 5)))).toEqual({ field: 'ipib.blk0Len', offset: 0x13008 });
    expect(errorOf(edited((b) => writeU64(b, 0x13080, 641n)))).toEqual({ field: 'ipib.pvHdrSize', offset: 0x13080 });
    expect(errorOf(edited((b) => writeU64(b, 0x130a8, 0x16800n)))).toEqual({ field: 'ipib.components[1].addr', offset: 0x130a8 });
    expect(errorOf(edited((b) => writeU64(b, 0x130a8, 0x15000n)))).toEqual({ field: 'ipib.components[1].addr', offset: 0x130a8 });
    expect(errorOf(edited((b) => writeU64(b, 0x130b0, 0x800n)))).toEqual({ field: 'ipib.components[1].len', offset: 0x130b0 });
    expect(errorOf(image01.subarray(0, image01.length - 1))).toEqual({ field: 'ipib.components[3].len', offset: 0x130e0 });
  });

  it('never throws on a damaged image', () => {
    const head = image01.subarray(0, 0x16000);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0x12f00, max: 0x15fff }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.integer({ min: 0, max: head.length }),
        (edits, length) => {
          const r = parseImage(edited((b) => edits.forEach(([at, v]) => (b[at] = v)), head).subarray(0, length));
          if (!r.ok) expect(r.error.field.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
