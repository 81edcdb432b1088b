// Every real image (IBM genprotimg) through the firmware reducers: set-header with each host key,
// unpack every page in image order, verify, start. Memory must equal the owner's inputs; the
// negative vectors must fail at the check their expected.json names.
import { describe, expect, it } from 'vitest';
import { bytesToHex, equalBytes, hexToBytes, PAGE_SIZE } from '../../model/core/bytes.js';
import { SUITES } from '../../model/crypto/index.js';
import { CHECK_OF_CODE } from '../../model/image-unpack/checks.js';
import { initialState, step, type PlatformState } from '../../model/platform/index.js';
import { expectedOf, field, hasFile, hostKeysOf, vectorFile, vectorNames, type Expected } from './se-vectors.js';

interface ExpectedPage {
  guestAddress: string;
  fileOffset: string;
  tweak: string;
  component: string;
  pageInComponent: number;
  plaintextSha256: string;
}

/** The pages of a vector: its own list, or, for a negative vector, the list of its source. */
function pagesOf(expected: Expected): ExpectedPage[] {
  const source = field<string | undefined>(expected, 'derivedFrom');
  const from = source === undefined ? expected : expectedOf(source.replace(/^A\//, ''));
  return field<ExpectedPage[]>(from, 'pages');
}

/** The owner's plaintext of a component, zero-padded to whole pages. */
function componentPlain(name: string, kind: string): Uint8Array | undefined {
  const file = { kernel: 'kernel.bin', parmline: 'parmline.txt', initrd: 'initrd.bin' }[kind];
  if (file === undefined || !hasFile(name, file)) return undefined;
  const bytes = vectorFile(name, file);
  return kind === 'parmline' ? new Uint8Array([...bytes, 0]) : bytes;
}

describe.each(Object.entries(SUITES))('real images through the reducers (%s suite)', (_suiteName, suite) => {
  for (const name of vectorNames()) {
    const expected = expectedOf(name);
    const negative = field<boolean>(expected, 'negative');
    const hosts = hostKeysOf(name, negative ? expectedOf(field<string>(expected, 'derivedFrom').replace(/^A\//, '')) : expected);

    hosts.forEach((host, slot) => {
      it(`${name}: host key ${slot} ${negative ? `fails at ${field<string>(expected, 'primaryFailure')}` : 'starts the guest'}`, () => {
        const image = vectorFile(name, 'image.bin');
        const pages = pagesOf(expected);
        const platform = initialState(suite, [host.privateKey]) as PlatformState;
        expect(platform).toBeDefined();
        let s = step(platform, { kind: 'create-guest', memoryPages: image.length / PAGE_SIZE }, suite);
        const guest = 1;
        s = step(s.state, { kind: 'set-header', guest, header: vectorFile(name, 'header.bin') }, suite);
        expect(s.outcome).toEqual({ kind: 'accepted', response: {} });
        for (const p of pages) {
          const offset = Number(BigInt(p.fileOffset));
          s = step(
            s.state,
            {
              kind: 'unpack',
              guest,
              address: BigInt(p.guestAddress),
              tweak: hexToBytes(p.tweak),
              page: image.slice(offset, offset + PAGE_SIZE),
            },
            suite,
          );
          expect(s.outcome.kind, `unpack ${p.guestAddress}`).toBe('accepted');
        }
        s = step(s.state, { kind: 'verify', guest }, suite);
        const g = s.state.guests.get(guest);
        if (negative) {
          expect(s.outcome.kind).toBe('rejected');
          const code = s.outcome.kind === 'rejected' ? s.outcome.code : undefined;
          expect(code && CHECK_OF_CODE[code as keyof typeof CHECK_OF_CODE]).toBe(field<string>(expected, 'primaryFailure'));
          expect(g?.phase).toBe('verify-failed');
          expect(step(s.state, { kind: 'start', guest }, suite).outcome).toMatchObject({ kind: 'rejected', code: 'NOT_VERIFIED' });
          return;
        }
        expect(s.outcome.kind).toBe('accepted');
        // Memory equals the inputs, component by component, page by page.
        for (const p of pages) {
          const plain = componentPlain(name, p.component);
          const got = g?.memory.get(Number(BigInt(p.guestAddress)) / PAGE_SIZE);
          expect(got, `page ${p.guestAddress}`).toBeDefined();
          // Every page, stage3b included, against the digest IBM's tools recorded...
          expect(bytesToHex(suite.sha256(got ?? new Uint8Array()))).toBe(p.plaintextSha256);
          // ...and the owner's components against the input files themselves.
          if (plain !== undefined && got !== undefined) {
            const want = new Uint8Array(PAGE_SIZE);
            want.set(plain.subarray(p.pageInComponent * PAGE_SIZE, (p.pageInComponent + 1) * PAGE_SIZE));
            expect(equalBytes(got, want), `plaintext of ${p.component} page ${p.pageInComponent}`).toBe(true);
          }
        }
        expect(g?.memory.size).toBe(pages.length);
        expect(step(s.state, { kind: 'start', guest }, suite).outcome.kind).toBe('accepted');
      });
    });

    it(`${name}: refused by a machine without its host key`, () => {
      const other = hostKeysOf('02-nks2-dump-cck', expectedOf('02-nks2-dump-cck')).filter(
        (k) => !hosts.some((h) => bytesToHex(h.privateKey) === bytesToHex(k.privateKey)),
      );
      if (other.length === 0) {
        // Vector 02 holds both test host keys; every other vector is for a subset of them.
        expect(hosts.length).toBe(2);
        return;
      }
      const platform = initialState(suite, other.map((k) => k.privateKey)) as PlatformState;
      const s1 = step(platform, { kind: 'create-guest', memoryPages: 64 }, suite);
      const s2 = step(s1.state, { kind: 'set-header', guest: 1, header: vectorFile(name, 'header.bin') }, suite);
      expect(s2.outcome).toEqual({ kind: 'rejected', code: 'NO_KEY_SLOT', requirement: 'REQ-UNPACK-4' });
      expect(s2.state).toBe(s1.state);
    });
  }
});
