// The dump file's reader on hostile input: every structural error of an ELF core is refused with
// the field and offset it names, never a crash; the writer's layout is what zgetdump reads; a key
// of the other mode, or a CCK of the wrong size, is unusable input.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { assembleDump, parseDump } from '../../model/se-format/dump-elf.js';
import { openDump } from '../../model/se-format/dump-open.js';
import { sharedVectors } from '../shared-vectors.js';

const DUMP = new Uint8Array(readFileSync(path.join(sharedVectors('dumps'), 'dump01-1cpu-16pages', 'dump.elf')));
const SHOFF = 0x11240;

/** The vector with `edit` applied to a copy. */
function edited(edit: (b: Uint8Array) => void): Uint8Array {
  const b = DUMP.slice();
  edit(b);
  return b;
}

/** The field a parse error names, or 'ok'. */
function fieldOf(b: Uint8Array): string {
  const r = parseDump(b);
  return r.ok ? 'ok' : r.error.field;
}

describe('dump ELF reader', () => {
  it('reads the vector: one CPU note, 16 pages, the two sections; re-assembles to the same bytes', () => {
    const r = parseDump(DUMP);
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.cpuNotes.length, r.value.memory.length, r.value.meta.length, r.value.completion.length]).toEqual([1, 16 * 4096, 256, 288]);
    expect(Buffer.from(assembleDump({ cpuNotes: r.value.cpuNotes, slots: [r.value.memory], meta: r.value.meta, completion: r.value.completion })).equals(Buffer.from(DUMP))).toBe(true);
  });

  // Each structural error with the field, offset and message it names (the vector's layout: two
  // program headers at 0x40, notes at 0xb0, the string table at 0x11220, section headers at SHOFF).
  it.each<readonly [field: string, offset: number, message: string, edit: (b: Uint8Array) => unknown]>([
    ['e_ident', 0, 'not an ELF file (no \\x7fELF magic)', (b: Uint8Array) => (b[0] = 0x7e)],
    ['e_ident', 0, 'not an ELF file (no \\x7fELF magic)', (b: Uint8Array) => (b[1] = 0x46)],
    ['e_ident', 0, 'not an ELF file (no \\x7fELF magic)', (b: Uint8Array) => (b[2] = 0x4d)],
    ['e_ident', 0, 'not an ELF file (no \\x7fELF magic)', (b: Uint8Array) => (b[3] = 0x47)],
    ['e_ident', 4, 'not an ELF64 big-endian file', (b: Uint8Array) => (b[4] = 1)],
    ['e_ident', 4, 'not an ELF64 big-endian file', (b: Uint8Array) => (b[5] = 1)],
    ['e_type', 16, 'not a core file (ET_CORE)', (b: Uint8Array) => (b[17] = 2)],
    ['e_type', 16, 'not a core file (ET_CORE)', (b: Uint8Array) => (b[16] = 1)],
    ['e_machine', 18, 'not an s390 file (EM_S390)', (b: Uint8Array) => (b[19] = 0x3e)],
    ['e_machine', 18, 'not an s390 file (EM_S390)', (b: Uint8Array) => (b[18] = 1)],
    ['e_phentsize', 54, 'program headers of 48 bytes, ELF64 has 56', (b: Uint8Array) => (b[55] = 0x30)],
    ['e_shentsize', 58, 'section headers of 40 bytes, ELF64 has 64', (b: Uint8Array) => (b[59] = 0x28)],
    ['e_phoff', 32, '2 program headers at 0x11340 run past the file', (b: Uint8Array) => writeU64(b, 32, BigInt(DUMP.length))],
    ['e_shoff', 40, '4 section headers at 0x11300 run past the file', (b: Uint8Array) => writeU64(b, 40, BigInt(DUMP.length - 64))],
    ['e_shstrndx', 62, 'section 4 names the sections, the file has 4', (b: Uint8Array) => (b[63] = 4)],
    ['section 1', SHOFF + 64, 'its 1099511627776 bytes at 0x11220 run past the file', (b: Uint8Array) => writeU64(b, SHOFF + 64 + 32, 1n << 40n)],
    ['section 2', SHOFF + 128, 'its 256 bytes at 0x11340 run past the file', (b: Uint8Array) => writeU64(b, SHOFF + 128 + 24, BigInt(DUMP.length))],
    ['section headers', SHOFF, 'no section pv_mem_meta', (b: Uint8Array) => (b[0x11220 + 20] = 0x58)],
    ['section headers', SHOFF, 'no section pv_mem_meta', (b: Uint8Array) => (b[0x11220 + 12] = 0x58)],
    ['section headers', SHOFF, 'no section pv_compl: not a secure-guest dump', (b: Uint8Array) => (b[0x11220 + 25] = 0x58)],
    // The last name runs to the end of the string table without its NUL: it names nothing.
    ['section headers', SHOFF, 'no section pv_compl: not a secure-guest dump', (b: Uint8Array) => (b[0x11220 + 31] = 0x41)],
    ['program header 0', 0x40, 'its 70464 bytes at 0xb0 run past the file', (b: Uint8Array) => writeU64(b, 0x40 + 32, BigInt(DUMP.length))],
    ['note', 0xb0, 'a note of type 0x1 (name 5, descriptor 65536 bytes) runs past the PT_NOTE segment', (b: Uint8Array) => writeU32(b, 0xb0 + 4, 0x10000)],
    ['note header', 2120, '4 bytes left in the PT_NOTE segment, a note header needs 12', (b: Uint8Array) => writeU64(b, 0x40 + 32, 1944n + 4n)],
    ['program header 1', 0x78 + 32, 'a PT_LOAD of 4095 bytes is not whole pages', (b: Uint8Array) => writeU64(b, 0x78 + 32, 4095n)],
    [
      'program header 1',
      0x78,
      'a second PT_LOAD segment: a dump has one',
      (b: Uint8Array) => {
        writeU32(b, 0x40, 1);
        writeU64(b, 0x40 + 32, 4096n);
      },
    ],
    ['program headers', 0x40, 'no PT_LOAD segment', (b: Uint8Array) => writeU32(b, 0x78, 6)],
    // With no program headers their entry size does not matter; the dump then has no memory.
    [
      'program headers',
      0x40,
      'no PT_LOAD segment',
      (b: Uint8Array) => {
        b[57] = 0;
        b[55] = 0x30;
      },
    ],
  ])('refuses a file whose %s is wrong (offset %i: %s)', (field, offset, message, edit) => {
    const r = parseDump(edited(edit));
    expect(r.ok ? 'ok' : r.error).toEqual({ field, offset, message });
  });

  it('refuses a file shorter than an ELF header, at any length', () => {
    for (const n of [0, 1, 63]) {
      const r = parseDump(DUMP.subarray(0, n));
      expect(r.ok ? 'ok' : r.error).toEqual({ field: 'ELF header', offset: 0, message: `the file has ${n} bytes, an ELF header needs 64` });
    }
  });

  it('takes a section or segment that ends exactly at the end of the file, or is empty there', () => {
    // Section 0 (the null section) moved to the file's end with no bytes; then the memory
    // segment grown by nothing: both lie inside the file.
    expect(fieldOf(edited((b) => writeU64(b, SHOFF + 24, BigInt(DUMP.length))))).toBe('ok');
    // A PT_NOTE of exactly one empty note header (12 bytes) has no CPU.
    const one = parseDump(
      edited((b) => {
        writeU32(b, 0xb0, 0);
        writeU32(b, 0xb0 + 4, 0);
        writeU64(b, 0x40 + 32, 12n);
      }),
    );
    expect(one.ok && one.value.cpuNotes.length).toBe(0);
  });

  it('assembles memory given as several slots as the same file as one slot', () => {
    const r = parseDump(DUMP);
    if (!r.ok) throw new Error(r.error.message);
    const { cpuNotes, memory, meta, completion } = r.value;
    const slots = [memory.subarray(0, 4096), memory.subarray(4096, 3 * 4096), memory.subarray(3 * 4096)];
    expect(Buffer.from(assembleDump({ cpuNotes, slots, meta, completion })).equals(Buffer.from(DUMP))).toBe(true);
  });

  it('skips other program headers and the other notes; a zero-length PT_NOTE has no CPU', () => {
    const r = parseDump(edited((b) => writeU64(b, 0x40 + 32, 0n)));
    expect(r.ok && r.value.cpuNotes.length).toBe(0);
    const other = parseDump(edited((b) => writeU32(b, 0x40, 6)));
    expect(other.ok && other.value.cpuNotes.length).toBe(0);
  });

  it('a completion data of unknown version, a key of the other mode and a CCK of the wrong size are unusable', () => {
    const cck = new Uint8Array(readFileSync(path.join(sharedVectors('dumps'), 'dump01-1cpu-16pages', 'cck.bin')));
    const kind = (b: Uint8Array, key: Parameters<typeof openDump>[2]) => {
      const r = openDump(nobleSuite, b, key);
      return r.ok ? 'ok' : r.error.kind === 'unusable' ? r.error.error.field : r.error.check;
    };
    expect(kind(edited((b) => (b[0x11100 + 3] = 7)), { cck })).toBe('pv_compl version');
    expect(kind(DUMP, { ownerPrivateKey: new Uint8Array(66) })).toBe('key');
    expect(kind(DUMP, { cck: cck.subarray(0, 31) })).toBe('CCK');
    expect(kind(edited((b) => writeU64(b, SHOFF + 128 + 32, 240n)), { cck })).toBe('pv_mem_meta');
    // The completion data's length field is authenticated: a changed one is refused.
    expect(kind(edited((b) => (b[0x11100 + 7] = 0x21)), { cck })).toBe('completion-auth');
    // A CPU note of another version is refused by its check.
    expect(kind(edited((b) => (b[0x228 + 3] = 2)), { cck })).toBe('cpu-auth');
  });
});
