/**
 * Each check of the request formats, one failure at a time, with its reason (what a firmware
 * maps to its return code): sizes, magic, version, NKS, flags, SEA, MAI, key slots, customer
 * key, tag, secret type, length and ID, extension secret. Also the builders' refusals.
 */
import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../../model/core/bytes.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import { ATTEST_FLAG, buildArcb, decodeArcb, openArcb, type ArcbBuildInput } from '../../model/se-format/arcb.js';
import { asrcbMagic, asrcbTag, buildAsrcb, decodeAsrcb, openAsrcb, verifyUserDataSignature, type AsrcbBuildInput } from '../../model/se-format/asrcb.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { verifyAttestationResponse } from '../../model/se-format/attestation.js';
import { encodeExchangeResponse } from '../../model/se-format/pvattest-exchange.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { customerScalar, decodeCoordinates, decodeUvRequestHeader, encodeCoordinates, openUvRequest, sealUvRequest, splitUvRequest } from '../../model/se-format/uv-request.js';
import { asrcbInputFor, CUSTOMERS, HOSTS } from './request-fixtures.js';

const [H0, H1] = HOSTS as [(typeof HOSTS)[number], (typeof HOSTS)[number]];
const [C0, C1] = CUSTOMERS as [(typeof CUSTOMERS)[number], (typeof CUSTOMERS)[number]];
const KEY = new Uint8Array(32).fill(7);

const arcbInput: ArcbBuildInput = {
  iv: new Uint8Array(12).fill(1),
  requestKey: KEY,
  customer: { privateKey: C0.privateKey },
  hostKeys: [H0.publicKey],
  paf: ATTEST_FLAG.nonce,
  measurementKey: new Uint8Array(64).fill(2),
  nonce: new Uint8Array(16).fill(3),
};

const asrcbInput: AsrcbBuildInput = asrcbInputFor(H0.publicKey, KEY);

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const ARCB = ok(buildArcb(suite, arcbInput));
const ASRCB = ok(buildAsrcb(suite, asrcbInput));
const byKey = { kind: 'request-key' as const, requestKey: KEY };
const failure = (r: { ok: boolean; error?: { check: string; reason: string } }): [string, string] | undefined => (r.ok ? undefined : [r.error?.check ?? '', r.error?.reason ?? '']);

/** A copy with `edit` applied. */
function edited(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = b.slice();
  edit(c);
  return c;
}

/** A request re-sealed over its edited AAD (so that only the edited check can fail). */
function resealed(b: Uint8Array, edit: (c: Uint8Array) => void): Uint8Array {
  const c = edited(b, edit);
  const rql = c.length;
  const sea = new DataView(c.buffer).getUint32(0x2c);
  const aadEnd = rql - sea - 16;
  const plain = suite.aesGcmDecrypt(KEY, c.subarray(0x10, 0x1c), b.subarray(aadEnd, rql - 16), b.subarray(rql - 16), b.subarray(0, aadEnd));
  if (plain === undefined) throw new Error('reseal: the original does not open');
  const s = suite.aesGcmEncrypt(KEY, c.subarray(0x10, 0x1c), plain, c.subarray(0, aadEnd));
  c.set(s.ciphertext, aadEnd);
  c.set(s.tag, rql - 16);
  return c;
}

