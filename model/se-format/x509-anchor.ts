/**
 * A trusted verification certificate (a trust anchor of appended signatures: the kernel's
 * keyrings, the IPL certificates "IPL:db" of the machine's certificate store), read with pkijs:
 * what the kernel's key lookup matches a PKCS#7 signer against (issuer and serial number, or the
 * subjectKeyIdentifier) and the public key it verifies with. Upstream Linux checks neither
 * validity dates nor key usage of the anchor for this verification, so neither is read here.
 * @module
 */
import type * as pkijs from 'pkijs';
import { asn1Libraries, decodeBer } from './asn1-libraries.js';
import type { CertificateKey } from '../crypto/suite.js';
import { OID_EC_PUBLIC_KEY, OID_P256, OID_P384, OID_RSA_ENCRYPTION, OID_SUBJECT_KEY_IDENTIFIER } from './oids.js';

/** The named curves of the kernel's ECDSA keys (ecdsa-nist-p256 / p384). */
const EC_CURVES: Readonly<Record<string, 'p256' | 'p384'>> = { [OID_P256]: 'p256', [OID_P384]: 'p384' };

/** A trust anchor as the key lookup and the verification read it. */
export interface TrustAnchor {
  /** The certificate's DER, as given. */
  readonly der: Uint8Array;
  /** The DER of the issuer Name. */
  readonly issuer: Uint8Array;
  /** The serial number INTEGER's content bytes. */
  readonly serial: Uint8Array;
  /** The subjectKeyIdentifier's bytes, or null when the certificate has none. */
  readonly skid: Uint8Array | null;
  /** The public key; null when it is neither RSA nor ECDSA P-256/P-384 (the anchor then verifies nothing). */
  readonly key: CertificateKey | null;
  /** The subject as `O=..., CN=...`, for reports. */
  readonly subject: string;
}

/** A copy of an ArrayBuffer view's bytes. */
function bytesOf(view: ArrayBuffer | Uint8Array): Uint8Array {
  return new Uint8Array(view instanceof Uint8Array ? view : new Uint8Array(view));
}

/** The subject Name as `type=value, ...` with short names for O and CN. */
function nameText(name: pkijs.RelativeDistinguishedNames): string {
  const short: Readonly<Record<string, string>> = { '2.5.4.10': 'O', '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.11': 'OU' };
  return name.typesAndValues
    .map((tv) => `${short[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ');
}

/** The certificate key of a SubjectPublicKeyInfo, or null for another algorithm or curve. */
function keyOf(spki: pkijs.PublicKeyInfo): CertificateKey | null {
  const der = bytesOf(spki.toSchema().toBER());
  const algorithm = spki.algorithm.algorithmId;
  if (algorithm === OID_RSA_ENCRYPTION) return { kind: 'rsa', spki: der };
  if (algorithm !== OID_EC_PUBLIC_KEY) return null;
  const params = spki.algorithm.algorithmParams as unknown;
  const curve = params instanceof asn1Libraries().asn1js.ObjectIdentifier ? EC_CURVES[params.valueBlock.toString()] : undefined;
  if (curve === undefined) return null;
  return { kind: 'ec', curve, point: bytesOf(spki.subjectPublicKey.valueBlock.valueHexView), spki: der };
}

/** Reads a DER X.509 certificate as a trust anchor; a message when it does not decode. */
export function readTrustAnchor(der: Uint8Array): TrustAnchor | string {
  const { asn1js, pkijs } = asn1Libraries();
  const asn1 = decodeBer(der);
  if (!asn1.ok) return `not DER: ${asn1.error}`;
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: asn1.value });
  } catch (e) {
    return `not an X.509 certificate: ${e instanceof Error ? e.message : String(e)}`;
  }
  const skidExt = cert.extensions?.find((e) => e.extnID === OID_SUBJECT_KEY_IDENTIFIER);
  const skidValue = skidExt?.parsedValue as unknown;
  const skid = skidValue instanceof asn1js.OctetString ? bytesOf(skidValue.valueBlock.valueHexView) : null;
  return {
    der: der.slice(),
    issuer: bytesOf(cert.issuer.valueBeforeDecode),
    serial: bytesOf(cert.serialNumber.valueBlock.valueHexView),
    skid,
    key: keyOf(cert.subjectPublicKeyInfo),
    subject: nameText(cert.subject),
  };
}
