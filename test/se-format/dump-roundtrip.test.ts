// The dump format, create → open, for random memories, page states and CPU counts, in both modes:
// the owner gets back exactly the memory (zero pages as zeros) and every register; a wrong key is
// refused; invalid page states are refused as zgetdump refuses them; a seed-mode file with any bit
// changed is refused; both suites make the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { cpuFromJson, cpuToJson, cpusFromJsonText, parseExactJson } from '../../model/se-format/dump-cpu-json.js';
import { createDump, type DumpInput } from '../../model/se-format/dump-create.js';
import { decodeCpuArea, encodeCpuArea, VXRS_HIGH_SIZE, type DumpCpu } from '../../model/se-format/dump-cpu.js';
import { openDump } from '../../model/se-format/dump-open.js';
import { PAGE_STATES, pageStateOf, tweakComponent, type PageState } from '../../model/se-format/dump-pages.js';
import { realDumpKey } from '../../model/se-format/dump-real.js';
import { PROPERTY_RUNS } from '../runs.js';

const SUITE = nodeSuite;
const OWNER = (() => {
  const d = new Uint8Array(66);
  d.set(nobleSuite.sha512(new TextEncoder().encode('dump round trip owner')), 2);
  return d;
})();
const OWNER_PUBLIC = SUITE.ecPublicKey('p521', OWNER) ?? { x: new Uint8Array(66), y: new Uint8Array(66) };

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const sixteen = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 16, maxLength: 16 });

const arbCpu: fc.Arbitrary<DumpCpu> = fc.record({
  gprs: sixteen(u64),
  psw: fc.record({ mask: u64, addr: u64 }),
  prefix: u32,
  fpc: u32,
  todpreg: u32,
  timer: u64,
  todcmp: u64,
  acrs: sixteen(u32),
  ctrs: sixteen(u64),
  fprs: sixteen(u64),
  vxrsLow: sixteen(u64),
  vxrsHigh: bytes(VXRS_HIGH_SIZE),
  gsd: u64,
  gssm: u64,
  gsEplA: u64,
  osii: fc.boolean(),
});

interface Case {
  readonly input: DumpInput;
  readonly cck: Uint8Array;
}

const arbCase = (mode: 'real' | 'seed'): fc.Arbitrary<Case> =>
  fc
    .record({
      states: fc.array(fc.constantFrom<PageState>(...PAGE_STATES), { minLength: 1, maxLength: 12 }),
      fill: fc.nat(),
      cpus: fc.array(arbCpu, { minLength: 0, maxLength: 3 }),
      cck: bytes(32),
      seed: bytes(64),
      nonce: bytes(16),
      xts: bytes(64),
      key: bytes(32),
      eph: bytes(64),
      iv: bytes(12),
    })
    .map((r) => {
      const memory = new Uint8Array(r.states.length * PAGE_SIZE);
      for (let i = 0; i < memory.length; i++) memory[i] = (r.fill + i * 131 + (i >> 12) * 7) & 0xff;
      const ephemeral = new Uint8Array(66);
      ephemeral.set(r.eph, 2);
      ephemeral[65] = (ephemeral[65] ?? 0) | 1;
      const keys =
        mode === 'real'
          ? { mode, dumpKey: realDumpKey(SUITE, r.cck, r.seed), seed: r.seed, nonce: r.nonce, xtsKey: r.xts }
          : { mode, dumpKey: r.key, ephemeral };
      return {
        cck: r.cck,
        input: { keys, memory, pageStates: r.states, cpus: r.cpus, cpuIvs: r.cpus.map((_, i) => r.iv.map((b) => b ^ i)), completion: { iv: r.iv, owner: OWNER_PUBLIC } },
      };
    });

