/**
 * The appended signature of a signed component (the kernel's module-signature format, which
 * zipl's secure boot and the s390 kexec path read): from the end of the file backwards, the
 * 28-byte magic `~Module signature appended~\n`, the 12-byte info block (`struct
 * module_signature`: algo, hash, id_type, signer_len, key_id_len, pad[3], sig_len big-endian),
 * `sig_len` bytes of PKCS#7, and before them the signed data. This file splits the trailer with
 * the kernel's first three checks, in its order (`mod_check_sig`, `s390_verify_sig`): magic,
 * sig_len against the remaining length, the info block.
 * @module
 */
import { concatBytes, equalBytes, readU32, utf8ToBytes } from '../core/bytes.js';

/** The marker at the very end of a signed file. */
export const SIGNATURE_MAGIC: Uint8Array = utf8ToBytes('~Module signature appended~\n');

/** Bytes of the info block (`struct module_signature`). */
export const INFO_BLOCK_SIZE = 12;

/** Bytes of the trailer around the PKCS#7: info block and magic. */
export const TRAILER_OVERHEAD = INFO_BLOCK_SIZE + 28;

/** `id_type` of a PKCS#7 signature (PKEY_ID_PKCS7), the only one the kernel and zipl take. */
export const PKEY_ID_PKCS7 = 2;

/** How far from the end a checker looks for a damaged trailer's marker (the vectors' rule). */
const DAMAGED_MARKER_WINDOW = 64;

/** What the damaged-marker search looks for: the magic's words without its `~` and newline. */
const MARKER_WORDS: Uint8Array = utf8ToBytes('Module signature');

/** The fields of the info block, as the file carries them. */
export interface InfoBlock {
  readonly algo: number;
  readonly hash: number;
  readonly idType: number;
  readonly signerLen: number;
  readonly keyIdLen: number;
  readonly pad: readonly [number, number, number];
  readonly sigLen: number;
}

/** A file split at its well-formed trailer: the signed data and the PKCS#7 bytes. */
export interface SplitSignature {
  readonly data: Uint8Array;
  readonly pkcs7: Uint8Array;
  readonly info: InfoBlock;
}

/** The first of the trailer checks that fails: the vectors' check names. */
export type TrailerCheck = 'unsigned' | 'magic' | 'sig-len' | 'info-block';

/** True when the last 28 bytes of `file` are the magic. */
export function hasMagic(file: Uint8Array): boolean {
  return file.length >= SIGNATURE_MAGIC.length && equalBytes(file.subarray(file.length - SIGNATURE_MAGIC.length), SIGNATURE_MAGIC);
}

/** True when the marker's words occur in the last 64 bytes of `file`: a trailer whose magic is damaged. */
function hasDamagedMarker(file: Uint8Array): boolean {
  const tail = file.subarray(Math.max(0, file.length - DAMAGED_MARKER_WINDOW));
  for (let i = 0; i + MARKER_WORDS.length <= tail.length; i++) {
    if (equalBytes(tail.subarray(i, i + MARKER_WORDS.length), MARKER_WORDS)) return true;
  }
  return false;
}

/** Reads the 12-byte info block at `offset`. The caller has checked the bounds. */
function readInfo(file: Uint8Array, offset: number): InfoBlock {
  const at = (i: number): number => file[offset + i] ?? 0;
  return { algo: at(0), hash: at(1), idType: at(2), signerLen: at(3), keyIdLen: at(4), pad: [at(5), at(6), at(7)], sigLen: readU32(file, offset + 8) };
}

/** True when the info block is what the kernel takes: id_type PKCS#7, every other field zero. */
export function infoBlockValid(info: InfoBlock): boolean {
  return info.idType === PKEY_ID_PKCS7 && info.algo === 0 && info.hash === 0 && info.signerLen === 0 && info.keyIdLen === 0 && info.pad.every((b) => b === 0);
}

/**
 * Splits `file` at its appended signature, or names the first trailer check that fails:
 * `unsigned` (no trailer at all) or `magic` (a trailer whose marker is damaged: both fail the
 * kernel's magic check, told apart as the vectors do), `sig-len` (not smaller than what precedes
 * the info block), `info-block` (id_type not 2, or another field not zero).
 */
export function splitSignature(file: Uint8Array): SplitSignature | TrailerCheck {
  if (!hasMagic(file)) return hasDamagedMarker(file) ? 'magic' : 'unsigned';
  const remaining = file.length - SIGNATURE_MAGIC.length;
  // The magic is there, so the file holds at least 28 bytes; the info block needs 12 more.
  if (remaining < INFO_BLOCK_SIZE) return 'sig-len';
  const infoAt = remaining - INFO_BLOCK_SIZE;
  const info = readInfo(file, infoAt);
  // The kernel bounds sig_len before it reads the other fields: sig_len >= remaining fails.
  if (info.sigLen >= infoAt) return 'sig-len';
  if (!infoBlockValid(info)) return 'info-block';
  const dataLength = infoAt - info.sigLen;
  return { data: file.subarray(0, dataLength), pkcs7: file.subarray(dataLength, infoAt), info };
}

/** The info block sign-file writes: `00 00 02 00 00 00 00 00` ‖ be32(sig_len). */
export function infoBlockOf(sigLen: number): Uint8Array {
  const b = new Uint8Array(INFO_BLOCK_SIZE);
  b[2] = PKEY_ID_PKCS7;
  new DataView(b.buffer).setUint32(8, sigLen);
  return b;
}

/** `data` with `pkcs7` appended as sign-file appends it: PKCS#7 ‖ info block ‖ magic. */
export function appendSignature(data: Uint8Array, pkcs7: Uint8Array): Uint8Array {
  return concatBytes(data, pkcs7, infoBlockOf(pkcs7.length), SIGNATURE_MAGIC);
}
