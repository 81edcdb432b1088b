// The immutable incremental digest across many updates: folds every FOLD_EVERY updates, branches
// that start before, at and after a fold, and both suites.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../model/core/bytes.js';
import { FOLD_EVERY } from '../../model/crypto/lazy-digest.js';
import { nobleSuite, nodeSuite, type DigestState } from '../../model/crypto/index.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('lazy immutable SHA-512', () => {
  it.each([
    ['noble', nobleSuite],
    ['node', nodeSuite],
  ] as const)('%s: every state of a long history digests its prefix, and branches do not disturb it', (_name, suite) => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: FOLD_EVERY - 2, maxLength: 3 * FOLD_EVERY + 5 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        (chunks, at, extra) => {
          const states: DigestState[] = [suite.sha512Init()];
          for (const c of chunks) states.push((states[states.length - 1] as DigestState).update(c));
          const branchAt = at % states.length;
          const branch = (states[branchAt] as DigestState).update(extra);
          for (let i = 0; i < states.length; i += 7) {
            const want = bytesToHex(nobleSuite.sha512(...chunks.slice(0, i)));
            expect(bytesToHex((states[i] as DigestState).digest())).toBe(want);
          }
          const last = states[states.length - 1] as DigestState;
          expect(bytesToHex(last.digest())).toBe(bytesToHex(nobleSuite.sha512(...chunks)));
          expect(bytesToHex(branch.digest())).toBe(bytesToHex(nobleSuite.sha512(concatBytes(...chunks.slice(0, branchAt), extra))));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
