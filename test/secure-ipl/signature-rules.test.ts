// The kernel's rules one by one, on signatures made here (properties/secure-ipl/signing.ts): the
// trailer's bounds and info-block fields, the PKCS#7 parser's and usage rules, the trust lookup by
// issuer and serial or subjectKeyIdentifier over several signers, and key/algorithm agreement.
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { appendSignature, infoBlockOf, infoBlockValid, SIGNATURE_MAGIC, splitSignature } from '../../model/se-format/appended-signature.js';
import { readPkcs7 } from '../../model/se-format/pkcs7-signature.js';
import { checkComponent } from '../../model/se-format/signed-component.js';
import { readTrustAnchor, type TrustAnchor } from '../../model/se-format/x509-anchor.js';
import { pkcs7Of, signingKey, type Pkcs7Options } from '../../properties/secure-ipl/signing.js';

const A = signingKey('rules-a');
const B = signingKey('rules-b', 'another CN');
const DATA = new Uint8Array(300).map((_, i) => i * 7);
const anchor = (der: Uint8Array): TrustAnchor => {
  const a = readTrustAnchor(der);
  if (typeof a === 'string') throw new Error(a);
  return a;
};
const ANCHORS = [anchor(A.certificate)];
const verdict = (pkcs7: Uint8Array, anchors: readonly TrustAnchor[] = ANCHORS, data = DATA) => checkComponent(nodeSuite, appendSignature(data, pkcs7), anchors);
const failed = (options: Pkcs7Options, anchors: readonly TrustAnchor[] = ANCHORS) => {
  const v = verdict(pkcs7Of(A, DATA, options), anchors);
  return v.verdict === 'reject' ? v.failedCheck : 'accept';
};

describe('the trailer', () => {
  const file = appendSignature(DATA, pkcs7Of(A, DATA));
  it('splits at sig_len: data, PKCS#7, sign-file info block', () => {
    const s = splitSignature(file);
    expect(typeof s === 'string' ? s : s.data).toEqual(DATA);
    expect(typeof s === 'string' ? s : s.info).toEqual({ algo: 0, hash: 0, idType: 2, signerLen: 0, keyIdLen: 0, pad: [0, 0, 0], sigLen: file.length - 340 });
  });
  it('tells no trailer (unsigned) from a damaged magic', () => {
    expect(splitSignature(DATA)).toBe('unsigned');
    expect(splitSignature(new Uint8Array(0))).toBe('unsigned');
    expect(splitSignature(file.slice(0, -1))).toBe('magic');
    expect(splitSignature(concatBytes(file, new Uint8Array(40)))).toBe('unsigned');
  });
  it('bounds sig_len by what precedes the info block', () => {
    expect(splitSignature(SIGNATURE_MAGIC)).toBe('sig-len');
    expect(splitSignature(concatBytes(new Uint8Array(11), SIGNATURE_MAGIC))).toBe('sig-len');
    expect(splitSignature(concatBytes(infoBlockOf(0), SIGNATURE_MAGIC))).toBe('sig-len');
    expect(splitSignature(concatBytes(new Uint8Array(5), infoBlockOf(5), SIGNATURE_MAGIC))).toBe('sig-len');
    const s = splitSignature(concatBytes(new Uint8Array(5), infoBlockOf(4), SIGNATURE_MAGIC));
    expect(typeof s === 'string' ? s : [s.data.length, s.pkcs7.length]).toEqual([1, 4]);
  });
  it('takes only id_type 2 with every other field zero', () => {
    const ok = { algo: 0, hash: 0, idType: 2, signerLen: 0, keyIdLen: 0, pad: [0, 0, 0] as [number, number, number], sigLen: 1 };
    expect(infoBlockValid(ok)).toBe(true);
    for (const bad of [{ idType: 1 }, { algo: 1 }, { hash: 6 }, { signerLen: 1 }, { keyIdLen: 1 }, { pad: [1, 0, 0] as [number, number, number] }, { pad: [0, 1, 0] as [number, number, number] }, { pad: [0, 0, 1] as [number, number, number] }]) {
      expect(infoBlockValid({ ...ok, ...bad }), JSON.stringify(bad)).toBe(false);
    }
    for (let i = 0; i < 8; i++) {
      const f = file.slice();
      f[file.length - 40 + i] = 1;
      expect(splitSignature(f), `info byte ${i}`).toBe(i === 2 ? 'info-block' : 'info-block');
    }
  });
});

