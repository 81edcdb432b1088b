/**
 * ARCB and exchange file for random inputs: build → decode gives back every field; each host
 * key and the ARPK open it to the measurement key and nonce; any one bit flipped, or a cut,
 * fails at a check and never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import { arcbSea, ATTEST_FLAG, buildArcb, decodeArcb, openArcb } from '../../model/se-format/arcb.js';
import { decodeExchange, encodeExchangeRequest, encodeExchangeResponse } from '../../model/se-format/pvattest-exchange.js';
import { PROPERTY_RUNS } from '../runs.js';
import type { CustomerKey } from '../../model/se-format/header-keys.js';
import { bytesOf, CUSTOMER_KEYS, CUSTOMERS, customerChoice, flipBit, hostChoice, HOSTS } from './request-fixtures.js';

const RUNS = { numRuns: PROPERTY_RUNS };
const flagsArb = fc.subarray([ATTEST_FLAG.nonce, ATTEST_FLAG.imagePhkh, ATTEST_FLAG.attestationPhkh, ATTEST_FLAG.secretStoreHash, ATTEST_FLAG.firmwareState]).map((bits) => bits.reduce((a, b) => a | b, 0n));

const inputArb = fc.record({
  iv: bytesOf(12),
  requestKey: bytesOf(32),
  customer: customerChoice,
  hosts: hostChoice,
  paf: flagsArb,
  measurementKey: bytesOf(64),
  nonce: bytesOf(16),
});

type Input = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

function build(i: Input): Uint8Array {
  const withNonce = (i.paf & ATTEST_FLAG.nonce) !== 0n;
  const r = buildArcb(suite, {
    iv: i.iv,
    requestKey: i.requestKey,
    customer: CUSTOMER_KEYS[i.customer] as CustomerKey,
    hostKeys: i.hosts.map((h) => (HOSTS[h] as (typeof HOSTS)[number]).publicKey),
    paf: i.paf,
    measurementKey: i.measurementKey,
    ...(withNonce ? { nonce: i.nonce } : {}),
  });
  if (!r.ok) throw new Error(`${r.error.field}: ${r.error.message}`);
  return r.value;
}

describe('ARCB round trips', () => {
  it('build → decode gives back every field; the sizes are the reference\'s', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const bytes = build(i);
        const d = decodeArcb(bytes);
        expect(d.ok).toBe(true);
        if (!d.ok) return;
        expect(bytes.length).toBe(0xe0 + 80 * i.hosts.length + arcbSea(i.paf) + 16);
        expect(d.value.paf).toBe(i.paf);
        expect(d.value.mai).toBe(1);
        expect(d.value.header.iv).toEqual(i.iv);
        expect(d.value.header.nks).toBe(i.hosts.length);
        expect(d.value.customerPublicKey).toEqual((CUSTOMERS[i.customer] as (typeof CUSTOMERS)[number]).publicKey);
        expect(d.value.keySlots.map((s) => s.phkh)).toEqual(i.hosts.map((h) => HOSTS[h]?.phkh));
      }),
      RUNS,
    );
  });

  it('every host key and the ARPK open it to the measurement key and nonce; a host key not in it finds no slot', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const bytes = build(i);
        const withNonce = (i.paf & ATTEST_FLAG.nonce) !== 0n;
        for (const h of new Set(i.hosts)) {
          const o = openArcb(suite, bytes, { kind: 'host', host: HOSTS[h] as (typeof HOSTS)[number] });
          expect(o.ok).toBe(true);
          if (!o.ok) continue;
          expect(o.value.slotIndex).toBe(i.hosts.indexOf(h));
          expect(o.value.measurementKey).toEqual(i.measurementKey);
          expect(o.value.nonce).toEqual(withNonce ? i.nonce : undefined);
          expect(o.value.requestKey).toEqual(i.requestKey);
        }
        const byKey = openArcb(suite, bytes, { kind: 'request-key', requestKey: i.requestKey });
        expect(byKey.ok && byKey.value.slotIndex === undefined).toBe(true);
        const other = HOSTS.findIndex((_, k) => !i.hosts.includes(k));
        if (other >= 0) {
          const r = openArcb(suite, bytes, { kind: 'host', host: HOSTS[other] as (typeof HOSTS)[number] });
          expect(r.ok ? undefined : [r.error.check, r.error.reason]).toEqual(['key-slot', 'no-slot']);
        }
      }),
      RUNS,
    );
  });

  it('any one bit flipped fails at format, key-slot or request-auth, never throws', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (i, at, bit) => {
        const bytes = build(i);
        const flipped = flipBit(bytes, at % bytes.length, bit);
        const h = HOSTS[i.hosts[0] as number] as (typeof HOSTS)[number];
        for (const opener of [{ kind: 'host' as const, host: h }, { kind: 'request-key' as const, requestKey: i.requestKey }]) {
          const r = openArcb(suite, flipped, opener);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(['format', 'key-slot', 'request-auth']).toContain(r.error.check);
        }
      }),
      RUNS,
    );
  });

  it('a cut or extended request is a format failure (RQL), never a throw', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (i, cut, extra) => {
        const bytes = build(i);
        const short = bytes.subarray(0, cut % bytes.length);
        const long = new Uint8Array([...bytes, ...extra]);
        for (const b of [short, long]) {
          const r = openArcb(suite, b, { kind: 'request-key', requestKey: i.requestKey });
          expect(r.ok ? undefined : r.error.check).toBe('format');
        }
      }),
      RUNS,
    );
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        expect(() => decodeArcb(b)).not.toThrow();
        expect(openArcb(suite, b, { kind: 'request-key', requestKey: new Uint8Array(32) }).ok).toBe(false);
        expect(() => decodeExchange(b)).not.toThrow();
      }),
      RUNS,
    );
  });
});

describe('exchange file round trips', () => {
  it('request and response encode → decode to what went in', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 0x8000 }),
        fc.integer({ min: 0, max: 0x8000 }),
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 400 }), { nil: undefined }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 256 }), { nil: undefined }),
        bytesOf(16),
        (arcb, measurementSize, additionalSize, measurement, additionalData, userData, cuid) => {
          const req = decodeExchange(encodeExchangeRequest({ arcb, measurementSize, additionalSize }));
          expect(req.ok && req.value).toEqual({ arcb, measurementSize, additionalSize });
          const resp = decodeExchange(encodeExchangeResponse({ arcb, measurement, ...(additionalData === undefined ? {} : { additionalData }), ...(userData === undefined ? {} : { userData }), cuid }));
          expect(resp.ok && resp.value).toEqual({
            arcb,
            measurementSize: measurement.length,
            additionalSize: additionalData?.length ?? 0,
            measurement,
            ...(additionalData === undefined ? {} : { additionalData }),
            ...(userData === undefined ? {} : { userData }),
            cuid,
          });
        },
      ),
      RUNS,
    );
  });
});
