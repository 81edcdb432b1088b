/**
 * Host key files for the image commands: a P-521 private key (PKCS#8 `PRIVATE KEY` or SEC1
 * `EC PRIVATE KEY` PEM), a public key (SPKI `PUBLIC KEY` PEM) or an X.509 certificate
 * (`CERTIFICATE` PEM), parsed with node:crypto and turned into the model's 66-byte values.
 * Anything else is a {@link UsageError} that names the file and what is wrong.
 * @module
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { bytesToHex, equalBytes, leftPad } from '../model/core/bytes.js';
import type { CryptoSuite, EcPoint } from '../model/crypto/suite.js';
import { P521_COORDINATE_SIZE } from '../model/se-format/format.js';
import { phkh } from '../model/se-format/header-keys.js';
import { UsageError, type Io } from './io.js';

/** What a host key file held. */
export type HostKeyKind = 'private key' | 'public key' | 'certificate';

/** A host key read from a file. */
export interface LoadedHostKey {
  /** The file, as the user named it. */
  readonly path: string;
  readonly kind: HostKeyKind;
  /** The P-521 public point, each coordinate 66 bytes. */
  readonly publicKey: EcPoint;
  /** The 66-byte private scalar: only for a private key file. */
  readonly privateKey: Uint8Array | undefined;
  /** The hash by which a header's key slot names this host (PHKH). */
  readonly phkh: Uint8Array;
}

/** PEM labels, in the order they are looked for (an `EC PARAMETERS` block may come first). */
const LABELS: readonly (readonly [string, HostKeyKind | 'encrypted'])[] = [
  ['ENCRYPTED PRIVATE KEY', 'encrypted'],
  ['EC PRIVATE KEY', 'private key'],
  ['PRIVATE KEY', 'private key'],
  ['PUBLIC KEY', 'public key'],
  ['CERTIFICATE', 'certificate'],
];

const EXPECTED = 'a P-521 private key, public key or certificate in PEM form';

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** A base64url JWK value as a 66-byte big-endian number, or undefined if it does not fit. */
function jwkValue(v: string | undefined): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const raw = new Uint8Array(Buffer.from(v, 'base64url'));
  return raw.length > P521_COORDINATE_SIZE ? undefined : leftPad(raw, P521_COORDINATE_SIZE);
}

/** The KeyObject a PEM text holds, and what it is. */
function keyObjectOf(path: string, text: string): { key: KeyObject; kind: HostKeyKind } {
  const found = LABELS.find(([label]) => text.includes(`-----BEGIN ${label}-----`));
  if (found === undefined) {
    if (text.includes('-----BEGIN ')) {
      const label = /-----BEGIN ([^-]+)-----/.exec(text)?.[1] ?? '?';
      throw new UsageError(`${path}: a PEM "${label}" block; expected ${EXPECTED}`);
    }
    throw new UsageError(`${path}: not a PEM file; expected ${EXPECTED}`);
  }
  const [label, kind] = found;
  if (kind === 'encrypted') throw new UsageError(`${path}: the private key is encrypted; give it unencrypted (PKCS#8 or SEC1 PEM)`);
  try {
    if (kind === 'certificate') return { key: new X509Certificate(text).publicKey, kind };
    if (kind === 'public key') return { key: createPublicKey({ key: text, format: 'pem' }), kind };
    return { key: createPrivateKey({ key: text, format: 'pem' }), kind };
  } catch (e) {
    throw new UsageError(`${path}: cannot parse its "${label}" PEM block (${firstLine(e)})`);
  }
}

/**
 * Reads a host key file: a P-521 (secp521r1) EC private key, public key or certificate, in PEM.
 * @throws UsageError naming the file: missing, not PEM, not EC, another curve, encrypted
 */
export function loadHostKey(io: Io, suite: CryptoSuite, path: string): LoadedHostKey {
  const text = Buffer.from(io.readFile(path)).toString('latin1');
  const { key, kind } = keyObjectOf(path, text);
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type !== 'ec') throw new UsageError(`${path}: the ${kind} is not an EC key (${type.toUpperCase()}); a host key must be a P-521 (secp521r1) EC key`);
  if (curve !== 'secp521r1') {
    throw new UsageError(`${path}: the ${kind} is an EC key on ${curve ?? 'an unnamed curve'}; a host key must be on P-521 (secp521r1)`);
  }
  const jwk = key.export({ format: 'jwk' });
  const x = jwkValue(jwk.x);
  const y = jwkValue(jwk.y);
  if (x === undefined || y === undefined) throw new UsageError(`${path}: the ${kind} has no valid P-521 public point`);
  const publicKey: EcPoint = { x, y };
  let privateKey: Uint8Array | undefined;
  if (kind === 'private key') {
    privateKey = jwkValue(jwk.d);
    const derived = privateKey === undefined ? undefined : suite.ecPublicKey('p521', privateKey);
    if (derived === undefined || !equalBytes(derived.x, x) || !equalBytes(derived.y, y)) {
      throw new UsageError(`${path}: the private key is not a valid P-521 scalar for its public key`);
    }
  }
  return { path, kind, publicKey, privateKey, phkh: phkh(suite, publicKey) };
}

/** Reads every host key file, in order; refuses the same key twice. */
export function loadHostKeys(io: Io, suite: CryptoSuite, paths: readonly string[]): LoadedHostKey[] {
  const keys = paths.map((p) => loadHostKey(io, suite, p));
  keys.forEach((k, i) => {
    const twin = keys.findIndex((o) => equalBytes(o.phkh, k.phkh));
    if (twin !== i) throw new UsageError(`${k.path}: the same host key as ${keys[twin]?.path ?? '?'} (PHKH ${bytesToHex(k.phkh)}); give each host once`);
  });
  return keys;
}