describe('generic request', () => {
  it('a header needs 48 bytes; RQL must be the length; NKS at least 1; the slots must fit', () => {
    expect(failure(decodeUvRequestHeader(new Uint8Array(47)))).toEqual(['format', 'size']);
    expect(decodeUvRequestHeader(new Uint8Array(48)).ok).toBe(true);
    const layout = { customerKeyOffset: 0x40 };
    expect(failure(splitUvRequest(ARCB.subarray(0, ARCB.length - 1), layout))).toEqual(['format', 'size']);
    expect(failure(splitUvRequest(edited(ARCB, (c) => (c[0x27] = 0)), layout))).toEqual(['format', 'nks']);
    expect(failure(splitUvRequest(edited(ARCB, (c) => (c[0x27] = 3)), layout))).toEqual(['format', 'size']);
    expect(failure(splitUvRequest(edited(ARCB, (c) => writeU32(c, 0x2c, 0x1000)), layout))).toEqual(['format', 'size']);
    expect(splitUvRequest(ARCB, layout).ok).toBe(true);
  });

  it('coordinates pad to 80 bytes each and decode back; padding that is not zero is no point', () => {
    const enc = encodeCoordinates(C0.publicKey);
    expect(enc.length).toBe(160);
    expect(enc.subarray(0, 14).every((b) => b === 0) && enc.subarray(80, 94).every((b) => b === 0)).toBe(true);
    expect(decodeCoordinates(enc)).toEqual(C0.publicKey);
    expect(decodeCoordinates(edited(enc, (c) => (c[3] = 1)))).toBeUndefined();
    expect(decodeCoordinates(edited(enc, (c) => (c[90] = 1)))).toBeUndefined();
    expect(decodeCoordinates(enc.subarray(1))).toBeUndefined();
  });

  it('customer scalars of 66 bytes, or 80 with 14 zero bytes first', () => {
    expect(customerScalar(C0.privateKey)).toEqual(C0.privateKey);
    const long = new Uint8Array(80);
    long.set(C0.privateKey, 14);
    expect(customerScalar(long)).toEqual(C0.privateKey);
    expect(customerScalar(edited(long, (c) => (c[0] = 1)))).toBeUndefined();
    expect(customerScalar(new Uint8Array(65))).toBeUndefined();
  });

  it('the key slot: no slot for another host; a broken slot; padding or a foreign customer key; the wrong request key', () => {
    const layout = { customerKeyOffset: 0x40 };
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'host', host: H1 }))).toEqual(['key-slot', 'no-slot']);
    const slotTag = 0xe0 + 64;
    expect(failure(openUvRequest(suite, edited(ARCB, (c) => (c[slotTag] = (c[slotTag] ?? 0) ^ 1)), layout, { kind: 'host', host: H0 }))).toEqual(['key-slot', 'slot-unwrap']);
    const padded = edited(ARCB, (c) => (c[0x45] = 1));
    expect(failure(openUvRequest(suite, padded, layout, { kind: 'host', host: H0 }))).toEqual(['key-slot', 'customer-key']);
    expect(failure(openUvRequest(suite, padded, layout, byKey))).toEqual(['request-auth', 'tag']);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'owner', customerPrivateKey: C1.privateKey, hostPublicKey: H0.publicKey }))).toEqual(['key-slot', 'customer-key']);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'owner', customerPrivateKey: new Uint8Array(66), hostPublicKey: H0.publicKey }))).toEqual(['key-slot', 'customer-key']);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: H1.publicKey }))).toEqual(['key-slot', 'no-slot']);
    expect(openUvRequest(suite, ARCB, layout, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: H0.publicKey }).ok).toBe(true);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'request-key', requestKey: new Uint8Array(31) }))).toEqual(['key-slot', 'slot-unwrap']);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'request-key', requestKey: new Uint8Array(32) }))).toEqual(['request-auth', 'tag']);
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'host', host: { privateKey: H0.privateKey, publicKey: { x: new Uint8Array(65), y: new Uint8Array(66) } } }))).toEqual(['key-slot', 'no-slot']);
  });

  it('the sealer refuses wrong sizes, no host key, 256 host keys, a bad customer scalar', () => {
    const base = { magic: new Uint8Array(8), version: 0x100, iv: new Uint8Array(12), requestKey: KEY, customer: { privateKey: C0.privateKey }, hostKeys: [H0.publicKey], body: new Uint8Array(16), trailer: new Uint8Array(0), plaintext: new Uint8Array(64) };
    expect(sealUvRequest(suite, base).ok).toBe(true);
    const field = (r: ReturnType<typeof sealUvRequest>): string | undefined => (r.ok ? undefined : r.error.field);
    expect(field(sealUvRequest(suite, { ...base, magic: new Uint8Array(7) }))).toBe('magic');
    expect(field(sealUvRequest(suite, { ...base, iv: new Uint8Array(11) }))).toBe('iv');
    expect(field(sealUvRequest(suite, { ...base, requestKey: new Uint8Array(16) }))).toBe('requestKey');
    expect(field(sealUvRequest(suite, { ...base, hostKeys: [] }))).toBe('hostKeys');
    expect(field(sealUvRequest(suite, { ...base, hostKeys: Array.from({ length: 256 }, () => H0.publicKey) }))).toBe('hostKeys');
    expect(field(sealUvRequest(suite, { ...base, hostKeys: [{ x: new Uint8Array(66), y: new Uint8Array(65) }] }))).toBe('hostKeys[0]');
    expect(field(sealUvRequest(suite, { ...base, customer: { privateKey: new Uint8Array(80) } }))).toBe('customer.privateKey');
    expect(field(sealUvRequest(suite, { ...base, customer: { privateKey: new Uint8Array(66) } }))).toBe('customer.privateKey');
    expect(field(sealUvRequest(suite, { ...base, customer: { publicKey: { x: new Uint8Array(65), y: new Uint8Array(66) }, agree: () => undefined } }))).toBe('customer.publicKey');
    expect(field(sealUvRequest(suite, { ...base, hostKeys: [{ x: new Uint8Array(66), y: new Uint8Array(66) }] }))).toBe('hostKeys[0]');
  });
});

