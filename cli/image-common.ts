/**
 * What the image commands share: the crypto suite they use, reading an image file, and the
 * spelling of flags and numbers in their output.
 * @module
 */
import { equalBytes, PAGE_SIZE, readU32 } from '../model/core/bytes.js';
import { formatCodecError } from '../model/core/result.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import {
  PCF_BACKUP_TARGET_KEYS,
  PCF_DUMP_ALLOWED,
  PCF_NO_DECRYPTION,
  PCF_PCKMO_AES,
  PCF_PCKMO_DEA,
  PCF_PCKMO_ECC,
  PCF_PCKMO_HMAC,
  SCF_CCK_EXTENSION_SECRET,
  SCF_CCK_UPDATE_ALLOWED,
  HEADER_FIXED_SIZE,
  HEADER_OFFSET,
  SE_MAGIC,
  STAGE3A_LOAD_ADDRESS,
} from '../model/se-format/format.js';
import { parseImage, type ImageLayoutError, type ParsedImage } from '../model/se-format/image-layout.js';
import { UsageError, type Io } from './io.js';

/**
 * The suite of the image commands: node:crypto, byte-identical to the default noble suite and
 * fast enough for images of many MiB.
 */
export const IMAGE_SUITE: CryptoSuite = nodeSuite;

/** An image file, read and parsed; or the layout error that stopped the parse. */
export type ReadImage =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly parsed: ParsedImage }
  | { readonly ok: false; readonly bytes: Uint8Array; readonly error: ImageLayoutError };

/**
 * Reads and parses a whole image or a header alone (a missing file is a UsageError); with
 * `shared`, into a SharedArrayBuffer that worker threads can read.
 */
export function readImageFile(io: Io, path: string, shared = false): ReadImage {
  const bytes = shared ? io.readFileShared(path) : io.readFile(path);
  const parsed = parseImage(bytes);
  return parsed.ok ? { ok: true, bytes, parsed: parsed.value } : { ok: false, bytes, error: parsed.error };
}

/**
 * The one line for a file that is neither an SE image nor a header. A file too short to hold
 * an image's header, which lies at 0x10000 or beyond, says so with its size (the parser's own
 * "no magic from 0x10000 to the end" would name a range that ends before it starts).
 */
export function layoutErrorLine(path: string, e: ImageLayoutError, size?: number): string {
  const what = `${path}: not a usable SE image or header`;
  if (size === 0) return `${what}: the file is empty`;
  if (size !== undefined && e.field === 'header' && size < STAGE3A_LOAD_ADDRESS + SE_MAGIC.length) {
    return `${what}: ${size} bytes (${hexShort(size)}), too short for an image (its header lies at ${hexShort(STAGE3A_LOAD_ADDRESS)} or beyond) and no header magic "IBMSecEx" at offset 0x0`;
  }
  return `${what}: ${formatCodecError(e)}`;
}

/** Like {@link readImageFile}, but a parse error is a UsageError (a cut-off header says so). */
export function readParsedImage(io: Io, path: string): ParsedImage {
  const r = readImageFile(io, path);
  if (r.ok) return r.parsed;
  const cut = headerCutShort(r.bytes);
  throw new UsageError(cut === undefined ? layoutErrorLine(path, r.error, r.bytes.length) : cutHeaderLine(path, cut));
}

/** The one line for a file that ends inside its header. */
export function cutHeaderLine(path: string, cut: CutHeader): string {
  return `${path}: not a usable SE image or header: the file ends inside its SE header at ${hexShort(cut.offset)} (${cut.have} of its ${cut.need} bytes); is it truncated?`;
}

/** Where a header that the file ends inside lies, and how much of it the file holds. */
export interface CutHeader {
  /** File offset of the header. */
  readonly offset: number;
  /** Bytes of the header in the file. */
  readonly have: number;
  /** Bytes the header needs: its fixed part, or its PHS when that is readable and larger. */
  readonly need: number;
}

/**
 * The image's header when the file ends before the header does (a truncated file, or a PHS
 * that reaches past the end): found as the parser finds it, at the first page boundary from
 * 0x10000 that starts with the magic, or at 0 for a header alone. Undefined when the file holds
 * the whole header or has none.
 */
export function headerCutShort(bytes: Uint8Array): CutHeader | undefined {
  const magicAt = (p: number): boolean => equalBytes(bytes.subarray(p, p + SE_MAGIC.length), SE_MAGIC);
  let offset = magicAt(0) ? 0 : -1;
  for (let p = STAGE3A_LOAD_ADDRESS; offset < 0 && p + SE_MAGIC.length <= bytes.length; p += PAGE_SIZE) if (magicAt(p)) offset = p;
  if (offset < 0) return undefined;
  const have = bytes.length - offset;
  const phsEnd = HEADER_OFFSET.phs + 4;
  const need = Math.max(HEADER_FIXED_SIZE, have >= phsEnd ? readU32(bytes, offset + HEADER_OFFSET.phs) : 0);
  return have < need ? { offset, have, need } : undefined;
}

/** A number as `0x` and lower-case hex digits, no padding. */
export const hexShort = (n: number | bigint): string => `0x${n.toString(16)}`;

const PCF_NAMES: readonly (readonly [bigint, string])[] = [
  [PCF_DUMP_ALLOWED, 'dump allowed'],
  [PCF_NO_DECRYPTION, 'no decryption'],
  [PCF_PCKMO_DEA, 'PCKMO DEA'],
  [PCF_PCKMO_AES, 'PCKMO AES'],
  [PCF_PCKMO_ECC, 'PCKMO ECC'],
  [PCF_PCKMO_HMAC, 'PCKMO HMAC'],
  [PCF_BACKUP_TARGET_KEYS, 'backup target keys'],
];

const SCF_NAMES: readonly (readonly [bigint, string])[] = [
  [SCF_CCK_EXTENSION_SECRET, 'CCK extension secret'],
  [SCF_CCK_UPDATE_ALLOWED, 'CCK update allowed'],
];

function flagNames(value: bigint, names: readonly (readonly [bigint, string])[]): string {
  const out: string[] = [];
  let rest = BigInt.asUintN(64, value);
  for (const [bit, name] of names) {
    if ((rest & bit) !== 0n) {
      out.push(name);
      rest &= ~bit;
    }
  }
  for (let b = 0; b < 64; b++) {
    const mask = 1n << BigInt(63 - b);
    if ((rest & mask) !== 0n) out.push(`bit ${b}`);
  }
  return out.length === 0 ? 'no flags' : out.join(', ');
}

/** The names of the PCF bits that are set (MSB0 bit numbers for unnamed ones). */
export const pcfFlagNames = (pcf: bigint): string => flagNames(pcf, PCF_NAMES);

/** The names of the SCF bits that are set (MSB0 bit numbers for unnamed ones). */
export const scfFlagNames = (scf: bigint): string => flagNames(scf, SCF_NAMES);

/** An aligned `key: value` listing, one pair a line. */
export function listing(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}`.trimEnd()).join('\n');
}
