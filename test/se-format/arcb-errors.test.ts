// The ARCB's refusals, each with its check, reason, offset and message: the builder's input
// errors and every format failure of the decoder, on one request edited a field at a time.
import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../../model/core/bytes.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import { ARCB_OFFSET, ATTEST_FLAG, buildArcb, decodeArcb, openArcb, type ArcbBuildInput } from '../../model/se-format/arcb.js';
import { UV_REQUEST_OFFSET } from '../../model/se-format/uv-request.js';
import { CUSTOMERS, HOSTS } from './request-fixtures.js';

const host = HOSTS[0] as (typeof HOSTS)[number];
const input: ArcbBuildInput = {
  iv: new Uint8Array(12),
  requestKey: new Uint8Array(32).fill(4),
  customer: { privateKey: (CUSTOMERS[0] as (typeof CUSTOMERS)[number]).privateKey },
  hostKeys: [host.publicKey],
  paf: 0n,
  measurementKey: new Uint8Array(64).fill(2),
};

function built(i: ArcbBuildInput): Uint8Array {
  const r = buildArcb(suite, i);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const buildError = (i: ArcbBuildInput) => {
  const r = buildArcb(suite, i);
  return r.ok ? undefined : r.error;
};

const decodeError = (b: Uint8Array) => {
  const r = decodeArcb(b);
  return r.ok ? undefined : r.error;
};

function edited(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = b.slice();
  edit(c);
  return c;
}

describe('ARCB errors', () => {
  it('the builder names each bad input', () => {
    expect(buildError({ ...input, paf: -1n })).toEqual({ field: 'paf', message: 'must be a u64' });
    expect(buildError({ ...input, paf: 1n << 64n })).toEqual({ field: 'paf', message: 'must be a u64' });
    expect(buildError({ ...input, mai: -1 })).toEqual({ field: 'mai', message: 'must be a u32' });
    expect(buildError({ ...input, mai: 0x1_0000_0000 })).toEqual({ field: 'mai', message: 'must be a u32' });
    expect(buildError({ ...input, mai: 0 })).toBeUndefined();
    expect(buildError({ ...input, measurementKey: new Uint8Array(63) })).toEqual({ field: 'measurementKey', message: 'must be 64 bytes, got 63' });
    expect(buildError({ ...input, paf: ATTEST_FLAG.nonce })).toEqual({ field: 'nonce', message: 'PAF asks for a nonce (bit 1) but none is given' });
    expect(buildError({ ...input, nonce: new Uint8Array(16) })).toEqual({ field: 'nonce', message: 'a nonce is given but PAF bit 1 is clear' });
    expect(buildError({ ...input, paf: ATTEST_FLAG.nonce, nonce: new Uint8Array(15) })).toEqual({ field: 'nonce', message: 'must be 16 bytes, got 15' });
    expect(buildError({ ...input, customer: { privateKey: new Uint8Array(65) } })).toEqual({
      field: 'customer.privateKey',
      message: 'a P-521 scalar is 66 bytes (or 80, left-padded), got 65',
    });
  });

  it('the decoder names each format failure, with the offset of its field', () => {
    const b = built(input);
    expect(decodeError(b)).toBeUndefined();
    expect(decodeError(edited(b, (c) => (c[3] = 1)))).toEqual({ check: 'format', reason: 'magic', message: 'an attestation request starts with eight zero bytes', offset: UV_REQUEST_OFFSET.magic });
    expect(decodeError(edited(b, (c) => writeU32(c, UV_REQUEST_OFFSET.version, 0x200)))).toEqual({
      check: 'format',
      reason: 'version',
      message: 'version 0x200, only 0x100 is supported',
      offset: UV_REQUEST_OFFSET.version,
    });
    expect(decodeError(edited(b, (c) => writeU32(c, ARCB_OFFSET.mai, 2)))).toEqual({
      check: 'format',
      reason: 'mai',
      message: 'measurement algorithm 2; only 1 (HMAC-SHA512) exists',
      offset: ARCB_OFFSET.mai,
    });
    expect(decodeError(edited(b, (c) => writeU64(c, ARCB_OFFSET.paf, 1n << 40n)))).toEqual({
      check: 'format',
      reason: 'flags',
      message: 'PAF 0x0000010000000000 sets bits other than 1-5',
      offset: ARCB_OFFSET.paf,
    });
    expect(decodeError(edited(b, (c) => writeU64(c, ARCB_OFFSET.paf, ATTEST_FLAG.nonce)))).toEqual({
      check: 'format',
      reason: 'sea',
      message: 'SEA 64: the measurement key and a nonce make 80',
      offset: UV_REQUEST_OFFSET.sea,
    });
    const withNonce = built({ ...input, paf: ATTEST_FLAG.nonce, nonce: new Uint8Array(16).fill(1) });
    expect(decodeError(edited(withNonce, (c) => writeU64(c, ARCB_OFFSET.paf, 0n)))).toEqual({
      check: 'format',
      reason: 'sea',
      message: 'SEA 80: the measurement key and no nonce make 64',
      offset: UV_REQUEST_OFFSET.sea,
    });
    // 16 bytes more between the key slots and the encrypted area, the length grown to match.
    const slotsEnd = ARCB_OFFSET.keySlots + 80;
    const padded = new Uint8Array([...b.subarray(0, slotsEnd), ...new Uint8Array(16), ...b.subarray(slotsEnd)]);
    writeU32(padded, UV_REQUEST_OFFSET.rql, padded.length);
    expect(decodeError(padded)).toEqual({ check: 'format', reason: 'size', message: '16 bytes between the key slots and the encrypted area', offset: UV_REQUEST_OFFSET.rql });
  });

  it('opened with the ARPK, the result names no key slot; with a host key, the slot it used', () => {
    const b = built(input);
    const byKey = openArcb(suite, b, { kind: 'request-key', requestKey: input.requestKey });
    expect(byKey.ok && Object.keys(byKey.value).includes('slotIndex')).toBe(false);
    const byHost = openArcb(suite, b, { kind: 'host', host });
    expect(byHost.ok && byHost.value.slotIndex).toBe(0);
  });
});
