// The SE header codec: errors in their fixed order, naming field, offset and reason; encode as
// the exact inverse of decode; totality on any bytes; and every bit of a real header protected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { decodeHeader, encodeHeader, headerAad, type HeaderError, type SeHeader } from '../../model/se-format/header-codec.js';
import { openHeader, type HostKeyPair } from '../../model/se-format/header-keys.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import { expectedOf, hostKeysOf, vectorFile } from './se-vectors.js';
import { PROPERTY_RUNS } from '../runs.js';

const V01 = '01-nks1-pcf-default';
const V02 = '02-nks2-dump-cck';
const header01 = vectorFile(V01, 'header.bin');
const header02 = vectorFile(V02, 'header.bin');

function errorOf(bytes: Uint8Array): Pick<HeaderError, 'reason' | 'field' | 'offset'> {
  const r = decodeHeader(bytes);
  if (r.ok) throw new Error('expected a decode error');
  return { reason: r.error.reason, field: r.error.field, offset: r.error.offset };
}

/** A copy of `bytes` changed by `edit`. */
function edited(bytes: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const b = Uint8Array.from(bytes);
  edit(b);
  return b;
}

describe('decodeHeader errors', () => {
  it.each([
    [0, 'HEADER_MALFORMED', 'magic', 0x00],
    [7, 'HEADER_MALFORMED', 'magic', 0x00],
    [10, 'HEADER_MALFORMED', 'version', 0x08],
    [0x30, 'HEADER_MALFORMED', 'nep', 0x30],
    [0x19f, 'HEADER_MALFORMED', 'tld', 0x160],
    [0x1a0, 'INCONSISTENT_SIZES', 'keySlots[0].phkh', 0x1a0],
    [0x1c5, 'INCONSISTENT_SIZES', 'keySlots[0].wrappedKey', 0x1c0],
    [0x1e0, 'INCONSISTENT_SIZES', 'keySlots[0].tag', 0x1e0],
    [0x1f0, 'INCONSISTENT_SIZES', 'encryptedArea', 0x1f0],
    [0x26f, 'INCONSISTENT_SIZES', 'encryptedArea', 0x1f0],
    [0x27f, 'INCONSISTENT_SIZES', 'tag', 0x270],
  ] as const)('a header cut to %i bytes is %s at %s (0x%s)', (length, reason, field, offset) => {
    expect(errorOf(header01.subarray(0, length))).toEqual({ reason, field, offset });
  });

  it('names the second slot when a two-slot header is cut inside it', () => {
    expect(errorOf(header02.subarray(0, 0x200))).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'keySlots[1].phkh', offset: 0x1f0 });
  });

  it('rejects a wrong magic as malformed, before the version', () => {
    const b = edited(header01, (x) => {
      x[3] = (x[3] ?? 0) ^ 0x20;
      writeU32(x, 0x08, 0x200);
    });
    expect(errorOf(b)).toEqual({ reason: 'HEADER_MALFORMED', field: 'magic', offset: 0 });
  });

  it('rejects a short input as malformed even when its magic is wrong too', () => {
    expect(errorOf(edited(header01, (x) => (x[0] = 0)).subarray(0, 0x100))).toEqual({ reason: 'HEADER_MALFORMED', field: 'pld', offset: 0xe0 });
  });

  it('rejects another version as unsupported, before any size check', () => {
    const b = edited(header01, (x) => {
      writeU32(x, 0x08, 0x101);
      writeU32(x, 0x0c, 12345);
    });
    expect(errorOf(b)).toEqual({ reason: 'UNSUPPORTED_VERSION', field: 'version', offset: 0x08 });
  });

  it('rejects a PHS that disagrees with NKS and SEA', () => {
    expect(errorOf(edited(header01, (x) => writeU32(x, 0x0c, 656)))).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c });
  });

  it('rejects an NKS that disagrees with PHS, even a huge one', () => {
    expect(errorOf(edited(header01, (x) => writeU64(x, 0x20, 2n)))).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c });
    expect(errorOf(edited(header01, (x) => writeU64(x, 0x20, 1n << 63n)))).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c });
  });

  it('rejects a consistent NKS the bytes do not hold: the first missing field', () => {
    const b = edited(header01, (x) => {
      writeU64(x, 0x20, 2n);
      writeU32(x, 0x0c, 720);
    });
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'encryptedArea', offset: 0x240 });
  });

  it('rejects an SEA below 128 or not a multiple of 16, with a consistent PHS', () => {
    for (const sea of [112, 136]) {
      const b = edited(header01, (x) => {
        writeU64(x, 0x28, BigInt(sea));
        writeU32(x, 0x0c, 0x1a0 + 80 + sea + 16);
      });
      expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'sea', offset: 0x28 });
    }
  });

  it('rejects a header larger than two pages', () => {
    const b = edited(header01, (x) => {
      writeU64(x, 0x20, 100n);
      writeU32(x, 0x0c, 0x1a0 + 8000 + 128 + 16);
    });
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c });
  });

  it('rejects zero key slots', () => {
    const b = edited(header01, (x) => {
      writeU64(x, 0x20, 0n);
      writeU32(x, 0x0c, 0x1a0 + 128 + 16);
    });
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'nks', offset: 0x20 });
  });

  it('rejects bytes after the header', () => {
    const b = new Uint8Array(header01.length + 1);
    b.set(header01);
    expect(errorOf(b)).toEqual({ reason: 'INCONSISTENT_SIZES', field: 'phs', offset: 0x0c });
  });

  it('rejects non-zero reserved bytes and customer key padding as malformed, naming the byte', () => {
    expect(errorOf(edited(header01, (x) => (x[0x1e] = 1)))).toEqual({ reason: 'HEADER_MALFORMED', field: 'reserved', offset: 0x1e });
    expect(errorOf(edited(header01, (x) => (x[0x45] = 1)))).toEqual({ reason: 'HEADER_MALFORMED', field: 'customerPublicKey.x', offset: 0x45 });
    expect(errorOf(edited(header01, (x) => (x[0x9d] = 0x80)))).toEqual({ reason: 'HEADER_MALFORMED', field: 'customerPublicKey.y', offset: 0x9d });
  });

  it('says what is wrong in its message', () => {
    const r = decodeHeader(edited(header01, (x) => writeU32(x, 0x08, 0x200)));
    expect(r.ok ? '' : r.error.message).toMatch(/0x200/);
  });
});

