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

describe('lazy immutable SHA-512: number and size of updates', () => {
  // Sizes around the joining of small chunks (64 bytes) and a few large ones; counts of updates
  // around the fold threshold and its multiples.
  const chunk = fc.oneof(
    fc.constantFrom(0, 1, 63, 64, 65, 128).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
    fc.uint8Array({ minLength: 0, maxLength: 200 }),
  );
  const counts = [0, 1, 2, FOLD_EVERY - 1, FOLD_EVERY, FOLD_EVERY + 1, 2 * FOLD_EVERY, 2 * FOLD_EVERY + 1];

  it.each([
    ['noble', nobleSuite],
    ['node', nodeSuite],
  ] as const)('%s: the digest depends only on the bytes, not on how they were split', (_name, suite) => {
    fc.assert(
      fc.property(fc.constantFrom(...counts), fc.array(chunk, { minLength: 2 * FOLD_EVERY + 1, maxLength: 2 * FOLD_EVERY + 1 }), (count, pool) => {
        const chunks = pool.slice(0, count);
        let state: DigestState = suite.sha512Init();
        for (const c of chunks) state = state.update(c);
        const want = bytesToHex(nobleSuite.sha512(...chunks));
        expect(bytesToHex(state.digest())).toBe(want);
        // the same bytes in one update, and one byte per update
        const all = concatBytes(...chunks);
        expect(bytesToHex(suite.sha512Init().update(all).digest())).toBe(want);
        if (all.length <= 3 * FOLD_EVERY) {
          let byByte: DigestState = suite.sha512Init();
          for (const b of all) byByte = byByte.update(Uint8Array.of(b));
          expect(bytesToHex(byByte.digest())).toBe(want);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it.each([
    ['noble', nobleSuite],
    ['node', nodeSuite],
  ] as const)('%s: updating an old state, before or after a fold, changes no newer state', (_name, suite) => {
    fc.assert(
      fc.property(
        fc.array(chunk, { minLength: FOLD_EVERY + 2, maxLength: 2 * FOLD_EVERY + 2 }),
        fc.array(fc.tuple(fc.nat(), chunk), { minLength: 1, maxLength: 3 }),
        (chunks, branches) => {
          const states: DigestState[] = [suite.sha512Init()];
          for (const c of chunks) states.push((states[states.length - 1] as DigestState).update(c));
          const watched = states.filter((_, i) => i % 3 === 0 || i === states.length - 1);
          const before = watched.map((s) => bytesToHex(s.digest()));
          for (const [at, extra] of branches) {
            const i = at % states.length;
            // a long branch from an old state crosses a fold of its own
            let branch = (states[i] as DigestState).update(extra);
            for (let k = 0; k < FOLD_EVERY; k++) branch = branch.update(Uint8Array.of(k));
            const tail = Uint8Array.from({ length: FOLD_EVERY }, (_, k) => k);
            expect(bytesToHex(branch.digest())).toBe(bytesToHex(nobleSuite.sha512(...chunks.slice(0, i), extra, tail)));
          }
          expect(watched.map((s) => bytesToHex(s.digest()))).toEqual(before);
          expect(before[before.length - 1]).toBe(bytesToHex(nobleSuite.sha512(...chunks)));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
