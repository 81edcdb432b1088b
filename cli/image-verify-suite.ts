/**
 * The crypto suite `image verify` runs the model with: the node suite, except that the XTS
 * decryptions of the image's pages are computed a chunk of pages at a time, one ECB call for
 * the chunk (./image-build-xts.ts), when the model asks for the first page of a chunk. The model
 * decrypts page by page, each with a cipher object, an output buffer and a key schedule of its
 * own; the command knows every page in advance, so it can batch them.
 *
 * The model's semantics do not change: a decryption is a pure function of (key, tweak, data),
 * and this suite answers from a chunk only when the call's data is byte for byte the stored page
 * whose tweak the call names, under the key the chunk was computed with; any other call (a
 * different key, a page not in the image, a tweak named twice) goes to the node suite.
 * test/cli/image-verify-suite.test.ts compares both on every page.
 * @module
 */
import { bytesToHex, PAGE_SIZE } from '../model/core/bytes.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import type { ImagePage } from '../model/se-format/image-pages.js';
import { chunkXtsDecrypt, type ChunkXts } from './image-build-xts.js';
import { VERIFY_CHUNK_PAGES } from './image-verify-worker.js';

/** Where decrypted chunks can come from instead (./image-verify-worker.ts). */
export interface ChunkSource {
  /** The decryption of chunk `c` under `key`, or undefined when this source cannot give it. */
  chunk(key: Uint8Array, c: number): Uint8Array | undefined;
}

/** Byte equality by memcmp: a page compares in about 0.1 µs. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Equality of two 16-byte tweaks, without a call into C++. */
function sameTweak(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return a.length === 16 && b.length === 16;
}

/** The first page with each tweak, by the tweak's hex. */
function tweakIndex(pages: readonly ImagePage[]): Map<string, number> {
  const byTweak = new Map<string, number>();
  pages.forEach((p, i) => {
    const hex = bytesToHex(p.tweak);
    if (p.tweak.length === 16 && !byTweak.has(hex)) byTweak.set(hex, i);
  });
  return byTweak;
}

/**
 * `base` with the XTS decryption of `pages` (in the order the IPIB lists them) batched by chunks:
 * from `ahead` when it gives a chunk (a worker thread that decrypts ahead of the model), else on
 * this thread.
 * @example
 * ```ts
 * const sut = modelSystem({ suite: batchedVerifySuite(nodeSuite, parsed.pages) });
 * ```
 */
export function batchedVerifySuite(base: CryptoSuite, pages: readonly ImagePage[], chunkPages = VERIFY_CHUNK_PAGES, ahead?: ChunkSource): CryptoSuite {
  /** The page after the last one asked for: the model unpacks in IPIB order, so it is usually the next. */
  let cursor = 0;
  /** Built the first time the cursor's page is not the one asked for. */
  let byTweak: Map<string, number> | undefined;
  /**
   * A page with `tweak`: the cursor's when it matches, else the first by the index. Any page with
   * that tweak will do: the caller then checks that the data is that page's stored bytes.
   */
  const indexOf = (tweak: Uint8Array): number | undefined => {
    const next = pages[cursor];
    if (next !== undefined && sameTweak(next.tweak, tweak)) return cursor;
    byTweak ??= tweakIndex(pages);
    return byTweak.get(bytesToHex(tweak));
  };
  let key: Uint8Array | undefined;
  let xts: ChunkXts | undefined;
  let chunk = -1;
  let plain = new Uint8Array(0);

  /** The decryption of chunk `c` under `k`, or undefined when it cannot be batched. */
  const decryptChunk = (k: Uint8Array, c: number): Uint8Array | undefined => {
    const given = ahead?.chunk(k, c);
    if (given !== undefined) return given;
    if (key === undefined || !same(key, k)) {
      // Equal halves are refused by node's XTS: that call must fail as the node suite fails.
      if (k.length !== 64 || same(k.subarray(0, 32), k.subarray(32))) return undefined;
      key = Uint8Array.from(k);
      xts = chunkXtsDecrypt(key, chunkPages);
      chunk = -1;
    }
    if (xts === undefined) return undefined;
    if (chunk !== c) {
      const from = c * chunkPages;
      const n = Math.min(chunkPages, pages.length - from);
      const tweaks = new Uint8Array(16 * n);
      for (let j = 0; j < n; j++) {
        const p = pages[from + j];
        // Every page of a chunk must be a whole page with a whole tweak, or the chunk is not batched.
        if (p === undefined || p.stored.length !== PAGE_SIZE || p.tweak.length !== 16) return undefined;
        xts.plain.set(p.stored, j * PAGE_SIZE);
        tweaks.set(p.tweak, 16 * j);
      }
      // A copy: the next chunk overwrites the cipher's output, and the model keeps these pages.
      plain = Uint8Array.from(xts.encrypt(n, tweaks));
      chunk = c;
    }
    return plain;
  };

  // The chunk answered last and the key object it was asked under: the model passes its guest's
  // one key (a value of the world, never changed) page after page, so the chunk's next page needs
  // no key comparison nor a call to the worker.
  let lastKey: Uint8Array | undefined;
  let lastChunk = -1;
  let lastOut: Uint8Array = new Uint8Array(0);

  return {
    ...base,
    aesXtsDecrypt(k, tweak, data) {
      const i = tweak.length === 16 && data.length === PAGE_SIZE ? indexOf(tweak) : undefined;
      const page = i === undefined ? undefined : pages[i];
      if (i === undefined || page === undefined || !same(page.stored, data)) return base.aesXtsDecrypt(k, tweak, data);
      cursor = i + 1;
      const c = Math.floor(i / chunkPages);
      const out = k === lastKey && c === lastChunk ? lastOut : decryptChunk(k, c);
      if (out === undefined) return base.aesXtsDecrypt(k, tweak, data);
      lastKey = k;
      lastChunk = c;
      lastOut = out;
      const at = (i - c * chunkPages) * PAGE_SIZE;
      return out.subarray(at, at + PAGE_SIZE);
    },
  };
}
