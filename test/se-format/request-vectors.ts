/**
 * Reads the attestation and add-secret vectors (`shared/vectors/attestation/`,
 * `shared/vectors/add-secret/`) for the tests: files, expected.json, host keys. Read-only.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { hostKeyFromPem, type PemHostKey } from '../../model/se-format/host-key-pem.js';
import { sharedVectors } from '../shared-vectors.js';

/** The attestation vectors (IBM's pvattest). */
export const ATTESTATION_VECTORS = sharedVectors('attestation');

/** The add-secret vectors (IBM's s390_pv test suite). */
export const ADD_SECRET_VECTORS = sharedVectors('add-secret');

for (const dir of [ATTESTATION_VECTORS, ADD_SECRET_VECTORS]) {
  if (!existsSync(path.join(dir, 'README.md'))) throw new Error(`request vectors not found at ${dir}`);
}

// any on purpose: expected.json is free-form JSON, and each test reads the fields it compares.
/** A JSON value of an expected.json. */
export type Json = any;

/** The vector folders of `dir` (those with an expected.json), sorted. */
export function namesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => existsSync(path.join(dir, n, 'expected.json')))
    .sort();
}

/** A vector file as a fresh Uint8Array. */
export function fileIn(dir: string, name: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(dir, name, file)));
}

/** Whether a vector has a file. */
export function hasFileIn(dir: string, name: string, file: string): boolean {
  return existsSync(path.join(dir, name, file));
}

/** A vector's expected.json. */
export function expectedIn(dir: string, name: string): Json {
  return JSON.parse(readFileSync(path.join(dir, name, 'expected.json'), 'utf8')) as Json;
}

/** A PEM host key (private key, public key or certificate) of a vector. */
export function pemKeyIn(dir: string, name: string, file: string): PemHostKey {
  const k = hostKeyFromPem(nodeSuite, readFileSync(path.join(dir, name, file), 'latin1'));
  if (!k.ok) throw new Error(`${name}/${file}: ${k.error}`);
  return k.value;
}

/** The host-key-N.pem files of an attestation vector, by N. */
export function hostKeyPems(name: string): string[] {
  return readdirSync(path.join(ATTESTATION_VECTORS, name))
    .map((f) => /^host-key-(\d+)\.pem$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[0]);
}
