/**
 * Paging out and back in on one machine (REQ-MIGR-11, REQ-MIGR-12): an exported page leaves
 * secure memory as ciphertext; importing the copy of its last export restores exactly what was
 * exported, while an older export of the same page, or a copy with one bit flipped, is refused
 * and the page stays out until its right copy comes back.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { flipped } from './gate.js';
import { areaOf, canary, migrImage, MIGR_CONFIG, samePages, sourceGuest, store } from './fixtures.js';

/** The content of an accepted export. */
function contentOf(o: { kind: string; response?: unknown }): Uint8Array {
  return o.kind === 'accepted' ? ((o.response as { content?: Uint8Array }).content ?? new Uint8Array(0)) : new Uint8Array(0);
}

/** Exports page `page` of `guest`; the content the hypervisor gets. */
function* exported(guest: number, page: number): Calls<Uint8Array> {
  const o = yield* sut.apply({ kind: 'export-page', guest, page });
  yield* expectAccepted('REQ-MIGR-11', 'export-page', o, `export page ${page}`);
  return contentOf(o);
}

/** REQ-MIGR-11, REQ-MIGR-12: import gives back exactly the last export; stale and altered copies are refused. */
export const pagingRoundTrip = defineProperty({
  mechanism: 'migration',
  name: 'paging-round-trip',
  requirements: ['REQ-MIGR-11', 'REQ-MIGR-12'],
  statement:
    "A page exported and imported back holds exactly what it held when it was last exported, over rounds in which the guest rewrites it; while it is out, the guest's view does not hold it and its content is not the plaintext; importing an older export of the same page, or the last one with a bit flipped, is refused and the page stays out.",
  arbitrary: fc.record({ variant: fc.nat(3), page: fc.nat(7), rounds: fc.integer({ min: 2, max: 4 }), at: fc.nat(4095), bit: fc.nat(7), stale: fc.boolean() }),
  *run({ variant, page, rounds, at, bit, stale }) {
    yield* sut.reset(MIGR_CONFIG);
    const image = migrImage(variant);
    const guest = yield* sourceGuest(image, image.minPages + 8);
    const copies: Uint8Array[] = [];
    for (let r = 0; r < rounds; r++) {
      const plain = canary(`paging ${variant}/${page}/${r}`, 128);
      yield* expectAccepted('REQ-INTCP-3', 'guest-store', yield* store(guest, page, plain), `round ${r}: the guest writes the page`);
      const expected = yield* areaOf(guest, page, 1);
      const content = yield* exported(guest, page);
      copies.push(content);
      const out = yield* sut.observe({ kind: 'guest', guest });
      yield* holds('REQ-MIGR-11', out !== null && 'memory' in out && !out.memory.some((p) => p.page === page), `round ${r}: the exported page is still in secure memory`);
      yield* holds('REQ-MIGR-11', !Buffer.from(content).includes(Buffer.from(plain.subarray(0, 32))), `round ${r}: the export holds the plaintext`);
      const older = copies[0];
      if (stale && r > 0 && older !== undefined) yield* expectCode('import-page', yield* sut.apply({ kind: 'import-page', guest, page, content: older }), 'IMPORT_INTEGRITY_FAILED', `round ${r}: an older export`);
      else yield* expectCode('import-page', yield* sut.apply({ kind: 'import-page', guest, page, content: flipped(content, at, bit) }), 'IMPORT_INTEGRITY_FAILED', `round ${r}: a flipped bit`);
      yield* expectAccepted('REQ-MIGR-12', 'import-page', yield* sut.apply({ kind: 'import-page', guest, page, content }), `round ${r}: the last export`);
      const back = yield* areaOf(guest, page, 1);
      yield* holds('REQ-MIGR-12', expected !== null && back !== null && samePages(expected, back), `round ${r}: the imported page differs from the exported one`);
    }
  },
});
