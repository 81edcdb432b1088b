/**
 * Certificates and CRLs of host-key-document verification, read with pkijs into plain records:
 * what IBM's verifier (s390-tools `rust/pv/src/verify.rs`, through OpenSSL) reads of them: names,
 * serials, validity, key identifiers, basic constraints, key usage, the public key and its
 * security bits, the signature and the signed bytes. Nothing is checked here; the checks are
 * ./hkd-chain.ts, ./hkd-crl.ts and ./hkd-verify.ts.
 * @module
 */
import type * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { asn1Libraries, decodeBer } from './asn1-libraries.js';
import { bytesToHex } from '../core/bytes.js';
import type { CertificateKey, SignatureHash } from '../crypto/suite.js';
import { readName, type X509Name } from './hkd-name.js';
import { OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY, OID_P256, OID_RSA_ENCRYPTION, OID_SUBJECT_KEY_IDENTIFIER } from './oids.js';

const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_AKID = '2.5.29.35';
const OID_IDP = '2.5.29.28';

/** Named curves by OID, with the security bits of each (half the order's bits). */
const CURVES: Readonly<Record<string, { readonly name: 'p256' | 'p384' | 'p521'; readonly bits: number }>> = {
  [OID_P256]: { name: 'p256', bits: 128 },
  '1.3.132.0.34': { name: 'p384', bits: 192 },
  '1.3.132.0.35': { name: 'p521', bits: 256 },
};

/** Signature algorithms by OID: the hash and the key kind. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { readonly hash: SignatureHash; readonly kind: 'rsa' | 'ec' }>> = {
  '1.2.840.113549.1.1.5': { hash: 'sha1', kind: 'rsa' },
  '1.2.840.113549.1.1.14': { hash: 'sha224', kind: 'rsa' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', kind: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', kind: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', kind: 'rsa' },
  '1.2.840.10045.4.1': { hash: 'sha1', kind: 'ec' },
  '1.2.840.10045.4.3.1': { hash: 'sha224', kind: 'ec' },
  [OID_ECDSA_SHA256]: { hash: 'sha256', kind: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', kind: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', kind: 'ec' },
};

/** Security bits of each hash as a signature digest (OpenSSL's levels: SHA-1 is below 80). */
export const HASH_SECURITY_BITS: Readonly<Record<SignatureHash, number>> = { sha1: 63, sha224: 112, sha256: 128, sha384: 192, sha512: 256 };

/** An authority key identifier: the key ID and the issuer serial it may carry. */
export interface Akid {
  /** Hex of the keyIdentifier, or null. */
  readonly keyId: string | null;
  /** Normalised hex of authorityCertSerialNumber, or null. */
  readonly serial: string | null;
}

/** How a certificate or CRL is signed, and what was signed. */
export interface Signed {
  /** The signed bytes (tbsCertificate / tbsCertList DER). */
  readonly tbs: Uint8Array;
  /** The algorithm, or null when it is not one the model verifies (the signature then fails). */
  readonly algorithm: { readonly hash: SignatureHash; readonly kind: 'rsa' | 'ec' } | null;
  readonly signature: Uint8Array;
}

/** An X.509 certificate as the verifier reads it. */
export interface HkdCertificate extends Signed {
  readonly der: Uint8Array;
  readonly subject: X509Name;
  readonly issuer: X509Name;
  /** The serial as lower-case hex without leading zero bytes. */
  readonly serial: string;
  /** Validity, in Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly skid: string | null;
  readonly akid: Akid | null;
  /** basicConstraints cA, and its pathLenConstraint (null: none); null when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | null } | null;
  /** The keyUsage bits (bit 0 digitalSignature = 0x80 of the first byte, …), or null when absent. */
  readonly keyUsage: number | null;
  /** The public key to verify with; null for a key the suites do not verify with (P-521, other algorithms). */
  readonly key: CertificateKey | null;
  /** The security bits of the public key (0 when unknown). */
  readonly keyBits: number;
  /** The SEC1 uncompressed point of an EC key, or null. */
  readonly ecPoint: Uint8Array | null;
  /** The curve of an EC key, or null. */
  readonly curve: 'p256' | 'p384' | 'p521' | null;
}

