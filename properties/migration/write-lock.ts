/**
 * While a migration runs, the area does not change (REQ-MIGR-5): the guest's stores into it and
 * the hypervisor's export of its pages are refused, stores outside it go through. After the
 * migration is abandoned the area is writable again and the guest runs on; after it is finished
 * the source guest is migrated: it never runs again, so one guest never runs twice (REQ-MIGR-6).
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { areaOf, canary, migrImage, MIGR_CONFIG, phaseOf, samePages, sendStream, sourceGuest, TARGET_PHKH } from './fixtures.js';

/** REQ-MIGR-5, REQ-MIGR-6: the area is locked during a migration; abandoned, it is free again; finished, the source never runs again. */
export const migrationWriteLock = defineProperty({
  mechanism: 'migration',
  name: 'migration-write-lock',
  requirements: ['REQ-MIGR-2', 'REQ-MIGR-5', 'REQ-MIGR-6'],
  statement:
    "During a migration, a guest store or store of registers that touches a page of the area, and the export of a page of the area, are refused with AREA_LOCKED and the area stays as it was, while a store outside it is accepted; after an abandon the store into the area is accepted and a new migration may start; after a finish the source guest is migrated: it has no secure memory, and its stores, a new migration, an export and a start are all refused.",
  arbitrary: fc.record({ variant: fc.nat(3), first: fc.nat(3), pages: fc.integer({ min: 1, max: 3 }), offset: fc.nat(PAGE_SIZE - 1), length: fc.integer({ min: 1, max: 64 }), end: fc.constantFrom('abandon', 'finish') }),
  *run({ variant, first, pages, offset, length, end }) {
    yield* sut.reset(MIGR_CONFIG);
    const image = migrImage(variant);
    const memoryPages = image.minPages + 8;
    const guest = yield* sourceGuest(image, memoryPages);
    yield* expectAccepted('REQ-MIGR-2', 'migration-start', yield* sut.apply({ kind: 'migration-start', guest, first, pages, target: TARGET_PHKH }), 'start');
    const before = yield* areaOf(guest, first, pages);
    const inside = BigInt((first + (offset % pages)) * PAGE_SIZE + offset);
    yield* expectCode('guest-store', yield* sut.apply({ kind: 'guest-store', guest, address: inside, bytes: canary(`lock ${offset}`, length) }), 'AREA_LOCKED', 'a store into the area');
    // A store that ends in the area's first page, starting before it (when there is room).
    if (first > 0) yield* expectCode('guest-store', yield* sut.apply({ kind: 'guest-store', guest, address: BigInt(first * PAGE_SIZE - 1), bytes: canary('straddle', 2) }), 'AREA_LOCKED', 'a store straddling into the area');
    yield* expectCode('guest-store-registers', yield* sut.apply({ kind: 'guest-store-registers', guest, address: BigInt((first + pages) * PAGE_SIZE - 64) }), 'AREA_LOCKED', 'a store of registers into the area');
    yield* expectCode('export-page', yield* sut.apply({ kind: 'export-page', guest, page: first + (offset % pages) }), 'AREA_LOCKED', 'an export of a page of the area');
    const outside = BigInt((first + pages) * PAGE_SIZE + (offset % 2048));
    yield* expectAccepted('REQ-MIGR-5', 'guest-store', yield* sut.apply({ kind: 'guest-store', guest, address: outside, bytes: canary('outside', length) }), 'a store outside the area');
    const during = yield* areaOf(guest, first, pages);
    yield* holds('REQ-MIGR-5', before !== null && during !== null && samePages(before, during), 'the area changed during the migration');
    if (end === 'abandon') {
      yield* expectAccepted('REQ-MIGR-6', 'migration-abandon', yield* sut.apply({ kind: 'migration-abandon', guest }), 'abandon');
      yield* expectAccepted('REQ-MIGR-6', 'guest-store', yield* sut.apply({ kind: 'guest-store', guest, address: inside, bytes: canary('after', length) }), 'a store into the area after the abandon');
      yield* expectCode('migration-send', yield* sut.apply({ kind: 'migration-send', guest, location: first }), 'NO_MIGRATION', 'a send after the abandon');
      yield* holds('REQ-MIGR-6', (yield* phaseOf(guest)) === 'running', 'the guest stopped running after an abandon');
      yield* expectAccepted('REQ-MIGR-2', 'migration-start', yield* sut.apply({ kind: 'migration-start', guest, first, pages, target: TARGET_PHKH }), 'a new migration after the abandon');
      return;
    }
    yield* expectAccepted('REQ-MIGR-6', 'migration-abandon', yield* sut.apply({ kind: 'migration-abandon', guest }), 'abandon, to send a whole stream');
    yield* sendStream(guest, first, pages, []);
    yield* holds('REQ-MIGR-6', (yield* phaseOf(guest)) === 'migrated', 'the source is not migrated after the finish');
    const view = yield* sut.observe({ kind: 'guest', guest });
    yield* holds('REQ-MIGR-6', view !== null && 'memory' in view && view.memory.length === 0, 'the migrated source still holds secure memory');
    const refused = [
      yield* sut.apply({ kind: 'guest-store', guest, address: outside, bytes: canary('late', 4) }),
      yield* sut.apply({ kind: 'migration-start', guest, first, pages, target: TARGET_PHKH }),
      yield* sut.apply({ kind: 'export-page', guest, page: first }),
      yield* sut.apply({ kind: 'start', guest }),
    ];
    yield* holds('REQ-MIGR-6', refused.every((o) => o.kind === 'rejected'), 'the migrated source ran again (a store, a migration, an export or a start was accepted)');
    yield* holds('REQ-MIGR-6', (yield* phaseOf(guest)) === 'migrated', 'the migrated source left its phase');
  },
});
