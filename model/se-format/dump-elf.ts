/**
 * The file of a secure-guest dump: an s390x ELF64 big-endian core file (ET_CORE, EM_S390) as the
 * real platform's tools write it and zgetdump reads it (s390-tools zdump/dfi_pv_elf.c):
 *
 * | offset | what |
 * |---|---|
 * | 0x00 | ELF header; two program headers at 0x40: PT_NOTE, then PT_LOAD (flags RWX) |
 * | 0xB0 | the notes: per CPU, an all-zero NT_PRSTATUS (336 bytes) and its NT_S390_PV_CPU_DATA (0x30E, 1568 bytes), both named "CORE" |
 * | next page | the PT_LOAD segment: one 4 KiB slot per guest page, guest address 0 upwards |
 * | after it | section `pv_mem_meta` (the page components), section `pv_compl` (the completion data), `.shstrtab` |
 * | 8-aligned | four section headers: null, `.shstrtab`, `pv_mem_meta`, `pv_compl` |
 *
 * {@link assembleDump} writes exactly this layout (byte for byte the vectors of
 * ../shared/vectors/dumps/); {@link parseDump} reads any ELF core that zgetdump would: sections
 * found by name, one PT_LOAD, CPU notes found by type among the notes of every PT_NOTE.
 * @module
 */
import { PAGE_SIZE, readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';

/** The note type of an encrypted CPU state. */
export const NT_S390_PV_CPU_DATA = 0x30e;
/** The note type of a CPU's general status (all zeros in a secure dump). */
export const NT_PRSTATUS = 1;
/** Bytes of NT_PRSTATUS's descriptor on s390x. */
export const PRSTATUS_SIZE = 336;
/** The name of the completion data's section. */
export const SECTION_COMPLETION = 'pv_compl';
/** The name of the page components' section. */
export const SECTION_META = 'pv_mem_meta';

const EHDR = 64;
const PHDR = 56;
const SHDR = 64;
/** Where the notes start: after the ELF header and the two program headers (EHDR + 2 * PHDR). */
const NOTES_AT = 0xb0;
const PT_LOAD = 1;
const PT_NOTE = 4;
const ET_CORE = 4;
const EM_S390 = 0x16;
const NOTE_NAME = Uint8Array.of(0x43, 0x4f, 0x52, 0x45, 0); // "CORE\0"
/** The section-name string table (built when used, so that every test that writes a dump tries its mutants). */
const shstrtab = (): Uint8Array => new TextEncoder().encode(`\0.shstrtab\0${SECTION_META}\0${SECTION_COMPLETION}\0`);
const NAME_SHSTRTAB = 1;
const NAME_META = 11;
const NAME_COMPLETION = 23;

/** The pieces a dump file is made of, as the dump calls hand them over. */
export interface DumpParts {
  /** The CPU notes' descriptors (NT_S390_PV_CPU_DATA), in CPU order. */
  readonly cpuNotes: readonly Uint8Array[];
  /** The PT_LOAD segment in pieces, each a whole number of pages, in guest order. */
  readonly slots: readonly Uint8Array[];
  /** The `pv_mem_meta` section. */
  readonly meta: Uint8Array;
  /** The `pv_compl` section. */
  readonly completion: Uint8Array;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Bytes of one note with a "CORE" name and a descriptor of `desc` bytes. */
const noteSize = (desc: number): number => 12 + 8 + align(desc, 4);

function writeNote(out: Uint8Array, at: number, type: number, desc: Uint8Array | number): number {
  const size = typeof desc === 'number' ? desc : desc.length;
  writeU32(out, at, NOTE_NAME.length);
  writeU32(out, at + 4, size);
  writeU32(out, at + 8, type);
  out.set(NOTE_NAME, at + 12);
  if (typeof desc !== 'number') out.set(desc, at + 20);
  return at + noteSize(size);
}

function writePhdr(out: Uint8Array, at: number, type: number, flags: number, offset: number, filesz: number, memsz: number): void {
  writeU32(out, at, type);
  writeU32(out, at + 4, flags);
  writeU64(out, at + 8, BigInt(offset));
  writeU64(out, at + 32, BigInt(filesz));
  writeU64(out, at + 40, BigInt(memsz));
}

function writeShdr(out: Uint8Array, at: number, name: number, type: number, offset: number, size: number): void {
  writeU32(out, at, name);
  writeU32(out, at + 4, type);
  writeU64(out, at + 24, BigInt(offset));
  writeU64(out, at + 32, BigInt(size));
  writeU64(out, at + 48, 1n);
}

/** The dump file of `parts`, in the real platform's layout. */
export function assembleDump(parts: DumpParts): Uint8Array {
  const names = shstrtab();
  const notesSize = parts.cpuNotes.reduce((n, d) => n + noteSize(PRSTATUS_SIZE) + noteSize(d.length), 0);
  const memAt = align(NOTES_AT + notesSize, PAGE_SIZE);
  const memSize = parts.slots.reduce((n, s) => n + s.length, 0);
  const metaAt = memAt + memSize;
  const complAt = metaAt + parts.meta.length;
  const strAt = complAt + parts.completion.length;
  const shoff = align(strAt + names.length, 8);
  const out = new Uint8Array(shoff + 4 * SHDR);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1], 0);
  out[17] = ET_CORE;
  out[19] = EM_S390;
  writeU32(out, 20, 1);
  writeU64(out, 32, BigInt(EHDR));
  writeU64(out, 40, BigInt(shoff));
  out[53] = EHDR;
  out[55] = PHDR;
  out[57] = 2;
  out[59] = SHDR;
  out[61] = 4;
  out[63] = 1;
  writePhdr(out, EHDR, PT_NOTE, 0, NOTES_AT, notesSize, 0);
  writePhdr(out, EHDR + PHDR, PT_LOAD, 7, memAt, memSize, memSize);
  let at = NOTES_AT;
  for (const d of parts.cpuNotes) {
    at = writeNote(out, at, NT_PRSTATUS, PRSTATUS_SIZE);
    at = writeNote(out, at, NT_S390_PV_CPU_DATA, d);
  }
  let slot = memAt;
  for (const s of parts.slots) {
    out.set(s, slot);
    slot += s.length;
  }
  out.set(parts.meta, metaAt);
  out.set(parts.completion, complAt);
  out.set(names, strAt);
  writeShdr(out, shoff + SHDR, NAME_SHSTRTAB, 3, strAt, names.length);
  writeShdr(out, shoff + 2 * SHDR, NAME_META, 1, metaAt, parts.meta.length);
  writeShdr(out, shoff + 3 * SHDR, NAME_COMPLETION, 1, complAt, parts.completion.length);
  return out;
}

