/**
 * Reads the real SE image vectors (`shared/vectors/se-images/`) for the tests: files, expected
 * values, and host keys parsed from their PKCS#8 PEM with node:crypto. Read-only.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedVectors } from '../shared-vectors.js';
import { hexToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { hostKeyFromPem } from '../../model/se-format/host-key-pem.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import type { HostKeyPair } from '../../model/se-format/header-keys.js';

/** The vectors' folder: shared/vectors/se-images beside the project. */
export const SE_VECTORS = sharedVectors('se-images');

if (!existsSync(path.join(SE_VECTORS, 'README.md'))) {
  throw new Error(`SE image vectors not found at ${SE_VECTORS}: the tests need shared/vectors/se-images/`);
}

/** A JSON value of expected.json (its shape is checked by the tests that read it). */
export type Expected = Record<string, unknown>;

/** The folders that hold an expected.json, sorted. */
export function vectorNames(): string[] {
  return readdirSync(SE_VECTORS)
    .filter((name) => existsSync(path.join(SE_VECTORS, name, 'expected.json')))
    .sort();
}

/** A file of a vector (or of `loaders/`), as a fresh Uint8Array. */
export function vectorFile(name: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(SE_VECTORS, name, file)));
}

/** Whether a vector has a file. */
export function hasFile(name: string, file: string): boolean {
  return existsSync(path.join(SE_VECTORS, name, file));
}

/** A vector's expected.json. */
export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(path.join(SE_VECTORS, name, 'expected.json'), 'utf8')) as Expected;
}

/** A field of a JSON object, as `T` (the test then compares it). */
export function field<T>(o: unknown, ...keys: (string | number)[]): T {
  let v: unknown = o;
  for (const k of keys) v = (v as Record<string | number, unknown>)[k];
  return v as T;
}

/** A P-521 private key from a PKCS#8 PEM file of a vector, read by the model's PEM reader. */
export function hostKey(name: string, file: string): HostKeyPair & { readonly phkh: Uint8Array } {
  const k = hostKeyFromPem(nodeSuite, readFileSync(path.join(SE_VECTORS, name, file), 'latin1'));
  if (!k.ok || k.value.privateKey === undefined) throw new Error(`${name}/${file}: not a host private key: ${k.ok ? 'public only' : k.error}`);
  return { privateKey: k.value.privateKey, publicKey: k.value.publicKey, phkh: k.value.phkh };
}

/** A vector's host keys, in key slot order (expected.json `inputs.hostKeys`). */
export function hostKeysOf(name: string, expected: Expected): (HostKeyPair & { readonly phkh: Uint8Array })[] {
  return field<string[]>(expected, 'inputs', 'hostKeys').map((f) => hostKey(name, f));
}

/**
 * The customer key of a real image for the builder: its public key from the header, and an
 * agreement function that uses the matching host private key (ECDH is symmetric).
 */
export function customerFromHosts(suite: CryptoSuite, customerPublic: EcPoint, hosts: readonly HostKeyPair[]) {
  return {
    publicKey: customerPublic,
    agree: (hostPublic: EcPoint): Uint8Array | undefined => {
      const host = hosts.find((h) => Buffer.compare(h.publicKey.x, hostPublic.x) === 0 && Buffer.compare(h.publicKey.y, hostPublic.y) === 0);
      return host === undefined ? undefined : suite.ecdh('p521', host.privateKey, customerPublic);
    },
  };
}

/** Hex of expected.json to bytes. */
export const bytesOf = (hex: string): Uint8Array => hexToBytes(hex);
