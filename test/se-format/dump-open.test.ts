// The owner's side of a dump, refusal by refusal: each names its check (or the unusable field) and
// says why in the words `semodel dump open` prints, in both modes; and what each mode opens that
// it cannot check (the real mode's zero pages).
import { describe, expect, it } from 'vitest';
import { bytesToHex, PAGE_SIZE } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { createDump, type DumpInput } from '../../model/se-format/dump-create.js';
import { VXRS_HIGH_SIZE, type DumpCpu } from '../../model/se-format/dump-cpu.js';
import { assembleDump, parseDump, type ParsedDump } from '../../model/se-format/dump-elf.js';
import { openDump, type OwnerKey } from '../../model/se-format/dump-open.js';
import { pageStateOf, type PageState } from '../../model/se-format/dump-pages.js';
import { realDumpKey } from '../../model/se-format/dump-real.js';
import { SEED_META_ENTRY_SIZE } from '../../model/se-format/dump-seed.js';

const SUITE = nodeSuite;
const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
const OWNER = (() => {
  const d = fill(66, 0x11);
  d[0] = 0;
  d[1] = 0;
  return d;
})();
const OWNER_PUBLIC = SUITE.ecPublicKey('p521', OWNER) ?? { x: new Uint8Array(66), y: new Uint8Array(66) };
const CCK = fill(32, 0x5a);
const STATES: PageState[] = ['enc', 'shared', 'zero'];
/** A special page's component with a reserved flag bit set: zgetdump's "Invalid page state". */
const INVALID = Uint8Array.from([0xff, 0xff, 0xff, 0xff, ...new Array<number>(11).fill(0), 0x08]);

const CPU: DumpCpu = {
  gprs: Array.from({ length: 16 }, (_, i) => BigInt(i)),
  psw: { mask: 1n, addr: 2n },
  prefix: 0x2000,
  fpc: 0,
  todpreg: 0,
  timer: 3n,
  todcmp: 4n,
  acrs: new Array<number>(16).fill(0),
  ctrs: new Array<bigint>(16).fill(0n),
  fprs: new Array<bigint>(16).fill(0n),
  vxrsLow: new Array<bigint>(16).fill(0n),
  vxrsHigh: new Uint8Array(VXRS_HIGH_SIZE),
  gsd: 0n,
  gssm: 0n,
  gsEplA: 0n,
  osii: false,
};

/** A dump of three pages (encrypted, shared, zero) and `cpus` CPUs in `mode`. */
function dumpOf(mode: 'real' | 'seed', cpus = 1): Uint8Array {
  const memory = new Uint8Array(STATES.length * PAGE_SIZE).map((_, i) => (i * 7 + 3) & 0xff);
  const seed = fill(64, 0x22);
  const ephemeral = fill(66, 0x33);
  ephemeral[0] = 0;
  ephemeral[1] = 0;
  const keys =
    mode === 'real'
      ? { mode, dumpKey: realDumpKey(SUITE, CCK, seed), seed, nonce: fill(16, 0x44), xtsKey: fill(64, 0x55) }
      : { mode, dumpKey: fill(32, 0x66), ephemeral };
  const input: DumpInput = {
    keys,
    memory,
    pageStates: STATES,
    cpus: new Array<DumpCpu>(cpus).fill(CPU),
    cpuIvs: Array.from({ length: cpus }, (_, i) => fill(12, 0x70 + i)),
    completion: { iv: fill(12, 0x77), owner: OWNER_PUBLIC },
  };
  const file = createDump(SUITE, input);
  if (file === undefined) throw new Error('the test dump did not build');
  return file;
}