function expectedMemory(input: DumpInput): Uint8Array {
  const m = input.memory.slice();
  input.pageStates.forEach((s, i) => {
    if (s === 'zero') m.fill(0, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  });
  return m;
}

const keyOf = (mode: 'real' | 'seed', c: Case) => (mode === 'real' ? { cck: c.cck } : { ownerPrivateKey: OWNER });

describe('dump format: create → open', () => {
  for (const mode of ['real', 'seed'] as const) {
    it(`${mode} mode: the owner gets back memory, page states and every register`, () => {
      fc.assert(
        fc.property(arbCase(mode), (c) => {
          const file = createDump(SUITE, c.input);
          expect(file).toBeDefined();
          const r = openDump(SUITE, file ?? new Uint8Array(0), keyOf(mode, c));
          if (!r.ok) throw new Error(JSON.stringify(r.error));
          expect(r.value.mode).toBe(mode);
          expect(r.value.pageStates).toEqual(c.input.pageStates);
          expect(Buffer.from(r.value.memory).equals(Buffer.from(expectedMemory(c.input)))).toBe(true);
          expect(r.value.cpus.map(cpuToJson)).toEqual(c.input.cpus.map(cpuToJson));
        }),
        // Seed mode draws a P-521 key pair per run: a quarter of the runs keeps it cheap.
        { numRuns: Math.ceil(PROPERTY_RUNS / (mode === 'real' ? 2 : 4)) },
      );
    });

    it(`${mode} mode: another key is refused at the completion data`, () => {
      fc.assert(
        fc.property(arbCase(mode), bytes(32), (c, other) => {
          const file = createDump(SUITE, c.input) ?? new Uint8Array(0);
          const wrong = mode === 'real' ? { cck: other } : { ownerPrivateKey: Uint8Array.from([0, 1, ...other, ...other]) };
          const r = openDump(SUITE, file, wrong);
          expect(r.ok ? 'opened' : r.error.kind === 'refused' ? r.error.check : 'unusable').toBe('completion-auth');
        }),
        { numRuns: 20 },
      );
    });
  }

  it('seed mode: a file with any one bit changed is refused', () => {
    fc.assert(
      fc.property(arbCase('seed'), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat(7), (c, at, bit) => {
        const file = createDump(SUITE, c.input) ?? new Uint8Array(0);
        const i = Math.floor(at * file.length);
        const changed = file.slice();
        changed[i] = (changed[i] ?? 0) ^ (1 << bit);
        expect(openDump(SUITE, changed, { ownerPrivateKey: OWNER }).ok, `byte ${i} of ${file.length}`).toBe(false);
      }),
      { numRuns: Math.ceil(PROPERTY_RUNS / 4) },
    );
  });

  it('real mode: a changed page opens to garbage at that page only; a swapped pair of pages too', () => {
    fc.assert(
      fc.property(arbCase('real'), fc.nat(), (c, at) => {
        const enc = c.input.pageStates.flatMap((s, i) => (s === 'enc' ? [i] : []));
        fc.pre(enc.length > 0);
        const page = enc[at % enc.length] ?? 0;
        const file = createDump(SUITE, c.input) ?? new Uint8Array(0);
        const changed = file.slice();
        // The PT_LOAD starts at the page after the notes (176 bytes of headers, 1944 of notes per CPU).
        const offset = Math.ceil((176 + c.input.cpus.length * 1944) / PAGE_SIZE) * PAGE_SIZE + page * PAGE_SIZE + (at % PAGE_SIZE);
        changed[offset] = (changed[offset] ?? 0) ^ 0x80;
        const r = openDump(SUITE, changed, { cck: c.cck });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        const want = expectedMemory(c.input);
        const differ = c.input.pageStates.flatMap((_, i) => (Buffer.from(r.value.memory.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)).equals(Buffer.from(want.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE))) ? [] : [i]));
        expect(differ).toEqual([page]);
      }),
      { numRuns: 40 },
    );
  });

  it('both suites make the same dump, in both modes', () => {
    fc.assert(
      fc.property(arbCase('real'), arbCase('seed'), (a, b) => {
        for (const c of [a, b]) expect(Buffer.from(createDump(nobleSuite, c.input) ?? []).equals(Buffer.from(createDump(nodeSuite, c.input) ?? [0]))).toBe(true);
      }),
      { numRuns: 10 },
    );
  });
});