describe('ARCB checks', () => {
  it('magic, version, MAI, flags, SEA: each a format failure with its reason', () => {
    expect(failure(decodeArcb(resealed(ARCB, (c) => (c[0] = 1))))).toEqual(['format', 'magic']);
    expect(failure(decodeArcb(resealed(ARCB, (c) => writeU32(c, 8, 0x200))))).toEqual(['format', 'version']);
    expect(failure(decodeArcb(resealed(ARCB, (c) => writeU32(c, 0x38, 2))))).toEqual(['format', 'mai']);
    expect(failure(decodeArcb(resealed(ARCB, (c) => writeU64(c, 0x30, ATTEST_FLAG.nonce | 1n))))).toEqual(['format', 'flags']);
    expect(failure(decodeArcb(resealed(ARCB, (c) => writeU64(c, 0x30, 0n))))).toEqual(['format', 'sea']);
    const body = edited(new Uint8Array(16), (c) => writeU32(c, 8, 1)); // PAF 0, MAI 1
    const withTrailer = ok(sealUvRequest(suite, { magic: new Uint8Array(8), version: 0x100, iv: new Uint8Array(12), requestKey: KEY, customer: { privateKey: C0.privateKey }, hostKeys: [H0.publicKey], body, trailer: new Uint8Array(16), plaintext: new Uint8Array(64) }));
    expect(failure(decodeArcb(withTrailer))).toEqual(['format', 'size']);
    expect(decodeArcb(ARCB).ok && openArcb(suite, ARCB, byKey).ok).toBe(true);
  });

  it('the builder refuses a nonce without the flag and the flag without a nonce, and wrong sizes', () => {
    const field = (i: ArcbBuildInput): string | undefined => {
      const r = buildArcb(suite, i);
      return r.ok ? undefined : r.error.field;
    };
    const { nonce: _n, ...noNonce } = arcbInput;
    expect(field(noNonce)).toBe('nonce');
    expect(field({ ...arcbInput, paf: 0n })).toBe('nonce');
    expect(field({ ...noNonce, paf: 0n })).toBeUndefined();
    expect(field({ ...arcbInput, nonce: new Uint8Array(15) })).toBe('nonce');
    expect(field({ ...arcbInput, measurementKey: new Uint8Array(32) })).toBe('measurementKey');
    expect(field({ ...arcbInput, paf: -1n })).toBe('paf');
    expect(field({ ...arcbInput, paf: 1n << 64n })).toBe('paf');
    expect(field({ ...arcbInput, mai: -1 })).toBe('mai');
    expect(field({ ...arcbInput, customer: { privateKey: new Uint8Array(70) } })).toBe('customer.privateKey');
    expect(field({ ...arcbInput, mai: 2 })).toBeUndefined();
  });
});

