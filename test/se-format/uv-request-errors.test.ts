// The generic UV request's refusals, each asserted whole: the header and split failures with
// their offsets, the sealer's input errors (field and message), every key-slot failure with its
// offset and slot, the tag failure; and the parts that splitting and resealing leave out.
import { p521 } from '@noble/curves/nist.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { writeU32 } from '../../model/core/bytes.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import { phkh } from '../../model/se-format/header-keys.js';
import {
  decodeCoordinates,
  decodeUvRequestHeader,
  encodeCoordinates,
  openUvRequest,
  resealUvRequest,
  sealUvRequest,
  splitUvRequest,
  type UvSealInput,
} from '../../model/se-format/uv-request.js';
import { CUSTOMER_KEYS, CUSTOMERS, HOSTS } from './request-fixtures.js';

const [H0, H1] = HOSTS as [(typeof HOSTS)[number], (typeof HOSTS)[number]];
const [C0, C1] = CUSTOMERS as [(typeof CUSTOMERS)[number], (typeof CUSTOMERS)[number]];
const KEY = new Uint8Array(32).fill(7);
const layout = { customerKeyOffset: 0x40 };
/** Key slot 0 follows the 160-byte customer key at 0x40. */
const SLOT0 = 0xe0;

const base: UvSealInput = {
  magic: new Uint8Array(8),
  version: 0x100,
  iv: new Uint8Array(12).fill(1),
  requestKey: KEY,
  customer: { privateKey: C0.privateKey },
  hostKeys: [H0.publicKey],
  body: new Uint8Array(16).fill(5),
  trailer: new Uint8Array(0),
  plaintext: new Uint8Array(64).fill(6),
};

function sealed(i: UvSealInput): Uint8Array {
  const r = sealUvRequest(suite, i);
  if (!r.ok) throw new Error(`${r.error.field}: ${r.error.message}`);
  return r.value;
}

const REQ = sealed(base);

const sealError = (i: UvSealInput) => {
  const r = sealUvRequest(suite, i);
  return r.ok ? undefined : r.error;
};

const splitError = (b: Uint8Array) => {
  const r = splitUvRequest(b, layout);
  return r.ok ? undefined : r.error;
};

const openError = (b: Uint8Array, opener: Parameters<typeof openUvRequest>[3]) => {
  const r = openUvRequest(suite, b, layout, opener);
  return r.ok ? undefined : r.error;
};

function edited(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = b.slice();
  edit(c);
  return c;
}

describe('request header and split failures', () => {
  it('each names its reason, message and the offset of its field', () => {
    const r = decodeUvRequestHeader(new Uint8Array(47));
    expect(r.ok ? undefined : r.error).toEqual({ check: 'format', reason: 'size', message: 'a request is at least 48 bytes (its header), got 47', offset: 0 });
    const n = REQ.length;
    expect(splitError(REQ.subarray(0, n - 1))).toEqual({ check: 'format', reason: 'size', message: `RQL says ${n} bytes, the request has ${n - 1}`, offset: 0x0c });
    expect(splitError(edited(REQ, (c) => (c[0x27] = 0)))).toEqual({ check: 'format', reason: 'nks', message: 'NKS is 0: a request needs at least one key slot', offset: 0x27 });
    // 3 slots end at 0x40 + 160 + 240 = 0x1d0; with SEA 64 and the tag the request needs 544.
    expect(splitError(edited(REQ, (c) => (c[0x27] = 3)))).toEqual({
      check: 'format',
      reason: 'size',
      message: `RQL ${n} is too small for 3 key slot(s), SEA 64 and the tag (needs 544)`,
      offset: 0x2c,
    });
    // One slot ends at 0x130: SEA 64 fills the request exactly, 65 needs a byte more.
    expect(splitError(edited(REQ, (c) => writeU32(c, 0x2c, 65)))).toEqual({
      check: 'format',
      reason: 'size',
      message: `RQL ${n} is too small for 1 key slot(s), SEA 65 and the tag (needs ${n + 1})`,
      offset: 0x2c,
    });
  });

  it('the body is the bytes between the header and the customer key', () => {
    const p = splitUvRequest(REQ, layout);
    expect(p.ok && p.value.body).toEqual(new Uint8Array(16).fill(5));
  });

  it('a customer key whose padding is not zero still gives its 66-byte coordinates, marked not padded', () => {
    for (const at of [0x40 + 3, 0x40 + 80 + 13]) {
      const p = splitUvRequest(edited(REQ, (c) => (c[at] = 1)), layout);
      expect(p.ok && [p.value.customerPublicKey, p.value.customerKeyPadded]).toEqual([C0.publicKey, false]);
    }
    const p = splitUvRequest(REQ, layout);
    expect(p.ok && [p.value.customerPublicKey, p.value.customerKeyPadded]).toEqual([C0.publicKey, true]);
  });

  it('coordinates of any size but 160 bytes are no key, even with zero padding', () => {
    const enc = encodeCoordinates(C0.publicKey);
    expect(decodeCoordinates(new Uint8Array([...enc, 0]))).toBeUndefined();
    expect(decodeCoordinates(enc)).toEqual(C0.publicKey);
  });
});

