// The platform's boundary (REQ-PLATFORM-1, REQ-PLATFORM-6): hostile values are MALFORMED_ACTION,
// never a throw; typed arrays are read by their real length; nothing the caller keeps aliases
// the world, and nothing a view returns does either.
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { initialWorld, readAction, step, viewOf, type World } from '../../model/platform/index.js';
import { arbImage, CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import fc from 'fast-check';

function world(): World {
  const r = initialWorld(CONFIG);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const malformed = { kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' };
const unpack = (over: Record<string, unknown> = {}) => ({ kind: 'unpack', guest: 1, address: 0n, tweak: new Uint8Array(16), page: new Uint8Array(PAGE_SIZE), ...over });

/** Values that are not actions: each must be refused at the boundary, without a throw. */
const HOSTILE: readonly (readonly [string, () => unknown])[] = [
  ['a Proxy whose traps throw', () => new Proxy(unpack(), { get: () => { throw new Error('get'); }, has: () => { throw new Error('has'); } })],
  ['a Proxy whose kind trap throws', () => new Proxy({}, { get: () => { throw new Error('kind'); } })],
  ['a throwing getter', () => Object.defineProperty(unpack(), 'address', { enumerable: true, get: () => { throw new Error('address'); } })],
  ['a Uint8Array subclass whose length throws, as a Proxy', () => unpack({ page: new Proxy(new Uint8Array(PAGE_SIZE), { get: () => { throw new Error('p'); } }) })],
  ['NaN guest', () => ({ kind: 'verify', guest: Number.NaN })],
  ['Infinity guest', () => ({ kind: 'verify', guest: Number.POSITIVE_INFINITY })],
  ['1.5 guest', () => ({ kind: 'verify', guest: 1.5 })],
  ['-1 guest', () => ({ kind: 'verify', guest: -1 })],
  ['2^53 guest', () => ({ kind: 'verify', guest: 2 ** 53 })],
  ['a bigint guest', () => ({ kind: 'verify', guest: 1n })],
  ['NaN machine', () => ({ kind: 'create-guest', machine: Number.NaN, memoryPages: 4 })],
  ['1.5 memory pages', () => ({ kind: 'create-guest', machine: 0, memoryPages: 1.5 })],
  ['a negative address', () => unpack({ address: -4096n })],
  ['an address of 2^64', () => unpack({ address: 1n << 64n })],
  ['a number address', () => unpack({ address: 4096 })],
  ['a missing field', () => ({ kind: 'unpack', guest: 1, address: 0n, tweak: new Uint8Array(16) })],
  ['an array page', () => unpack({ page: Array.from({ length: PAGE_SIZE }, () => 0) })],
  ['a Uint16Array page', () => unpack({ page: new Uint16Array(PAGE_SIZE / 2) })],
  ['a DataView page', () => unpack({ page: new DataView(new ArrayBuffer(PAGE_SIZE)) })],
  ['an unknown kind', () => ({ kind: 'reboot', guest: 1 })],
  ['kind __proto__', () => ({ kind: '__proto__', guest: 1 })],
  ['kind constructor', () => ({ kind: 'constructor', guest: 1 })],
  ['kind toString', () => ({ kind: 'toString' })],
  ['kind hasOwnProperty', () => ({ kind: 'hasOwnProperty' })],
  ['no kind', () => ({ guest: 1 })],
  ['null', () => null],
  ['undefined', () => undefined],
  ['a string', () => 'unpack'],
  ['an array', () => ['unpack', 1]],
  ['an object with a null prototype and no kind', () => Object.create(null) as unknown],
];

describe('the boundary refuses what is not an action', () => {
  for (const [name, make] of HOSTILE) {
    it(`${name}: MALFORMED_ACTION, no throw`, () => {
      expect(readAction(make())).toBeUndefined();
      const w = world();
      const s = step(w, make());
      expect(s.outcome).toEqual(malformed);
      expect(s.state).toBe(w);
    });
  }
});

describe('typed arrays are read by their real length', () => {
  it('a Uint8Array subclass whose length getter throws or lies is read through the intrinsic length', () => {
    for (const how of ['throw', 'lie'] as const) {
      class Liar extends Uint8Array {
        override get length(): number {
          if (how === 'throw') throw new Error('length');
          return 16;
        }
        override get byteLength(): number {
          if (how === 'throw') throw new Error('byteLength');
          return 16;
        }
      }
      const page = new Liar(PAGE_SIZE - 1);
      page.fill(7);
      const a = readAction(unpack({ page }));
      expect(a?.kind).toBe('unpack');
      const read = a?.kind === 'unpack' ? a.page : undefined;
      expect(read?.length).toBe(PAGE_SIZE - 1);
      expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
      // A page of 4095 bytes is a wrong length for the handler, not a malformed action.
      const w = world();
      const created = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: 4 });
      expect(step(created.state, unpack({ page })).outcome).not.toEqual(malformed);
    }
  });

  it("a pooled Buffer is copied: its 16 bytes, not a view of the pool", () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const tweak = Buffer.from(bytes); // small Buffers are views into Node's shared 8 KiB pool
    const a = readAction(unpack({ tweak }));
    const read = a?.kind === 'unpack' ? a.tweak : undefined;
    expect(read).toEqual(bytes);
    expect(read?.length).toBe(16);
    expect(read?.buffer).not.toBe(tweak.buffer);
    tweak.fill(0);
    expect(read).toEqual(bytes);
  });
});

