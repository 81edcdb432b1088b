/**
 * IBM's pvattest requests (shared/vectors/attestation/): every ARCB parses, opens with each of
 * its host keys and with its ARPK, rebuilds byte for byte, its exchange files re-encode exactly,
 * the measurement input and measurement come out as pvattest's, and every vector gets pvattest
 * verify's verdict.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, equalBytes, hexToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { buildArcb, decodeArcb, openArcb } from '../../model/se-format/arcb.js';
import { measureArcb, verifyAttestationResponse } from '../../model/se-format/attestation.js';
import { decodeHeader } from '../../model/se-format/header-codec.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { additionalDataSize, attestationMeasurement, measurementInput } from '../../model/se-format/measurement.js';
import { decodeExchange, encodeExchangeRequest, encodeExchangeResponse } from '../../model/se-format/pvattest-exchange.js';
import { ATTESTATION_VECTORS as DIR, expectedIn, fileIn, hasFileIn, hostKeyPems, namesIn, pemKeyIn } from './request-vectors.js';

const NAMES = namesIn(DIR);
const POSITIVES = NAMES.filter((n) => expectedIn(DIR, n).kind === 'positive');
const file = (name: string, f: string): Uint8Array => fileIn(DIR, name, f);
const hosts = (name: string) => hostKeyPems(name).map((f) => pemKeyIn(DIR, name, f));

/** The SE header's tags, as the owner reads them from the header file. */
function bootTagsOf(name: string) {
  const h = decodeHeader(file(name, 'header.bin'));
  if (!h.ok) throw new Error(`${name}: header.bin does not decode`);
  return { pld: h.value.pld, ald: h.value.ald, tld: h.value.tld, headerTag: h.value.tag };
}

