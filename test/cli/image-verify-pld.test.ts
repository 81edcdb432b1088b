import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { predictedDigest, type PageHashJob } from '../../cli/image-verify-pld.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';

const pages = Array.from({ length: 5 }, (_, i) => Uint8Array.from({ length: 4096 }, (_, j) => (i * 31 + j * 7) & 0xff));
const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
/** A job that answers a fixed value: shows when the prediction is used and when not. */
const marker = new Uint8Array(64).fill(0xab);
const fake: PageHashJob = { result: () => marker, stop: () => undefined };

describe('the PLD predicted from a job that hashes the pages elsewhere', () => {
  it('answers from the job only after exactly the predicted pages', () => {
    const d = pages.reduce((s, p) => s.update(p), predictedDigest(nodeSuite.sha512Init(), pages, fake));
    expect(d.digest()).toEqual(marker);
  });

  it('is the base digest for every other history: fewer pages, another page, more data, small updates', () => {
    const start = () => predictedDigest(nodeSuite.sha512Init(), pages, fake);
    const [p0, p1, p2] = pages as [Uint8Array, Uint8Array, Uint8Array];
    expect(start().digest()).toEqual(sha());
    expect(start().update(p0).update(p1).digest()).toEqual(sha(p0, p1));
    expect(start().update(p0).update(p2).digest()).toEqual(sha(p0, p2));
    const all = pages.reduce((s, p) => s.update(p), start());
    expect(all.update(Uint8Array.of(1)).digest()).toEqual(sha(...pages, Uint8Array.of(1)));
    expect(start().update(Uint8Array.of(0, 0, 0, 0, 0, 0, 16, 0)).update(p0).digest()).toEqual(sha(Uint8Array.of(0, 0, 0, 0, 0, 0, 16, 0), p0));
    const changed = Uint8Array.from(p1);
    changed[4095] = (changed[4095] ?? 0) ^ 1;
    expect(start().update(p0).update(changed).digest()).toEqual(sha(p0, changed));
  });

  it('stays immutable: a branch does not change the state it came from', () => {
    const one = predictedDigest(nodeSuite.sha512Init(), pages, fake).update(pages[0] as Uint8Array);
    one.update(Uint8Array.of(9));
    const rest = pages.slice(1).reduce((s, p) => s.update(p), one);
    expect(rest.digest()).toEqual(marker);
    expect(one.digest()).toEqual(sha(pages[0] as Uint8Array));
  });

  it('falls back to the base digest when the worker failed', () => {
    const failed: PageHashJob = { result: () => undefined, stop: () => undefined };
    const d = pages.reduce((s, p) => s.update(p), predictedDigest(nodeSuite.sha512Init(), pages, failed));
    expect(d.digest()).toEqual(sha(...pages));
  });
});
