/**
 * Properties of the header codec and of set-header against damaged headers.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import { decodeHeader, encodeHeader, headerSize, type SeHeader } from '../../model/se-format/header-codec.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { arbImage, CONFIG, MACHINE } from './fixtures.js';
import { createdGuest, phaseOf } from './schedules.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** Any header the format can express: 1 to 4 key slots, an encrypted area of 128 to 176 bytes. */
export const arbHeader: fc.Arbitrary<SeHeader> = fc
  .record({
    nks: fc.integer({ min: 1, max: 4 }),
    extra: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ nks, extra }) =>
    fc.record({
      version: fc.constant(0x100),
      phs: fc.constant(headerSize(nks, 128 + 16 * extra)),
      iv: bytes(12),
      nks: fc.constant(nks),
      sea: fc.constant(128 + 16 * extra),
      nep: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      pcf: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      // P-521 coordinates are below 2^521: the top byte of 66 holds one bit.
      customerPublicKey: fc.record({
        x: bytes(66).map((b) => ((b[0] = (b[0] ?? 0) & 1), b)),
        y: bytes(66).map((b) => ((b[0] = (b[0] ?? 0) & 1), b)),
      }),
      pld: bytes(64),
      ald: bytes(64),
      tld: bytes(64),
      keySlots: fc.array(fc.record({ phkh: bytes(32), wrappedKey: bytes(32), tag: bytes(16) }), { minLength: nks, maxLength: nks }),
      encryptedArea: bytes(128 + 16 * extra),
      tag: bytes(16),
    }),
  );

/** REQ-UNPACK-3: encode and decode are inverse; decode is total. */
export const codecRoundTrip = defineProperty({
  mechanism: 'image-unpack',
  name: 'header-codec-round-trip',
  requirements: ['REQ-UNPACK-3'],
  statement: 'decode(encode(h)) = h for every header; decode never throws, and encode(decode(b)) = b whenever b decodes.',
  arbitrary: fc.tuple(arbHeader, fc.uint8Array({ maxLength: 900 }), fc.nat(), fc.integer({ min: 1, max: 255 })),
  modelOnly: true,
  *run([h, junk, at, xor]) {
    const encoded = encodeHeader(h);
    const back = decodeHeader(encoded);
    yield* holds('REQ-UNPACK-3', back.ok && bytesToHex(encodeHeader(back.value)) === bytesToHex(encoded), 'decode(encode(h)) differs from h');
    // A damaged or arbitrary byte string: a result, never an exception, and a faithful one if accepted.
    const damaged = Uint8Array.from(encoded);
    damaged[at % damaged.length] = (damaged[at % damaged.length] ?? 0) ^ xor;
    for (const input of [junk, damaged]) {
      const r = decodeHeader(input);
      yield* holds('REQ-UNPACK-3', !r.ok || bytesToHex(encodeHeader(r.value)) === bytesToHex(input), 'an accepted byte string does not re-encode to itself');
    }
  },
});

/** REQ-UNPACK-3, -4, -5: every single flipped header bit is refused by set-header. */
export const headerBitFlipRejected = defineProperty({
  mechanism: 'image-unpack',
  name: 'header-bit-flip-rejected',
  requirements: ['REQ-UNPACK-3', 'REQ-UNPACK-4', 'REQ-UNPACK-5'],
  statement: 'Flipping any single bit of a valid header makes set-header fail, so the guest stays in created.',
  arbitrary: fc.tuple(arbImage, fc.nat()),
  *run([image, bit]) {
    const header = Uint8Array.from(image.header);
    const at = bit % (header.length * 8);
    header[at >> 3] = (header[at >> 3] ?? 0) ^ (1 << (at & 7));
    yield* sut.reset(CONFIG);
    const guest = createdGuest(yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages }));
    const o = yield* sut.apply({ kind: 'set-header', guest, header });
    const req = o.kind === 'rejected' ? o.requirement : 'REQ-UNPACK-5';
    const ok = o.kind === 'rejected' && ['REQ-UNPACK-3', 'REQ-UNPACK-4', 'REQ-UNPACK-5'].includes(o.requirement);
    yield* holds(req, ok, `flipping header bit ${at} gave ${o.kind === 'rejected' ? o.code : 'accepted'}`);
    yield* holds(req, (yield* phaseOf(guest)) === 'created', 'a refused header changed the phase');
  },
});
