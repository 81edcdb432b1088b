/**
 * The pages of a secure-guest dump: their states and the 16-byte tweak components of the
 * `pv_mem_meta` section (the output of Dump Configuration Storage State, UVC 0x0401), as zgetdump
 * reads them (s390-tools zdump/pv_utils.c, `pv_page_state`).
 *
 * - An encrypted page's component is the page's guest address, as a 128-bit big-endian value;
 *   its tweak is component OR the completion data's nonce, and the page is AES-256-XTS ciphertext.
 * - A component whose first four bytes are FFFFFFFF is special: byte 15 holds the flags 0x01 zero
 *   page, 0x02 shared page, 0x04 mapped page (bytes 14 and the high five bits of 15 are reserved
 *   and must be zero; bytes 4-13 are not read). Exactly one of zero and shared must be set: a
 *   zero page is all zeros (its file slot is not read), a shared page is stored in plaintext.
 *   The real firmware sets "mapped" on both (0x05, 0x06), and so does the model.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';

/** Bytes of one tweak component. */
export const COMPONENT_SIZE = 16;

/** The state of a dumped page: encrypted (`enc`), a zero page, or a shared (non-secure) page. */
export type PageState = 'enc' | 'zero' | 'shared';

/** Every page state, in the vectors' names. */
export const PAGE_STATES = ['enc', 'zero', 'shared'] as const satisfies readonly PageState[];

/** The flags of a special component. */
export const SPECIAL_FLAG = { zero: 0x01, shared: 0x02, mapped: 0x04 } as const;

/** The component of page `index` in state `state`. */
export function tweakComponent(index: number, state: PageState): Uint8Array {
  const c = new Uint8Array(COMPONENT_SIZE);
  writeTweakComponent(c, 0, index, state);
  return c;
}

/**
 * Writes the component of page `index` in state `state` into `out` at `at` (16 bytes; `out` is
 * zero there). An encrypted page's component is its address, `index · 4096`, as a big-endian u64
 * in the last 8 bytes; page indices stay below 2^41 (guests end below 2^53 bytes), so the address
 * splits exactly into two 32-bit halves without bigint arithmetic.
 */
export function writeTweakComponent(out: Uint8Array, at: number, index: number, state: PageState): void {
  if (state === 'enc') {
    const address = index * PAGE_SIZE;
    const high = Math.floor(address / 2 ** 32);
    const low = address >>> 0;
    for (let i = 0; i < 4; i++) {
      out[at + 11 - i] = (high >>> (8 * i)) & 0xff;
      out[at + 15 - i] = (low >>> (8 * i)) & 0xff;
    }
    return;
  }
  out.fill(0xff, at, at + 4);
  out[at + 15] = (state === 'zero' ? SPECIAL_FLAG.zero : SPECIAL_FLAG.shared) | SPECIAL_FLAG.mapped;
}

/**
 * The state a component gives its page, or undefined when zgetdump would refuse it ("Invalid page
 * state"): reserved flag bits set, none of zero and shared set (a page only mapped), or both.
 */
export function pageStateOf(component: Uint8Array): PageState | undefined {
  if (!(component[0] === 0xff && component[1] === 0xff && component[2] === 0xff && component[3] === 0xff)) return 'enc';
  const flags = component[15] ?? 0;
  if ((component[14] ?? 0) !== 0 || (flags & 0xf8) !== 0) return undefined;
  const zero = (flags & SPECIAL_FLAG.zero) !== 0;
  const shared = (flags & SPECIAL_FLAG.shared) !== 0;
  if (zero === shared) return undefined;
  return zero ? 'zero' : 'shared';
}

/** The XTS tweak of an encrypted page: its component OR the dump's nonce. */
export function pageTweak(component: Uint8Array, nonce: Uint8Array): Uint8Array {
  const t = new Uint8Array(COMPONENT_SIZE);
  for (let i = 0; i < COMPONENT_SIZE; i++) t[i] = (component[i] ?? 0) | (nonce[i] ?? 0);
  return t;
}
