/**
 * The CPU state of a secure-guest dump: the confidential area of the note NT_S390_PV_CPU_DATA
 * (type 0x30E) that the Dump CPU State call (UVC 0x0402) returns, as zgetdump reads it
 * (s390-tools zdump/pv_defs.h, `pv_cpu_dump_confidential_area_v1_t`). All integers big-endian;
 * reserved bytes are written as zeros and not read.
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x000 | 128 | general registers 0-15 |
 * | 0x080 | 16 | PSW (mask ‖ address) |
 * | 0x098 | 4 | prefix |
 * | 0x09C | 4 | floating-point control |
 * | 0x0A4 | 4 | TOD programmable register |
 * | 0x0A8 | 8 | CPU timer |
 * | 0x0B0 | 8 | clock comparator |
 * | 0x0C0 | 64 | access registers 0-15 |
 * | 0x100 | 128 | control registers 0-15 |
 * | 0x180 | 256 | vector registers 0-15: floating-point register ‖ low half (`vxrs_low`) |
 * | 0x280 | 256 | vector registers 16-31 (`vxrs_high`) |
 * | 0x588 | 24 | guarded-storage designation, section mask, event-parameter list address |
 * | 0x5E0 | 2 | dump flags (MSB: the state may hold partial instruction results, `osii`) |
 * @module
 */
import { readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';

/** Bytes of the confidential area of one CPU note. */
export const CPU_AREA_SIZE = 1520;

/** Bytes of the vector registers 16-31. */
export const VXRS_HIGH_SIZE = 256;

/** One CPU of a dump: every register the real note carries. */
export interface DumpCpu {
  /** General registers 0-15 (u64). */
  readonly gprs: readonly bigint[];
  readonly psw: { readonly mask: bigint; readonly addr: bigint };
  /** Prefix register (u32). */
  readonly prefix: number;
  /** Floating-point control register (u32). */
  readonly fpc: number;
  /** TOD programmable register (u32). */
  readonly todpreg: number;
  /** CPU timer (u64). */
  readonly timer: bigint;
  /** Clock comparator (u64). */
  readonly todcmp: bigint;
  /** Access registers 0-15 (u32). */
  readonly acrs: readonly number[];
  /** Control registers 0-15 (u64). */
  readonly ctrs: readonly bigint[];
  /** Floating-point registers 0-15: the left halves of vector registers 0-15 (u64). */
  readonly fprs: readonly bigint[];
  /** The right halves of vector registers 0-15 (u64). */
  readonly vxrsLow: readonly bigint[];
  /** Vector registers 16-31, 256 bytes. */
  readonly vxrsHigh: Uint8Array;
  /** Guarded-storage designation (u64). */
  readonly gsd: bigint;
  /** Guarded-storage section mask (u64). */
  readonly gssm: bigint;
  /** Guarded-storage event-parameter list address (u64). */
  readonly gsEplA: bigint;
  /** The dump flag "operation specific instruction interrupted": the state may hold partial results. */
  readonly osii: boolean;
}

/** Offsets of the fields in the confidential area. */
export const CPU_OFFSET = {
  gprs: 0x000,
  psw: 0x080,
  prefix: 0x098,
  fpc: 0x09c,
  todpreg: 0x0a4,
  timer: 0x0a8,
  todcmp: 0x0b0,
  acrs: 0x0c0,
  ctrs: 0x100,
  vector: 0x180,
  vxrsHigh: 0x280,
  gsd: 0x588,
  gssm: 0x590,
  gsEplA: 0x598,
  flags: 0x5e0,
} as const;

const sixteen = <T>(v: T): T[] => Array.from({ length: 16 }, () => v);

/** A CPU with every register zero: what a CPU the model does not track (vector, timer) holds. */
export function zeroCpu(): DumpCpu {
  return {
    gprs: sixteen(0n),
    psw: { mask: 0n, addr: 0n },
    prefix: 0,
    fpc: 0,
    todpreg: 0,
    timer: 0n,
    todcmp: 0n,
    acrs: sixteen(0),
    ctrs: sixteen(0n),
    fprs: sixteen(0n),
    vxrsLow: sixteen(0n),
    vxrsHigh: new Uint8Array(VXRS_HIGH_SIZE),
    gsd: 0n,
    gssm: 0n,
    gsEplA: 0n,
    osii: false,
  };
}

/** The 1520-byte confidential area of `cpu` (reserved bytes zero). */
export function encodeCpuArea(cpu: DumpCpu): Uint8Array {
  const b = new Uint8Array(CPU_AREA_SIZE);
  for (let i = 0; i < 16; i++) {
    writeU64(b, CPU_OFFSET.gprs + 8 * i, cpu.gprs[i] ?? 0n);
    writeU32(b, CPU_OFFSET.acrs + 4 * i, cpu.acrs[i] ?? 0);
    writeU64(b, CPU_OFFSET.ctrs + 8 * i, cpu.ctrs[i] ?? 0n);
    writeU64(b, CPU_OFFSET.vector + 16 * i, cpu.fprs[i] ?? 0n);
    writeU64(b, CPU_OFFSET.vector + 16 * i + 8, cpu.vxrsLow[i] ?? 0n);
  }
  writeU64(b, CPU_OFFSET.psw, cpu.psw.mask);
  writeU64(b, CPU_OFFSET.psw + 8, cpu.psw.addr);
  writeU32(b, CPU_OFFSET.prefix, cpu.prefix);
  writeU32(b, CPU_OFFSET.fpc, cpu.fpc);
  writeU32(b, CPU_OFFSET.todpreg, cpu.todpreg);
  writeU64(b, CPU_OFFSET.timer, cpu.timer);
  writeU64(b, CPU_OFFSET.todcmp, cpu.todcmp);
  b.set(cpu.vxrsHigh.subarray(0, VXRS_HIGH_SIZE), CPU_OFFSET.vxrsHigh);
  writeU64(b, CPU_OFFSET.gsd, cpu.gsd);
  writeU64(b, CPU_OFFSET.gssm, cpu.gssm);
  writeU64(b, CPU_OFFSET.gsEplA, cpu.gsEplA);
  if (cpu.osii) b[CPU_OFFSET.flags] = 0x80;
  return b;
}

/** The CPU of a 1520-byte confidential area (the caller checked its size). */
export function decodeCpuArea(b: Uint8Array): DumpCpu {
  const u64s = (at: number, step: number) => Array.from({ length: 16 }, (_, i) => readU64(b, at + step * i));
  return {
    gprs: u64s(CPU_OFFSET.gprs, 8),
    psw: { mask: readU64(b, CPU_OFFSET.psw), addr: readU64(b, CPU_OFFSET.psw + 8) },
    prefix: readU32(b, CPU_OFFSET.prefix),
    fpc: readU32(b, CPU_OFFSET.fpc),
    todpreg: readU32(b, CPU_OFFSET.todpreg),
    timer: readU64(b, CPU_OFFSET.timer),
    todcmp: readU64(b, CPU_OFFSET.todcmp),
    acrs: Array.from({ length: 16 }, (_, i) => readU32(b, CPU_OFFSET.acrs + 4 * i)),
    ctrs: u64s(CPU_OFFSET.ctrs, 8),
    fprs: u64s(CPU_OFFSET.vector, 16),
    vxrsLow: u64s(CPU_OFFSET.vector + 8, 16),
    vxrsHigh: b.slice(CPU_OFFSET.vxrsHigh, CPU_OFFSET.vxrsHigh + VXRS_HIGH_SIZE),
    gsd: readU64(b, CPU_OFFSET.gsd),
    gssm: readU64(b, CPU_OFFSET.gssm),
    gsEplA: readU64(b, CPU_OFFSET.gsEplA),
    osii: ((b[CPU_OFFSET.flags] ?? 0) & 0x80) !== 0,
  };
}