function parts(file: Uint8Array): ParsedDump {
  const r = parseDump(file);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The dump of `file`'s pieces with some replaced, laid out as the firmware lays them out. */
function rebuilt(file: Uint8Array, change: (p: ParsedDump) => Partial<ParsedDump>): Uint8Array {
  const p = { ...parts(file), ...change(parts(file)) };
  return assembleDump({ cpuNotes: p.cpuNotes, slots: [p.memory], meta: p.meta, completion: p.completion });
}

/** `file` with its bytes at `offset` (from the start of a piece) XORed with 1. */
function flipped(file: Uint8Array, piece: (p: ParsedDump) => Uint8Array, offset: number): Uint8Array {
  const copy = file.slice();
  // The pieces are views into the file's bytes.
  const at = piece(parts(file)).byteOffset - file.byteOffset + offset;
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}

function failureOf(file: Uint8Array, key: OwnerKey): unknown {
  const r = openDump(SUITE, file, key);
  return r.ok ? 'opened' : r.error;
}

const refused = (check: string, message: string) => ({ kind: 'refused', check, message });
const unusable = (field: string, message: string) => ({ kind: 'unusable', error: { field, offset: 0, message } });

describe('page components', () => {
  it('only a component starting with four 0xff bytes is a special page: any other is an encrypted page, whatever its flags', () => {
    expect(pageStateOf(INVALID)).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      const c = INVALID.slice();
      c[i] = 0xfe;
      expect(pageStateOf(c)).toBe('enc');
    }
  });
});

describe('opening a real-mode dump', () => {
  const file = dumpOf('real');
  const meta = parts(file).meta;

  it('opens with its CCK', () => {
    const r = openDump(SUITE, file, { cck: CCK });
    expect(r.ok && r.value.pageStates).toEqual(STATES);
  });

  it.each([
    ['a CCK of 31 bytes', () => failureOf(file, { cck: CCK.subarray(0, 31) }), unusable('CCK', 'a CCK has 32 bytes, not 31')],
    ['an owner key', () => failureOf(file, { ownerPrivateKey: OWNER }), unusable('key', 'a real-mode dump opens with the CCK (--cck), not an owner key')],
    [
      'another CCK',
      () => failureOf(file, { cck: fill(32, 1) }),
      refused('completion-auth', 'the completion data does not authenticate under the dump key of this CCK (wrong CCK, or a changed byte)'),
    ],
    [
      'completion data of 3 bytes',
      () => failureOf(rebuilt(file, (p) => ({ completion: p.completion.subarray(0, 3) })), { cck: CCK }),
      unusable('pv_compl version', 'completion data of 3 bytes with an unknown version'),
    ],
    // Four bytes name the version: the mode is known, and the data then fails its tag.
    [
      'completion data of 4 bytes',
      () => failureOf(rebuilt(file, (p) => ({ completion: p.completion.subarray(0, 4) })), { cck: CCK }),
      refused('completion-auth', 'the completion data does not authenticate under the dump key of this CCK (wrong CCK, or a changed byte)'),
    ],
    ['a page component fewer', () => failureOf(rebuilt(file, (p) => ({ meta: p.meta.subarray(0, 32) })), { cck: CCK }), unusable('pv_mem_meta', '2 page components for 3 pages')],
    ['a changed CPU note', () => failureOf(flipped(file, (p) => p.cpuNotes[0] ?? new Uint8Array(0), 40), { cck: CCK }), refused('cpu-auth', 'CPU note 0 does not authenticate under the dump key')],
    [
      'an invalid page state',
      () => failureOf(rebuilt(file, (p) => ({ meta: Uint8Array.from([...p.meta.subarray(0, 16), ...INVALID, ...p.meta.subarray(32)]) })), { cck: CCK }),
      refused('page-state', `page 1: invalid page state in component ${bytesToHex(INVALID)}`),
    ],
  ])('refuses %s', (_what, run, expected) => {
    expect(run()).toEqual(expected);
  });

  it('opens a zero page to zeros whatever its slot holds, and a shared page as its slot holds it (no MAC: REQ-DUMP-7)', () => {
    const changed = rebuilt(file, (p) => ({ memory: Uint8Array.from([...p.memory.subarray(0, 2 * PAGE_SIZE), ...fill(PAGE_SIZE, 0x99)]) }));
    const r = openDump(SUITE, changed, { cck: CCK });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.memory.subarray(2 * PAGE_SIZE)).toEqual(new Uint8Array(PAGE_SIZE));
    expect(bytesToHex(r.value.memory.subarray(PAGE_SIZE, 2 * PAGE_SIZE))).toBe(bytesToHex(parts(file).memory.subarray(PAGE_SIZE, 2 * PAGE_SIZE)));
    expect(meta.length).toBe(48);
  });
});

