/**
 * The host-key-document vectors (shared/vectors/host-key-documents): each folder's expected.json
 * and its files, read-only.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HkdFiles, NamedBytes } from '../../model/se-format/hkd-inputs.js';
import { sharedVectors } from '../shared-vectors.js';

/** The vectors' folder. */
export const HKD_ROOT = sharedVectors('host-key-documents');

/** What a case's expected.json says (the fields the tests read). */
export interface HkdExpected {
  readonly name: string;
  readonly verdict: 'valid' | 'invalid';
  readonly failedCheck: string | null;
  readonly ibmError: string | null;
  readonly checkedAt: string;
  readonly verdictHoldsFor: { readonly from: string; readonly until: string };
  readonly inputs: { readonly hkd: string; readonly certs: readonly string[]; readonly crls: readonly string[]; readonly rootCa: string };
}

/** The case folders, sorted. */
export const HKD_CASES: readonly string[] = readdirSync(HKD_ROOT)
  .filter((n) => /^hkd\d\d-/.test(n))
  .sort();

/** A case's expected.json. */
export function expectedOf(name: string): HkdExpected {
  return JSON.parse(readFileSync(path.join(HKD_ROOT, name, 'expected.json'), 'utf8')) as HkdExpected;
}

/** A file of a case, as a path. */
export function caseFile(name: string, file: string): string {
  return path.join(HKD_ROOT, name, file);
}

/** A case's files as the verifier's inputs read them. */
export function filesOf(name: string): HkdFiles {
  const e = expectedOf(name);
  const f = (file: string): NamedBytes => ({ name: file, bytes: new Uint8Array(readFileSync(caseFile(name, file))) });
  return { hkd: f(e.inputs.hkd), certs: e.inputs.certs.map(f), crls: e.inputs.crls.map(f), rootCa: f(e.inputs.rootCa) };
}

/** Unix seconds of an ISO time. */
export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