/** A CRL as the verifier reads it. */
export interface HkdCrl extends Signed {
  readonly der: Uint8Array;
  readonly issuer: X509Name;
  /** lastUpdate (thisUpdate) and nextUpdate in Unix seconds; nextUpdate null when absent. */
  readonly lastUpdate: number;
  readonly nextUpdate: number | null;
  readonly akid: Akid | null;
  /** Serials of the revoked certificates, normalised hex. */
  readonly revoked: ReadonlySet<string>;
  /** True when the CRL has a critical extension OpenSSL does not handle. */
  readonly unhandledCritical: boolean;
  /** True when the CRL has an issuingDistributionPoint (scope restrictions the model does not read). */
  readonly hasIdp: boolean;
}

/** A copy of a view's bytes. */
function bytesOf(view: ArrayBuffer | Uint8Array): Uint8Array {
  return new Uint8Array(view instanceof Uint8Array ? view : new Uint8Array(view));
}

/** Hex of an INTEGER's content bytes without leading zero bytes (so that serials compare by value). */
export function serialHex(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytesToHex(bytes.subarray(i));
}

function seconds(t: pkijs.Time): number {
  return Math.floor(t.value.getTime() / 1000);
}

function akidOf(ext: pkijs.Extension | undefined): Akid | null {
  const { pkijs } = asn1Libraries();
  const v = ext?.parsedValue as unknown;
  if (!(v instanceof pkijs.AuthorityKeyIdentifier)) return null;
  return {
    keyId: v.keyIdentifier === undefined ? null : bytesToHex(bytesOf(v.keyIdentifier.valueBlock.valueHexView)),
    serial: v.authorityCertSerialNumber === undefined ? null : serialHex(bytesOf(v.authorityCertSerialNumber.valueBlock.valueHexView)),
  };
}

/** The number of significant bits of a big-endian unsigned integer. */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const first = bytes[i];
  if (first === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first));
}

/** OpenSSL's security bits of an RSA modulus size (BN_security_bits, coarse steps). */
function rsaSecurityBits(bits: number): number {
  if (bits >= 15360) return 256;
  if (bits >= 7680) return 192;
  if (bits >= 3072) return 128;
  if (bits >= 2048) return 112;
  if (bits >= 1024) return 80;
  return 0;
}

interface KeyInfo {
  readonly key: CertificateKey | null;
  readonly keyBits: number;
  readonly ecPoint: Uint8Array | null;
  readonly curve: 'p256' | 'p384' | 'p521' | null;
}

function keyInfoOf(spki: pkijs.PublicKeyInfo): KeyInfo {
  const { asn1js } = asn1Libraries();
  const der = bytesOf(spki.toSchema().toBER());
  const bitString = bytesOf(spki.subjectPublicKey.valueBlock.valueHexView);
  if (spki.algorithm.algorithmId === OID_RSA_ENCRYPTION) {
    const asn1 = decodeBer(bitString);
    const modulus = !asn1.ok || !(asn1.value instanceof asn1js.Sequence) ? undefined : asn1.value.valueBlock.value[0];
    const bits = modulus instanceof asn1js.Integer ? bitLength(bytesOf(modulus.valueBlock.valueHexView)) : 0;
    return { key: { kind: 'rsa', spki: der }, keyBits: rsaSecurityBits(bits), ecPoint: null, curve: null };
  }
  if (spki.algorithm.algorithmId !== OID_EC_PUBLIC_KEY) return { key: null, keyBits: 0, ecPoint: null, curve: null };
  const params = spki.algorithm.algorithmParams as unknown;
  const curve = params instanceof asn1js.ObjectIdentifier ? CURVES[params.valueBlock.toString()] : undefined;
  if (curve === undefined) return { key: null, keyBits: 0, ecPoint: bitString, curve: null };
  const key: CertificateKey | null = curve.name === 'p521' ? null : { kind: 'ec', curve: curve.name, point: bitString, spki: der };
  return { key, keyBits: curve.bits, ecPoint: bitString, curve: curve.name };
}

function keyUsageOf(ext: pkijs.Extension | undefined): number | null {
  const { asn1js } = asn1Libraries();
  const v = ext?.parsedValue as unknown;
  if (!(v instanceof asn1js.BitString)) return null;
  const b = v.valueBlock.valueHexView;
  return ((b[0] ?? 0) << 8) | (b[1] ?? 0);
}

