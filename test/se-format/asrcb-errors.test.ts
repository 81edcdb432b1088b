// The ASRCB's refusals, each asserted whole (field and message; check, reason, message and offset):
// the builder's input errors, the decoder's format failures, the secret-header and
// extension-secret failures of opening, and the fields decoding and opening leave out.
import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../../model/core/bytes.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { asrcbMagic, asrcbTag, buildAsrcb, decodeAsrcb, openAsrcb, verifyUserDataSignature, type AsrcbBuildInput } from '../../model/se-format/asrcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { sealUvRequest, UV_REQUEST_OFFSET } from '../../model/se-format/uv-request.js';
import { verifyEcdsaP521 } from '../../model/se-format/user-data.js';
import { asrcbInputFor, CUSTOMERS, HOSTS } from './request-fixtures.js';

const host = HOSTS[0] as (typeof HOSTS)[number];
const C0 = CUSTOMERS[0] as (typeof CUSTOMERS)[number];
const KEY = new Uint8Array(32).fill(7);
const byKey = { kind: 'request-key' as const, requestKey: KEY };

const input: AsrcbBuildInput = asrcbInputFor(host.publicKey, KEY);

function built(i: AsrcbBuildInput, s: CryptoSuite = suite): Uint8Array {
  const r = buildAsrcb(s, i);
  if (!r.ok) throw new Error(`${r.error.field}: ${r.error.message}`);
  return r.value;
}

const buildError = (i: AsrcbBuildInput, s: CryptoSuite = suite) => {
  const r = buildAsrcb(s, i);
  return r.ok ? undefined : r.error;
};

const decodeError = (b: Uint8Array) => {
  const r = decodeAsrcb(b);
  return r.ok ? undefined : r.error;
};

const openError = (b: Uint8Array, options = {}) => {
  const r = openAsrcb(suite, b, byKey, options);
  return r.ok ? undefined : r.error;
};

function edited(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = b.slice();
  edit(c);
  return c;
}

/** `b` edited in its AAD and sealed again with KEY, so that only the edited check can fail. */
function resealed(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = edited(b, edit);
  const aadEnd = c.length - new DataView(c.buffer).getUint32(UV_REQUEST_OFFSET.sea) - 16;
  const plain = suite.aesGcmDecrypt(KEY, b.subarray(0x10, 0x1c), b.subarray(aadEnd, b.length - 16), b.subarray(b.length - 16), b.subarray(0, aadEnd));
  if (plain === undefined) throw new Error('reseal: the original does not open');
  const s = suite.aesGcmEncrypt(KEY, c.subarray(0x10, 0x1c), plain, c.subarray(0, aadEnd));
  c.set(s.ciphertext, aadEnd);
  c.set(s.tag, c.length - 16);
  return c;
}