/** A dump file as read: its pieces (views into the file's bytes, not copies). */
export interface ParsedDump {
  readonly cpuNotes: readonly Uint8Array[];
  /** The PT_LOAD segment. */
  readonly memory: Uint8Array;
  readonly meta: Uint8Array;
  readonly completion: Uint8Array;
}

/** `[offset, offset + size)` is inside a file of `length` bytes. */
function inside(offset: bigint, size: bigint, length: number): boolean {
  return offset <= BigInt(length) && size <= BigInt(length) - offset;
}

/** The NUL-terminated name at `at` of a string table, or undefined when it runs past the end. */
function nameAt(strtab: Uint8Array, at: number): string | undefined {
  // indexOf finds no NUL from an offset at or past the end either.
  const end = strtab.indexOf(0, at);
  return end < 0 ? undefined : new TextDecoder().decode(strtab.subarray(at, end));
}

/** The CPU notes of one PT_NOTE segment, or an error naming the note that runs past it. */
function notesOf(file: Uint8Array, offset: number, size: number, out: Uint8Array[]): CodecError | undefined {
  let at = offset;
  const end = offset + size;
  while (at < end) {
    if (end - at < 12) return codecError('note header', at, `${end - at} bytes left in the PT_NOTE segment, a note header needs 12`);
    const namesz = readU32(file, at);
    const descsz = readU32(file, at + 4);
    const type = readU32(file, at + 8);
    const descAt = at + 12 + align(namesz, 4);
    const next = descAt + align(descsz, 4);
    if (next > end) return codecError('note', at, `a note of type 0x${type.toString(16)} (name ${namesz}, descriptor ${descsz} bytes) runs past the PT_NOTE segment`);
    if (type === NT_S390_PV_CPU_DATA) out.push(file.subarray(descAt, descAt + descsz));
    at = next;
  }
  return undefined;
}

/**
 * Reads a dump file: ELF64 big-endian, ET_CORE, EM_S390, the sections `pv_compl` and
 * `pv_mem_meta`, exactly one PT_LOAD of whole pages, the CPU notes of every PT_NOTE. Every error
 * names the field and its offset.
 */
