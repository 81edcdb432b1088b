/**
 * The measurement's inputs and additional data: the byte layout, every input changing the
 * measurement, additional data by flag, and both ends of an attestation for random requests
 * (measureArcb → encodeExchangeResponse → verifyAttestationResponse), with the failures the
 * owner can meet.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../model/core/bytes.js';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import { ATTEST_FLAG, buildArcb } from '../../model/se-format/arcb.js';
import { measureArcb, verifyAttestationResponse } from '../../model/se-format/attestation.js';
import {
  additionalDataSize,
  attestationMeasurement,
  decodeAdditionalData,
  encodeAdditionalData,
  measurementInput,
  secretStoreHash,
  type MeasurementInputs,
} from '../../model/se-format/measurement.js';
import { encodeExchangeRequest, encodeExchangeResponse } from '../../model/se-format/pvattest-exchange.js';
import { PROPERTY_RUNS } from '../runs.js';
import { bootTagsArb, bytesOf, CUSTOMERS, flipBit, HOSTS } from './request-fixtures.js';

const RUNS = { numRuns: PROPERTY_RUNS };
const F = ATTEST_FLAG;

const inputsArb: fc.Arbitrary<MeasurementInputs> = fc.record(
  {
    pld: bytesOf(64),
    ald: bytesOf(64),
    tld: bytesOf(64),
    headerTag: bytesOf(16),
    cuid: bytesOf(16),
    userData: fc.uint8Array({ maxLength: 256 }),
    nonce: bytesOf(16),
    additionalData: fc.uint8Array({ maxLength: 200 }),
  },
  { requiredKeys: ['pld', 'ald', 'tld', 'headerTag', 'cuid', 'userData', 'additionalData'] },
);

describe('measurement', () => {
  it('the input is PLD ‖ ALD ‖ TLD ‖ tag ‖ CUID ‖ u16 user length ‖ 0 ‖ u32 additional length ‖ user ‖ nonce ‖ additional', () => {
    fc.assert(
      fc.property(inputsArb, (m) => {
        const lengths = Uint8Array.of(m.userData.length >> 8, m.userData.length & 0xff, 0, 0, 0, 0, m.additionalData.length >> 8, m.additionalData.length & 0xff);
        const want = concatBytes(m.pld, m.ald, m.tld, m.headerTag, m.cuid, lengths, m.userData, m.nonce ?? new Uint8Array(0), m.additionalData);
        const got = measurementInput(m);
        expect(got.ok && got.value).toEqual(want);
        const mac = attestationMeasurement(suite, new Uint8Array(64).fill(1), m);
        expect(mac.ok && mac.value).toEqual(suite.hmac('sha512', new Uint8Array(64).fill(1), want));
      }),
      RUNS,
    );
  });

  it('changing any one bit of any one input changes the measurement', () => {
    const names = ['pld', 'ald', 'tld', 'headerTag', 'cuid', 'userData', 'nonce', 'additionalData', 'key'] as const;
    fc.assert(
      fc.property(inputsArb, bytesOf(64), fc.constantFrom(...names), fc.nat(), fc.integer({ min: 0, max: 7 }), (m, key, name, at, bit) => {
        const base = attestationMeasurement(suite, key, m);
        let changed: MeasurementInputs = m;
        let k = key;
        if (name === 'key') k = flipBit(key, at % 64, bit);
        else {
          const v = m[name];
          // An empty field or an absent nonce changes by gaining a byte.
          changed = { ...m, [name]: v === undefined || v.length === 0 ? (name === 'nonce' ? new Uint8Array(16) : Uint8Array.of(0)) : flipBit(v, at % v.length, bit) };
        }
        const after = attestationMeasurement(suite, k, changed);
        expect(base.ok && after.ok).toBe(true);
        expect(base.ok && after.ok && after.value).not.toEqual(base.ok ? base.value : undefined);
      }),
      RUNS,
    );
  });

  it('wrong sizes are refused by field', () => {
    const m: MeasurementInputs = { pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), headerTag: new Uint8Array(16), cuid: new Uint8Array(16), userData: new Uint8Array(0), additionalData: new Uint8Array(0) };
    const field = (x: MeasurementInputs): string | undefined => {
      const r = measurementInput(x);
      return r.ok ? undefined : r.error.field;
    };
    expect(field(m)).toBeUndefined();
    for (const f of ['pld', 'ald', 'tld', 'headerTag', 'cuid'] as const) expect(field({ ...m, [f]: new Uint8Array(3) })).toBe(f);
    expect(field({ ...m, userData: new Uint8Array(257) })).toBe('userData');
    expect(field({ ...m, userData: new Uint8Array(256) })).toBeUndefined();
    expect(field({ ...m, nonce: new Uint8Array(15) })).toBe('nonce');
    expect(attestationMeasurement(suite, new Uint8Array(64), { ...m, cuid: new Uint8Array(1) }).ok).toBe(false);
  });
});

describe('additional data', () => {
  const values = { imagePhkh: new Uint8Array(32).fill(1), attestationPhkh: new Uint8Array(32).fill(2), secretStoreHash: new Uint8Array(64).fill(3), firmwareState: new Uint8Array(320).fill(4) };
  it('sizes by flag: 32, 32, 64, 320; the nonce adds none', () => {
    expect([0n, F.nonce, F.imagePhkh, F.attestationPhkh, F.secretStoreHash, F.firmwareState, F.imagePhkh | F.attestationPhkh | F.secretStoreHash | F.firmwareState].map(additionalDataSize)).toEqual([0, 0, 32, 32, 64, 320, 448]);
  });

  it('encodes in the order image PHKH, attestation PHKH, store hash, firmware state and decodes back', () => {
    fc.assert(
      fc.property(fc.subarray(['imagePhkh', 'attestationPhkh', 'secretStoreHash', 'firmwareState'] as const), (names) => {
        const bit = { imagePhkh: F.imagePhkh, attestationPhkh: F.attestationPhkh, secretStoreHash: F.secretStoreHash, firmwareState: F.firmwareState };
        const paf = names.reduce((p, n) => p | bit[n], F.nonce);
        const given = Object.fromEntries(names.map((n) => [n, values[n]]));
        const enc = encodeAdditionalData(paf, given);
        const order = (['imagePhkh', 'attestationPhkh', 'secretStoreHash', 'firmwareState'] as const).filter((n) => names.includes(n));
        expect(enc.ok && enc.value).toEqual(concatBytes(...order.map((n) => values[n])));
        const dec = enc.ok ? decodeAdditionalData(paf, enc.value) : undefined;
        expect(dec?.ok && dec.value).toEqual(given);
      }),
      { numRuns: 32 },
    );
  });

  it('refuses a missing, unasked or wrong-size value; decoding reports what is short and keeps what is extra', () => {
    const field = (r: ReturnType<typeof encodeAdditionalData>): string | undefined => (r.ok ? undefined : r.error.field);
    expect(field(encodeAdditionalData(F.imagePhkh, {}))).toBe('imagePhkh');
    expect(field(encodeAdditionalData(0n, { imagePhkh: values.imagePhkh }))).toBe('imagePhkh');
    expect(field(encodeAdditionalData(F.secretStoreHash, { secretStoreHash: new Uint8Array(32) }))).toBe('secretStoreHash');
    const short = decodeAdditionalData(F.imagePhkh | F.attestationPhkh, new Uint8Array(40));
    expect(short.ok ? undefined : [short.error.field, short.error.offset]).toEqual(['attestationPhkh', 32]);
    const extra = decodeAdditionalData(F.imagePhkh, new Uint8Array(40));
    expect(extra.ok && extra.value.unrecognized).toEqual(new Uint8Array(8));
    expect(decodeAdditionalData(0n, new Uint8Array(0))).toEqual({ ok: true, value: {} });
  });

  it('the secret-store hash: order and the locked byte matter', () => {
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16).fill(2);
    expect(secretStoreHash(suite, [a, b], false)).toEqual(suite.sha512(a, b, Uint8Array.of(0)));
    expect(secretStoreHash(suite, [a, b], true)).toEqual(suite.sha512(a, b, Uint8Array.of(1)));
    expect(secretStoreHash(suite, [a, b], true)).not.toEqual(secretStoreHash(suite, [b, a], true));
  });
});

describe('both ends of an attestation, random requests', () => {
  const host = HOSTS[0] as (typeof HOSTS)[number];
  const caseArb = fc.record({
    paf: fc.subarray([F.nonce, F.imagePhkh, F.attestationPhkh, F.secretStoreHash, F.firmwareState]).map((b) => b.reduce((x, y) => x | y, 0n)),
    iv: bytesOf(12),
    arpk: bytesOf(32),
    measurementKey: bytesOf(64),
    nonce: bytesOf(16),
    bootTags: bootTagsArb,
    cuid: bytesOf(16),
    userData: fc.uint8Array({ maxLength: 256 }),
    store: fc.array(bytesOf(16), { maxLength: 4 }),
    locked: fc.boolean(),
    firmware: bytesOf(320),
  });

  it('create → measure → verify: verified, with the CUID, user data and additional data the firmware gave; a flipped measurement or CUID is a measurement mismatch', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, at) => {
        const arcb = buildArcb(suite, {
          iv: c.iv,
          requestKey: c.arpk,
          customer: { privateKey: (CUSTOMERS[1] as (typeof CUSTOMERS)[number]).privateKey },
          hostKeys: [host.publicKey],
          paf: c.paf,
          measurementKey: c.measurementKey,
          ...((c.paf & F.nonce) !== 0n ? { nonce: c.nonce } : {}),
        });
        if (!arcb.ok) throw new Error(arcb.error.message);
        const measured = measureArcb(suite, arcb.value, host, {
          bootTags: c.bootTags,
          cuid: c.cuid,
          userData: c.userData,
          additional: { imagePhkh: host.phkh, attestationPhkh: host.phkh, secretStoreHash: secretStoreHash(suite, c.store, c.locked), firmwareState: c.firmware },
        });
        if (!measured.ok) throw new Error(measured.error.message);
        expect(measured.value.additionalData.length).toBe(additionalDataSize(c.paf));
        const response = (m: Uint8Array, cuid: Uint8Array): Uint8Array =>
          encodeExchangeResponse({ arcb: arcb.value, measurement: m, additionalData: measured.value.additionalData, userData: c.userData, cuid });
        const v = verifyAttestationResponse(suite, response(measured.value.measurement, c.cuid), c.bootTags, c.arpk);
        expect(v).toMatchObject({ verified: true, cuid: c.cuid, userData: c.userData, additionalData: measured.value.additionalData, paf: c.paf });
        if ((c.paf & F.secretStoreHash) !== 0n) expect(v.additionalFields?.secretStoreHash).toEqual(secretStoreHash(suite, c.store, c.locked));
        expect(verifyAttestationResponse(suite, response(flipBit(measured.value.measurement, at % 64, 0), c.cuid), c.bootTags, c.arpk).failedCheck).toBe('measurement');
        expect(verifyAttestationResponse(suite, response(measured.value.measurement, flipBit(c.cuid, at % 16, 7)), c.bootTags, c.arpk).failedCheck).toBe('measurement');
        const otherImage = { ...c.bootTags, headerTag: flipBit(c.bootTags.headerTag, at % 16, 1) };
        expect(verifyAttestationResponse(suite, response(measured.value.measurement, c.cuid), otherImage, c.arpk).failedCheck).toBe('measurement');
        expect(verifyAttestationResponse(suite, response(measured.value.measurement, c.cuid), c.bootTags, flipBit(c.arpk, at % 32, 3)).failedCheck).toBe('request-auth');
      }),
      { numRuns: Math.max(20, PROPERTY_RUNS / 2) },
    );
  });

  it('the owner\'s failures: not an exchange file, a request file, no CUID, a broken ARCB', () => {
    const arcb = buildArcb(suite, { iv: new Uint8Array(12), requestKey: new Uint8Array(32), customer: { privateKey: (CUSTOMERS[1] as (typeof CUSTOMERS)[number]).privateKey }, hostKeys: [host.publicKey], paf: 0n, measurementKey: new Uint8Array(64) });
    if (!arcb.ok) throw new Error('arcb');
    const tags = { pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), headerTag: new Uint8Array(16) };
    const key = new Uint8Array(32);
    const check = (b: Uint8Array) => {
      const v = verifyAttestationResponse(suite, b, tags, key);
      return [v.verified, v.failedCheck, v.message];
    };
    expect(check(new Uint8Array(10))).toEqual([false, 'format', expect.stringMatching(/^the response: \S.* at offset 0x[0-9a-f]+: \S/)]);
    expect(check(encodeExchangeRequest({ arcb: arcb.value, measurementSize: 64, additionalSize: 0 }))).toEqual([false, 'format', 'the file holds no measurement (a request, not a response?)']);
    expect(check(encodeExchangeResponse({ arcb: arcb.value, measurement: new Uint8Array(64), cuid: new Uint8Array(0) }))).toEqual([false, 'format', 'the response holds no CUID']);
    expect(check(encodeExchangeResponse({ arcb: arcb.value.subarray(1), measurement: new Uint8Array(64), cuid: new Uint8Array(16) }))).toEqual([false, 'format', expect.stringMatching(/^the attestation request: \S/)]);
    expect(check(encodeExchangeResponse({ arcb: arcb.value, measurement: new Uint8Array(64), userData: new Uint8Array(256), cuid: new Uint8Array(16) }))).toEqual([
      false,
      'measurement',
      'the calculated and the received measurement differ',
    ]);
    expect(verifyAttestationResponse(suite, new Uint8Array(10), tags, key).cuid).toEqual(new Uint8Array(0));
    // The owner's header tags of the wrong size are a format failure, not a throw.
    const wrongTags = verifyAttestationResponse(suite, encodeExchangeResponse({ arcb: arcb.value, measurement: new Uint8Array(64), cuid: new Uint8Array(16) }), { ...tags, pld: new Uint8Array(1) }, key);
    expect([wrongTags.verified, wrongTags.failedCheck, wrongTags.message]).toEqual([false, 'format', expect.stringMatching(/^pld: \S/)]);
  });

  it('each wrong input is named with its field and sizes', () => {
    const z = (n: number) => new Uint8Array(n);
    const good: MeasurementInputs = { pld: z(64), ald: z(64), tld: z(64), headerTag: z(16), cuid: z(16), userData: z(0), additionalData: z(0) };
    const error = (m: MeasurementInputs) => {
      const r = measurementInput(m);
      return r.ok ? undefined : r.error;
    };
    expect(error(good)).toBeUndefined();
    expect(error({ ...good, tld: z(63) })).toEqual({ field: 'tld', message: 'must be 64 bytes, got 63' });
    expect(error({ ...good, cuid: z(17) })).toEqual({ field: 'cuid', message: 'must be 16 bytes, got 17' });
    expect(error({ ...good, userData: z(257) })).toEqual({ field: 'userData', message: 'at most 256 bytes, got 257' });
    expect(error({ ...good, nonce: z(15) })).toEqual({ field: 'nonce', message: 'must be 16 bytes, got 15' });
    expect(encodeAdditionalData(F.imagePhkh, {})).toEqual({ ok: false, error: { field: 'imagePhkh', message: 'the request asks for it but no value is given' } });
    expect(encodeAdditionalData(0n, { attestationPhkh: z(32) })).toEqual({ ok: false, error: { field: 'attestationPhkh', message: 'given, but the request does not ask for it' } });
    expect(encodeAdditionalData(F.secretStoreHash, { secretStoreHash: z(63) })).toEqual({ ok: false, error: { field: 'secretStoreHash', message: 'must be 64 bytes, got 63' } });
    expect(decodeAdditionalData(F.imagePhkh | F.secretStoreHash, z(40))).toEqual({
      ok: false,
      error: { field: 'secretStoreHash', offset: 32, message: 'the request asked for 64 bytes here, only 8 are left' },
    });
  });

  it('the firmware side refuses a request it cannot open, and a value it lacks', () => {
    const arcb = buildArcb(suite, { iv: new Uint8Array(12), requestKey: new Uint8Array(32), customer: { privateKey: (CUSTOMERS[1] as (typeof CUSTOMERS)[number]).privateKey }, hostKeys: [host.publicKey], paf: F.secretStoreHash, measurementKey: new Uint8Array(64) });
    if (!arcb.ok) throw new Error('arcb');
    const ctx = { bootTags: { pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), headerTag: new Uint8Array(16) }, cuid: new Uint8Array(16) };
    const other = measureArcb(suite, arcb.value, HOSTS[1] as (typeof HOSTS)[number], ctx);
    expect(other.ok ? undefined : other.error.check).toBe('key-slot');
    const lacking = measureArcb(suite, arcb.value, host, ctx);
    expect(lacking.ok ? undefined : [lacking.error.check, (lacking.error as { field?: string }).field]).toEqual(['input', 'secretStoreHash']);
    const badCuid = measureArcb(suite, arcb.value, host, { ...ctx, cuid: new Uint8Array(3), additional: { secretStoreHash: new Uint8Array(64) } });
    expect(badCuid.ok ? undefined : badCuid.error.check).toBe('input');
    const fine = measureArcb(suite, arcb.value, host, { ...ctx, additional: { secretStoreHash: new Uint8Array(64), imagePhkh: new Uint8Array(32) } });
    expect(fine.ok && fine.value.additionalData).toEqual(new Uint8Array(64));
  });
});