describe('sealer refusals', () => {
  it('each field and message', () => {
    expect(sealError({ ...base, magic: new Uint8Array(7) })).toEqual({ field: 'magic', message: 'must be 8 bytes, got 7' });
    expect(sealError({ ...base, iv: new Uint8Array(13) })).toEqual({ field: 'iv', message: 'must be 12 bytes, got 13' });
    expect(sealError({ ...base, hostKeys: [] })).toEqual({ field: 'hostKeys', message: 'a request needs at least one host key (NKS ≥ 1)' });
    const cached = { ...base, customer: CUSTOMER_KEYS[0] as (typeof CUSTOMER_KEYS)[number] };
    expect(sealError({ ...cached, hostKeys: Array.from({ length: 256 }, () => H0.publicKey) })).toEqual({ field: 'hostKeys', message: 'at most 255 host keys (NKS is one byte), got 256' });
    const full = sealed({ ...cached, hostKeys: Array.from({ length: 255 }, () => H0.publicKey) });
    expect(full[0x27]).toBe(255);
    expect(sealError({ ...base, hostKeys: [H0.publicKey, { x: new Uint8Array(65), y: new Uint8Array(66) }] })).toEqual({ field: 'hostKeys[1]', message: 'coordinates must be 66 bytes each' });
    expect(sealError({ ...base, hostKeys: [{ x: new Uint8Array(66), y: new Uint8Array(67) }] })).toEqual({ field: 'hostKeys[0]', message: 'coordinates must be 66 bytes each' });
    expect(sealError({ ...base, customer: { privateKey: new Uint8Array(80) } })).toEqual({ field: 'customer.privateKey', message: 'must be a 66-byte P-521 scalar, got 80 bytes' });
    expect(sealError({ ...base, customer: { privateKey: new Uint8Array(66) } })).toEqual({ field: 'customer.privateKey', message: 'not a valid P-521 scalar' });
    const agree = () => undefined;
    expect(sealError({ ...base, customer: { publicKey: { x: new Uint8Array(65), y: C0.publicKey.y }, agree } })).toEqual({ field: 'customer.publicKey', message: 'coordinates must be 66 bytes each' });
    expect(sealError({ ...base, customer: { publicKey: { x: C0.publicKey.x, y: new Uint8Array(67) }, agree } })).toEqual({ field: 'customer.publicKey', message: 'coordinates must be 66 bytes each' });
  });

  it('resealing leaves its input as it was', () => {
    const copy = REQ.slice();
    const again = resealUvRequest(suite, copy, KEY, new Uint8Array(64).fill(8));
    expect(copy).toEqual(REQ);
    expect(again).not.toEqual(REQ);
  });
});