export function parseDump(file: Uint8Array): Result<ParsedDump> {
  if (file.length < EHDR) return err(codecError('ELF header', 0, `the file has ${file.length} bytes, an ELF header needs 64`));
  if (!(file[0] === 0x7f && file[1] === 0x45 && file[2] === 0x4c && file[3] === 0x46)) return err(codecError('e_ident', 0, 'not an ELF file (no \\x7fELF magic)'));
  if (file[4] !== 2 || file[5] !== 2) return err(codecError('e_ident', 4, 'not an ELF64 big-endian file'));
  if (file[16] !== 0 || file[17] !== ET_CORE) return err(codecError('e_type', 16, 'not a core file (ET_CORE)'));
  if (file[18] !== 0 || file[19] !== EM_S390) return err(codecError('e_machine', 18, 'not an s390 file (EM_S390)'));
  const phoff = readU64(file, 32);
  const shoff = readU64(file, 40);
  const phentsize = ((file[54] ?? 0) << 8) | (file[55] ?? 0);
  const phnum = ((file[56] ?? 0) << 8) | (file[57] ?? 0);
  const shentsize = ((file[58] ?? 0) << 8) | (file[59] ?? 0);
  const shnum = ((file[60] ?? 0) << 8) | (file[61] ?? 0);
  const shstrndx = ((file[62] ?? 0) << 8) | (file[63] ?? 0);
  if (phnum > 0 && phentsize !== PHDR) return err(codecError('e_phentsize', 54, `program headers of ${phentsize} bytes, ELF64 has 56`));
  if (shentsize !== SHDR) return err(codecError('e_shentsize', 58, `section headers of ${shentsize} bytes, ELF64 has 64`));
  if (!inside(phoff, BigInt(phnum * PHDR), file.length)) return err(codecError('e_phoff', 32, `${phnum} program headers at 0x${phoff.toString(16)} run past the file`));
  if (!inside(shoff, BigInt(shnum * SHDR), file.length)) return err(codecError('e_shoff', 40, `${shnum} section headers at 0x${shoff.toString(16)} run past the file`));
  if (shstrndx >= shnum) return err(codecError('e_shstrndx', 62, `section ${shstrndx} names the sections, the file has ${shnum}`));
  const section = (i: number): Result<{ name: number; bytes: Uint8Array }> => {
    const at = Number(shoff) + i * SHDR;
    const offset = readU64(file, at + 24);
    const size = readU64(file, at + 32);
    if (!inside(offset, size, file.length)) return err(codecError(`section ${i}`, at, `its ${size} bytes at 0x${offset.toString(16)} run past the file`));
    return ok({ name: readU32(file, at), bytes: file.subarray(Number(offset), Number(offset + size)) });
  };
  const strtab = section(shstrndx);
  if (!strtab.ok) return strtab;
  let meta: Uint8Array | undefined;
  let completion: Uint8Array | undefined;
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (!s.ok) return s;
    const name = nameAt(strtab.value.bytes, s.value.name);
    if (name === SECTION_META && meta === undefined) meta = s.value.bytes;
    if (name === SECTION_COMPLETION && completion === undefined) completion = s.value.bytes;
  }
  if (completion === undefined) return err(codecError('section headers', Number(shoff), `no section ${SECTION_COMPLETION}: not a secure-guest dump`));
  if (meta === undefined) return err(codecError('section headers', Number(shoff), `no section ${SECTION_META}`));
  let memory: Uint8Array | undefined;
  const cpuNotes: Uint8Array[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = Number(phoff) + i * PHDR;
    const type = readU32(file, at);
    const offset = readU64(file, at + 8);
    const filesz = readU64(file, at + 32);
    if (type !== PT_LOAD && type !== PT_NOTE) continue;
    if (!inside(offset, filesz, file.length)) return err(codecError(`program header ${i}`, at, `its ${filesz} bytes at 0x${offset.toString(16)} run past the file`));
    if (type === PT_NOTE) {
      const e = notesOf(file, Number(offset), Number(filesz), cpuNotes);
      if (e !== undefined) return err(e);
      continue;
    }
    if (memory !== undefined) return err(codecError(`program header ${i}`, at, 'a second PT_LOAD segment: a dump has one'));
    if (filesz % BigInt(PAGE_SIZE) !== 0n) return err(codecError(`program header ${i}`, at + 32, `a PT_LOAD of ${filesz} bytes is not whole pages`));
    memory = file.subarray(Number(offset), Number(offset + filesz));
  }
  if (memory === undefined) return err(codecError('program headers', Number(phoff), 'no PT_LOAD segment'));
  return ok({ cpuNotes, memory, meta, completion });
}