describe('ASRCB checks', () => {
  const open = (b: Uint8Array) => openAsrcb(suite, b, byKey);
  it('magic, user-data type, version, flags, secret-header size, SEA: format failures with their reasons', () => {
    expect(failure(open(resealed(ASRCB, (c) => (c[0] = 0x41))))).toEqual(['format', 'magic']);
    expect(failure(open(resealed(ASRCB, (c) => c.set(asrcbMagic(5), 0))))).toEqual(['format', 'user-data-type']);
    expect(failure(open(resealed(ASRCB, (c) => writeU32(c, 8, 0x200))))).toEqual(['format', 'version']);
    expect(failure(open(resealed(ASRCB, (c) => writeU64(c, 0x30, 1n))))).toEqual(['format', 'flags']);
    expect(open(resealed(ASRCB, (c) => writeU64(c, 0x30, 1n << 63n))).ok).toBe(true);
  });

  it('a secret header of a reserved type, the wrong size for its type, a length that disagrees, a non-zero update-CCK ID', () => {
    const shAt = ASRCB.length - 16 - 64 - 48;
    expect(failure(open(resealed(ASRCB, (c) => (c[shAt + 3] = 0x0b))))).toEqual(['secret-header', 'secret-type']);
    expect(failure(open(resealed(ASRCB, (c) => (c[shAt + 3] = SECRET_TYPE.NULL))))).toEqual(['secret-header', 'secret-type']);
    expect(failure(open(resealed(ASRCB, (c) => (c[shAt + 7] = 0x21))))).toEqual(['secret-header', 'secret-length']);
    // AES-256 is 32 bytes too: a valid type change; AES-128 with length 16 no longer fits SEA.
    expect(open(resealed(ASRCB, (c) => (c[shAt + 3] = SECRET_TYPE.AES_256))).ok).toBe(true);
    expect(failure(open(resealed(ASRCB, (c) => ((c[shAt + 3] = SECRET_TYPE.AES_128), (c[shAt + 7] = 16)))))).toEqual(['secret-header', 'secret-length']);
    // AES-128 is 16 bytes: a 32-byte payload is no AES-128 key.
    expect(failure(open(resealed(ASRCB, (c) => (c[shAt + 3] = SECRET_TYPE.AES_128))))).toEqual(['secret-header', 'secret-length']);
    const cck = ok(buildAsrcb(suite, { ...asrcbInput, secret: { type: SECRET_TYPE.UPDATE_CCK, value: new Uint8Array(32) } }));
    expect(open(cck).ok).toBe(true);
    expect(failure(open(resealed(cck, (c) => (c[cck.length - 16 - 64 - 1] = 1))))).toEqual(['secret-header', 'secret-id']);
  });

  it('a plain-text payload whose length prefix does not fit fails at the secret header', () => {
    const pt = ok(buildAsrcb(suite, { ...asrcbInput, secret: { type: SECRET_TYPE.PLAINTEXT, value: new Uint8Array(5).fill(65), name: 'p' } }));
    const opened = open(pt);
    expect(opened.ok && opened.value.secret).toEqual(new Uint8Array(5).fill(65));
    // Re-encrypt the payload with a prefix of 20 (more than its 14 bytes can hold).
    const c = pt.slice();
    const aadEnd = c.length - 16 - 48;
    const plain = new Uint8Array(48);
    plain[1] = 20;
    const s = suite.aesGcmEncrypt(KEY, c.subarray(0x10, 0x1c), plain, c.subarray(0, aadEnd));
    c.set(s.ciphertext, aadEnd);
    c.set(s.tag, c.length - 16);
    expect(failure(open(c))).toEqual(['secret-header', 'secret-length']);
  });

  it('the builder refuses: no name for a listed type, both name and ID, wrong sizes, user data too long, a bad signing key', () => {
    const field = (i: AsrcbBuildInput): string | undefined => {
      const r = buildAsrcb(suite, i);
      return r.ok ? undefined : r.error.field;
    };
    expect(field({ ...asrcbInput, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32) } })).toBe('secret.name');
    expect(field({ ...asrcbInput, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32), name: 'a', id: new Uint8Array(32) } })).toBe('secret.id');
    expect(field({ ...asrcbInput, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32), id: new Uint8Array(31) } })).toBe('secret.id');
    expect(field({ ...asrcbInput, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(31), name: 'a' } })).toBe('secret.value');
    expect(field({ ...asrcbInput, secret: { type: 0x0b, value: new Uint8Array(0) } })).toBe('secret.type');
    expect(field({ ...asrcbInput, cuid: new Uint8Array(15) })).toBe('cuid');
    expect(field({ ...asrcbInput, bootTags: { ...asrcbInput.bootTags, headerTag: new Uint8Array(15) } })).toBe('bootTags.headerTag');
    expect(field({ ...asrcbInput, flags: 1n << 64n })).toBe('flags');
    expect(field({ ...asrcbInput, extensionSecret: { mode: 'given', value: new Uint8Array(31) } })).toBe('extensionSecret.value');
    expect(field({ ...asrcbInput, extensionSecret: { mode: 'derived', cck: new Uint8Array(31) } })).toBe('extensionSecret.cck');
    expect(field({ ...asrcbInput, userData: { type: 1, data: new Uint8Array(513) } })).toBe('userData.data');
    expect(field({ ...asrcbInput, userData: { type: 2, data: new Uint8Array(257), signingKey: C0.privateKey } })).toBe('userData.data');
    expect(field({ ...asrcbInput, userData: { type: 2, data: new Uint8Array(0), signingKey: new Uint8Array(66) } })).toBe('userData.signingKey');
    expect(field({ ...asrcbInput, userData: { type: 4, data: new Uint8Array(0), sign: () => new Uint8Array(100) } })).toBe('userData.sign');
    expect(field({ ...asrcbInput, userData: { type: 7 } as never })).toBe('userData.type');
    expect(field({ ...asrcbInput, secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32), id: new Uint8Array(32) } })).toBeUndefined();
  });

  it('the same host key twice gives two slots, each opening', () => {
    const two = ok(buildAsrcb(suite, { ...asrcbInput, hostKeys: [H0.publicKey, H0.publicKey] }));
    const d = decodeAsrcb(two);
    expect(d.ok && d.value.keySlots.length).toBe(2);
    expect(d.ok && d.value.keySlots[0]).toEqual(d.ok ? d.value.keySlots[1] : undefined);
    expect(two.length).toBe(ASRCB.length + 80);
    expect(asrcbTag(new Uint8Array(15))).toBeUndefined();
  });
});

