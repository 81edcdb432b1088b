/**
 * The PKCS#7 (CMS SignedData) of an appended signature, read with pkijs and judged by the
 * kernel's rules for module and kexec signatures: first what its parser refuses
 * (`crypto/asymmetric_keys/pkcs7_parser.c`: content type signedData, versions 1/3 with the
 * matching SignerInfo version, a known digest and public-key algorithm, the authenticated-attribute
 * rules, the decoder's 65535-byte limit), then what `pkcs7_verify` refuses for
 * VERIFYING_MODULE_SIGNATURE (content supplied inside, a content type other than data, any
 * authenticated attributes). The trust lookup and the signature are ./signed-component.ts's.
 * @module
 */
import type * as pkijs from 'pkijs';
import { asn1Libraries, decodeBer } from './asn1-libraries.js';
import type { SignatureHash } from '../crypto/suite.js';
import { OID_CONTENT_TYPE, OID_DATA, OID_ECDSA_SHA256, OID_MESSAGE_DIGEST, OID_RSA_ENCRYPTION, OID_SIGNED_DATA } from './oids.js';

const OID_SMIME_CAPABILITIES = '1.2.840.113549.1.9.15';

/** The digest algorithms the model computes, by OID (the kernel also knows SM3, Streebog, SHA-3). */
const DIGESTS: Readonly<Record<string, SignatureHash>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The signature algorithms of module signatures: rsaEncryption and ecdsa-with-SHA1/224/256/384/512. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, 'rsa' | 'ec'>> = {
  [OID_RSA_ENCRYPTION]: 'rsa',
  '1.2.840.10045.4.1': 'ec',
  '1.2.840.10045.4.3.1': 'ec',
  [OID_ECDSA_SHA256]: 'ec',
  '1.2.840.10045.4.3.3': 'ec',
  '1.2.840.10045.4.3.4': 'ec',
};

/** The most bytes the kernel's ASN.1 decoder takes. */
export const PKCS7_MAX_BYTES = 65535;

/** Who signed: the issuer Name's DER and the serial's content bytes, or a subjectKeyIdentifier. */
export type SignerId = { readonly kind: 'issuer-serial'; readonly issuer: Uint8Array; readonly serial: Uint8Array } | { readonly kind: 'skid'; readonly skid: Uint8Array };

/** One SignerInfo as the trust lookup and the verification read it. */
export interface Signer {
  readonly sid: SignerId;
  readonly hash: SignatureHash;
  /** The key kind the signature algorithm names. */
  readonly keyKind: 'rsa' | 'ec';
  readonly signature: Uint8Array;
}

/** The check of a PKCS#7 that failed, in the vectors' names. */
export type Pkcs7Check = 'pkcs7-parse' | 'pkcs7-usage';

/** A copy of a view's bytes. */
function bytesOf(view: ArrayBuffer | Uint8Array): Uint8Array {
  return new Uint8Array(view instanceof Uint8Array ? view : new Uint8Array(view));
}

/** The signer's identifier: issuerAndSerialNumber, or [0] subjectKeyIdentifier. */
function sidOf(sid: unknown): SignerId {
  if (sid instanceof asn1Libraries().pkijs.IssuerAndSerialNumber) {
    return { kind: 'issuer-serial', issuer: bytesOf(sid.issuer.valueBeforeDecode), serial: bytesOf(sid.serialNumber.valueBlock.valueHexView) };
  }
  // pkijs keeps the [0] choice as the raw element; its content is the key identifier.
  const raw = sid as { valueBlock?: { valueHexView?: Uint8Array } };
  return { kind: 'skid', skid: bytesOf(raw.valueBlock?.valueHexView ?? new Uint8Array(0)) };
}

/** True when the authenticated attributes break the parser's rules: contentType and messageDigest required, no SMIMECapabilities. */
function badAttributes(attrs: pkijs.SignedAndUnsignedAttributes): boolean {
  const types = attrs.attributes.map((a) => a.type);
  return !types.includes(OID_CONTENT_TYPE) || !types.includes(OID_MESSAGE_DIGEST) || types.includes(OID_SMIME_CAPABILITIES);
}

/** One SignerInfo read by the parser's rules, or null when it refuses it. */
function signerOf(si: pkijs.SignerInfo, version: number): Signer | null {
  const hash = DIGESTS[si.digestAlgorithm.algorithmId];
  const keyKind = SIGNATURE_ALGORITHMS[si.signatureAlgorithm.algorithmId];
  // A SignerInfo of version 1 belongs in a PKCS#7 of version 1, one of version 3 in CMS (version 3).
  if (si.version !== version || hash === undefined || keyKind === undefined) return null;
  if (si.signedAttrs !== undefined && badAttributes(si.signedAttrs)) return null;
  return { sid: sidOf(si.sid), hash, keyKind, signature: bytesOf(si.signature.valueBlock.valueHexView) };
}

/** The SignedData inside the ContentInfo, or null when it is not one pkijs can read. */
function signedDataOf(der: Uint8Array): pkijs.SignedData | null {
  const { pkijs } = asn1Libraries();
  // The decoder ignores bytes after the top-level ContentInfo, as the kernel's does.
  const asn1 = decodeBer(der);
  if (!asn1.ok) return null;
  try {
    const ci = new pkijs.ContentInfo({ schema: asn1.value });
    if (ci.contentType !== OID_SIGNED_DATA) return null;
    return new pkijs.SignedData({ schema: ci.content });
  } catch {
    return null; // not the ContentInfo / SignedData grammar
  }
}

/**
 * The signers of an appended signature's PKCS#7, or the first check it fails: `pkcs7-parse`
 * (what the kernel's parser refuses) or `pkcs7-usage` (a well-formed CMS that a module signature
 * may not be: content inside, content type not data, authenticated attributes).
 */
export function readPkcs7(der: Uint8Array): readonly Signer[] | Pkcs7Check {
  if (der.length > PKCS7_MAX_BYTES) return 'pkcs7-parse';
  const sd = signedDataOf(der);
  if (sd === null || (sd.version !== 1 && sd.version !== 3)) return 'pkcs7-parse';
  const signers = sd.signerInfos.map((si) => signerOf(si, sd.version));
  const valid = signers.filter((s): s is Signer => s !== null);
  if (valid.length !== signers.length) return 'pkcs7-parse';
  // VERIFYING_MODULE_SIGNATURE: detached, pkcs7-data, no authenticated attributes.
  if (sd.encapContentInfo.eContent !== undefined) return 'pkcs7-usage';
  if (sd.encapContentInfo.eContentType !== OID_DATA) return 'pkcs7-usage';
  if (sd.signerInfos.some((si) => si.signedAttrs !== undefined)) return 'pkcs7-usage';
  return valid;
}