function basicConstraintsOf(ext: pkijs.Extension | undefined): HkdCertificate['basicConstraints'] {
  const { pkijs } = asn1Libraries();
  const v = ext?.parsedValue as unknown;
  if (!(v instanceof pkijs.BasicConstraints)) return null;
  const p = v.pathLenConstraint;
  const pathLen = p === undefined ? null : typeof p === 'number' ? p : p.valueBlock.valueDec;
  return { ca: v.cA, pathLen };
}

function parse<T>(der: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T): T | string {
  const asn1 = decodeBer(der);
  if (!asn1.ok) return `not DER: ${asn1.error}`;
  try {
    return make(asn1.value);
  } catch (e) {
    return `not ${what}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Reads a DER X.509 certificate; a message when it does not decode. Total. */
export function readHkdCertificate(der: Uint8Array): HkdCertificate | string {
  const { pkijs } = asn1Libraries();
  const cert = parse(der, 'an X.509 certificate', (schema) => new pkijs.Certificate({ schema }));
  if (typeof cert === 'string') return cert;
  try {
    return certificateRecord(der, cert);
  } catch (e) {
    return `not an X.509 certificate: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function certificateRecord(der: Uint8Array, cert: pkijs.Certificate): HkdCertificate {
  const { asn1js } = asn1Libraries();
  const ext = (oid: string): pkijs.Extension | undefined => cert.extensions?.find((e) => e.extnID === oid);
  const skidValue = ext(OID_SUBJECT_KEY_IDENTIFIER)?.parsedValue as unknown;
  return {
    der: der.slice(),
    tbs: bytesOf(cert.tbsView),
    algorithm: SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.algorithmId] ?? null,
    signature: bytesOf(cert.signatureValue.valueBlock.valueHexView),
    subject: readName(cert.subject),
    issuer: readName(cert.issuer),
    serial: serialHex(bytesOf(cert.serialNumber.valueBlock.valueHexView)),
    notBefore: seconds(cert.notBefore),
    notAfter: seconds(cert.notAfter),
    skid: skidValue instanceof asn1js.OctetString ? bytesToHex(bytesOf(skidValue.valueBlock.valueHexView)) : null,
    akid: akidOf(ext(OID_AKID)),
    basicConstraints: basicConstraintsOf(ext(OID_BASIC_CONSTRAINTS)),
    keyUsage: keyUsageOf(ext(OID_KEY_USAGE)),
    ...keyInfoOf(cert.subjectPublicKeyInfo),
  };
}

/** CRL extensions OpenSSL handles (a critical one of another kind makes the CRL unusable). */
const HANDLED_CRL_EXTENSIONS = new Set([OID_AKID, '2.5.29.20', '2.5.29.27', OID_IDP, '2.5.29.46']);

/** Reads a DER CRL; a message when it does not decode. Total. */
export function readHkdCrl(der: Uint8Array): HkdCrl | string {
  const { pkijs } = asn1Libraries();
  const crl = parse(der, 'an X.509 CRL', (schema) => new pkijs.CertificateRevocationList({ schema }));
  if (typeof crl === 'string') return crl;
  try {
    return crlRecord(der, crl);
  } catch (e) {
    return `not an X.509 CRL: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function crlRecord(der: Uint8Array, crl: pkijs.CertificateRevocationList): HkdCrl {
  const exts = crl.crlExtensions?.extensions ?? [];
  return {
    der: der.slice(),
    tbs: bytesOf(crl.tbsView),
    algorithm: SIGNATURE_ALGORITHMS[crl.signatureAlgorithm.algorithmId] ?? null,
    signature: bytesOf(crl.signatureValue.valueBlock.valueHexView),
    issuer: readName(crl.issuer),
    lastUpdate: seconds(crl.thisUpdate),
    nextUpdate: crl.nextUpdate === undefined ? null : seconds(crl.nextUpdate),
    akid: akidOf(exts.find((e) => e.extnID === OID_AKID)),
    revoked: new Set((crl.revokedCertificates ?? []).map((r) => serialHex(bytesOf(r.userCertificate.valueBlock.valueHexView)))),
    unhandledCritical: exts.some((e) => e.critical && !HANDLED_CRL_EXTENSIONS.has(e.extnID)),
    hasIdp: exts.some((e) => e.extnID === OID_IDP),
  };
}
