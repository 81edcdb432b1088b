/**
 * The interception block: what the hypervisor holds of an open interception, and all it holds
 * (the blob of `hypervisor.interceptions` for the guest). The model's layout of the real
 * platform's fields (kvm_host.h: icptcode, ipa, ipb, `pv_grregs[16]`, and the secure instruction
 * data area):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 1 | interception code (0x68 instruction, 0x6C notification) |
 * | 1 | 1 | zero |
 * | 2 | 2 | ipa: the first halfword of the renumbered instruction text |
 * | 4 | 4 | ipb: the rest of the text, left-aligned |
 * | 8 | 128 | register save area: 16 big-endian u64, zero but the input registers, at their renumbered places |
 * | 136 | n | data area: the input data, exactly its length |
 * @module
 */
import { readU32, readU64 } from '../core/bytes.js';
import { REGISTER_AREA_SIZE } from './actions.js';

/** Where the register save area starts. */
export const REGISTERS_OFFSET = 8;
/** Where the data area starts. */
export const DATA_OFFSET = REGISTERS_OFFSET + REGISTER_AREA_SIZE;

/** An interception block's fields. */
export interface InterceptionBlock {
  readonly code: number;
  readonly ipa: number;
  readonly ipb: number;
  /** The register save area (128 bytes). */
  readonly registers: Uint8Array;
  readonly data: Uint8Array;
}

/** The bytes of a block. */
export function encodeBlock(b: InterceptionBlock): Uint8Array {
  const out = new Uint8Array(DATA_OFFSET + b.data.length);
  const view = new DataView(out.buffer);
  out[0] = b.code;
  view.setUint16(2, b.ipa, false);
  view.setUint32(4, b.ipb >>> 0, false);
  out.set(b.registers.subarray(0, REGISTER_AREA_SIZE), REGISTERS_OFFSET);
  out.set(b.data, DATA_OFFSET);
  return out;
}

/** The block in `bytes`, or undefined when they are shorter than its fixed part. */
export function decodeBlock(bytes: Uint8Array): InterceptionBlock | undefined {
  if (bytes.length < DATA_OFFSET) return undefined;
  return {
    code: bytes[0] ?? 0,
    ipa: (((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0,
    ipb: readU32(bytes, 4),
    registers: bytes.slice(REGISTERS_OFFSET, DATA_OFFSET),
    data: bytes.slice(DATA_OFFSET),
  };
}

/** Register `n` of a save area (128 bytes). */
export function savedRegister(area: Uint8Array, n: number): bigint {
  return readU64(area, n * 8);
}
