/**
 * Signature and key-identifier checks shared by the steps of host-key-document verification:
 * a certificate's or CRL's signature through the crypto suite, OpenSSL's `X509_check_akid`, and
 * whether one certificate (by name and key identifier) may have issued another.
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import type { Akid, HkdCertificate, Signed } from './hkd-x509.js';

/** KeyUsage bits as ./hkd-x509.ts packs them. */
export const KEY_USAGE = { digitalSignature: 0x8000, keyCertSign: 0x0400, cRLSign: 0x0200 } as const;

/** True when `signer`'s public key verifies the signature of `signed`. */
export function verifiedBy(suite: CryptoSuite, signed: Signed, signer: HkdCertificate): boolean {
  const key = signer.key;
  if (key === null || signed.algorithm === null || signed.algorithm.kind !== key.kind) return false;
  return suite.certificateVerify(key, signed.algorithm.hash, signed.tbs, signed.signature);
}

/**
 * OpenSSL's `X509_check_akid`: no AKID matches anything; a key ID must equal the issuer's SKID
 * when both are there; a serial must equal the issuer's serial.
 */
export function akidMatches(issuer: HkdCertificate, akid: Akid | null): boolean {
  if (akid === null) return true;
  if (akid.keyId !== null && issuer.skid !== null && akid.keyId !== issuer.skid) return false;
  return akid.serial === null || akid.serial === issuer.serial;
}

/** OpenSSL's `x509_likely_issued`: the issuer's subject is the subject's issuer name and the AKID matches. */
export function likelyIssued(issuer: HkdCertificate, subject: HkdCertificate): boolean {
  return issuer.subject.key === subject.issuer.key && akidMatches(issuer, subject.akid);
}

/** True when a certificate names itself as its issuer (self-issued, with a matching AKID). */
export function selfIssued(cert: HkdCertificate): boolean {
  return likelyIssued(cert, cert);
}

/** True when `at` (Unix seconds) is within the certificate's validity, both ends included (OpenSSL). */
export function inValidity(cert: HkdCertificate, at: number): boolean {
  return at >= cert.notBefore && at <= cert.notAfter;
}
