// The signed components of ../shared/vectors/signed-components/, signed by the kernel's own
// sign-file: each gets the kernel's verdict and first failing check, with both crypto suites,
// the four trust anchors the README names, and the anchor and hash of every accepted one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { checkComponent } from '../../model/se-format/signed-component.js';
import { readTrustAnchor, type TrustAnchor } from '../../model/se-format/x509-anchor.js';
import { sharedVectors } from '../shared-vectors.js';

const ROOT = sharedVectors('signed-components');
const CASES = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^(sig|neg)\d/.test(d.name))
  .map((d) => d.name)
  .sort();

interface Expected {
  readonly verdict: 'accept' | 'reject';
  readonly firstFailingCheck: string | null;
  readonly hashAlgorithm: string | null;
  readonly signerCertificate: string | null;
  readonly trustAnchors: readonly string[];
}

const bytes = (...p: string[]): Uint8Array => new Uint8Array(readFileSync(path.join(ROOT, ...p)));

function anchor(rel: string): TrustAnchor {
  const a = readTrustAnchor(bytes(rel.replace(/^\.\.\//, '')));
  if (typeof a === 'string') throw new Error(`${rel}: ${a}`);
  return a;
}

describe('signed-component vectors', () => {
  it('finds all 24 cases', () => {
    expect(CASES).toHaveLength(24);
  });
  for (const suite of [nodeSuite, nobleSuite]) {
    for (const name of CASES) {
      it(`${name} (${suite.name})`, () => {
        const e = JSON.parse(readFileSync(path.join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
        const anchors = e.trustAnchors.map(anchor);
        const v = checkComponent(suite, bytes(name, 'component.bin'), anchors);
        if (e.verdict === 'reject') {
          expect(v).toEqual({ verdict: 'reject', failedCheck: e.firstFailingCheck });
          return;
        }
        expect(v.verdict).toBe('accept');
        if (v.verdict !== 'accept') return;
        expect(v.hash).toBe(e.hashAlgorithm);
        expect(e.trustAnchors[v.anchor]).toBe(e.signerCertificate);
        expect(v.data).toEqual(bytes('components', `${e.signerCertificate === null ? '' : name.split('-')[1]}.bin`));
      });
    }
  }
});
