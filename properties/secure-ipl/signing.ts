/**
 * Signing for the secure-IPL properties and tests: deterministic ECDSA P-256 keys (the private
 * scalar from a name, no randomness), their self-signed certificates, and appended signatures as
 * the kernel's sign-file makes them (detached CMS, no certificates, no signed attributes, signer
 * by issuer and serial), all built with pkijs. The certificates' own signatures are real but no
 * one checks them: the kernel's rules trust an anchor as it is.
 * @module
 */
import type * as pkijs from 'pkijs';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '../../model/core/bytes.js';
import { appendSignature, SIGNATURE_MAGIC, TRAILER_OVERHEAD } from '../../model/se-format/appended-signature.js';
import { asn1Libraries } from '../../model/se-format/asn1-libraries.js';
import { OID_CONTENT_TYPE, OID_DATA, OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY, OID_MESSAGE_DIGEST, OID_P256, OID_SHA256, OID_SIGNED_DATA } from '../../model/se-format/oids.js';


/** A signing key and its certificate. */
export interface SigningKey {
  readonly name: string;
  readonly privateKey: Uint8Array;
  /** The self-signed certificate, DER. */
  readonly certificate: Uint8Array;
  /** Its issuer (= subject) and serial, for the signer identifier. */
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly serial: Uint8Array;
}

function nameOf(cn: string): pkijs.RelativeDistinguishedNames {
  const { asn1js, pkijs } = asn1Libraries();
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: 'semodel properties' }) }),
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

/** An ECDSA P-256 signature over SHA-256 of `message`, DER `SEQUENCE { r, s }`. */
function ecdsaDer(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  return p256.sign(sha256(message), privateKey, { prehash: false, format: 'der' });
}

/**
 * The key named `name`: private scalar SHA-256("semodel/secure-ipl/<name>"), certificate subject
 * and issuer CN `cn` (two keys may share it, as the vectors' untrusted key shares the trusted
 * one's), serial from the name.
 */
export function signingKey(name: string, cn = 'semodel IPL signing key'): SigningKey {
  const { asn1js, pkijs } = asn1Libraries();
  const privateKey = sha256(utf8ToBytes(`semodel/secure-ipl/${name}`));
  const serial = sha256(utf8ToBytes(`semodel/secure-ipl/serial/${name}`)).slice(0, 16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = nameOf(cn);
  cert.subject = nameOf(cn);
  // Fixed dates, never the clock: the kernel's rules do not read them.
  cert.notBefore = new pkijs.Time({ type: 0, value: new Date(Date.UTC(2026, 0, 1)) });
  cert.notAfter = new pkijs.Time({ type: 1, value: new Date(Date.UTC(2126, 0, 1)) });
  cert.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_EC_PUBLIC_KEY, algorithmParams: new asn1js.ObjectIdentifier({ value: OID_P256 }) }),
    subjectPublicKey: new asn1js.BitString({ valueHex: p256.getPublicKey(privateKey, false) }),
  });
  cert.signature = new pkijs.AlgorithmIdentifier({ algorithmId: OID_ECDSA_SHA256 });
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_ECDSA_SHA256 });
  const tbs = new Uint8Array(cert.encodeTBS().toBER());
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: ecdsaDer(privateKey, tbs) });
  return { name, privateKey, certificate: new Uint8Array(cert.toSchema().toBER()), issuer: cert.issuer, serial };
}

/** Deviations from sign-file's PKCS#7, for the tests of the kernel's rules. */
export interface Pkcs7Options {
  /** Signed attributes contentType and messageDigest (`openssl cms -sign` without -noattr). */
  readonly attributes?: boolean;
  /** Only messageDigest among the signed attributes (the parser wants contentType too). */
  readonly digestOnly?: boolean;
  /** SMIMECapabilities among the signed attributes (refused outside Authenticode). */
  readonly smimeCapabilities?: boolean;
  readonly signedDataVersion?: number;
  readonly signerVersion?: number;
  /** The content inside instead of detached. */
  readonly eContent?: boolean;
  readonly eContentType?: string;
  readonly digestOid?: string;
  readonly signatureOid?: string;
  /** The signer by subjectKeyIdentifier (these bytes) instead of issuer and serial. */
  readonly skid?: Uint8Array;
  /** More SignerInfos after the first (each as `pkcs7Of` makes it for that key). */
  readonly alsoSignedBy?: readonly SigningKey[];
}

/** The SignerInfo of `key` over `data` as `options` say. */
function signerInfoOf(key: SigningKey, data: Uint8Array, options: Pkcs7Options): pkijs.SignerInfo {
  const { asn1js, pkijs } = asn1Libraries();
  const attributes = [
    ...(options.digestOnly === true ? [] : [new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: OID_DATA })] })]),
    new pkijs.Attribute({ type: OID_MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: sha256(data) })] }),
    ...(options.smimeCapabilities === true ? [new pkijs.Attribute({ type: '1.2.840.113549.1.9.15', values: [new asn1js.Sequence({ value: [] })] })] : []),
  ];
  const withAttributes = options.attributes === true || options.digestOnly === true || options.smimeCapabilities === true;
  return new pkijs.SignerInfo({
    version: options.signerVersion ?? (options.skid === undefined ? 1 : 3),
    sid: options.skid === undefined ? new pkijs.IssuerAndSerialNumber({ issuer: key.issuer, serialNumber: new asn1js.Integer({ valueHex: key.serial }) }) : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: options.skid }),
    ...(withAttributes ? { signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }) } : {}),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: options.digestOid ?? OID_SHA256 }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: options.signatureOid ?? OID_ECDSA_SHA256 }),
    signature: new asn1js.OctetString({ valueHex: ecdsaDer(key.privateKey, data) }),
  });
}

/**
 * The PKCS#7 sign-file would append to `data` with `key` (`sign-file sha256`, an EC key); with
 * `attributes`, the signed attributes `openssl cms -sign` adds (contentType, messageDigest),
 * which the kernel refuses for module signatures.
 */
export function pkcs7Of(key: SigningKey, data: Uint8Array, options: Pkcs7Options = {}): Uint8Array {
  const { asn1js, pkijs } = asn1Libraries();
  const signed = new pkijs.SignedData({
    version: options.signedDataVersion ?? (options.skid === undefined ? 1 : 3),
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: options.eContentType ?? OID_DATA,
      ...(options.eContent === true ? { eContent: new asn1js.OctetString({ valueHex: data }) } : {}),
    }),
    signerInfos: [signerInfoOf(key, data, options), ...(options.alsoSignedBy ?? []).map((k) => signerInfoOf(k, data, {}))],
  });
  const ci = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER());
}

/** The appended signature (PKCS#7 ‖ info block ‖ magic) of `data` by `key`. */
export function trailerOf(key: SigningKey, data: Uint8Array): Uint8Array {
  return appendSignature(new Uint8Array(0), pkcs7Of(key, data));
}

/** The signed file: `data` followed by its appended signature. */
export function signedFile(key: SigningKey, data: Uint8Array): Uint8Array {
  return appendSignature(data, pkcs7Of(key, data));
}

/** True when `trailer` has the shape of an appended signature (for fixtures that check their own output). */
export function isTrailer(trailer: Uint8Array): boolean {
  return trailer.length > TRAILER_OVERHEAD && trailer.subarray(trailer.length - SIGNATURE_MAGIC.length).every((b, i) => b === SIGNATURE_MAGIC[i]);
}
