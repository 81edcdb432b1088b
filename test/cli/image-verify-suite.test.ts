// cli/image-verify-suite.ts: the batched XTS `image verify` runs the model with answers exactly as
// the node suite does, on every page of an image, and falls back to it for anything else.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { batchedVerifySuite, type ChunkSource } from '../../cli/image-verify-suite.js';
import { startVerifyWorker } from '../../cli/image-verify-worker.js';

const key = Uint8Array.from(randomBytes(64));
/** 150 pages: two whole chunks of 64 and a short one; tweaks as an image spells them. */
const pages: ImagePage[] = Array.from({ length: 150 }, (_, i) => {
  const tweak = new Uint8Array(16);
  tweak[0] = 0x00;
  tweak[1] = 0x01;
  new DataView(tweak.buffer).setBigUint64(8, BigInt(i * PAGE_SIZE));
  return { address: BigInt(i * PAGE_SIZE), tweak, stored: Uint8Array.from(randomBytes(PAGE_SIZE)) };
});

/** The suite on this thread alone, and with the verify worker decrypting ahead. */
const started: { stop(): void }[] = [];
const variants: [string, (of: readonly ImagePage[]) => ChunkSource | undefined][] = [
  ['on this thread', () => undefined],
  [
    'with the verify worker',
    (of) => {
      const w = startVerifyWorker(of, 64);
      if (w !== undefined) started.push(w);
      return w;
    },
  ],
];
afterEach(() => {
  for (const w of started.splice(0)) w.stop();
});

describe.each(variants)('batchedVerifySuite %s', (_, ahead) => {
  it('decrypts every page as the node suite does, in order and out of order', () => {
    const suite = batchedVerifySuite(nodeSuite, pages, 64, ahead(pages));
    const order = [...pages.keys(), 149, 0, 70, 3, 128];
    for (const i of order) {
      const p = pages[i] as ImagePage;
      expect(Buffer.from(suite.aesXtsDecrypt(key, p.tweak, p.stored)).equals(nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored))).toBe(true);
    }
  });

  it('goes to the node suite for data that is not the stored page, another key, or a page not in the image', () => {
    const suite = batchedVerifySuite(nodeSuite, pages, 64, ahead(pages));
    const p = pages[5] as ImagePage;
    const edited = Uint8Array.from(p.stored);
    edited[4095] = (edited[4095] ?? 0) ^ 1;
    const other = Uint8Array.from(randomBytes(64));
    const foreign = Uint8Array.from(randomBytes(16));
    for (const [k, tweak, data] of [
      [key, p.tweak, edited],
      [other, p.tweak, p.stored],
      [key, foreign, p.stored],
      [key, p.tweak, p.stored.subarray(0, 2048)],
    ] as const) {
      expect(Buffer.from(suite.aesXtsDecrypt(k, tweak, data)).equals(nodeSuite.aesXtsDecrypt(k, tweak, data))).toBe(true);
    }
    // And back under the first key, after another key was seen.
    expect(Buffer.from(suite.aesXtsDecrypt(key, p.tweak, p.stored)).equals(nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored))).toBe(true);
  });

  it('answers a page whose tweak an earlier page has as the node suite does, asked in order', () => {
    const twice = pages.map((p, i) => (i === 10 ? { ...p, tweak: (pages[3] as ImagePage).tweak } : p));
    const suite = batchedVerifySuite(nodeSuite, twice, 64, ahead(twice));
    for (const p of twice.slice(0, 12)) {
      expect(Buffer.from(suite.aesXtsDecrypt(key, p.tweak, p.stored)).equals(nodeSuite.aesXtsDecrypt(key, p.tweak, p.stored))).toBe(true);
    }
  });

  it('fails as the node suite fails for a key whose halves are equal', () => {
    const suite = batchedVerifySuite(nodeSuite, pages, 64, ahead(pages));
    const half = Uint8Array.from(randomBytes(32));
    const equal = new Uint8Array(64);
    equal.set(half);
    equal.set(half, 32);
    const p = pages[1] as ImagePage;
    let expected: unknown;
    try {
      expected = nodeSuite.aesXtsDecrypt(equal, p.tweak, p.stored);
    } catch (e) {
      expected = e instanceof Error ? e.message : e;
    }
    let got: unknown;
    try {
      got = suite.aesXtsDecrypt(equal, p.tweak, p.stored);
    } catch (e) {
      got = e instanceof Error ? e.message : e;
    }
    expect(got).toEqual(expected);
  });

  it('keeps its answers: a later chunk does not change a page handed out before', () => {
    const suite = batchedVerifySuite(nodeSuite, pages, 64, ahead(pages));
    const first = suite.aesXtsDecrypt(key, (pages[0] as ImagePage).tweak, (pages[0] as ImagePage).stored);
    const copy = Uint8Array.from(first);
    suite.aesXtsDecrypt(key, (pages[100] as ImagePage).tweak, (pages[100] as ImagePage).stored);
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });
});
