/**
 * The client's side of host authentication: the root CA it trusts (IBM's fake root, with its
 * CRL), read once per process, and the reading of a host's authentication information.
 * @module
 */
import { bytesToHex } from '../core/bytes.js';
import { IBM_ROOT_CA, IBM_ROOT_CA_CRL } from '../se-format/hkd-fixture.js';
import { readHkdCertificate, readHkdCrl, type HkdCertificate, type HkdCrl } from '../se-format/hkd-x509.js';

/** What the client trusts: the root certificates and the root's CRLs. */
export interface ClientTrust {
  readonly roots: readonly HkdCertificate[];
  readonly crls: readonly HkdCrl[];
}

let trust: ClientTrust | undefined;

/** The client's trust anchor (parsed once: a constant). */
export function clientTrust(): ClientTrust {
  if (trust === undefined) {
    const root = readHkdCertificate(IBM_ROOT_CA);
    const crl = readHkdCrl(IBM_ROOT_CA_CRL);
    // Stryker disable next-line all: constants that parse
    if (typeof root === 'string' || typeof crl === 'string') throw new Error('the root CA fixture does not parse');
    trust = { roots: [root], crls: [crl] };
  }
  return trust;
}

/** Parsed files kept at most: parsing with pkijs costs milliseconds, and clients present the same few files. */
export const PARSE_MEMO_ENTRIES = 256;

const parsedCertificates = new Map<string, HkdCertificate | string>();
const parsedCrls = new Map<string, HkdCrl | string>();

/**
 * `read` of `der`, remembered by its bytes: a pure function of them, so a remembered value is the
 * value (the records are immutable and keep their own copies).
 */
function remembered<T>(memo: Map<string, T>, read: (der: Uint8Array) => T, der: Uint8Array): T {
  const key = bytesToHex(der);
  const known = memo.get(key);
  if (known !== undefined) return known;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: starting over early or late only parses again: same results
  if (memo.size >= PARSE_MEMO_ENTRIES) memo.clear();
  const value = read(der);
  memo.set(key, value);
  return value;
}

/** A host's authentication information parsed, or null when a file is not DER X.509. */
export function parseAuthInfo(hkd: Uint8Array, certificates: readonly Uint8Array[], crls: readonly Uint8Array[]): { hkd: HkdCertificate; certs: HkdCertificate[]; crls: HkdCrl[] } | null {
  const document = remembered(parsedCertificates, readHkdCertificate, hkd);
  const certs = certificates.map((c) => remembered(parsedCertificates, readHkdCertificate, c));
  const lists = crls.map((c) => remembered(parsedCrls, readHkdCrl, c));
  if (typeof document === 'string' || certs.some((c) => typeof c === 'string') || lists.some((c) => typeof c === 'string')) return null;
  return { hkd: document, certs: certs as HkdCertificate[], crls: lists as HkdCrl[] };
}