describe('encodeHeader', () => {
  it.each([V01, V02])('is the exact inverse of decodeHeader on %s', (name) => {
    const bytes = vectorFile(name, 'header.bin');
    const h = decodeHeader(bytes);
    expect(h.ok && encodeHeader(h.value)).toEqual(bytes);
  });

  it('headerAad of bytes and of the decoded header are the same 0x1A0 + 80·NKS bytes', () => {
    const h = decodeHeader(header02);
    if (!h.ok) throw new Error('vector 02 does not decode');
    expect(headerAad(h.value)).toEqual(header02.subarray(0, 0x1a0 + 160));
    expect(headerAad(header02)).toEqual(header02.subarray(0, 0x1a0 + 160));
    expect(headerAad(header02.subarray(0, 0x30))).toEqual(header02.subarray(0, 0x30));
  });
});

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** Any header the codec should accept: 1–4 slots, SEA 128…192, any field values. */
const arbHeader: fc.Arbitrary<SeHeader> = fc
  .record({
    nks: fc.integer({ min: 1, max: 4 }),
    extra: fc.integer({ min: 0, max: 4 }),
    iv: bytes(12),
    nep: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    pcf: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    x: bytes(66),
    y: bytes(66),
    pld: bytes(64),
    ald: bytes(64),
    tld: bytes(64),
    tag: bytes(16),
    seed: bytes(32),
  })
  .chain((r) =>
    fc.record({
      slots: fc.array(fc.record({ phkh: bytes(32), wrappedKey: bytes(32), tag: bytes(16) }), { minLength: r.nks, maxLength: r.nks }),
      area: bytes(128 + 16 * r.extra),
    }).map(({ slots, area }): SeHeader => ({
      version: 0x100,
      phs: 0x1a0 + 80 * r.nks + area.length + 16,
      iv: r.iv,
      nks: r.nks,
      sea: area.length,
      nep: r.nep,
      pcf: r.pcf,
      customerPublicKey: { x: r.x, y: r.y },
      pld: r.pld,
      ald: r.ald,
      tld: r.tld,
      keySlots: slots,
      encryptedArea: area,
      tag: r.tag,
    })),
  );

describe('decodeHeader properties', () => {
  it('never throws on arbitrary bytes, and re-encodes any header it accepts to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => {
        const r = decodeHeader(b);
        if (r.ok) expect(encodeHeader(r.value)).toEqual(b);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('never throws on a real header with random bytes overwritten', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: header02.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat({ max: 800 }), (edits, length) => {
        const b = edited(header02, (x) => edits.forEach(([at, v]) => (x[at] = v))).subarray(0, length);
        const r = decodeHeader(b);
        if (r.ok) expect(encodeHeader(r.value)).toEqual(b);
        else expect(r.error.offset).toBeLessThanOrEqual(Math.max(length, 0x1a0));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('round-trips every well-formed header: decode(encode(h)) = h', () => {
    fc.assert(
      fc.property(arbHeader, (h) => {
        const b = encodeHeader(h);
        expect(b.length).toBe(h.phs);
        const r = decodeHeader(b);
        expect(r.ok && r.value).toEqual(h);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('a real header is protected in every bit', () => {
  it('flipping any one of the 640·8 bits of vector 01 makes decode or openHeader fail', () => {
    const host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    // The flips share a handful of ECDH inputs: remember them instead of recomputing on P-521.
    const suite = memoizeKeyAgreement(nobleSuite);
    const original = decodeHeader(header01);
    expect(original.ok && openHeader(suite, original.value, host).ok).toBe(true);
    const outcomes = new Map<string, number>();
    for (let bit = 0; bit < header01.length * 8; bit++) {
      const b = edited(header01, (x) => (x[bit >> 3] = (x[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7))));
      const h = decodeHeader(b);
      const outcome = h.ok ? (() => {
        const o = openHeader(suite, h.value, host);
        return o.ok ? 'opened' : o.error.check;
      })() : h.error.reason;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(outcomes.get('opened')).toBeUndefined();
    // Every layer of defence is exercised: each kind of failure occurs.
    expect([...outcomes.keys()].sort()).toEqual(['HEADER_AUTH', 'HEADER_MALFORMED', 'INCONSISTENT_SIZES', 'KEY_SLOT_AUTH', 'NO_KEY_SLOT', 'UNSUPPORTED_VERSION']);
    expect(outcomes.get('NO_KEY_SLOT')).toBe(256); // exactly the PHKH's bits
  });
});