describe('opening a seed-mode dump', () => {
  const file = dumpOf('seed', 2);
  const key = { ownerPrivateKey: OWNER };
  const entry = SEED_META_ENTRY_SIZE;

  it('opens with the owner key', () => {
    const r = openDump(SUITE, file, key);
    expect(r.ok && [r.value.pageStates, r.value.cpus.length]).toEqual([STATES, 2]);
  });

  it.each([
    ['a CCK', () => failureOf(file, { cck: CCK }), unusable('key', "a seed-mode dump opens with the owner's private key (--owner-key), not a CCK")],
    [
      'another owner key',
      () => failureOf(file, { ownerPrivateKey: Uint8Array.from([0, 0, ...fill(64, 0x12)]) }),
      refused('completion-auth', "the dump key does not unwrap with this owner key, or the completion data's tag does not verify"),
    ],
    ['a CPU note fewer', () => failureOf(rebuilt(file, (p) => ({ cpuNotes: p.cpuNotes.slice(0, 1) })), key), refused('cpu-auth', '1 CPU notes, the completion data says 2')],
    [
      'CPU notes in another order',
      () => failureOf(rebuilt(file, (p) => ({ cpuNotes: [...p.cpuNotes].reverse() })), key),
      refused('cpu-auth', 'CPU note 0 does not authenticate as CPU 0 under the dump key'),
    ],
    [
      'a page fewer, with its entry',
      () => failureOf(rebuilt(file, (p) => ({ memory: p.memory.subarray(0, 2 * PAGE_SIZE), meta: p.meta.subarray(0, 2 * entry) })), key),
      refused('page-auth', '2 pages and 2 page entries, the completion data says 3'),
    ],
    [
      'a page entry fewer',
      () => failureOf(rebuilt(file, (p) => ({ meta: p.meta.subarray(0, 2 * entry) })), key),
      refused('page-auth', '3 pages and 2 page entries, the completion data says 3'),
    ],
    [
      'an invalid page state',
      () => failureOf(rebuilt(file, (p) => ({ meta: Uint8Array.from([...p.meta.subarray(0, entry), ...INVALID, ...p.meta.subarray(entry + 16)]) })), key),
      refused('page-state', `page 1: invalid page state in component ${bytesToHex(INVALID)}`),
    ],
    ['a changed encrypted page', () => failureOf(flipped(file, (p) => p.memory, 5), key), refused('page-auth', 'page 0 (enc) does not authenticate')],
    ['a changed shared page', () => failureOf(flipped(file, (p) => p.memory, PAGE_SIZE + 5), key), refused('page-auth', 'page 1 (shared) does not authenticate')],
    ["a shared page's changed tag", () => failureOf(flipped(file, (p) => p.meta, 2 * entry - 1), key), refused('page-auth', 'page 1 (shared) does not authenticate')],
    ["a zero page's slot not zero", () => failureOf(flipped(file, (p) => p.memory, 2 * PAGE_SIZE + 5), key), refused('page-auth', 'page 2 (zero) does not authenticate')],
    [
      'a changed byte outside the pieces',
      () => {
        const copy = file.slice();
        const p = parts(file);
        // Padding between the notes' end and the memory segment (page-aligned).
        const at = p.memory.byteOffset - file.byteOffset - 1;
        copy[at] = 0x42;
        return failureOf(copy, key);
      },
      refused('layout', 'the file is not laid out as its pieces make it: bytes outside them were changed'),
    ],
  ])('refuses %s', (_what, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
