/**
 * Host key files for the image commands: a P-521 private key (PKCS#8 `PRIVATE KEY` or SEC1
 * `EC PRIVATE KEY` PEM), a public key (SPKI `PUBLIC KEY` PEM) or an X.509 certificate
 * (`CERTIFICATE` PEM), read by the model's one PEM reader (`hostKeyFromPem`).
 * Anything else is a {@link UsageError} that names the file and what is wrong.
 * @module
 */
import { bytesToHex, equalBytes } from '../model/core/bytes.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import { hostKeyFromPem, type HostKeyKind, type PemHostKey } from '../model/se-format/host-key-pem.js';
import { UsageError, type Io } from './io.js';

/** A host key read from a file: the model's host key, its kind, and the file as the user named it. */
export type LoadedHostKey = PemHostKey & { readonly path: string };

export type { HostKeyKind };

/**
 * Reads a host key file: a P-521 (secp521r1) EC private key, public key or certificate, in PEM.
 * @throws UsageError naming the file: missing, not PEM, not EC, another curve, encrypted
 */
export function loadHostKey(io: Io, suite: CryptoSuite, path: string): LoadedHostKey {
  const k = hostKeyFromPem(suite, Buffer.from(io.readFile(path)).toString('latin1'));
  if (!k.ok) throw new UsageError(`${path}: ${k.error}`);
  return { ...k.value, path };
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
