/**
 * Stand-ins for genprotimg's two boot loaders, byte-identical to `vectors/se-images/loaders/`:
 * rows of 16 ASCII bytes `S3A-STANDIN%04x\n` (stage3a, 12288 bytes) and `S3B-STANDIN%04x\n`
 * (stage3b, 6144 bytes), whose last 24 resp. 64 bytes (the argument area) are zero, as genprotimg
 * clears it. They carry no IBM code and cannot boot; the model needs only their sizes and bytes.
 * @module
 */
import { utf8ToBytes } from '../core/bytes.js';
import { STAGE3A_ARGS_SIZE, STAGE3B_ARGS_SIZE } from './format.js';

/** Size of the stand-in stage3a. */
export const STAND_IN_STAGE3A_SIZE = 12288;

/** Size of the stand-in stage3b. */
export const STAND_IN_STAGE3B_SIZE = 6144;

function rows(tag: string, size: number, argsSize: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let row = 0; row * 16 < size; row++) {
    out.set(utf8ToBytes(`${tag}-STANDIN${row.toString(16).padStart(4, '0')}\n`), row * 16);
  }
  out.fill(0, size - argsSize);
  return out;
}

// Built on each call (a few hundred microseconds, once per image built): callers get their own
// bytes, since a builder patches its arguments in. (Built at load time instead, the rows would be
// out of reach of mutation testing, whose runner does not reload modules per mutant.)

/** The stand-in stage3a loader template (a fresh copy). */
export function standInStage3a(): Uint8Array {
  return rows('S3A', STAND_IN_STAGE3A_SIZE, STAGE3A_ARGS_SIZE);
}

/** The stand-in stage3b loader template (a fresh copy). */
export function standInStage3b(): Uint8Array {
  return rows('S3B', STAND_IN_STAGE3B_SIZE, STAGE3B_ARGS_SIZE);
}