describe('the PKCS#7', () => {
  it("sign-file's accepts; its signer and hash are read", () => {
    expect(verdict(pkcs7Of(A, DATA))).toMatchObject({ verdict: 'accept', anchor: 0, hash: 'sha256' });
    expect(readPkcs7(pkcs7Of(A, DATA))).toMatchObject([{ hash: 'sha256', keyKind: 'ec', sid: { kind: 'issuer-serial', serial: A.serial } }]);
  });
  it('refuses what the parser refuses', () => {
    expect(failed({ signedDataVersion: 2, signerVersion: 2 })).toBe('pkcs7-parse');
    expect(failed({ digestOid: '1.2.3.4' })).toBe('pkcs7-parse');
    expect(failed({ signatureOid: '1.2.840.113549.1.1.11' })).toBe('pkcs7-parse');
    expect(failed({ digestOnly: true })).toBe('pkcs7-parse');
    expect(failed({ smimeCapabilities: true })).toBe('pkcs7-parse');
    expect(readPkcs7(new Uint8Array(65536))).toBe('pkcs7-parse');
    expect(readPkcs7(new Uint8Array([0x30, 0x00]))).toBe('pkcs7-parse');
    expect(readPkcs7(new Uint8Array([0x04, 0x01, 0x00]))).toBe('pkcs7-parse');
  });
  it('refuses a module signature with content inside, another content type or signed attributes', () => {
    expect(failed({ eContent: true })).toBe('pkcs7-usage');
    // Another eContentType: pkijs already refuses to read such a SignedData (pkcs7-parse), where the
    // kernel's parser reads it and pkcs7_verify refuses it (usage); both reject it. Left as it is.
    expect(failed({ eContentType: '1.2.3.4' })).toBe('pkcs7-parse');
    expect(failed({ attributes: true })).toBe('pkcs7-usage');
  });
  it('ignores bytes after the ContentInfo', () => {
    expect(verdict(concatBytes(pkcs7Of(A, DATA), new Uint8Array([1, 2, 3]))).verdict).toBe('accept');
  });
});

describe('trust and signature', () => {
  const skid = anchor(A.certificate).skid;
  it('matches issuer and serial exactly: a certificate with the same name and another serial is not the signer', () => {
    const sameName = signingKey('rules-c');
    expect(failed({}, [anchor(sameName.certificate)])).toBe('untrusted-key');
    expect(failed({}, [])).toBe('untrusted-key');
    expect(verdict(pkcs7Of(A, DATA), [anchor(B.certificate), anchor(A.certificate)])).toMatchObject({ verdict: 'accept', anchor: 1 });
  });
  it('finds a signer by subjectKeyIdentifier only where the anchor has that identifier', () => {
    // The certificates made here carry no subjectKeyIdentifier.
    expect(skid).toBeNull();
    expect(failed({ skid: new Uint8Array(20).fill(9) })).toBe('untrusted-key');
  });
  it('skips signers no anchor names; a named signer whose signature fails rejects', () => {
    expect(verdict(pkcs7Of(B, DATA, { alsoSignedBy: [A] }))).toMatchObject({ verdict: 'accept', anchor: 0 });
    expect(verdict(pkcs7Of(A, DATA, { alsoSignedBy: [B] }))).toMatchObject({ verdict: 'accept', anchor: 0 });
    const wrong = pkcs7Of(A, new Uint8Array(5), { alsoSignedBy: [A] });
    expect(verdict(wrong)).toEqual({ verdict: 'reject', failedCheck: 'signature' });
  });
  it('needs key and signature algorithm to agree, and the signature over these bytes', () => {
    expect(failed({ signatureOid: '1.2.840.113549.1.1.1' })).toBe('signature');
    expect(verdict(pkcs7Of(A, DATA), ANCHORS, DATA.slice(1))).toEqual({ verdict: 'reject', failedCheck: 'signature' });
    // Any ecdsa-with-* OID works with any hash, as in the kernel.
    expect(failed({ signatureOid: '1.2.840.10045.4.3.4' })).toBe('accept');
  });
  it('both suites give the same verdicts', () => {
    for (const p of [pkcs7Of(A, DATA), pkcs7Of(A, DATA.slice(1)), pkcs7Of(B, DATA)]) {
      const file = appendSignature(DATA, p);
      expect(checkComponent(nobleSuite, file, [anchor(A.certificate), anchor(B.certificate)])).toEqual(checkComponent(nodeSuite, file, [anchor(A.certificate), anchor(B.certificate)]));
    }
  });
  it('refuses a certificate that is not one', () => {
    expect(typeof readTrustAnchor(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toBe('string');
    expect(typeof readTrustAnchor(new Uint8Array([0xff]))).toBe('string');
    expect(anchor(A.certificate)).toMatchObject({ subject: 'O=semodel properties, CN=semodel IPL signing key', key: { kind: 'ec', curve: 'p256' } });
  });
});
