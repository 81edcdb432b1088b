// Every real image (IBM genprotimg) through the firmware reducers: set-header with each host key,
// unpack every page in image order, verify, start. Memory must equal the owner's inputs; the
// negative vectors must fail at the check their expected.json names.
import { describe, expect, it } from 'vitest';
import { bytesToHex, equalBytes, hexToBytes, PAGE_SIZE } from '../../model/core/bytes.js';
import { SUITES } from '../../model/crypto/index.js';
import { driveHonest } from '../../model/image-unpack/honest-driver.js';
import { UNPACK_REJECTIONS } from '../../model/image-unpack/rejections.js';
import { rowOf } from '../../model/core/rejections.js';
import { step, type World } from '../../model/platform/index.js';
import { testWorld } from '../world.js';
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
        const pages = pagesOf(expected).map((p) => {
          const offset = Number(BigInt(p.fileOffset));
          return { address: BigInt(p.guestAddress), tweak: hexToBytes(p.tweak), stored: image.slice(offset, offset + PAGE_SIZE) };
        });
        let world: World = testWorld(suite, [host.privateKey]);
        const apply = (a: unknown) => {
          const s = step(world, a);
          world = s.state;
          return s.outcome;
        };
        const run = driveHonest(apply, 0, image.length / PAGE_SIZE, { header: vectorFile(name, 'header.bin'), pages });
        expect(run.guest).toBe(1);
        const guest = 1;
        const g = world.guests.get(guest);
        if (negative) {
          // Every page is accepted; verify fails at the check expected.json names.
          expect(run.unpacked).toBe(pages.length);
          expect(run.rejected?.action.kind).toBe('verify');
          const code = run.rejected?.outcome.kind === 'rejected' ? run.rejected.outcome.code : '';
          expect(rowOf(UNPACK_REJECTIONS.rows, code)?.check).toBe(field<string>(expected, 'primaryFailure'));
          expect(g?.phase).toBe('verify-failed');
          expect(step(world, { kind: 'start', guest }).outcome).toMatchObject({ kind: 'rejected', code: 'NOT_VERIFIED' });
          return;
        }
        expect(run.rejected).toBeNull();
        expect(g?.phase).toBe('running');
        // Memory equals the inputs, component by component, page by page.
        for (const p of pagesOf(expected)) {
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
      const platform = testWorld(suite, other.map((k) => k.privateKey));
      const s1 = step(platform, { kind: 'create-guest', machine: 0, memoryPages: 64 });
      const s2 = step(s1.state, { kind: 'set-header', guest: 1, header: vectorFile(name, 'header.bin') });
      expect(s2.outcome).toEqual({ kind: 'rejected', code: 'NO_KEY_SLOT', requirement: 'REQ-UNPACK-4' });
      expect(s2.state).toBe(s1.state);
    });
  }
});
