// cli/image-verify-worker.ts: the worker thread of `image verify` hashes the PLD of an image's
// pages and decrypts them by chunks exactly as the node suite does, page by page, whether the
// pages are views of one shared file or bytes it must copy, and gives no chunk it cannot batch.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startVerifyWorker, type VerifyWorker } from '../../cli/image-verify-worker.js';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';

const key = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
const CHUNK = 8;

/** `n` pages with an image's tweaks, laid out in `file` from `start` with a hole after page 5 (two PLD ranges). */
function imagePages(n: number, shared: boolean): ImagePage[] {
  const buffer = shared ? new SharedArrayBuffer((n + 2) * PAGE_SIZE) : new ArrayBuffer((n + 2) * PAGE_SIZE);
  const bytes = new Uint8Array(buffer);
  bytes.forEach((_, i) => (bytes[i] = (i * 131 + (i >> 12)) & 0xff));
  return Array.from({ length: n }, (_, i) => {
    const tweak = new Uint8Array(16);
    tweak[1] = 1;
    new DataView(tweak.buffer).setBigUint64(8, BigInt(i * PAGE_SIZE));
    const at = (i + (i > 5 ? 1 : 0)) * PAGE_SIZE;
    return { address: BigInt(i * PAGE_SIZE), tweak, stored: new Uint8Array(buffer, at, PAGE_SIZE) };
  });
}

const sha = (pages: readonly ImagePage[]): Uint8Array => {
  const h = createHash('sha512');
  for (const p of pages) h.update(p.stored);
  return new Uint8Array(h.digest());
};

const running: VerifyWorker[] = [];
function start(pages: readonly ImagePage[]): VerifyWorker {
  const w = startVerifyWorker(pages, CHUNK);
  if (w === undefined) throw new Error('no worker thread');
  running.push(w);
  return w;
}
afterEach(() => {
  for (const w of running.splice(0)) w.stop();
});

describe.each([true, false])('the verify worker (pages shared: %s)', (shared) => {
  const pages = imagePages(3 * CHUNK + 3, shared);

  it('decrypts every chunk as the node suite decrypts its pages, and hashes the PLD of all pages', () => {
    const w = start(pages);
    const chunks = Math.ceil(pages.length / CHUNK);
    for (let c = 0; c < chunks; c++) {
      const got = w.chunk(key, c);
      const want = pages.slice(c * CHUNK, (c + 1) * CHUNK).map((p) => nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored));
      expect(got).toBeDefined();
      expect(Buffer.from(got ?? []).equals(Buffer.concat(want))).toBe(true);
    }
    // Asked again, out of order: the same bytes.
    const again = w.chunk(key, 1);
    expect(Buffer.from(again ?? []).equals(Buffer.concat(pages.slice(CHUNK, 2 * CHUNK).map((p) => nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored))))).toBe(true);
    expect(w.result()).toEqual(sha(pages));
  });

  it('decrypts the chunks on its own thread when the key comes before it starts', () => {
    const w = start(pages);
    expect(w.postKey(key)).toBe(true);
    // The worker decrypts every chunk before it hashes the PLD, so once the PLD is there no chunk
    // is left for this thread: each comes from the worker's source.
    expect(w.result()).toEqual(sha(pages));
    for (let c = 0; c * CHUNK < pages.length; c++) {
      const want = pages.slice(c * CHUNK, (c + 1) * CHUNK).map((p) => nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored));
      expect(Buffer.from(w.chunk(key, c) ?? []).equals(Buffer.concat(want))).toBe(true);
    }
  });

  it('hashes the PLD whether or not a key ever comes', () => {
    expect(start(pages).result()).toEqual(sha(pages));
  });

  it('gives no chunk for a second key, equal key halves, or a chunk outside the image', () => {
    const w = start(pages);
    const equal = new Uint8Array(64).fill(7);
    expect(w.chunk(equal, 0)).toBeUndefined();
    expect(w.chunk(key, 0)).toBeDefined();
    expect(w.chunk(Uint8Array.from(key).fill(1, 0, 1), 0)).toBeUndefined();
    expect(w.chunk(key, -1)).toBeUndefined();
    expect(w.chunk(key, Math.ceil(pages.length / CHUNK))).toBeUndefined();
    expect(w.chunk(key.subarray(0, 32), 0)).toBeUndefined();
  });
});

describe('the verify worker with pages it cannot batch', () => {
  it('hashes the PLD but gives no chunk when a page is not whole', () => {
    const pages = imagePages(CHUNK + 1, true);
    const short = [...pages.slice(0, 3), { ...(pages[3] as ImagePage), stored: (pages[3] as ImagePage).stored.subarray(0, 100) }, ...pages.slice(4)];
    const w = start(short);
    expect(w.chunk(key, 0)).toBeUndefined();
    expect(w.result()).toEqual(sha(short));
  });
});