describe('key-slot and tag failures', () => {
  const byKey = { kind: 'request-key' as const, requestKey: KEY };
  const slot0 = (reason: string, message: string, offset = SLOT0) => ({ check: 'key-slot', reason, message, offset, slotIndex: 0 });

  it('before a slot is found: a request key of the wrong size, a host key of the wrong size, no slot', () => {
    expect(openError(REQ, { kind: 'request-key', requestKey: new Uint8Array(31) })).toEqual({ check: 'key-slot', reason: 'slot-unwrap', message: 'the request key must be 32 bytes, got 31' });
    const badHost = { check: 'key-slot', reason: 'no-slot', message: 'the host key is not a P-521 key of 66-byte coordinates' };
    expect(openError(REQ, { kind: 'host', host: { privateKey: H0.privateKey, publicKey: { x: H0.publicKey.x.subarray(1), y: H0.publicKey.y } } })).toEqual(badHost);
    expect(openError(REQ, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: { x: H0.publicKey.x, y: H0.publicKey.y.subarray(1) } })).toEqual(badHost);
    expect(openError(REQ, { kind: 'host', host: H1 })).toEqual({ check: 'key-slot', reason: 'no-slot', message: 'no key slot carries this host key hash (PHKH)' });
  });

  it('at the slot found: padding, a host scalar of the wrong size, a customer scalar that is none, a broken slot tag', () => {
    const padded = edited(REQ, (c) => (c[0x45] = 1));
    expect(openError(padded, { kind: 'host', host: H0 })).toEqual(slot0('customer-key', 'the customer public key is not a P-521 point: the padding before a coordinate is not zero', 0x40));
    expect(openError(REQ, { kind: 'host', host: { ...H0, privateKey: H0.privateKey.subarray(1) } })).toEqual(
      slot0('customer-key', 'no ECDH with the customer public key (not a P-521 point, or a bad host key)'),
    );
    expect(openError(REQ, { kind: 'owner', customerPrivateKey: new Uint8Array(66), hostPublicKey: H0.publicKey })).toEqual(
      slot0('customer-key', 'the customer private key is not a P-521 scalar (66 bytes, or 80 left-padded)'),
    );
    const tagAt = SLOT0 + 64;
    expect(openError(edited(REQ, (c) => (c[tagAt] = (c[tagAt] ?? 0) ^ 1)), { kind: 'host', host: H0 })).toEqual(slot0('slot-unwrap', 'key slot 0: its tag does not verify'));
  });

  it("the owner's key: another customer's, or the same X with the other Y (the negated key)", () => {
    const notOurs = slot0('customer-key', "the request's customer public key is not this customer key's", 0x40);
    expect(openError(REQ, { kind: 'owner', customerPrivateKey: C1.privateKey, hostPublicKey: H0.publicKey })).toEqual(notOurs);
    // n − d has the public key (x, −y) and the same ECDH X: only the Y comparison refuses it.
    const negated = numberToBytesBE(p521.Point.Fn.ORDER - bytesToNumberBE(C0.privateKey), 66);
    const neg = sealed({ ...base, customer: { privateKey: negated } });
    const p = splitUvRequest(neg, layout);
    expect(p.ok && p.value.customerPublicKey.x).toEqual(C0.publicKey.x);
    expect(openError(neg, { kind: 'owner', customerPrivateKey: negated, hostPublicKey: H0.publicKey })).toBeUndefined();
    expect(openError(neg, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: H0.publicKey })).toEqual(notOurs);
  });

  it('a host public key that is no point, named by a slot: no ECDH', () => {
    const bogus = { x: new Uint8Array(66).fill(1), y: new Uint8Array(66).fill(2) };
    const named = edited(REQ, (c) => c.set(phkh(suite, bogus), SLOT0));
    expect(openError(named, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: bogus })).toEqual(slot0('no-slot', 'no ECDH with this host public key (not a P-521 point)'));
  });

  it('the tag: at the last 16 bytes, with the slot when one was used, without one for the request key', () => {
    const tag = { check: 'request-auth', reason: 'tag', message: 'the request tag does not verify over the authenticated data and the encrypted area', offset: REQ.length - 16 };
    expect(openError(REQ, { kind: 'request-key', requestKey: new Uint8Array(32) })).toStrictEqual(tag);
    const flipped = edited(REQ, (c) => (c[REQ.length - 17] = (c[REQ.length - 17] ?? 0) ^ 1));
    expect(openError(flipped, { kind: 'host', host: H0 })).toStrictEqual({ ...tag, slotIndex: 0 });
    const opened = openUvRequest(suite, REQ, layout, byKey);
    expect(opened.ok && Object.keys(opened.value).includes('slotIndex')).toBe(false);
    expect(opened.ok && opened.value.plaintext).toEqual(base.plaintext);
  });
});
