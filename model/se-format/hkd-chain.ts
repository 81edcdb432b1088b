/**
 * Step 2 of host-key-document verification: the signing key's chain to the trusted root, as IBM
 * runs it through OpenSSL's `X509_verify_cert` with X509_STRICT, CRL_CHECK, CRL_CHECK_ALL,
 * TRUSTED_FIRST, CHECK_SS_SIGNATURE, POLICY_CHECK, depth 2, auth level 2, purpose any. In
 * OpenSSL's order: build the chain (trusted issuers first), the CA extensions, the key and digest
 * strength, revocation of every certificate of the chain (the CRL chosen by issuer name, AKID,
 * date and newest lastUpdate; its date, signature, then the serial), then from the root down each
 * signature and validity; last, IBM's own rule that the chain has at least 2 certificates.
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import { akidMatches, inValidity, KEY_USAGE, likelyIssued, selfIssued, verifiedBy } from './hkd-signed.js';
import { HASH_SECURITY_BITS, type HkdCertificate, type HkdCrl } from './hkd-x509.js';

/** The chain checks, in the vectors' `failedCheck` names. */
export type ChainCheck = 'chain' | 'chain-crl-missing' | 'chain-crl-outdated' | 'chain-crl-signature' | 'chain-revoked' | 'chain-expired';

/** A failed chain: the check's name, OpenSSL's X509_V_ERR code and the depth it was found at. */
export interface ChainFailure {
  readonly check: ChainCheck;
  readonly opensslError: number;
  readonly depth: number;
}

/** What the chain step is given. */
export interface ChainInput {
  /** The signing key (depth 0). */
  readonly leaf: HkdCertificate;
  /** Untrusted certificates, in the order given. */
  readonly untrusted: readonly HkdCertificate[];
  /** Trusted certificates (the root CA file's). */
  readonly trusted: readonly HkdCertificate[];
  /** Every CRL the store holds. */
  readonly crls: readonly HkdCrl[];
  /** The verification time, Unix seconds. */
  readonly at: number;
}

/** OpenSSL's verify depth of IBM's verifier: at most this many intermediates. */
export const CHAIN_DEPTH = 2;

/** The least security bits of auth level 2. */
export const MIN_SECURITY_BITS = 112;

/** OpenSSL's CRL scores (x509_vfy.c). */
const SCORE = { noCritical: 0x100, scope: 0x080, time: 0x040, issuerName: 0x020, issuerCert: 0x018, samePath: 0x008, akid: 0x004 } as const;

function fail(check: ChainCheck, opensslError: number, depth: number): ChainFailure {
  return { check, opensslError, depth };
}

/** OpenSSL's `find_issuer`: the first candidate that issued `cert` and is in date, else the one with the latest notAfter. */
function findIssuer(candidates: readonly HkdCertificate[], cert: HkdCertificate, chain: readonly HkdCertificate[], at: number): HkdCertificate | undefined {
  let best: HkdCertificate | undefined;
  for (const c of candidates) {
    if (!likelyIssued(c, cert) || chain.includes(c)) continue;
    if (inValidity(c, at)) return c;
    if (best === undefined || c.notAfter > best.notAfter) best = c;
  }
  return best;
}

/** The chain from the leaf to a trusted self-issued root, or the failure. */
function buildChain(input: ChainInput): readonly HkdCertificate[] | ChainFailure {
  const chain: HkdCertificate[] = [input.leaf];
  let trusted = input.trusted.includes(input.leaf);
  for (;;) {
    const cur = chain[chain.length - 1] ?? input.leaf;
    if (selfIssued(cur)) {
      // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT (18) / SELF_SIGNED_CERT_IN_CHAIN (19)
      return trusted ? chain : fail('chain', chain.length === 1 ? 18 : 19, chain.length - 1);
    }
    const fromTrusted = findIssuer(input.trusted, cur, chain, input.at);
    const issuer = fromTrusted ?? (trusted ? undefined : findIssuer(input.untrusted, cur, chain, input.at));
    // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20), or UNABLE_TO_GET_ISSUER_CERT (2) above a trusted certificate
    if (issuer === undefined) return fail('chain', trusted ? 2 : 20, chain.length - 1);
    chain.push(issuer);
    trusted = fromTrusted !== undefined;
    // X509_V_ERR_CERT_CHAIN_TOO_LONG (22): the leaf and the trust anchor do not count
    if (chain.length > CHAIN_DEPTH + 2) return fail('chain', 22, chain.length - 1);
  }
}

