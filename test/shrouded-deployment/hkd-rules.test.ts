// The verifier's rules beside the vectors, on IBM's files recombined: the locality fix-up runs
// only from Armonk to Poughkeepsie; the wrong-issuer CRL poisons the chain whatever its order;
// the root's CRL is needed (the root alone lacks it); the signing-key subject needs all 6
// entries; the chain's depth and the chain of one certificate; a CRL file as a certificate file
// holds no signing key; PEM and DER read alike.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { nameOf } from '../../model/se-format/hkd-name.js';
import { readPkiFile } from '../../model/se-format/hkd-pem.js';
import { crlLookupNames, isSigningKeySubject } from '../../model/se-format/hkd-subject.js';
import { verifyHkd, type HkdInputs } from '../../model/se-format/hkd-verify.js';
import type { HkdCertificate, HkdCrl } from '../../model/se-format/hkd-x509.js';
import { caseFile, unixSeconds } from './hkd-vector-files.js';

const AT = unixSeconds('2026-01-01T00:00:00Z');

function file(vector: string, name: string): { certs: readonly HkdCertificate[]; crls: readonly HkdCrl[] } {
  const f = readPkiFile(new Uint8Array(readFileSync(caseFile(vector, name))));
  if (typeof f === 'string') throw new Error(`${name}: ${f}`);
  return f;
}
const cert = (vector: string, name: string): HkdCertificate => file(vector, name).certs[0] as HkdCertificate;
const crl = (vector: string, name: string): HkdCrl => file(vector, name).crls[0] as HkdCrl;

const V = 'hkd01-valid';
const root = file(V, 'root_ca.chained.crt');
const base: HkdInputs = {
  hkd: cert(V, 'host.crt'),
  certs: [cert(V, 'ibm.crt'), cert(V, 'inter_ca.crt')],
  crls: [crl(V, 'ibm.crl'), crl(V, 'inter_ca.crl'), ...root.crls],
  roots: root.certs,
};
const check = (inputs: HkdInputs): string => {
  const v = verifyHkd(nodeSuite, inputs, AT);
  return v.verdict === 'valid' ? 'valid' : v.failedCheck;
};

describe('host-key-document verification rules', () => {
  it('reads the chained root file as a certificate and its CRL', () => {
    expect([root.certs.length, root.crls.length]).toEqual([1, 1]);
    expect(check(base)).toBe('valid');
  });

  it('fixes up an Armonk signing key to a Poughkeepsie CRL, never the reverse', () => {
    const armonkKey = cert('hkd02-valid-armonk-signing-key', 'ibm_armonk.crt');
    expect(check({ ...base, certs: [armonkKey, cert(V, 'inter_ca.crt')] })).toBe('valid');
    const armonkCrl = crl('hkd03-valid-armonk-crl', 'ibm_armonk.crl');
    expect(check({ ...base, crls: [armonkCrl, crl(V, 'inter_ca.crl'), ...root.crls] })).toBe('crl-missing');
    const names = crlLookupNames(armonkKey.subject).map((g) => g.map((n) => n.text));
    expect(names[1]?.[0]).toContain('L=Poughkeepsie');
    expect(names[2]?.[0]).toMatch(/^C=US, O=.*, OU=IBM Z Host Key Signing Service, L=Poughkeepsie, ST=New York, CN=/);
  });

  it('chooses the wrong-issuer CRL for the signing key in either order (newer lastUpdate): chain-crl-signature', () => {
    const wrong = crl('hkd17-crl-wrong-issuer', 'ibm_wrong_issuer.crl');
    const inter = crl(V, 'inter_ca.crl');
    for (const crls of [[wrong, inter, crl(V, 'ibm.crl')], [inter, crl(V, 'ibm.crl'), wrong]]) {
      expect(verifyHkd(nodeSuite, { ...base, crls: [...crls, ...root.crls] }, AT)).toMatchObject({ verdict: 'invalid', failedCheck: 'chain-crl-signature', opensslError: 8 });
    }
  });

  it("needs the root's own CRL, and a root among the trusted certificates", () => {
    expect(verifyHkd(nodeSuite, { ...base, crls: base.crls.slice(0, 2) }, AT)).toMatchObject({ failedCheck: 'chain-crl-missing', opensslError: 3 });
    expect(verifyHkd(nodeSuite, { ...base, roots: [] }, AT)).toMatchObject({ failedCheck: 'chain', opensslError: 20 });
    // The intermediate trusted in place of the root: the chain still ends at no self-issued trusted root.
    expect(check({ ...base, roots: [cert(V, 'inter_ca.crt')] })).toBe('chain');
  });

  it('takes a subject as a signing key only with all six entries', () => {
    const key = cert(V, 'ibm.crt');
    expect(isSigningKeySubject(key.subject)).toBe(true);
    expect(isSigningKeySubject(nameOf(key.subject.entries.slice(1)))).toBe(false);
    expect(isSigningKeySubject(nameOf([...key.subject.entries.slice(0, 5), { type: '2.5.4.11', value: 'IBM Z Host Key Signing Service Invalid' }]))).toBe(false);
    expect(isSigningKeySubject(cert(V, 'inter_ca.crt').subject)).toBe(false);
  });

  it('has a CRL file given as a certificate file hold no signing key (IBM\'s "IBM Sign outdated" cases)', () => {
    const outdated = file('hkd14-crl-outdated', 'ibm_outdated_late.crl');
    expect(outdated.certs).toEqual([]);
    expect(check({ ...base, certs: [...outdated.certs, cert(V, 'inter_ca.crt')] })).toBe('signing-key-subject');
  });

  it('reads DER as PEM', () => {
    const pem = readFileSync(caseFile(V, 'ibm.crt'), 'latin1');
    const der = new Uint8Array(Buffer.from(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/.exec(pem)?.[1] ?? '', 'base64'));
    const read = readPkiFile(der);
    expect(typeof read === 'string' ? read : read.certs[0]?.serial).toBe(cert(V, 'ibm.crt').serial);
    expect(readPkiFile(new Uint8Array([0x30, 0x00]))).toMatch(/neither PEM nor/);
  });
});
