/**
 * Host-key-document (HKD) verification as IBM's verifier does it (s390-tools
 * `rust/pv/src/verify.rs`, `CertVerifier::new` then `verify`), on parsed inputs and at a given
 * time, in IBM's order: (1) exactly one IBM Z signing key among the certificates; (2) its chain to
 * the trusted root with CRLs for every certificate (./hkd-chain.ts); (3) the document: key of at
 * least 112 security bits, in its validity, AKID matching the signing key, signature by the
 * signing key; (4) the signing key's CRLs and the document's serial (./hkd-crl.ts). The verdict
 * and check names are those of the shared vectors (`vectors/host-key-documents/README.md`).
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import { MIN_SECURITY_BITS, verifyChain, type ChainCheck } from './hkd-chain.js';
import { checkHkdRevocation, type CrlCheck } from './hkd-crl.js';
import { akidMatches, verifiedBy } from './hkd-signed.js';
import { isSigningKeySubject } from './hkd-subject.js';
import type { HkdCertificate, HkdCrl } from './hkd-x509.js';

/** Every check of HKD verification, in IBM's order. */
export const HKD_CHECKS = [
  'signing-key-subject',
  'signing-key-multiple',
  'chain',
  'chain-crl-missing',
  'chain-crl-outdated',
  'chain-crl-signature',
  'chain-revoked',
  'chain-expired',
  'hkd-security-bits',
  'hkd-not-yet-valid',
  'hkd-expired',
  'hkd-akid',
  'hkd-signature',
  'crl-missing',
  'crl-outdated',
  'crl-signature',
  'hkd-revoked',
] as const;

/** A check of HKD verification. `hkd-security-bits` (a document key under 112 bits) has no vector. */
export type HkdCheck = (typeof HKD_CHECKS)[number];

// Every check the chain and CRL steps name is one of HKD_CHECKS (fails to compile otherwise).
const covered: [ChainCheck | CrlCheck] extends [HkdCheck] ? true : never = true;
void covered;

/** What the verifier is given: parsed certificates and CRLs, as IBM's verifier loads them. */
export interface HkdInputs {
  /** The host-key document. */
  readonly hkd: HkdCertificate;
  /** The untrusted certificates (signing key and intermediates), in the order given. */
  readonly certs: readonly HkdCertificate[];
  /** Every CRL: of the CRL files, of the certificate files and of the root CA file. */
  readonly crls: readonly HkdCrl[];
  /** The trusted root certificates (the root CA file's). */
  readonly roots: readonly HkdCertificate[];
}

/** The verdict, as the vectors' expected.json states it. */
export type HkdVerdict = { readonly verdict: 'valid'; readonly signingKey: HkdCertificate } | { readonly verdict: 'invalid'; readonly failedCheck: HkdCheck; readonly opensslError?: number };

function invalid(failedCheck: HkdCheck, opensslError?: number): HkdVerdict {
  return opensslError === undefined ? { verdict: 'invalid', failedCheck } : { verdict: 'invalid', failedCheck, opensslError };
}

/** Step 3: the document against the signing key, at `at`. */
function checkDocument(suite: CryptoSuite, hkd: HkdCertificate, signingKey: HkdCertificate, at: number): HkdCheck | null {
  if (hkd.keyBits < MIN_SECURITY_BITS) return 'hkd-security-bits';
  if (at < hkd.notBefore) return 'hkd-not-yet-valid';
  if (at >= hkd.notAfter) return 'hkd-expired';
  if (!akidMatches(signingKey, hkd.akid)) return 'hkd-akid';
  return verifiedBy(suite, hkd, signingKey) ? null : 'hkd-signature';
}

/**
 * Verifies a host-key document at `at` (Unix seconds): `valid` with the signing key, or
 * `invalid` with the first check that failed in IBM's order (and OpenSSL's error for the chain).
 * @example
 * ```ts
 * const v = verifyHkd(nodeSuite, { hkd, certs: [ibm, inter], crls: [ibmCrl, interCrl, rootCrl], roots: [root] }, Date.UTC(2026, 0, 1) / 1000);
 * v.verdict; // 'valid'
 * ```
 */
export function verifyHkd(suite: CryptoSuite, inputs: HkdInputs, at: number): HkdVerdict {
  const candidates = inputs.certs.filter((c) => isSigningKeySubject(c.subject));
  const signingKey = candidates[0];
  if (signingKey === undefined) return invalid('signing-key-subject');
  if (candidates.length > 1) return invalid('signing-key-multiple');
  const chain = verifyChain(suite, { leaf: signingKey, untrusted: inputs.certs, trusted: inputs.roots, crls: inputs.crls, at });
  if (chain !== null) return invalid(chain.check, chain.opensslError);
  const document = checkDocument(suite, inputs.hkd, signingKey, at);
  if (document !== null) return invalid(document);
  const revocation = checkHkdRevocation(suite, inputs.hkd, signingKey, inputs.crls, at);
  return revocation === null ? { verdict: 'valid', signingKey } : invalid(revocation);
}