describe('the rarer failures', () => {
  const layout = { customerKeyOffset: 0x40 };
  it('a host key pair whose private scalar is not 66 bytes; a customer key that is no point; a host public key that is no point', () => {
    expect(failure(openUvRequest(suite, ARCB, layout, { kind: 'host', host: { privateKey: H0.privateKey.subarray(1), publicKey: H0.publicKey } }))).toEqual(['key-slot', 'customer-key']);
    // The customer key's X changed in its low bytes: padding fine, no longer a curve point.
    const offCurve = edited(ARCB, (c) => (c[0x40 + 79] = (c[0x40 + 79] ?? 0) ^ 1));
    expect(failure(openUvRequest(suite, offCurve, layout, { kind: 'host', host: H0 }))).toEqual(['key-slot', 'customer-key']);
    // A slot naming a "host key" that is no point: the owner side finds it and cannot agree.
    const bogus = { x: new Uint8Array(66).fill(1), y: new Uint8Array(66).fill(2) };
    const named = edited(ARCB, (c) => c.set(phkh(suite, bogus), 0xe0));
    expect(failure(openUvRequest(suite, named, layout, { kind: 'owner', customerPrivateKey: C0.privateKey, hostPublicKey: bogus }))).toEqual(['key-slot', 'no-slot']);
  });

  it('MAI must be a u32', () => {
    expect(buildArcb(suite, { ...arcbInput, mai: 2 ** 32 }).ok).toBe(false);
    expect(buildArcb(suite, { ...arcbInput, mai: 1.5 }).ok).toBe(false);
    expect(buildArcb(suite, { ...arcbInput, mai: 2 ** 32 - 1 }).ok).toBe(true);
  });

  it('an ASRCB whose SEA cannot hold the extension secret', () => {
    const short = ok(
      sealUvRequest(suite, { magic: asrcbMagic(0), version: 0x100, iv: new Uint8Array(12), requestKey: KEY, customer: { privateKey: C0.privateKey }, hostKeys: [H0.publicKey], body: new Uint8Array(0x418 - 48), trailer: Uint8Array.of(0, 0, 0, 1, ...new Array<number>(12).fill(0)), plaintext: new Uint8Array(16) }),
    );
    expect(failure(decodeAsrcb(short))).toEqual(['format', 'sea']);
  });

  it('user-data signatures: not a request, an unsigned type, a verifier of the other kind', () => {
    expect(verifyUserDataSignature(suite, new Uint8Array(100), { publicKey: C0.publicKey })).toBe(false);
    expect(verifyUserDataSignature(suite, ASRCB, { publicKey: C0.publicKey })).toBe(false);
    const ec = ok(buildAsrcb(suite, { ...asrcbInput, userData: { type: 2, data: Uint8Array.of(1), signingKey: C1.privateKey } }));
    expect(verifyUserDataSignature(suite, ec, { publicKey: C1.publicKey })).toBe(true);
    expect(verifyUserDataSignature(suite, ec, { verify: () => true })).toBe(false);
    const rsa = ok(buildAsrcb(suite, { ...asrcbInput, userData: { type: 3, data: Uint8Array.of(1), sign: () => new Uint8Array(256).fill(7) } }));
    expect(verifyUserDataSignature(suite, rsa, { publicKey: C1.publicKey })).toBe(false);
    expect(verifyUserDataSignature(suite, rsa, { verify: (_m, sig) => sig.length === 256 && sig.every((b) => b === 7) })).toBe(true);
    const unsigned = ok(buildAsrcb(suite, { ...asrcbInput, userData: { type: 1, data: Uint8Array.of(1) } }));
    expect(verifyUserDataSignature(suite, unsigned, { verify: () => true })).toBe(false);
  });

  it('the owner\'s verdict with an ARPK of the wrong size, and with additional data shorter than the flags ask', () => {
    const tags = { pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), headerTag: new Uint8Array(16) };
    const response = encodeExchangeResponse({ arcb: ARCB, measurement: new Uint8Array(64), cuid: new Uint8Array(16) });
    expect(verifyAttestationResponse(suite, response, tags, new Uint8Array(31)).failedCheck).toBe('request-auth');
    const asks = ok(buildArcb(suite, { ...arcbInput, paf: ATTEST_FLAG.nonce | ATTEST_FLAG.imagePhkh }));
    const v = verifyAttestationResponse(suite, encodeExchangeResponse({ arcb: asks, measurement: new Uint8Array(64), additionalData: new Uint8Array(8), cuid: new Uint8Array(16) }), tags, KEY);
    expect([v.failedCheck, v.additionalFields]).toEqual(['measurement', undefined]);
  });
});
