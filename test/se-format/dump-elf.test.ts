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

  it.each([
    ['e_ident', (b: Uint8Array) => (b[1] = 0x46)],
    ['e_ident', (b: Uint8Array) => (b[4] = 1)],
    ['e_ident', (b: Uint8Array) => (b[5] = 1)],
    ['e_type', (b: Uint8Array) => (b[17] = 2)],
    ['e_type', (b: Uint8Array) => (b[16] = 1)],
    ['e_machine', (b: Uint8Array) => (b[19] = 0x3e)],
    ['e_machine', (b: Uint8Array) => (b[18] = 1)],
    ['e_phentsize', (b: Uint8Array) => (b[55] = 0x30)],
    ['e_shentsize', (b: Uint8Array) => (b[59] = 0x28)],
    ['e_phoff', (b: Uint8Array) => writeU64(b, 32, BigInt(DUMP.length))],
    ['e_shoff', (b: Uint8Array) => writeU64(b, 40, BigInt(DUMP.length - 64))],
    ['e_shstrndx', (b: Uint8Array) => (b[63] = 4)],
    ['section 1', (b: Uint8Array) => writeU64(b, SHOFF + 64 + 32, 1n << 40n)],
    ['section 2', (b: Uint8Array) => writeU64(b, SHOFF + 128 + 24, BigInt(DUMP.length))],
    ['section headers', (b: Uint8Array) => (b[0x11220 + 20] = 0x58)],
    ['section headers', (b: Uint8Array) => (b[0x11220 + 12] = 0x58)],
    ['program header 0', (b: Uint8Array) => writeU64(b, 0x40 + 32, BigInt(DUMP.length))],
    ['note', (b: Uint8Array) => writeU32(b, 0xb0 + 4, 0x10000)],
    ['note header', (b: Uint8Array) => writeU64(b, 0x40 + 32, 1944n + 4n)],
    ['program header 1', (b: Uint8Array) => writeU64(b, 0x78 + 32, 4095n)],
    [
      'program header 1',
      (b: Uint8Array) => {
        writeU32(b, 0x40, 1);
        writeU64(b, 0x40 + 32, 4096n);
      },
    ],
    ['program headers', (b: Uint8Array) => writeU32(b, 0x78, 6)],
  ])('refuses a file whose %s is wrong', (field, edit) => {
    expect(fieldOf(edited(edit))).toBe(field);
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
