/**
 * The secret-type table against the reference (platform-formats.md 2.2 and 2.6), the plain-text
 * payload codec, the user-data layout and DER codec, and the list-secrets page.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import {
  decodePlaintextPayload,
  decodeSecretHeader,
  decodeSecretPayload,
  encodeSecretHeader,
  encodeSecretPayload,
  MAX_PLAINTEXT_SIZE,
  plaintextPayloadSize,
  protectedKeySize,
  SECRET_TYPE,
  SECRET_TYPES,
  secretType,
  validSecretLength,
} from '../../model/se-format/secret-types.js';
import { decodeSecretListPage, encodeSecretListPage, SECRET_LIST_MAX_ENTRIES, secretListPage, type SecretListEntry } from '../../model/se-format/secret-list.js';
import { ecdsaCompact, ecdsaDer, EC_SIGNATURE_MAX_SIZE, signEcdsaP521, storedSignature, userDataLayout, userDataPart, verifyEcdsaP521 } from '../../model/se-format/user-data.js';
import { PROPERTY_RUNS } from '../runs.js';
import { bytesOf, CUSTOMERS } from './request-fixtures.js';

const RUNS = { numRuns: PROPERTY_RUNS };

describe('secret types', () => {
  it('codes, names, payload sizes, header sizes and protected-key sizes are the reference\'s', () => {
    const rows = SECRET_TYPES.map((t) => [t.code, t.name, t.payloadSize ?? 'plaintext', t.headerSize, t.protectedKeySize ?? '-', t.listable, t.retrievable]);
    expect(rows).toEqual([
      [0x01, 'null', 0, 16, '-', false, false],
      [0x02, 'association', 32, 48, '-', true, false],
      [0x03, 'plaintext', 'plaintext', 48, '-', true, true],
      [0x04, 'aes-128', 16, 48, 48, true, true],
      [0x05, 'aes-192', 24, 48, 56, true, true],
      [0x06, 'aes-256', 32, 48, 64, true, true],
      [0x07, 'aes-xts-128', 32, 48, 64, true, true],
      [0x08, 'aes-xts-256', 64, 48, 96, true, true],
      [0x09, 'hmac-sha-256', 64, 48, 96, true, true],
      [0x0a, 'hmac-sha-512', 128, 48, 160, true, true],
      [0x11, 'ec-p256', 32, 48, 64, true, true],
      [0x12, 'ec-p384', 48, 48, 80, true, true],
      [0x13, 'ec-p521', 80, 48, 112, true, true],
      [0x14, 'ed25519', 32, 48, 64, true, true],
      [0x15, 'ed448', 64, 48, 96, true, true],
      [0x16, 'update-cck', 32, 48, '-', false, false],
    ]);
    expect(Object.values(SECRET_TYPE).sort((a, b) => a - b)).toEqual(SECRET_TYPES.map((t) => t.code));
    for (const t of SECRET_TYPES) expect([secretType(t.code), secretType(t.name)]).toEqual([t, t]);
    for (const reserved of [0x00, 0x0b, 0x10, 0x17, 0xffff]) expect(secretType(reserved)).toBeUndefined();
    expect(secretType('AES-128')).toBeUndefined();
    expect(protectedKeySize(SECRET_TYPE.AES_256)).toBe(64);
    expect(protectedKeySize(SECRET_TYPE.PLAINTEXT)).toBeUndefined();
    expect(protectedKeySize(0x0b)).toBeUndefined();
    expect(secretType(SECRET_TYPE.EC_P521)?.kind).toBe('EC-SECP521R1-PRIVATE-KEY');
  });

  it('valid lengths: the fixed size of each type, plain text a multiple of 16 from 16 to 8192', () => {
    for (const t of SECRET_TYPES.filter((x) => x.payloadSize !== undefined)) {
      const n = t.payloadSize as number;
      expect([validSecretLength(t.code, n), validSecretLength(t.code, n + 1), validSecretLength(t.code, n + 16)]).toEqual([true, false, false]);
    }
    const pt = SECRET_TYPE.PLAINTEXT;
    expect([0, 15, 16, 17, 32, 8176, 8192, 8193, 8208].map((n) => validSecretLength(pt, n))).toEqual([false, false, true, false, true, true, true, false, false]);
    expect(validSecretLength(0x0b, 32)).toBe(false);
  });

  it('plain text: u16 length ‖ text ‖ zeros to 16; up to 8190 bytes; decodes back', () => {
    expect([0, 13, 14, 15, 8190].map(plaintextPayloadSize)).toEqual([16, 16, 16, 32, 8192]);
    const p = encodeSecretPayload(SECRET_TYPE.PLAINTEXT, Uint8Array.of(0x61, 0x62, 0x63));
    expect(p.ok && Array.from(p.value)).toEqual([0, 3, 0x61, 0x62, 0x63, ...new Array<number>(11).fill(0)]);
    expect(encodeSecretPayload(SECRET_TYPE.PLAINTEXT, new Uint8Array(MAX_PLAINTEXT_SIZE)).ok).toBe(true);
    expect(encodeSecretPayload(SECRET_TYPE.PLAINTEXT, new Uint8Array(MAX_PLAINTEXT_SIZE + 1)).ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (text) => {
        const enc = encodeSecretPayload(SECRET_TYPE.PLAINTEXT, text);
        expect(enc.ok && decodePlaintextPayload(enc.value)).toEqual(text);
        expect(enc.ok && decodeSecretPayload(SECRET_TYPE.PLAINTEXT, enc.value)).toEqual(text);
      }),
      RUNS,
    );
    const bad = (bytes: number[]): Uint8Array | undefined => decodePlaintextPayload(Uint8Array.from(bytes));
    expect(bad([0])).toBeUndefined();
    expect(bad([0, 15, ...new Array<number>(14).fill(1)])).toBeUndefined(); // 15 > 14 bytes left
    expect(bad([0, 0, ...new Array<number>(14).fill(0), ...new Array<number>(16).fill(0)])).toBeUndefined(); // 30 bytes of padding
    expect(bad([0, 1, 7, 1, ...new Array<number>(12).fill(0)])).toBeUndefined(); // padding not zero
    expect(bad([0x20, 0, ...new Array<number>(14).fill(0)])).toBeUndefined(); // more than 8190
    expect(bad([0, 14, ...new Array<number>(14).fill(9)])).toEqual(new Uint8Array(14).fill(9));
    expect(decodeSecretPayload(SECRET_TYPE.AES_128, new Uint8Array(16).fill(1))).toEqual(new Uint8Array(16).fill(1));
    expect(decodeSecretPayload(SECRET_TYPE.AES_128, new Uint8Array(15))).toBeUndefined();
  });

  it('fixed-size payloads are the value itself; other sizes and unknown types are refused', () => {
    for (const t of SECRET_TYPES.filter((x) => x.payloadSize !== undefined)) {
      const v = new Uint8Array(t.payloadSize as number).fill(5);
      const r = encodeSecretPayload(t.code, v);
      expect(r.ok && r.value).toEqual(v);
      expect(encodeSecretPayload(t.code, new Uint8Array((t.payloadSize as number) + 1)).ok).toBe(false);
    }
    expect(encodeSecretPayload(0x0c, new Uint8Array(0)).ok).toBe(false);
  });

  it('payload refusals name their field and say why; plain-text decoding at each bound', () => {
    const refusal = (code: number, value: Uint8Array) => {
      const r = encodeSecretPayload(code, value);
      return r.ok ? undefined : r.error;
    };
    expect(refusal(0x0c, new Uint8Array(0))).toEqual({ field: 'secret.type', message: '0xc is not a secret type' });
    expect(refusal(SECRET_TYPE.PLAINTEXT, new Uint8Array(MAX_PLAINTEXT_SIZE + 1))).toEqual({ field: 'secret.value', message: 'plain text is at most 8190 bytes, got 8191' });
    expect(refusal(SECRET_TYPE.AES_128, new Uint8Array(17))).toEqual({ field: 'secret.value', message: 'a aes-128 secret is 16 bytes, got 17' });
    const decoded = (bytes: number[]): Uint8Array | undefined => decodePlaintextPayload(Uint8Array.from(bytes));
    // Fewer than two bytes hold no length; two zero bytes are the empty text.
    expect([decoded([]), decoded([0]), decoded([0, 0])]).toEqual([undefined, undefined, new Uint8Array(0)]);
    // Padding: 15 zero bytes are fine, 16 are a block too many.
    expect(decoded([0, 14, ...new Array<number>(14).fill(9), ...new Array<number>(15).fill(0)])).toEqual(new Uint8Array(14).fill(9));
    expect(decoded([0, 14, ...new Array<number>(14).fill(9), ...new Array<number>(16).fill(0)])).toBeUndefined();
    // The length: 8190 decodes; 8191 is refused even when the payload is long enough to hold it.
    const text = (n: number, size: number): number[] => [n >> 8, n & 0xff, ...new Array<number>(n).fill(1), ...new Array<number>(size - n - 2).fill(0)];
    expect(decoded(text(MAX_PLAINTEXT_SIZE, 8192))).toEqual(new Uint8Array(MAX_PLAINTEXT_SIZE).fill(1));
    expect(decoded(text(MAX_PLAINTEXT_SIZE + 1, 8208))).toBeUndefined();
  });

  it('secret headers: 16 bytes without an ID, 48 with; decode back; other sizes refused', () => {
    const id = new Uint8Array(32).fill(0xaa);
    const h48 = encodeSecretHeader({ type: 0x0203, length: 0x01020304, id });
    expect(Array.from(h48.subarray(0, 16))).toEqual([0, 0, 2, 3, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeSecretHeader(h48)).toEqual({ type: 0x0203, length: 0x01020304, id });
    expect(decodeSecretHeader(encodeSecretHeader({ type: 1, length: 0 }))).toEqual({ type: 1, length: 0 });
    expect(Array.from(encodeSecretHeader({ type: 0x16, length: 32 }))).toEqual([0, 0, 0, 0x16, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeSecretHeader(new Uint8Array(32))).toBeUndefined();
    expect(decodeSecretHeader(new Uint8Array(47))).toBeUndefined();
  });
});

describe('user data', () => {
  it('the layout of each type (data size, signature size)', () => {
    expect([0, 1, 2, 3, 4, 5].map((t) => userDataLayout(t))).toEqual([
      { maxData: 0, signatureSize: 0 },
      { maxData: 512, signatureSize: 0 },
      { maxData: 256, signatureSize: 139 },
      { maxData: 256, signatureSize: 256 },
      { maxData: 128, signatureSize: 384 },
      undefined,
    ]);
  });

  it('DER of r ‖ s round-trips, is at most 139 bytes for P-521, and signs and verifies in both suites alike', () => {
    fc.assert(
      fc.property(bytesOf(66), bytesOf(66), (r, s) => {
        r[0] = (r[0] ?? 0) & 1;
        s[0] = (s[0] ?? 0) & 1;
        const der = ecdsaDer(new Uint8Array([...r, ...s]));
        expect(der.length).toBeLessThanOrEqual(EC_SIGNATURE_MAX_SIZE);
        expect(ecdsaCompact(der, 66)).toEqual(new Uint8Array([...r, ...s]));
      }),
      RUNS,
    );
    const k = CUSTOMERS[0] as (typeof CUSTOMERS)[number];
    const msg = Uint8Array.of(1, 2, 3);
    const sig = signEcdsaP521(suite, k.privateKey, msg);
    expect(signEcdsaP521(nobleSuite, k.privateKey, msg)).toEqual(sig);
    expect(verifyEcdsaP521(nobleSuite, k.publicKey, msg, sig)).toBe(true);
    expect(verifyEcdsaP521(suite, k.publicKey, Uint8Array.of(1, 2), sig)).toBe(false);
    expect(verifyEcdsaP521(suite, k.publicKey, msg, sig.subarray(1))).toBe(false);
  });

  it('a short DER uses a one-byte length; malformed DER is refused', () => {
    const small = ecdsaDer(Uint8Array.of(0, 1, 0, 0x80));
    expect(Array.from(small)).toEqual([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80]);
    expect(ecdsaCompact(small, 2)).toEqual(Uint8Array.of(0, 1, 0, 0x80));
    expect(Array.from(ecdsaDer(Uint8Array.of(0, 0, 0, 0)))).toEqual([0x30, 6, 2, 1, 0, 2, 1, 0]);
    const bads = [
      [0x31, 0],
      [0x30, 0x82, 0, 0],
      [0x30, 3, 2, 1, 1],
      [0x30, 3, 2, 1, 1, 2, 1, 1], // the sequence's length shorter than its content
      [0x30, 6, 2, 1, 1, 3, 1, 1],
      [0x30, 6, 2, 0, 2, 2, 1, 1],
      [0x30, 7, 2, 1, 1, 2, 2, 0, 0x80, 9],
      [0x30, 7, 2, 1, 1, 2, 1, 1, 9], // a byte after the two integers
      [0x30, 7, 2, 1, 1, 2, 5, 1, 1], // the second integer runs past the end
      [0x30, 8, 2, 3, 1, 2, 3, 2, 1, 1],
    ];
    for (const bad of bads) expect(ecdsaCompact(Uint8Array.from(bad), 2), JSON.stringify(bad)).toBeUndefined();
    // The lengths 0x80 (BER's indefinite form) and 0x82 are not DER, even where the bytes would parse.
    const ints = (n: number) => [0x02, n, 0x01, ...new Array<number>(n - 1).fill(7)];
    expect(ecdsaCompact(Uint8Array.from([0x30, 0x81, 128, ...ints(62), ...ints(62)]), 66)).toBeDefined();
    expect(ecdsaCompact(Uint8Array.from([0x30, 0x80, ...ints(62), ...ints(62)]), 66)).toBeUndefined();
    expect(ecdsaCompact(Uint8Array.from([0x30, 0x82, ...ints(63), ...ints(63)]), 66)).toBeUndefined();
    // A body of exactly 128 bytes takes the two-byte form.
    const r62 = [0, 0, 0, 0, 1, ...new Array<number>(61).fill(7)];
    const der128 = ecdsaDer(Uint8Array.from([...r62, ...r62]));
    expect(Array.from(der128.subarray(0, 3))).toEqual([0x30, 0x81, 128]);
    expect(ecdsaCompact(der128, 66)).toEqual(Uint8Array.from([...r62, ...r62]));
    // A half with its high bit set is padded with a zero byte, which the reader strips again.
    const high = Uint8Array.of(0x80, 1, 0xff, 2);
    expect(Array.from(ecdsaDer(high))).toEqual([0x30, 10, 2, 3, 0, 0x80, 1, 2, 3, 0, 0xff, 2]);
    expect(ecdsaCompact(ecdsaDer(high), 2)).toEqual(high);
    // An INTEGER of 127 bytes (the longest short form) whose value fits, after its zero bytes.
    const longest = Uint8Array.from([0x30, 0x81, 2 + 127 + 3, 0x02, 0x7f, ...new Array<number>(126).fill(0), 0x01, 0x02, 0x01, 0x01]);
    expect(ecdsaCompact(longest, 2)).toEqual(Uint8Array.of(0, 1, 0, 1));
    // An INTEGER length of 0x80 is the long form, which a signature never needs: refused.
    const long = Uint8Array.from([0x30, 0x81, 2 + 128 + 3, 0x02, 0x80, ...new Array<number>(127).fill(0), 0x01, 0x02, 0x01, 0x01]);
    expect(ecdsaCompact(long, 2)).toBeUndefined();
  });

  it('the stored signature and the data part of each type', () => {
    const area = new Uint8Array(512).map((_, i) => i & 0xff);
    area[0x190] = 0;
    area[0x191] = 70;
    expect(storedSignature(area, 2)).toEqual(area.slice(0x100, 0x100 + 70));
    area[0x191] = 140;
    expect(storedSignature(area, 2)).toBeUndefined();
    area[0x191] = 0;
    expect(storedSignature(area, 2)).toBeUndefined();
    expect(storedSignature(area, 3)).toEqual(area.slice(0x100));
    expect(storedSignature(area, 4)).toEqual(area.slice(0x80));
    expect(storedSignature(area, 1)).toBeUndefined();
    expect([0, 1, 2, 3, 4, 9].map((t) => userDataPart(area, t).length)).toEqual([0, 512, 256, 256, 128, 0]);
  });
});

describe('list-secrets page', () => {
  const entryArb = fc.record({ index: fc.integer({ min: 0, max: 0xffff }), type: fc.integer({ min: 0, max: 0xffff }), length: fc.nat(), id: bytesOf(32) });

  it('encode → decode gives back the page; the page is 4096 bytes, entries at 16 + 48·i', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: SECRET_LIST_MAX_ENTRIES }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (entries, total, next) => {
        const bytes = encodeSecretListPage({ storedCount: entries.length, totalCount: total, nextIndex: next, entries });
        expect(bytes.length).toBe(4096);
        const d = decodeSecretListPage(bytes);
        expect(d.ok && d.value).toEqual({ storedCount: entries.length, totalCount: total, nextIndex: next, entries });
      }),
      RUNS,
    );
    const one: SecretListEntry = { index: 0x0102, type: 0x0304, length: 0x05060708, id: new Uint8Array(32).fill(9) };
    const b = encodeSecretListPage({ storedCount: 1, totalCount: 2, nextIndex: 3, entries: [one] });
    expect(Array.from(b.subarray(0, 32))).toEqual([0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(b.subarray(32, 64)).toEqual(new Uint8Array(32).fill(9));
  });

  it('a page of the wrong size or with more than 85 entries is refused; random pages never throw', () => {
    expect(decodeSecretListPage(new Uint8Array(4095))).toEqual({ ok: false, error: { field: 'page', offset: 0, message: 'a list page is 4096 bytes, got 4095' } });
    const b = new Uint8Array(4096);
    b[1] = 86;
    expect(decodeSecretListPage(b)).toEqual({ ok: false, error: { field: 'storedCount', offset: 0, message: '86 entries; a page holds at most 85' } });
    b[1] = 85;
    expect(decodeSecretListPage(b).ok).toBe(true);
    fc.assert(fc.property(bytesOf(4096), (p) => void decodeSecretListPage(p)), { numRuns: 50 });
  });

  it('pages of a store: 85 per page from the start index, more data and the next index when more follow', () => {
    const all = Array.from({ length: 200 }, (_, i): SecretListEntry => ({ index: i, type: 2, length: 32, id: new Uint8Array(32) }));
    const first = secretListPage(all, 0);
    expect([first.page.storedCount, first.page.totalCount, first.page.nextIndex, first.moreData]).toEqual([85, 200, 85, true]);
    const second = secretListPage(all, first.page.nextIndex);
    expect([second.page.entries[0]?.index, second.page.nextIndex, second.moreData]).toEqual([85, 170, true]);
    const last = secretListPage(all, second.page.nextIndex);
    expect([last.page.storedCount, last.page.nextIndex, last.moreData]).toEqual([30, 0, false]);
    expect(secretListPage(all.slice(0, 85), 0).moreData).toBe(false);
    expect(secretListPage([], 0).page).toEqual({ storedCount: 0, totalCount: 0, nextIndex: 0, entries: [] });
    expect(encodeSecretListPage({ storedCount: 86, totalCount: 0, nextIndex: 0, entries: all }).subarray(16 + 85 * 48).every((x) => x === 0)).toBe(true);
  });
});
