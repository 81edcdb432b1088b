/**
 * Secured components and their pages, shared by the image builder and the image parser: page
 * tweaks, the integrity digests over pages (PLD, ALD, TLD, NEP), and page decryption.
 * @module
 */
import { PAGE_SIZE, u64be } from '../core/bytes.js';
import type { CryptoSuite, DigestState } from '../crypto/suite.js';
import { PCF_NO_DECRYPTION, PVIMG_TWEAK_PREFIX, TWEAK_PREFIX, TWEAK_RANDOM_SIZE, TWEAK_SIZE } from './format.js';

/** What a secured component holds; `extra` is a builder's further component, `unknown` a parsed one of another prefix. */
export type ComponentKind = 'kernel' | 'parmline' | 'initrd' | 'stage3b' | 'extra' | 'unknown';

/** One secured page as the image stores it. */
export interface ImagePage {
  /** Guest address (= file offset), page-aligned. */
  readonly address: bigint;
  /** The 16-byte XTS tweak: prefix (u16) ‖ random (6) ‖ u64 page offset in the component. */
  readonly tweak: Uint8Array;
  /** The 4096 stored bytes: ciphertext, or plaintext under PCF bit 35. */
  readonly stored: Uint8Array;
}

/** One secured component of an image. */
export interface ImageComponent {
  readonly kind: ComponentKind;
  /** Guest address (= file offset), page-aligned. */
  readonly guestAddress: bigint;
  /** Length in the image: whole pages (an empty component still takes one). */
  readonly length: number;
  /** Length before padding, where known (the builder knows it; a parser learns it from stage3b). */
  readonly originalLength?: number;
  /** The u64 tweak prefix: component prefix (u16) ‖ 6 random bytes. */
  readonly tweakPrefix: bigint;
  /** Each page's tweak, in page order. */
  readonly tweaks: readonly Uint8Array[];
}

/** The u64 tweak prefix of a component: `prefix` (u16) ‖ `random` (6 bytes). */
export function tweakPrefixOf(prefix: number, random: Uint8Array): bigint {
  let v = BigInt(prefix & 0xffff);
  for (let i = 0; i < TWEAK_RANDOM_SIZE; i++) v = (v << 8n) | BigInt(random[i] ?? 0);
  return v;
}

/** The tweak of the page at byte `pageOffset` of a component: tweak prefix (u64) ‖ offset (u64). */
export function pageTweak(tweakPrefix: bigint, pageOffset: bigint): Uint8Array {
  const t = new Uint8Array(TWEAK_SIZE);
  t.set(u64be(tweakPrefix), 0);
  t.set(u64be(pageOffset), 8);
  return t;
}

/**
 * The tweaks of a component of `pages` pages, one after the other in one array: page `i`'s is
 * bytes `[16 i, 16 i + 16)`, equal to `pageTweak(tweakPrefix, i * PAGE_SIZE)`.
 */
export function componentTweakBytes(tweakPrefix: bigint, pages: number): Uint8Array {
  const out = new Uint8Array(TWEAK_SIZE * pages);
  const view = new DataView(out.buffer);
  const prefix = u64be(tweakPrefix);
  for (let i = 0; i < pages; i++) {
    // The offset is below 2^53 for any component that fits in memory: two u32 halves, no bigint.
    const offset = i * PAGE_SIZE;
    out.set(prefix, TWEAK_SIZE * i);
    view.setUint32(TWEAK_SIZE * i + 8, Math.floor(offset / 0x1_0000_0000), false);
    view.setUint32(TWEAK_SIZE * i + 12, offset >>> 0, false);
  }
  return out;
}

/** The tweaks of a component of `pages` pages (views of one {@link componentTweakBytes} array). */
export function componentTweaks(tweakPrefix: bigint, pages: number): Uint8Array[] {
  const all = componentTweakBytes(tweakPrefix, pages);
  return Array.from({ length: pages }, (_, i) => all.subarray(TWEAK_SIZE * i, TWEAK_SIZE * (i + 1)));
}

/**
 * The kind a component's u16 prefix names: genprotimg's 0–3 or pvimg's 40/50/60/70; any other
 * prefix is `unknown`. Only a label for people: the firmware does not care.
 */
export function kindOfPrefix(prefix: number): ComponentKind {
  for (const table of [TWEAK_PREFIX, PVIMG_TWEAK_PREFIX]) {
    for (const [kind, p] of Object.entries(table)) if (p === prefix) return kind as ComponentKind;
  }
  return 'unknown';
}

/** The integrity values of a sequence of pages, as the header carries them. */
export interface ImageDigests {
  /** SHA-512 over each page's stored bytes. */
  readonly pld: Uint8Array;
  /** SHA-512 over each page's address as a u64. */
  readonly ald: Uint8Array;
  /** SHA-512 over each page's tweak. */
  readonly tld: Uint8Array;
  /** Number of pages. */
  readonly nep: bigint;
}

/**
 * PLD, ALD and TLD while they are being computed, and the page count: the one definition of the
 * integrity values, shared by the owner's builder and the firmware's unpack. Immutable.
 */
export interface RunningDigests {
  readonly pld: DigestState;
  readonly ald: DigestState;
  readonly tld: DigestState;
  readonly nep: bigint;
}

/** Digests of no pages yet. */
export function startDigests(suite: CryptoSuite): RunningDigests {
  const empty = suite.sha512Init();
  return { pld: empty, ald: empty, tld: empty, nep: 0n };
}

/** The digests with one more page: its stored bytes, its address as a big-endian u64, its tweak. */
export function addPage(d: RunningDigests, address: bigint, tweak: Uint8Array, stored: Uint8Array): RunningDigests {
  return { pld: d.pld.update(stored), ald: d.ald.update(u64be(address)), tld: d.tld.update(tweak), nep: d.nep + 1n };
}

/** The final values of running digests. */
export function finishDigests(d: RunningDigests): ImageDigests {
  return { pld: d.pld.digest(), ald: d.ald.digest(), tld: d.tld.digest(), nep: d.nep };
}

/** PLD, ALD, TLD and NEP over `pages` in the given (component) order. */
export function imageDigests(suite: CryptoSuite, pages: Iterable<ImagePage>): ImageDigests {
  let d = startDigests(suite);
  for (const p of pages) d = addPage(d, p.address, p.tweak, p.stored);
  return finishDigests(d);
}

/**
 * A page's plaintext: XTS-decrypted with the image key and the page's tweak, or the stored bytes
 * themselves under PCF bit 35. `undefined` for a page or key of the wrong size.
 */
export function pagePlaintext(suite: CryptoSuite, xtsKey: Uint8Array, pcf: bigint, page: ImagePage): Uint8Array | undefined {
  if (page.stored.length !== PAGE_SIZE || page.tweak.length !== TWEAK_SIZE) return undefined;
  if ((pcf & PCF_NO_DECRYPTION) !== 0n) return Uint8Array.from(page.stored);
  if (xtsKey.length !== 64) return undefined;
  return suite.aesXtsDecrypt(xtsKey, page.tweak, page.stored);
}