/** The CA extensions of every certificate above the leaf (X509_STRICT): cA, keyCertSign, path length. */
function checkExtensions(chain: readonly HkdCertificate[]): ChainFailure | null {
  for (let i = 1; i < chain.length; i++) {
    const c = chain[i];
    if (c === undefined) continue;
    // X509_V_ERR_INVALID_CA (24)
    if (c.basicConstraints?.ca !== true || (c.keyUsage !== null && (c.keyUsage & KEY_USAGE.keyCertSign) === 0)) return fail('chain', 24, i);
    // X509_V_ERR_PATH_LENGTH_EXCEEDED (25): the CAs below it, not counting self-issued ones
    const below = chain.slice(1, i).filter((x) => !selfIssued(x)).length;
    if (c.basicConstraints.pathLen !== null && below > c.basicConstraints.pathLen) return fail('chain', 25, i);
  }
  return null;
}

/** Auth level 2: every key, and every signature's digest but the root's own, of at least 112 bits. */
function checkAuthLevel(chain: readonly HkdCertificate[]): ChainFailure | null {
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i];
    if (c === undefined) continue;
    // X509_V_ERR_EE_KEY_TOO_SMALL (66) / CA_KEY_TOO_SMALL (67)
    if (c.keyBits < MIN_SECURITY_BITS) return fail('chain', i === 0 ? 66 : 67, i);
    // X509_V_ERR_CA_MD_TOO_WEAK (68)
    if (i < chain.length - 1 && c.algorithm !== null && HASH_SECURITY_BITS[c.algorithm.hash] < MIN_SECURITY_BITS) return fail('chain', 68, i);
  }
  return null;
}

interface Scored {
  readonly crl: HkdCrl;
  readonly score: number;
  readonly issuer: HkdCertificate;
}

function crlInDate(crl: HkdCrl, at: number): boolean {
  return at >= crl.lastUpdate && (crl.nextUpdate === null || at <= crl.nextUpdate);
}

/** OpenSSL's `get_crl_score` with `crl_akid_check` for the certificate at depth `i`; null: not a candidate. */
function scoreCrl(crl: HkdCrl, chain: readonly HkdCertificate[], i: number, at: number): Scored | null {
  const cert = chain[i];
  // Without extended CRL support, only a CRL named by the certificate's issuer (no indirect CRLs).
  if (cert === undefined || crl.issuer.key !== cert.issuer.key) return null;
  let score = SCORE.issuerName;
  if (!crl.unhandledCritical) score |= SCORE.noCritical;
  if (crlInDate(crl, at)) score |= SCORE.time;
  const next = i === chain.length - 1 ? i : i + 1;
  let issuer: HkdCertificate | undefined;
  const direct = chain[next];
  if (direct !== undefined && akidMatches(direct, crl.akid)) {
    score |= SCORE.akid | SCORE.issuerCert;
    issuer = direct;
  } else {
    issuer = chain.slice(next + 1).find((c) => c.subject.key === crl.issuer.key && akidMatches(c, crl.akid));
    if (issuer !== undefined) score |= SCORE.akid | SCORE.samePath;
  }
  if (issuer === undefined) return null;
  // The certificates' distribution points name no CRL issuer, so a CRL without an IDP is in scope when its name matched.
  if (!crl.hasIdp) score |= SCORE.scope;
  return { crl, score, issuer };
}

