/**
 * Step 4 of host-key-document verification: IBM's own look-up of the signing key's CRLs (after
 * OpenSSL's chain check): the CRLs issued under the signing key's name (with IBM's name fix-ups,
 * ./hkd-subject.ts), kept only when in date ([lastUpdate, nextUpdate)), with a matching AKID and a
 * signature by the signing key; none kept is an error, and so is the document's serial in any.
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import { akidMatches, verifiedBy } from './hkd-signed.js';
import { crlLookupNames } from './hkd-subject.js';
import type { HkdCertificate, HkdCrl } from './hkd-x509.js';

/** The CRL checks, in the vectors' `failedCheck` names. */
export type CrlCheck = 'crl-missing' | 'crl-outdated' | 'crl-signature' | 'hkd-revoked';

/** IBM's validity period of a CRL: lastUpdate ≤ at < nextUpdate (no nextUpdate: no end). */
export function crlCurrent(crl: HkdCrl, at: number): boolean {
  return at >= crl.lastUpdate && (crl.nextUpdate === null || at < crl.nextUpdate);
}

/** The CRLs under the first group of lookup names that finds any. */
export function signingKeyCrls(signingKey: HkdCertificate, crls: readonly HkdCrl[]): readonly HkdCrl[] {
  for (const group of crlLookupNames(signingKey.subject)) {
    const keys = new Set(group.map((n) => n.key));
    const found = crls.filter((c) => keys.has(c.issuer.key));
    if (found.length > 0) return found;
  }
  return [];
}

/** The CRL step: null when a kept CRL exists and none lists the document, else the check that failed. */
export function checkHkdRevocation(suite: CryptoSuite, hkd: HkdCertificate, signingKey: HkdCertificate, crls: readonly HkdCrl[], at: number): CrlCheck | null {
  const named = signingKeyCrls(signingKey, crls);
  if (named.length === 0) return 'crl-missing';
  const current = named.filter((c) => crlCurrent(c, at));
  if (current.length === 0) return 'crl-outdated';
  const kept = current.filter((c) => akidMatches(signingKey, c.akid) && verifiedBy(suite, c, signingKey));
  if (kept.length === 0) return 'crl-signature';
  return kept.some((c) => c.revoked.has(hkd.serial)) ? 'hkd-revoked' : null;
}
