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
import { PAGE_SIZE } from '../model/core/bytes.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import { tweakKey } from '../model/image-unpack/slice.js';
import type { ImagePage } from '../model/se-format/image-pages.js';
import { chunkXtsDecrypt, type ChunkXts } from './image-build-xts.js';
import { VERIFY_CHUNK_PAGES } from './image-verify-worker.js';

/** Where decrypted chunks can come from instead (./image-verify-worker.ts). */
export interface ChunkSource {
  /** The decryption of chunk `c` under `key`, or undefined when this source cannot give it. */
  chunk(key: Uint8Array, c: number): Uint8Array | undefined;
}

/** Byte equality by memcmp (node's Buffer#equals): a page compares in about 0.1 µs. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
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
  // The first page with each tweak: a tweak named twice is refused by unpack before it decrypts.
  const byTweak = new Map<string, number>();
  const first: boolean[] = pages.map((p, i) => {
    if (p.tweak.length !== 16 || byTweak.has(tweakKey(p.tweak))) return false;
    byTweak.set(tweakKey(p.tweak), i);
    return true;
  });
  /** The page after the last one asked for: the model unpacks in IPIB order, so it is usually the next. */
  let cursor = 0;
  /** The index of the first page with `tweak`: the cursor's when it matches (no key string to build), else by the map. */
  const indexOf = (tweak: Uint8Array): number | undefined => {
    const next = pages[cursor];
    if (next !== undefined && first[cursor] === true && same(next.tweak, tweak)) return cursor;
    return byTweak.get(tweakKey(tweak));
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

  return {
    ...base,
    aesXtsDecrypt(k, tweak, data) {
      const i = tweak.length === 16 && data.length === PAGE_SIZE ? indexOf(tweak) : undefined;
      const page = i === undefined ? undefined : pages[i];
      if (i === undefined || page === undefined || !same(page.stored, data)) return base.aesXtsDecrypt(k, tweak, data);
      cursor = i + 1;
      const c = Math.floor(i / chunkPages);
      const out = decryptChunk(k, c);
      if (out === undefined) return base.aesXtsDecrypt(k, tweak, data);
      const at = (i - c * chunkPages) * PAGE_SIZE;
      return out.subarray(at, at + PAGE_SIZE);
    },
  };
}
