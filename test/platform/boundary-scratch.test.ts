// The boundary's scratch memory (model/platform/boundary.ts): a byte field longer than its
// scratch memory grows it, one over 1 MiB gets a fresh copy, fields of many lengths in a row are
// each read whole, and two fields of one action never share memory; in every case the fields read
// are exactly the caller's bytes, and an honest image is still unpacked, verified and started
// after them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { driveHonest } from '../../model/image-unpack/honest-driver.js';
import { initialWorld, readAction, step, type World } from '../../model/platform/index.js';
import { MAX_SCRATCH_BYTES, scratchCopier } from '../../model/platform/boundary.js';
import { arbImage, CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const [image] = fc.sample(arbImage, { numRuns: 1, seed: 11 });
if (image === undefined) throw new Error('no image');

function world(): World {
  const r = initialWorld(CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const malformed = { kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' };

function honestRun(): { rejected: unknown; unpacked: number } {
  let w = world();
  const run = driveHonest(
    (a) => {
      const s = step(w, a);
      w = s.state;
      return s.outcome;
    },
    MACHINE,
    image!.memoryPages,
    image!,
  );
  return { rejected: run.rejected, unpacked: run.unpacked };
}

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
/** Byte equality without vitest's element-by-element diff machinery (slow for megabytes). */
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe('scratch memory', () => {
  it('reads a field larger than its scratch memory whole, and an honest image still goes through after it', () => {
    const before = honestRun();
    expect(before).toEqual({ rejected: null, unpacked: image.pages.length });
    const big = pattern(100 * 1024, 5);
    const a = readAction({ kind: 'set-header', guest: 1, header: big });
    expect(a?.kind).toBe('set-header');
    expect(a?.kind === 'set-header' ? a.header : undefined).toEqual(big);
    // Bigger than a header may be: the handler's refusal, not a malformed action.
    let w = world();
    w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: 4 }).state;
    const s = step(w, { kind: 'set-header', guest: 1, header: big });
    expect(s.outcome.kind).toBe('rejected');
    expect(s.outcome).not.toEqual(malformed);
    // A field that needs more scratch memory than a well-formed one of its kind.
    const bigger = pattern(300 * 1024, 9);
    const b = readAction({ kind: 'unpack', guest: 1, address: 0n, tweak: pattern(16, 1), page: bigger });
    expect(b?.kind === 'unpack' ? [b.tweak, b.page] : undefined).toEqual([pattern(16, 1), bigger]);
    expect(honestRun()).toEqual(before);
  });

  it('reads fields of hundreds of distinct lengths in a row, and an honest image still goes through', () => {
    let w = world();
    w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: 4 }).state;
    for (let n = 1; n <= 600; n++) {
      const header = pattern(n, n);
      const a = readAction({ kind: 'set-header', guest: 1, header });
      expect(a?.kind === 'set-header' ? a.header : undefined).toEqual(header);
      expect(step(w, { kind: 'set-header', guest: 1, header }).outcome).not.toEqual(malformed);
    }
    expect(honestRun()).toEqual({ rejected: null, unpacked: image.pages.length });
  });

  it('gives each field of an action its own bytes, whatever the fields before it were', () => {
    for (const tweakLength of [16, 15, 17, 64, PAGE_SIZE]) {
      // A header at the offset the tweak takes next, of another length, then the unpack.
      expect(readAction({ kind: 'set-header', guest: 1, header: pattern(tweakLength === 16 ? 40 : 16, 3) })?.kind).toBe('set-header');
      const tweak = pattern(tweakLength, 7);
      const page = pattern(PAGE_SIZE, 8);
      const a = readAction({ kind: 'unpack', guest: 1, address: 4096n, tweak, page });
      expect(a?.kind === 'unpack' ? [a.tweak, a.page] : undefined).toEqual([tweak, page]);
      // Same length, other content, in the other field's place.
      const b = readAction({ kind: 'unpack', guest: 1, address: 0n, tweak: pattern(tweakLength, 1), page: pattern(PAGE_SIZE, 2) });
      expect(b?.kind === 'unpack' ? [b.tweak, b.page] : undefined).toEqual([pattern(tweakLength, 1), pattern(PAGE_SIZE, 2)]);
    }
  });

  it('an honest image goes through after actions that put other lengths where its fields go', () => {
    let w = world();
    w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: 4 }).state;
    step(w, { kind: 'unpack', guest: 1, address: 0n, tweak: pattern(24, 1), page: pattern(100, 2) });
    step(w, { kind: 'set-header', guest: 1, header: pattern(16, 3) });
    step(w, { kind: 'set-header', guest: 1, header: pattern(5000, 4) });
    expect(honestRun()).toEqual({ rejected: null, unpacked: image.pages.length });
  });
});

describe('a scratch copier', () => {
  it('copies fields up to 1 MiB into memory it reuses, and longer ones into fresh memory', () => {
    const copy = scratchCopier(16);
    const a = copy(pattern(16, 1), 16);
    const b = copy(pattern(16, 2), 16);
    expect(b).toBe(a);
    expect(b).toEqual(pattern(16, 2));
    const grown = copy(pattern(5000, 3), 5000);
    expect(grown).toEqual(pattern(5000, 3));
    expect(copy(pattern(16, 4), 16)).toEqual(pattern(16, 4));
    const atLimit = copy(pattern(MAX_SCRATCH_BYTES, 5), MAX_SCRATCH_BYTES);
    expect(copy(pattern(MAX_SCRATCH_BYTES, 5), MAX_SCRATCH_BYTES)).toBe(atLimit);
    const huge = pattern(MAX_SCRATCH_BYTES + 1, 6);
    const first = copy(huge, huge.length);
    const second = copy(huge, huge.length);
    expect(same(first, huge)).toBe(true);
    expect(second).not.toBe(first);
    expect(same(copy(pattern(MAX_SCRATCH_BYTES, 7), MAX_SCRATCH_BYTES), pattern(MAX_SCRATCH_BYTES, 7))).toBe(true);
  });

  it('reads a field over 1 MiB whole, and an honest image still goes through after it', () => {
    const huge = pattern(MAX_SCRATCH_BYTES + 100, 8);
    const a = readAction({ kind: 'set-header', guest: 1, header: huge });
    expect(same(a?.kind === 'set-header' ? a.header : undefined, huge)).toBe(true);
    expect(honestRun()).toEqual({ rejected: null, unpacked: image.pages.length });
  });
});

describe('readAction reads only objects', () => {
  it('a function carrying an action’s fields is not an action', () => {
    const f = Object.assign(() => 0, { kind: 'verify', guest: 1 });
    expect(readAction(f)).toBeUndefined();
    expect(step(world(), f).outcome).toEqual(malformed);
    expect(readAction({ kind: 'verify', guest: 1 })).toEqual({ kind: 'verify', guest: 1 });
  });
});
