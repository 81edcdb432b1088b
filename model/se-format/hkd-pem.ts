/**
 * The certificates and CRLs of one file as IBM's verifier loads them (OpenSSL's
 * `X509_LOOKUP_file` with `load_cert_crl_file`): every PEM `CERTIFICATE` and `X509 CRL` block in
 * order (IBM's `*.chained.crt` hold a certificate and a CRL), or, without PEM, one DER
 * certificate or CRL. A file that holds neither, or a block that does not decode, is a message
 * naming the block.
 * @module
 */
import { readHkdCertificate, readHkdCrl, type HkdCertificate, type HkdCrl } from './hkd-x509.js';

/** What one file holds. */
export interface PkiFile {
  readonly certs: readonly HkdCertificate[];
  readonly crls: readonly HkdCrl[];
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

/** Reads the certificates and CRLs of a file's bytes; a message when it holds none or a block is bad. */
export function readPkiFile(bytes: Uint8Array): PkiFile | string {
  const text = new TextDecoder('latin1').decode(bytes);
  if (!text.includes('-----BEGIN ')) {
    const cert = readHkdCertificate(bytes);
    if (typeof cert !== 'string') return { certs: [cert], crls: [] };
    const crl = readHkdCrl(bytes);
    if (typeof crl !== 'string') return { certs: [], crls: [crl] };
    return 'neither PEM nor a DER certificate or CRL';
  }
  const certs: HkdCertificate[] = [];
  const crls: HkdCrl[] = [];
  let index = 0;
  for (const m of text.matchAll(BLOCK)) {
    index++;
    const label = m[1] ?? '';
    const body = m[2] ?? '';
    if (label !== 'CERTIFICATE' && label !== 'X509 CRL') continue;
    if (!BASE64.test(body)) return `PEM block ${index} (${label}): not base64`;
    const der = new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
    const read = label === 'CERTIFICATE' ? readHkdCertificate(der) : readHkdCrl(der);
    if (typeof read === 'string') return `PEM block ${index} (${label}): ${read}`;
    if (label === 'CERTIFICATE') certs.push(read as HkdCertificate);
    else crls.push(read as HkdCrl);
  }
  if (certs.length === 0 && crls.length === 0) return 'no PEM CERTIFICATE or X509 CRL block';
  return { certs, crls };
}