describe('nothing the caller keeps aliases the world', () => {
  const [image] = fc.sample(arbImage, { numRuns: 1, seed: 3 });
  if (image === undefined) throw new Error('no image');

  it('rewriting the header and page buffers after the step changes nothing', () => {
    let w = world();
    w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages }).state;
    const header = Uint8Array.from(image.header);
    const s1 = step(w, { kind: 'set-header', guest: 1, header });
    expect(s1.outcome.kind).toBe('accepted');
    const hvBefore = JSON.stringify(viewOf(s1.state, { kind: 'hypervisor' }), (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : typeof v === 'bigint' ? String(v) : v));
    header.fill(0);
    const hvAfter = JSON.stringify(viewOf(s1.state, { kind: 'hypervisor' }), (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : typeof v === 'bigint' ? String(v) : v));
    expect(hvAfter).toBe(hvBefore);

    const p = image.pages[0];
    if (p === undefined) throw new Error('no page');
    const page = Uint8Array.from(p.stored);
    const tweak = Uint8Array.from(p.tweak);
    const s2 = step(s1.state, { kind: 'unpack', guest: 1, address: p.address, tweak, page });
    expect(s2.outcome.kind).toBe('accepted');
    const memBefore = viewOf(s2.state, { kind: 'guest', guest: 1 });
    page.fill(0xaa);
    tweak.fill(0xbb);
    expect(viewOf(s2.state, { kind: 'guest', guest: 1 })).toEqual(memBefore);
    // The tweak buffer now holds other bytes; the page's tweak is still the one used.
    const again = step(s2.state, { kind: 'unpack', guest: 1, address: p.address + 4096n * 1000n, tweak: p.tweak, page: p.stored });
    expect(again.outcome).not.toEqual({ kind: 'accepted', response: {} });
  });

  it('views are copies: mutating a view changes nothing', () => {
    let w = world();
    w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages }).state;
    w = step(w, { kind: 'set-header', guest: 1, header: image.header }).state;
    const p = image.pages[0];
    if (p === undefined) throw new Error('no page');
    w = step(w, { kind: 'unpack', guest: 1, address: p.address, tweak: p.tweak, page: p.stored }).state;
    const g = viewOf(w, { kind: 'guest', guest: 1 });
    const hv = viewOf(w, { kind: 'hypervisor' });
    const snapshotOf = () => JSON.stringify([viewOf(w, { kind: 'guest', guest: 1 }), viewOf(w, { kind: 'hypervisor' })], (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : typeof v === 'bigint' ? v.toString(16) : v));
    const before = snapshotOf();
    if (g?.party === 'guest') for (const m of g.memory) m.bytes.fill(0x55);
    if (hv?.party === 'hypervisor') {
      for (const x of hv.guests) x.header?.fill(0x66);
      for (const m of hv.machines) for (const h of m.hostKeyHashes) h.fill(0x77);
    }
    expect(snapshotOf()).toBe(before);
  });
});