describe.each([nobleSuite, nodeSuite])('attestation vectors ($name suite)', (suite) => {
  it('the vectors are there: three positives and three negatives', () => {
    expect(POSITIVES).toHaveLength(3);
    expect(NAMES).toHaveLength(6);
  });

  it.each(POSITIVES)('%s: the exchange file holds the ARCB and the sizes pvattest asks for, and re-encodes exactly', (name) => {
    const e = expectedIn(DIR, name);
    const f = decodeExchange(file(name, 'request.bin'));
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.value.arcb).toEqual(file(name, 'arcb.bin'));
    expect(f.value.measurementSize).toBe(e.requestExchange.requestedMeasurementSize);
    expect(f.value.additionalSize).toBe(e.requestExchange.requestedAdditionalSize);
    expect(f.value.measurement).toBeUndefined();
    const arcb = decodeArcb(f.value.arcb);
    expect(arcb.ok).toBe(true);
    if (!arcb.ok) return;
    expect(additionalDataSize(arcb.value.paf)).toBe(e.requestExchange.requestedAdditionalSize);
    expect(encodeExchangeRequest(f.value)).toEqual(file(name, 'request.bin'));
  });

  it.each(POSITIVES)('%s: every field of the ARCB decodes as expected.json says', (name) => {
    const e = expectedIn(DIR, name).arcb;
    const a = decodeArcb(file(name, 'arcb.bin'));
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    const v = a.value;
    expect([v.header.version, v.header.rql, v.header.nks, v.header.sea, v.mai]).toEqual([e.version, e.arl, e.nks, e.sea, e.mai]);
    expect(`0x${v.paf.toString(16).padStart(16, '0')}`).toBe(e.paf);
    expect(bytesToHex(v.header.iv)).toBe(e.iv);
    expect(bytesToHex(v.customerPublicKey.x).padStart(160, '0') + bytesToHex(v.customerPublicKey.y).padStart(160, '0')).toBe(e.customerPublicKey);
    expect(v.keySlots.map((s) => ({ phkh: bytesToHex(s.phkh), wrappedArpk: bytesToHex(s.wrappedKey), tag: bytesToHex(s.tag) }))).toEqual(e.keySlots);
    expect(bytesToHex(v.encryptedArea)).toBe(e.encryptedArea);
    expect(bytesToHex(v.tag)).toBe(e.tag);
  });

  it.each(POSITIVES)('%s: every host key opens its slot, and the ARPK opens the request, to the same measurement key and nonce', (name) => {
    const e = expectedIn(DIR, name);
    const keys = hosts(name);
    const expectNonce = hasFileIn(DIR, name, 'nonce.bin') ? file(name, 'nonce.bin') : undefined;
    keys.forEach((k, i) => {
      const label = e.hostKeys[i] as string;
      const opened = openArcb(suite, file(name, 'arcb.bin'), { kind: 'host', host: { privateKey: k.privateKey as Uint8Array, publicKey: k.publicKey } });
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      expect(opened.value.slotIndex).toBe(e.arcb.slotForHostKey[label]);
      expect(opened.value.requestKey).toEqual(file(name, 'arpk.bin'));
      expect(opened.value.measurementKey).toEqual(file(name, 'measurement-key.bin'));
      expect(opened.value.nonce).toEqual(expectNonce);
    });
    const byArpk = openArcb(suite, file(name, 'arcb.bin'), { kind: 'request-key', requestKey: file(name, 'arpk.bin') });
    expect(byArpk.ok && byArpk.value.slotIndex === undefined && equalBytes(byArpk.value.measurementKey, file(name, 'measurement-key.bin'))).toBe(true);
  });

  it.each(POSITIVES)('%s: the ARCB rebuilds byte for byte from its inputs (the customer side of ECDH through the host keys)', (name) => {
    const a = decodeArcb(file(name, 'arcb.bin'));
    if (!a.ok) throw new Error('decode');
    const keys = hosts(name);
    // The slots in request order: the host key whose PHKH each slot names.
    const slotHosts = a.value.keySlots.map((s) => keys.find((k) => equalBytes(k.phkh, s.phkh)));
    expect(slotHosts.every((k) => k !== undefined)).toBe(true);
    const agree = (host: EcPoint): Uint8Array | undefined => {
      const k = keys.find((x) => equalBytes(x.publicKey.x, host.x));
      return k === undefined ? undefined : suite.ecdh('p521', k.privateKey as Uint8Array, a.value.customerPublicKey);
    };
    const rebuilt = buildArcb(suite, {
      iv: a.value.header.iv,
      requestKey: file(name, 'arpk.bin'),
      customer: { publicKey: a.value.customerPublicKey, agree },
      hostKeys: slotHosts.map((k) => (k as { publicKey: EcPoint }).publicKey),
      paf: a.value.paf,
      measurementKey: file(name, 'measurement-key.bin'),
      ...(hasFileIn(DIR, name, 'nonce.bin') ? { nonce: file(name, 'nonce.bin') } : {}),
    });
    expect(rebuilt.ok && equalBytes(rebuilt.value, file(name, 'arcb.bin'))).toBe(true);
  });

  it.each(POSITIVES)('%s: measurement input and measurement are pvattest\'s, from the header, CUID, user data, nonce and additional data', (name) => {
    const e = expectedIn(DIR, name);
    const inputs = {
      ...bootTagsOf(name),
      cuid: file(name, 'cuid.bin'),
      userData: hexToBytes(e.userData),
      ...(e.nonce === null ? {} : { nonce: hexToBytes(e.nonce) }),
      additionalData: hexToBytes(e.additionalData),
    };
    const input = measurementInput(inputs);
    expect(input.ok && equalBytes(input.value, file(name, 'measurement-input.bin'))).toBe(true);
    const m = attestationMeasurement(suite, file(name, 'measurement-key.bin'), inputs);
    expect(m.ok && equalBytes(m.value, file(name, 'measurement.bin'))).toBe(true);
  });

  it.each(POSITIVES)('%s: the firmware side (open with the host key, additional data by flag, measure) gives the response pvattest verified, byte for byte', (name) => {
    const e = expectedIn(DIR, name);
    const k = hosts(name)[0];
    if (k === undefined) throw new Error('no host key');
    const header = decodeHeader(file(name, 'header.bin'));
    if (!header.ok) throw new Error('header');
    // The image PHKH: the header's slot for this machine; the attestation PHKH: the key that opened the ARCB.
    const imageSlot = header.value.keySlots.find((s) => equalBytes(s.phkh, k.phkh));
    const userData = hexToBytes(e.userData);
    const measured = measureArcb(suite, file(name, 'arcb.bin'), { privateKey: k.privateKey as Uint8Array, publicKey: k.publicKey }, {
      bootTags: bootTagsOf(name),
      cuid: file(name, 'cuid.bin'),
      userData,
      additional: { ...(imageSlot === undefined ? {} : { imagePhkh: imageSlot.phkh }), attestationPhkh: phkh(suite, k.publicKey) },
    });
    expect(measured.ok).toBe(true);
    if (!measured.ok) return;
    expect(measured.value.measurement).toEqual(file(name, 'measurement.bin'));
    expect(bytesToHex(measured.value.additionalData)).toBe(e.additionalData);
    const response = encodeExchangeResponse({
      arcb: file(name, 'arcb.bin'),
      measurement: measured.value.measurement,
      ...(measured.value.additionalData.length === 0 ? {} : { additionalData: measured.value.additionalData }),
      ...(userData.length === 0 ? {} : { userData }),
      cuid: file(name, 'cuid.bin'),
    });
    expect(response).toEqual(file(name, 'response.bin'));
  });

  it.each(NAMES)('%s: pvattest verify\'s verdict', (name) => {
    const e = expectedIn(DIR, name);
    const verdict = verifyAttestationResponse(suite, file(name, 'response.bin'), bootTagsOf(name), file(name, 'arpk.bin'));
    const want = { 0: undefined, 1: 'request-auth', 2: 'measurement' }[e.expectedVerifyRc as 0 | 1 | 2];
    expect(verdict.verified).toBe(e.expectedVerifyRc === 0);
    expect(verdict.failedCheck).toBe(want);
    expect(bytesToHex(verdict.cuid)).toBe(e.cuid);
    expect(bytesToHex(verdict.userData)).toBe(e.userData);
    expect(bytesToHex(verdict.additionalData)).toBe(e.additionalData);
  });

  it('att03: the additional data splits into image PHKH and attestation PHKH', () => {
    const v = verifyAttestationResponse(suite, file('att03-nks1-nononce-phkh-img-att', 'response.bin'), bootTagsOf('att03-nks1-nononce-phkh-img-att'), file('att03-nks1-nononce-phkh-img-att', 'arpk.bin'));
    const k = hosts('att03-nks1-nononce-phkh-img-att')[0];
    expect(v.additionalFields?.imagePhkh).toEqual(k?.phkh);
    expect(v.additionalFields?.attestationPhkh).toEqual(k?.phkh);
    expect(v.additionalFields?.secretStoreHash).toBeUndefined();
  });
});