/** OpenSSL's `get_crl_sk`: the best score, ties broken by the strictly newer lastUpdate. */
function chooseCrl(crls: readonly HkdCrl[], chain: readonly HkdCertificate[], i: number, at: number): Scored | null {
  let best: Scored | null = null;
  for (const crl of crls) {
    const s = scoreCrl(crl, chain, i, at);
    if (s === null || (best !== null && s.score < best.score)) continue;
    if (best !== null && s.score === best.score && s.crl.lastUpdate <= best.crl.lastUpdate) continue;
    best = s;
  }
  return best;
}

/** CRL_CHECK_ALL: each certificate of the chain against the CRL chosen for it. */
function checkRevocation(suite: CryptoSuite, chain: readonly HkdCertificate[], crls: readonly HkdCrl[], at: number): ChainFailure | null {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    if (cert === undefined) continue;
    const chosen = chooseCrl(crls, chain, i, at);
    // X509_V_ERR_UNABLE_TO_GET_CRL (3)
    if (chosen === null) return fail('chain-crl-missing', 3, i);
    const { crl, score, issuer } = chosen;
    // X509_V_ERR_KEYUSAGE_NO_CRL_SIGN (35)
    if (issuer.keyUsage !== null && (issuer.keyUsage & KEY_USAGE.cRLSign) === 0) return fail('chain', 35, i);
    // X509_V_ERR_DIFFERENT_CRL_SCOPE (44)
    if ((score & SCORE.scope) === 0) return fail('chain', 44, i);
    // X509_V_ERR_CRL_NOT_YET_VALID (11) / CRL_HAS_EXPIRED (12)
    if ((score & SCORE.time) === 0) return fail('chain-crl-outdated', at < crl.lastUpdate ? 11 : 12, i);
    // X509_V_ERR_CRL_SIGNATURE_FAILURE (8)
    if (!verifiedBy(suite, crl, issuer)) return fail('chain-crl-signature', 8, i);
    // X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION (36)
    if (crl.unhandledCritical) return fail('chain', 36, i);
    // X509_V_ERR_CERT_REVOKED (23)
    if (crl.revoked.has(cert.serial)) return fail('chain-revoked', 23, i);
  }
  return null;
}

/** OpenSSL's `internal_verify`: from the root down, each signature (the root's own too) and validity. */
function checkSignaturesAndTimes(suite: CryptoSuite, chain: readonly HkdCertificate[], at: number): ChainFailure | null {
  for (let n = chain.length - 1; n >= 0; n--) {
    const xs = chain[n];
    const xi = chain[Math.min(n + 1, chain.length - 1)];
    if (xs === undefined || xi === undefined) continue;
    // X509_V_ERR_CERT_SIGNATURE_FAILURE (7)
    if (!verifiedBy(suite, xs, xi)) return fail('chain', 7, n);
    // X509_V_ERR_CERT_NOT_YET_VALID (9) / CERT_HAS_EXPIRED (10)
    if (!inValidity(xs, at)) return fail('chain-expired', at < xs.notBefore ? 9 : 10, n);
  }
  return null;
}

/** The chain step: null when the signing key chains to a trusted root with every CRL, else the first failure. */
export function verifyChain(suite: CryptoSuite, input: ChainInput): ChainFailure | null {
  const chain = buildChain(input);
  if (!Array.isArray(chain)) return chain as ChainFailure;
  const failure =
    checkExtensions(chain) ?? checkAuthLevel(chain) ?? checkRevocation(suite, chain, input.crls, input.at) ?? checkSignaturesAndTimes(suite, chain, input.at);
  if (failure !== null) return failure;
  // IBM: the built chain has at least 2 certificates (the signing key is not itself the root).
  return chain.length < 2 ? fail('chain', 0, 0) : null;
}
