/**
 * The encrypted CPU note of a dump, NT_S390_PV_CPU_DATA (type 0x30E), 1568 bytes as zgetdump
 * reads it (s390-tools zdump/pv_defs.h, `pv_cpu_dump_v1_t`):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x000 | 4 | version (1) |
 * | 0x004 | 4 | length (0x620) |
 * | 0x008 | 12 | GCM IV |
 * | 0x014 | 12 | reserved |
 * | 0x020 | 1520 | the CPU's confidential area (dump-cpu.ts), AES-256-GCM ciphertext |
 * | 0x610 | 16 | GCM tag |
 *
 * The key is the dump key; the additional authenticated data are the first 32 bytes.
 * @module
 */
import { readU32, writeU32 } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { CPU_AREA_SIZE, decodeCpuArea, encodeCpuArea, type DumpCpu } from './dump-cpu.js';

/** Bytes of one CPU note's descriptor. */
export const CPU_NOTE_SIZE = 1568;

/** Bytes of the note's authenticated header. */
export const CPU_AAD_SIZE = 32;

/** The version of the CPU note's format. */
export const CPU_NOTE_VERSION = 1;

/** Bytes of the GCM IV. */
export const GCM_IV_SIZE = 12;

/** The CPU note of `cpu` sealed under `dumpKey` with `iv` (12 bytes). */
export function sealCpuNote(suite: CryptoSuite, dumpKey: Uint8Array, iv: Uint8Array, cpu: DumpCpu): Uint8Array {
  const note = new Uint8Array(CPU_NOTE_SIZE);
  writeU32(note, 0, CPU_NOTE_VERSION);
  writeU32(note, 4, CPU_NOTE_SIZE);
  note.set(iv.subarray(0, GCM_IV_SIZE), 8);
  const aad = note.subarray(0, CPU_AAD_SIZE);
  const sealed = suite.aesGcmEncrypt(dumpKey, iv, encodeCpuArea(cpu), aad);
  note.set(sealed.ciphertext, CPU_AAD_SIZE);
  note.set(sealed.tag, CPU_AAD_SIZE + CPU_AREA_SIZE);
  return note;
}

/** The IV a CPU note carries (bytes 8-19); the caller checked the note's size. */
export function cpuNoteIv(note: Uint8Array): Uint8Array {
  return note.slice(8, 8 + GCM_IV_SIZE);
}

/**
 * The CPU of a note, or undefined when it is not a version-1 note of 1568 bytes or its tag does
 * not verify under `dumpKey` (zgetdump: "Unable to authenticate confidential CPU data").
 */
export function openCpuNote(suite: CryptoSuite, dumpKey: Uint8Array, note: Uint8Array): DumpCpu | undefined {
  if (note.length !== CPU_NOTE_SIZE || readU32(note, 0) !== CPU_NOTE_VERSION) return undefined;
  const area = suite.aesGcmDecrypt(
    dumpKey,
    cpuNoteIv(note),
    note.subarray(CPU_AAD_SIZE, CPU_AAD_SIZE + CPU_AREA_SIZE),
    note.subarray(CPU_AAD_SIZE + CPU_AREA_SIZE),
    note.subarray(0, CPU_AAD_SIZE),
  );
  return area === undefined ? undefined : decodeCpuArea(area);
}