describe('dump page components', () => {
  it('encode each state and read back as zgetdump does; invalid flags are refused', () => {
    for (const s of PAGE_STATES) expect(pageStateOf(tweakComponent(5, s))).toBe(s);
    expect(tweakComponent(0x1234, 'enc').slice(8)).toEqual(Uint8Array.of(0, 0, 0, 0, 0x01, 0x23, 0x40, 0x00));
    // Addresses above 4 GiB: both 32-bit halves, as the big-endian u64 of index · 4096.
    for (const index of [0x10_0000, 0x1_2345_6789, 2 ** 41 - 1]) {
      const want = new Uint8Array(16);
      new DataView(want.buffer).setBigUint64(8, BigInt(index) * 4096n);
      expect(tweakComponent(index, 'enc')).toEqual(want);
    }
    expect(tweakComponent(7, 'zero')).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05));
    expect(tweakComponent(7, 'shared')).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x06));
    const special = (b14: number, b15: number) => Uint8Array.of(0xff, 0xff, 0xff, 0xff, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, b14, b15);
    expect(pageStateOf(special(0, 0x01))).toBe('zero');
    expect(pageStateOf(special(0, 0x06))).toBe('shared');
    for (const bad of [special(0, 0x04), special(0, 0x00), special(0, 0x03), special(0, 0x07), special(0, 0x09), special(0, 0x85), special(1, 0x05)]) expect(pageStateOf(bad)).toBeUndefined();
    // Anything not starting with FFFFFFFF is an encrypted page's component.
    expect(pageStateOf(Uint8Array.of(0xff, 0xff, 0xff, 0xfe, ...new Array<number>(12).fill(0xff)))).toBe('enc');
  });

  it('a dump with an invalid page state is refused with page-state', () => {
    const c = fc.sample(arbCase('real'), { seed: 5, numRuns: 1 })[0] as Case;
    const file = createDump(SUITE, c.input) ?? new Uint8Array(0);
    const metaAt = Math.ceil((176 + c.input.cpus.length * 1944) / PAGE_SIZE) * PAGE_SIZE + c.input.pageStates.length * PAGE_SIZE;
    const changed = file.slice();
    changed.set(Uint8Array.of(0xff, 0xff, 0xff, 0xff, ...new Array<number>(11).fill(0), 0x04), metaAt);
    const r = openDump(SUITE, changed, { cck: c.cck });
    expect(r.ok ? 'opened' : r.error.kind === 'refused' ? r.error.check : 'unusable').toBe('page-state');
  });
});

describe('dump CPU area and its JSON', () => {
  it('encodes and decodes every register; the JSON form keeps every bit', () => {
    fc.assert(
      fc.property(arbCpu, (cpu) => {
        expect(cpuToJson(decodeCpuArea(encodeCpuArea(cpu)))).toEqual(cpuToJson(cpu));
        const r = cpusFromJsonText(JSON.stringify([cpuToJson(cpu)]));
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.map(cpuToJson)).toEqual([cpuToJson(cpu)]);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('reads 64-bit decimal numbers exactly, and names the field that is wrong', () => {
    const text = '{"cpus":[{"gprs":[' + new Array(16).fill('18446744073709551615').join(',') + '],"psw":["0x1",2],"acrs":' + JSON.stringify(new Array(16).fill(1)) + ',"ctrs":' + JSON.stringify(new Array(16).fill('0x0')) + ',"fprs":' + JSON.stringify(new Array(16).fill(0)) + ',"vxrs_low":' + JSON.stringify(new Array(16).fill(0)) + ',"timer":12345678901234567890}]}';
    const r = cpusFromJsonText(text);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]?.gprs[3]).toBe((1n << 64n) - 1n);
    expect(r.value[0]?.timer).toBe(12345678901234567890n);
    const bad = cpuFromJson(parseExactJson('{"gprs":[1]}'));
    expect(bad.ok ? '' : bad.error.field).toBe('cpus[0].gprs');
    const big = cpusFromJsonText(text.replace('"timer":12345678901234567890', '"timer":123456789012345678901'));
    expect(big.ok ? '' : big.error.field).toBe('cpus[0].timer');
    expect(cpusFromJsonText('not json').ok).toBe(false);
  });
});
