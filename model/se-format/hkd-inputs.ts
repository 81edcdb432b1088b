/**
 * The verifier's inputs from file contents, as IBM's `CertVerifier::new(certs, crls, root_ca)`
 * and `verify(hkd)` load them: the document (one certificate), the untrusted certificates of the
 * certificate files in order (with any CRLs they carry), the CRL files, and the root CA file
 * (its certificates trusted, its CRLs added to the store). A message names the file that is not usable.
 * @module
 */
import type { HkdInputs } from './hkd-verify.js';
import { readPkiFile } from './hkd-pem.js';

/** One named file's bytes. */
export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The files of one verification. */
export interface HkdFiles {
  readonly hkd: NamedBytes;
  readonly certs: readonly NamedBytes[];
  readonly crls: readonly NamedBytes[];
  readonly rootCa: NamedBytes;
}

/** The verifier's inputs from its files, or a message naming the unusable file. */
export function hkdInputsOf(files: HkdFiles): HkdInputs | string {
  const read = (f: NamedBytes): ReturnType<typeof readPkiFile> => {
    const r = readPkiFile(f.bytes);
    return typeof r === 'string' ? `${f.name}: ${r}` : r;
  };
  const hkd = read(files.hkd);
  if (typeof hkd === 'string') return hkd;
  const document = hkd.certs[0];
  if (document === undefined || hkd.certs.length !== 1) return `${files.hkd.name}: a host-key document is one certificate (found ${hkd.certs.length})`;
  const certs = files.certs.map(read);
  const crls = files.crls.map(read);
  const root = read(files.rootCa);
  const bad = [...certs, ...crls, root].find((r): r is string => typeof r === 'string');
  if (bad !== undefined) return bad;
  const ok = (r: ReturnType<typeof readPkiFile>): Exclude<typeof r, string> => (typeof r === 'string' ? { certs: [], crls: [] } : r);
  const rootFile = ok(root);
  if (rootFile.certs.length === 0) return `${files.rootCa.name}: the root CA file holds no certificate`;
  return {
    hkd: document,
    certs: certs.flatMap((c) => ok(c).certs),
    crls: [...crls.flatMap((c) => ok(c).crls), ...certs.flatMap((c) => ok(c).crls), ...rootFile.crls],
    roots: rootFile.certs,
  };
}
