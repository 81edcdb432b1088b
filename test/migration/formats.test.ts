// The sealing and the global value of spec/migration.md ("Decisions"), computed a second way
// here with node:crypto, for both suites (model-only: the firmware's functions, not a handler).
// A page's sealing is AES-256-GCM under the key with IV = location ‖ counter ‖ four zero bytes and
// additional data = ID ‖ location ‖ counter; the global value is HMAC-SHA-256 over the label, the
// nonce, first and pages (u32 each) and the SHA-512 of one entry per location (location ‖ counter ‖
// integrity value). Locations and counters use all four bytes, so that a byte out of place
// shows; the areas cross the digest's internal chunk of 2,730 entries.
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, PAGE_SIZE, u32be as u32, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { globalValue, openPage, pagingId, sealPage } from '../../model/migration/firmware.js';

const SUITES = [nodeSuite, nobleSuite] as const;
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 3);
const NONCE = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
/** A page whose every byte depends on its place and on `seed`. */
const page = (seed: number): Uint8Array => Uint8Array.from({ length: PAGE_SIZE }, (_, i) => (i * 31 + seed) & 0xff);

/** The spec's sealing, with node:crypto. */
function specSeal(id: Uint8Array, location: number, counter: number, plain: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv('aes-256-gcm', KEY, concatBytes(u32(location), u32(counter), new Uint8Array(4)));
  c.setAAD(concatBytes(id, u32(location), u32(counter)));
  const ciphertext = new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  return { ciphertext, tag: new Uint8Array(c.getAuthTag()) };
}

/** A location's latest sending, different for every location. */
function latest(loc: number): { counter: number; tag: Uint8Array } {
  return { counter: ((loc * 0x01010101) ^ 0x8040_2010) >>> 0 || 1, tag: Uint8Array.from({ length: 16 }, (_, i) => (loc * 13 + i) & 0xff) };
}

/** The spec's global value, with node:crypto. */
function specGlobal(first: number, pages: number): Uint8Array {
  const entries = createHash('sha512');
  for (let loc = first; loc < first + pages; loc++) {
    const l = latest(loc);
    entries.update(concatBytes(u32(loc), u32(l.counter), l.tag));
  }
  const data = concatBytes(utf8ToBytes('semodel/migration-global/v1'), NONCE, u32(first), u32(pages), new Uint8Array(entries.digest()));
  return new Uint8Array(createHmac('sha256', KEY).update(data).digest());
}

describe('the migration formats of the spec', () => {
  it('a page is sealed as the spec says, under the migration ID and the paging label alike', () => {
    for (const suite of SUITES) {
      for (const [id, location, counter] of [
        [NONCE, 0x0102_0304, 0x0a0b_0c0d],
        [NONCE, 3, 1],
        [pagingId(), 0x00fe_dcba, 0xffff_ffff],
      ] as const) {
        const plain = page(location);
        expect(sealPage(suite, KEY, id, location, counter, plain), `${suite.name} ${location}/${counter}`).toEqual(specSeal(id, location, counter, plain));
      }
    }
  });

  it('the paging label is the spec\'s', () => {
    expect(pagingId()).toEqual(utf8ToBytes('semodel/paging/v1'));
  });

  it('a sealing opens only with its own location, counter and ID', () => {
    for (const suite of SUITES) {
      const plain = page(9);
      const s = specSeal(NONCE, 0x0102_0304, 0x0506_0708, plain);
      expect(openPage(suite, KEY, NONCE, 0x0102_0304, 0x0506_0708, s.ciphertext, s.tag)).toEqual(plain);
      expect(openPage(suite, KEY, NONCE, 0x0102_0304, 0x0506_0709, s.ciphertext, s.tag)).toBeUndefined();
      expect(openPage(suite, KEY, NONCE, 0x0102_0305, 0x0506_0708, s.ciphertext, s.tag)).toBeUndefined();
      expect(openPage(suite, KEY, pagingId(), 0x0102_0304, 0x0506_0708, s.ciphertext, s.tag)).toBeUndefined();
    }
  });

  it('the global value is the spec\'s, for areas inside, at and across the digest\'s chunks', () => {
    for (const suite of SUITES) {
      for (const [first, pages] of [
        [0, 1],
        [0x0102, 3],
        [7, 2730],
        [0x0001_0203, 2 * 2730 + 17],
      ] as const) {
        expect(globalValue(suite, KEY, NONCE, { first, pages }, latest), `${suite.name} [${first}, +${pages})`).toEqual(specGlobal(first, pages));
      }
    }
  });
});
