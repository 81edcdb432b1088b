/**
 * What the image commands share: the crypto suite they use, reading an image file, and the
 * spelling of flags and numbers in their output.
 * @module
 */
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

/** Reads and parses a whole image or a header alone (a missing file is a UsageError). */
export function readImageFile(io: Io, path: string): ReadImage {
  const bytes = io.readFile(path);
  const parsed = parseImage(bytes);
  return parsed.ok ? { ok: true, bytes, parsed: parsed.value } : { ok: false, bytes, error: parsed.error };
}

/** The one line for a file that is neither an SE image nor a header. */
export function layoutErrorLine(path: string, e: ImageLayoutError): string {
  return `${path}: not a usable SE image or header: ${formatCodecError(e)}`;
}

/** Like {@link readImageFile}, but a parse error is a UsageError. */
export function readParsedImage(io: Io, path: string): ParsedImage {
  const r = readImageFile(io, path);
  if (!r.ok) throw new UsageError(layoutErrorLine(path, r.error));
  return r.parsed;
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
