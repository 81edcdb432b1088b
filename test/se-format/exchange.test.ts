/** pvattest's exchange file: every refusal of the decoder, each by its field. */
import { describe, expect, it } from 'vitest';
import { writeU32 } from '../../model/core/bytes.js';
import { decodeExchange, encodeExchangeRequest, encodeExchangeResponse, EXCHANGE_HEADER_SIZE } from '../../model/se-format/pvattest-exchange.js';

const ARCB = new Uint8Array(100).fill(5);
const REQUEST = encodeExchangeRequest({ arcb: ARCB, measurementSize: 64, additionalSize: 32 });
const RESPONSE = encodeExchangeResponse({ arcb: ARCB, measurement: new Uint8Array(64), userData: new Uint8Array(3), cuid: new Uint8Array(16) });

function with_(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  writeU32(c, at, v);
  return c;
}
const field = (b: Uint8Array): string | undefined => {
  const r = decodeExchange(b);
  return r.ok ? undefined : r.error.field;
};

describe('exchange file decoding', () => {
  it('the layout: magic, version 0x100, size, entries at 0x18 in the order ARCB, measurement, additional, user, CUID', () => {
    expect(new TextDecoder().decode(REQUEST.subarray(0, 8))).toBe('pvattest');
    expect(Array.from(REQUEST.subarray(8, 0x40))).toEqual([
      0, 0, 1, 0, 0, 0, 0, 164, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0x40, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, ...new Array<number>(16).fill(0),
    ]);
    const r = decodeExchange(RESPONSE);
    expect(r.ok && [r.value.measurement?.length, r.value.userData?.length, r.value.cuid?.length, r.value.additionalData]).toEqual([64, 3, 16, undefined]);
    expect(RESPONSE.length).toBe(EXCHANGE_HEADER_SIZE + 100 + 64 + 3 + 16);
  });

  it('an empty blob is left out of a response: its size and offset are 0', () => {
    const b = encodeExchangeResponse({ arcb: ARCB, measurement: new Uint8Array(64), additionalData: new Uint8Array(0), userData: new Uint8Array(0), cuid: new Uint8Array(16) });
    expect(Array.from(b.subarray(0x28, 0x38))).toEqual(new Array<number>(16).fill(0));
    expect(b.length).toBe(EXCHANGE_HEADER_SIZE + 100 + 64 + 16);
    const r = decodeExchange(b);
    expect(r.ok && [r.value.additionalData, r.value.userData, r.value.additionalSize]).toEqual([undefined, undefined, 0]);
  });

  it('refuses: short, magic, version, size, no ARCB, offsets into the header or past the end, sizes over the limits, a CUID of another size', () => {
    expect(field(REQUEST.subarray(0, 63))).toBe('header');
    expect(field(with_(REQUEST, 0, 0))).toBe('magic');
    expect(field(with_(REQUEST, 8, 0x200))).toBe('version');
    expect(field(with_(REQUEST, 0x0c, REQUEST.length + 1))).toBe('size');
    expect(field(with_(REQUEST, 0x18, 0))).toBe('arcb');
    expect(field(with_(REQUEST, 0x1c, 0))).toBe('arcb');
    expect(field(with_(REQUEST, 0x1c, 0x3f))).toBe('arcb');
    expect(field(with_(REQUEST, 0x1c, 0x41))).toBe('arcb');
    expect(field(with_(REQUEST, 0x18, 0x100001))).toBe('arcb');
    expect(field(with_(REQUEST, 0x20, 0x8001))).toBe('measurement');
    expect(field(with_(REQUEST, 0x28, 0x8001))).toBe('additional');
    expect(field(with_(RESPONSE, 0x30, 257))).toBe('userData');
    expect(field(with_(RESPONSE, 0x38, 15))).toBe('cuid');
    expect(field(with_(RESPONSE, 0x38, 17))).toBe('cuid');
    expect(field(with_(with_(RESPONSE, 0x38, 15), 0x3c, 0))).toBe('cuid');
    expect(field(REQUEST)).toBeUndefined();
    expect(field(with_(REQUEST, 0x20, 0x8000))).toBeUndefined();
  });

  it('says what is wrong and where', () => {
    const error = (b: Uint8Array) => {
      const r = decodeExchange(b);
      return r.ok ? undefined : r.error;
    };
    expect(error(with_(REQUEST.subarray(0, 64), 0x0c, 64))?.field).toBe('arcb');
    expect(error(REQUEST.subarray(0, 63))).toEqual({ field: 'header', offset: 0, message: 'an exchange file is at least 64 bytes, got 63' });
    expect(error(with_(REQUEST, 0, 0))).toEqual({ field: 'magic', offset: 0, message: 'not "pvattest"' });
    expect(error(with_(REQUEST, 8, 0x200))).toEqual({ field: 'version', offset: 8, message: 'version 0x200, only 0x100 is supported' });
    expect(error(with_(REQUEST, 0x0c, 165))).toEqual({ field: 'size', offset: 0x0c, message: 'the header says 165 bytes, the file has 164' });
    expect(error(with_(REQUEST, 0x1c, 0))).toEqual({ field: 'arcb', offset: 0x18, message: 'the file holds no attestation request' });
    expect(error(with_(REQUEST, 0x1c, 0x3f))).toEqual({ field: 'arcb', offset: 0x1c, message: 'offset 0x3f points into the header' });
    expect(error(with_(REQUEST, 0x1c, 0x41))).toEqual({ field: 'arcb', offset: 0x1c, message: '100 bytes at 0x41 run past the end of the file (164 bytes)' });
    expect(error(with_(REQUEST, 0x18, 0x100001))).toEqual({ field: 'arcb', offset: 0x18, message: '1048577 bytes, more than the 1048576 the uvdevice takes' });
    expect(error(with_(RESPONSE, 0x38, 15))).toEqual({ field: 'cuid', offset: 0x38, message: 'a CUID is 16 bytes, the entry says 15' });
  });
});
