/**
 * The arguments genprotimg writes over the last bytes of its two loaders: stage3a's (where the
 * IPIB and the header are, relative to the arguments) and stage3b's (where the kernel, parmline
 * and initrd are, their original sizes, and the kernel's entry PSW). Names follow expected.json.
 * @module
 */
import { readU64, writeU64 } from '../core/bytes.js';
import { STAGE3A_ARGS_SIZE, STAGE3B_ARGS_SIZE } from './format.js';
import type { Psw } from './header-keys.js';

/** Stage3a's arguments: offsets relative to the arguments' own address. */
export interface Stage3aArgs {
  /** Header address minus the arguments' address. */
  readonly hdrOffs: bigint;
  /** Header size (PHS). */
  readonly hdrSize: bigint;
  /** IPIB address minus the arguments' address. */
  readonly ipibOffs: bigint;
}

/** 24 bytes: hdrOffs ‖ hdrSize ‖ ipibOffs, each u64. */
export function encodeStage3aArgs(a: Stage3aArgs): Uint8Array {
  const out = new Uint8Array(STAGE3A_ARGS_SIZE);
  writeU64(out, 0, a.hdrOffs);
  writeU64(out, 8, a.hdrSize);
  writeU64(out, 16, a.ipibOffs);
  return out;
}

/** Reads stage3a arguments at `offset` of `bytes`; `undefined` if they do not fit. */
export function decodeStage3aArgs(bytes: Uint8Array, offset = 0): Stage3aArgs | undefined {
  if (offset < 0 || offset + STAGE3A_ARGS_SIZE > bytes.length) return undefined;
  return { hdrOffs: readU64(bytes, offset), hdrSize: readU64(bytes, offset + 8), ipibOffs: readU64(bytes, offset + 16) };
}

/** A memory blob of stage3b's arguments: guest address and original size (0, 0 when absent). */
export interface MemBlob {
  readonly addr: bigint;
  readonly size: bigint;
}

/** Stage3b's arguments. */
export interface Stage3bArgs {
  readonly kernel: MemBlob;
  readonly cmdline: MemBlob;
  readonly initrd: MemBlob;
  /** The PSW stage3b loads to enter the kernel. */
  readonly psw: Psw;
}

/** The blob of an absent component. */
export const NO_BLOB: MemBlob = { addr: 0n, size: 0n };

/** 64 bytes: kernel, cmdline, initrd as {addr, size} u64 pairs, then PSW mask and address. */
export function encodeStage3bArgs(a: Stage3bArgs): Uint8Array {
  const out = new Uint8Array(STAGE3B_ARGS_SIZE);
  const words = [a.kernel.addr, a.kernel.size, a.cmdline.addr, a.cmdline.size, a.initrd.addr, a.initrd.size, a.psw.mask, a.psw.addr];
  words.forEach((w, i) => writeU64(out, 8 * i, w));
  return out;
}

/** Reads stage3b arguments at `offset` of `bytes`; `undefined` if they do not fit. */
export function decodeStage3bArgs(bytes: Uint8Array, offset = 0): Stage3bArgs | undefined {
  if (offset < 0 || offset + STAGE3B_ARGS_SIZE > bytes.length) return undefined;
  const w = (i: number): bigint => readU64(bytes, offset + 8 * i);
  return {
    kernel: { addr: w(0), size: w(1) },
    cmdline: { addr: w(2), size: w(3) },
    initrd: { addr: w(4), size: w(5) },
    psw: { mask: w(6), addr: w(7) },
  };
}

/**
 * Finds stage3b's arguments in its decrypted, page-padded component: they end the original
 * loader, which the zero padding follows, and their last word (the PSW address) is non-zero or
 * the mask before it is. So they end at the first 8-byte boundary after the last non-zero byte.
 * Returns them with the original loader length, or `undefined` if the page holds too little.
 */
export function locateStage3bArgs(stage3b: Uint8Array): { args: Stage3bArgs; originalLength: number } | undefined {
  let last = stage3b.length - 1;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: stage3b[-1] is undefined (≠ 0), so the loop stops at -1 without the bound; stopping at 0 instead only differs for an all-zero input, where end is 8 instead of 0 and both put the arguments at a negative offset (undefined)
  while (last >= 0 && stage3b[last] === 0) last--;
  const end = Math.ceil((last + 1) / 8) * 8;
  const args = decodeStage3bArgs(stage3b, end - STAGE3B_ARGS_SIZE);
  return args === undefined ? undefined : { args, originalLength: end };
}
