// Certificate and signature readers are total: asn1js throws on some malformed input (a
// GeneralizedTime whose text is no time) instead of reporting it, and the readers turn that into
// their own refusal, so that a step given such bytes answers with a code instead of throwing.
import { describe, expect, it } from 'vitest';
import { decodeBer } from '../../model/se-format/asn1-libraries.js';
import { readHkdCertificate, readHkdCrl } from '../../model/se-format/hkd-x509.js';
import { readPkcs7 } from '../../model/se-format/pkcs7-signature.js';
import { readTrustAnchor } from '../../model/se-format/x509-anchor.js';
import { initialWorld, step } from '../../model/platform/index.js';

/** A GeneralizedTime of three letters: asn1js's decoder throws on it. */
const BAD_TIME = Uint8Array.of(0x18, 0x03, 0x61, 0x62, 0x63);

describe('BER decoding is total', () => {
  it('decodeBer reports a throwing decode as an error, and decodes what is well formed', () => {
    expect(decodeBer(BAD_TIME)).toMatchObject({ ok: false, error: expect.stringMatching(/conversion/) });
    expect(decodeBer(Uint8Array.of(0x05, 0x00))).toMatchObject({ ok: true });
    expect(decodeBer(Uint8Array.of(0x30, 0x05))).toMatchObject({ ok: false });
  });

  it('every reader refuses the bytes with its own answer, never an exception', () => {
    expect(readTrustAnchor(BAD_TIME)).toMatch(/^not DER: /);
    expect(readHkdCertificate(BAD_TIME)).toMatch(/^not DER: /);
    expect(readHkdCrl(BAD_TIME)).toMatch(/^not DER: /);
    expect(readPkcs7(BAD_TIME)).toBe('pkcs7-parse');
  });

  it('an IPL whose certificate is such bytes is answered, not thrown (the robustness bench found it)', () => {
    const w = initialWorld({ suite: 'node', machines: [{ id: 0, hostKeys: [], seed: new Uint8Array(32) }], adapters: [] });
    if (!w.ok) throw new Error(w.error.message);
    const s = step(w.value, { kind: 'ipl', machine: 0, memory: 0n, psw: 0n, certificates: [BAD_TIME], components: [] });
    expect(s.outcome.kind).toBe('rejected');
  });
});