/** A request of the ASRCB layout with `trailer` as its secret header and a plaintext of `sea` bytes. */
function sealedWith(trailer: Uint8Array, sea: number): Uint8Array {
  const r = sealUvRequest(suite, {
    magic: asrcbMagic(0),
    version: 0x100,
    iv: new Uint8Array(12),
    requestKey: KEY,
    customer: { privateKey: C0.privateKey },
    hostKeys: [host.publicKey],
    body: new Uint8Array(0x418 - 48),
    trailer,
    plaintext: new Uint8Array(sea),
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A suite whose ECDSA signer returns `compact` as r ‖ s (to reach the signature-size checks). */
const signingAs = (compact: Uint8Array): CryptoSuite => ({ ...suite, ecdsaSign: () => compact });

const ASRCB = built(input);

describe('ASRCB builder refusals', () => {
  it('the secret: ID and name, neither, an ID of the wrong size', () => {
    const assoc = (extra: object) => buildError({ ...input, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32), ...extra } });
    expect(assoc({ id: new Uint8Array(32), name: 'a' })).toEqual({ field: 'secret.id', message: 'give an ID or a name, not both' });
    expect(assoc({})).toEqual({ field: 'secret.name', message: 'a association secret is listed: it needs a name or an ID' });
    expect(assoc({ id: new Uint8Array(31) })).toEqual({ field: 'secret.id', message: 'must be 32 bytes, got 31' });
  });

  it('the fixed fields: each boot tag, the CUID, flags below 0 and above a u64', () => {
    const tags = input.bootTags;
    expect(buildError({ ...input, bootTags: { ...tags, pld: new Uint8Array(63) } })).toEqual({ field: 'bootTags.pld', message: 'must be 64 bytes, got 63' });
    expect(buildError({ ...input, bootTags: { ...tags, ald: new Uint8Array(65) } })).toEqual({ field: 'bootTags.ald', message: 'must be 64 bytes, got 65' });
    expect(buildError({ ...input, bootTags: { ...tags, tld: new Uint8Array(0) } })).toEqual({ field: 'bootTags.tld', message: 'must be 64 bytes, got 0' });
    expect(buildError({ ...input, bootTags: { ...tags, headerTag: new Uint8Array(15) } })).toEqual({ field: 'bootTags.headerTag', message: 'must be 16 bytes, got 15' });
    expect(buildError({ ...input, cuid: new Uint8Array(17) })).toEqual({ field: 'cuid', message: 'must be 16 bytes, got 17' });
    expect(buildError({ ...input, flags: -1n })).toEqual({ field: 'flags', message: 'must be a u64' });
    expect(buildError({ ...input, flags: 1n << 64n })).toEqual({ field: 'flags', message: 'must be a u64' });
    expect(buildError({ ...input, flags: (1n << 64n) - 1n })).toBeUndefined();
  });

  it('user data: an unknown type, data at and past its maximum, a signing key that is no 66-byte scalar', () => {
    expect(buildError({ ...input, userData: { type: 7 } as never })).toEqual({ field: 'userData.type', message: '7 is not a user-data type (0-4)' });
    expect(buildError({ ...input, userData: { type: 1, data: new Uint8Array(512) } })).toBeUndefined();
    expect(buildError({ ...input, userData: { type: 1, data: new Uint8Array(513) } })).toEqual({ field: 'userData.data', message: 'user-data type 1 holds at most 512 bytes, got 513' });
    expect(buildError({ ...input, userData: { type: 4, data: new Uint8Array(129), sign: () => new Uint8Array(384) } })).toEqual({
      field: 'userData.data',
      message: 'user-data type 4 holds at most 128 bytes, got 129',
    });
    const key67 = new Uint8Array([0, ...C0.privateKey]);
    expect(buildError({ ...input, userData: { type: 2, data: new Uint8Array(0), signingKey: key67 } })).toEqual({ field: 'userData.signingKey', message: 'not a 66-byte P-521 scalar' });
    expect(buildError({ ...input, userData: { type: 2, data: new Uint8Array(0), signingKey: new Uint8Array(66) } })).toEqual({ field: 'userData.signingKey', message: 'not a 66-byte P-521 scalar' });
  });

  it('signatures: RSA of the wrong size; ECDSA DER shorter than 139 is fine, longer is refused', () => {
    expect(buildError({ ...input, userData: { type: 4, data: new Uint8Array(0), sign: () => new Uint8Array(100) } })).toEqual({
      field: 'userData.sign',
      message: 'a type-4 signature is 384 bytes, got 100',
    });
    expect(buildError({ ...input, userData: { type: 3, data: new Uint8Array(0), sign: () => new Uint8Array(257) } })).toEqual({
      field: 'userData.sign',
      message: 'a type-3 signature is 256 bytes, got 257',
    });
    const ec = { ...input, userData: { type: 2 as const, data: Uint8Array.of(1), signingKey: C0.privateKey } };
    // r and s with their top bit set: each DER INTEGER gets a zero byte, 141 in all.
    expect(buildError(ec, signingAs(new Uint8Array(132).fill(0xff)))).toEqual({ field: 'userData.sign', message: 'a type-2 signature is at most 139 bytes, got 141' });
    // r and s with leading zero bytes: a short DER (2 + 2·(2 + 60) = 126 bytes), stored with its length.
    const short = built(ec, signingAs(new Uint8Array(132).map((_, i) => (i % 66 < 6 ? 0 : 1))));
    const d = decodeAsrcb(short);
    expect(d.ok && [d.value.userData[0x190], d.value.userData[0x191]]).toEqual([0, 126]);
  });
});

describe('ASRCB decoder failures', () => {
  it('each names its reason, message and the offset of its field', () => {
    expect(decodeError(ASRCB)).toBeUndefined();
    expect(decodeError(edited(ASRCB, (c) => (c[0] = 0x41)))).toEqual({ check: 'format', reason: 'magic', message: 'an add-secret request starts with "asrcbM"', offset: 0 });
    expect(decodeError(edited(ASRCB, (c) => c.set(asrcbMagic(5), 0)))).toEqual({ check: 'format', reason: 'user-data-type', message: 'user-data type 5; 0-4 exist', offset: 6 });
    expect(decodeError(edited(ASRCB, (c) => writeU32(c, 8, 0x200)))).toEqual({ check: 'format', reason: 'version', message: 'version 0x200, only 0x100 is supported', offset: 8 });
    expect(decodeError(edited(ASRCB, (c) => writeU64(c, 0x30, 2n)))).toEqual({
      check: 'format',
      reason: 'flags',
      message: 'flags 0x0000000000000002 set bits other than 0 (disable dump)',
      offset: 0x30,
    });
    expect(decodeError(sealedWith(new Uint8Array(32), 64))).toEqual({
      check: 'format',
      reason: 'size',
      message: '32 bytes between the key slots and the encrypted area; a secret header is 16 or 48',
      offset: UV_REQUEST_OFFSET.sea,
    });
    expect(decodeError(sealedWith(Uint8Array.of(0, 0, 0, 1, ...new Array<number>(12).fill(0)), 31))).toEqual({
      check: 'format',
      reason: 'sea',
      message: 'SEA 31 is less than the 32-byte extension secret',
      offset: UV_REQUEST_OFFSET.sea,
    });
    expect(decodeError(sealedWith(Uint8Array.of(0, 0, 0, 1, ...new Array<number>(12).fill(0)), 32))).toBeUndefined();
  });

  it('the reserved field is its 256 bytes; a 16-byte secret header has no ID field at all', () => {
    const marked = edited(ASRCB, (c) => ((c[0x118] = 1), (c[0x217] = 2)));
    const d = decodeAsrcb(marked);
    expect(d.ok && d.value.reserved118).toEqual(new Uint8Array(256).map((_, i) => (i === 0 ? 1 : i === 255 ? 2 : 0)));
    const nul = decodeAsrcb(built({ ...input, secret: { type: SECRET_TYPE.NULL, value: new Uint8Array(0) } }));
    expect(nul.ok && nul.value.secretHeader).toStrictEqual({ type: SECRET_TYPE.NULL, length: 0, size: 16 });
  });
});

describe('ASRCB opening failures', () => {
  // The association request: secret header of 48 bytes before 64 encrypted (32 + 32) and the tag.
  const shAt = ASRCB.length - 16 - 64 - 48;
  const secretHeader = (reason: string, message: string, offset = shAt) => ({ check: 'secret-header', reason, message, offset });

  it('the secret type: reserved, or with the wrong header size', () => {
    expect(openError(resealed(ASRCB, (c) => (c[shAt + 3] = 0x0b)))).toEqual(secretHeader('secret-type', 'secret type 0xb is reserved or unknown'));
    expect(openError(resealed(ASRCB, (c) => (c[shAt + 3] = SECRET_TYPE.NULL)))).toEqual(secretHeader('secret-type', 'a null secret has a 16-byte secret header, this one is 48'));
  });

  it('the secret length: a valid length that disagrees with SEA, a length that is no length of the type', () => {
    // Plain text of 5 bytes: a 16-byte payload, SEA 48. A header saying 32 is a valid plain-text length.
    const pt = built({ ...input, secret: { type: SECRET_TYPE.PLAINTEXT, value: new Uint8Array(5).fill(65), name: 'p' } });
    const ptAt = pt.length - 16 - 48 - 48;
    expect(openError(resealed(pt, (c) => (c[ptAt + 7] = 32)))).toEqual(secretHeader('secret-length', 'secret length 32, but SEA 48 leaves 16 before the extension secret', ptAt));
    expect(openError(resealed(ASRCB, (c) => (c[shAt + 3] = SECRET_TYPE.AES_128)))).toEqual(secretHeader('secret-length', '32 bytes is not a length of a aes-128 secret'));
  });

  it('a non-zero ID field of a type that is not listed, at the ID field', () => {
    const cck = built({ ...input, secret: { type: SECRET_TYPE.UPDATE_CCK, value: new Uint8Array(32) } });
    const at = cck.length - 16 - 64 - 48;
    expect(openError(cck)).toBeUndefined();
    expect(openError(resealed(cck, (c) => (c[at + 47] = 1)))).toEqual(secretHeader('secret-id', 'a update-cck secret must have a zero ID field', at + 16));
  });

  it('a plain-text length prefix that does not fit, at the secret header', () => {
    const pt = built({ ...input, secret: { type: SECRET_TYPE.PLAINTEXT, value: new Uint8Array(5).fill(65), name: 'p' } });
    const c = pt.slice();
    const aadEnd = c.length - 16 - 48;
    const plain = new Uint8Array(48);
    plain[1] = 20;
    const s = suite.aesGcmEncrypt(KEY, c.subarray(0x10, 0x1c), plain, c.subarray(0, aadEnd));
    c.set(s.ciphertext, aadEnd);
    c.set(s.tag, c.length - 16);
    expect(openError(c)).toEqual(secretHeader('secret-length', 'the plain-text length prefix does not fit its payload', aadEnd - 48));
  });

  it('an extension secret other than the expected one', () => {
    expect(openError(ASRCB, { expectedExtensionSecret: new Uint8Array(32).fill(1) })).toEqual({
      check: 'extension-secret',
      reason: 'extension-secret',
      message: 'the extension secret is not the expected one',
    });
    expect(openError(ASRCB, { expectedExtensionSecret: new Uint8Array(32) })).toBeUndefined();
  });

  it('opened with the request key the result names no slot; with the host key, slot 0', () => {
    const r = openAsrcb(suite, ASRCB, byKey);
    expect(r.ok && Object.keys(r.value).includes('slotIndex')).toBe(false);
    const h = openAsrcb(suite, ASRCB, { kind: 'host', host });
    expect(h.ok && h.value.slotIndex).toBe(0);
  });
});

describe('ASRCB tag and signature checks', () => {
  it('the tag is the last 16 bytes, from 16 bytes on', () => {
    expect(asrcbTag(ASRCB)).toEqual(ASRCB.slice(ASRCB.length - 16));
    expect(asrcbTag(new Uint8Array(16).fill(3))).toEqual(new Uint8Array(16).fill(3));
    expect(asrcbTag(new Uint8Array(15))).toBeUndefined();
  });

  it('an EC public key verifies no RSA-type request, even one whose signature area holds a valid ECDSA DER', () => {
    // DER of 256 bytes: 30 81 FD, INTEGER r in 127 bytes (61 leading zeros), INTEGER s in 122 (56).
    const der256 = (m: Uint8Array): Uint8Array => {
      const rs = suite.ecdsaSign('p521', 'sha512', C0.privateKey, m);
      return Uint8Array.of(0x30, 0x81, 0xfd, 0x02, 0x7f, ...new Array<number>(61).fill(0), ...rs.subarray(0, 66), 0x02, 0x7a, ...new Array<number>(56).fill(0), ...rs.subarray(66));
    };
    const rsa = built({ ...input, userData: { type: 3, data: Uint8Array.of(1), sign: der256 } });
    expect(verifyUserDataSignature(suite, rsa, { verify: (m, sig) => verifyEcdsaP521(suite, C0.publicKey, m, sig) })).toBe(true);
    expect(verifyUserDataSignature(suite, rsa, { publicKey: C0.publicKey })).toBe(false);
  });
});
