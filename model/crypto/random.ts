/**
 * The model's only source of "random" bytes: deterministic, derived from a seed through the
 * {@link CryptoSuite}'s HMAC. Nothing in `model/` reads ambient randomness (no global random
 * source of the runtime), so every run replays from its seeds, and both suites give the same
 * bytes (their HMACs are byte-identical).
 *
 * Construction: the KDF in counter mode of NIST SP 800-108r1 §4.1 with HMAC-SHA-512 as the PRF,
 * key = `seed`, fixed input `[i]₃₂ ‖ Label ‖ 0x00 ‖ [L]₃₂` for block i = 1, 2, … (Context is
 * empty; `Label` is the UTF-8 of `label`; `L` the output length in bits, both 32-bit big-endian).
 * Because L is part of the input, a shorter output is not a prefix of a longer one under the same
 * label: a label names one value of one length.
 * @module
 */
import { concatBytes, u32be, utf8ToBytes } from '../core/bytes.js';
import type { CryptoSuite } from './suite.js';

/** Bytes of one HMAC-SHA-512 block. */
const BLOCK = 64;

/** The largest output {@link deriveBytes} gives: L in bits must fit the 32-bit field. */
export const MAX_DERIVED_BYTES = 0x1fff_ffff; // (2^32 - 1) / 8, rounded down

/**
 * `length` pseudo-random bytes for (`seed`, `label`): HMAC-SHA-512 in SP 800-108 counter mode
 * (see the module comment). A pure function: the same arguments give the same bytes, on every
 * suite; a different label or length gives unrelated bytes.
 * @param suite the suite whose HMAC is used (all suites give the same result)
 * @param seed the secret the bytes derive from; any length (HMAC hashes keys over 128 bytes)
 * @param label what the bytes are for, e.g. `"image/psw-key"`; separates derivations of one seed
 * @param length number of bytes, 0..{@link MAX_DERIVED_BYTES}
 * @throws RangeError when `length` is not an integer in range
 */
export function deriveBytes(suite: CryptoSuite, seed: Uint8Array, label: string, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_DERIVED_BYTES) {
    throw new RangeError(`deriveBytes length must be 0..${MAX_DERIVED_BYTES}, got ${length}`);
  }
  const out = new Uint8Array(length);
  const labelBytes = utf8ToBytes(label);
  const lengthBits = u32be(length * 8);
  // Stryker disable next-line EqualityOperator: `<=` adds one round at off = length that copies no bytes: same output
  for (let i = 1, off = 0; off < length; i++, off += BLOCK) {
    const block = suite.hmac('sha512', seed, concatBytes(u32be(i), labelBytes, Uint8Array.of(0), lengthBits));
    out.set(block.subarray(0, Math.min(BLOCK, length - off)), off);
  }
  return out;
}

/**
 * An immutable deterministic generator: a seed and the number of draws made so far. Draws return
 * the bytes and the next `Rng`; the old value stays valid and replays the same draw.
 * Treat `seed` as read-only (it is a copy made by {@link createRng}).
 */
export interface Rng {
  readonly seed: Uint8Array;
  /** Number of draws made from this seed so far. */
  readonly counter: number;
}

/** A fresh generator on a copy of `seed`, with no draws made. */
export function createRng(seed: Uint8Array): Rng {
  return Object.freeze({ seed: Uint8Array.from(seed), counter: 0 });
}

/** The label of draw number `counter`: draws never share a label with each other. */
function drawLabel(counter: number): string {
  return `semodel/rng/draw/${counter}`;
}

/**
 * Draws `n` bytes: `deriveBytes(suite, rng.seed, "semodel/rng/draw/<counter>", n)`, and the
 * generator with `counter + 1`. `rng` itself is unchanged.
 * @throws RangeError when `n` is out of range for {@link deriveBytes} or the counter is exhausted
 */
export function nextBytes(suite: CryptoSuite, rng: Rng, n: number): [Uint8Array, Rng] {
  if (!Number.isSafeInteger(rng.counter) || rng.counter < 0 || rng.counter >= Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`Rng counter must be a safe non-negative integer, got ${rng.counter}`);
  }
  const bytes = deriveBytes(suite, rng.seed, drawLabel(rng.counter), n);
  return [bytes, Object.freeze({ seed: rng.seed, counter: rng.counter + 1 })];
}

/** Draws an unsigned 32-bit integer (the big-endian value of a 4-byte draw). */
export function nextUint32(suite: CryptoSuite, rng: Rng): [number, Rng] {
  const [b, next] = nextBytes(suite, rng, 4);
  return [(((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0, next];
}

/**
 * Draws an integer uniformly from [0, `bound`), by rejection sampling on 32-bit draws (no modulo
 * bias). Each attempt is one draw, so the counter may advance by more than one.
 * @param bound 1..2^32
 * @throws RangeError when `bound` is out of range
 */
export function nextBelow(suite: CryptoSuite, rng: Rng, bound: number): [number, Rng] {
  if (!Number.isSafeInteger(bound) || bound < 1 || bound > 2 ** 32) {
    throw new RangeError(`nextBelow bound must be 1..2^32, got ${bound}`);
  }
  // Accept values below the largest multiple of `bound` that fits in 2^32.
  const limit = 2 ** 32 - (2 ** 32 % bound);
  let state = rng;
  for (;;) {
    const [v, next] = nextUint32(suite, state);
    state = next;
    if (v < limit) return [v % bound, state];
  }
}
