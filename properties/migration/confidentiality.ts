/**
 * The hypervisors never see a migrated page in the clear, nor the migration key (REQ-MIGR-1,
 * REQ-MIGR-10). Canaries: over a migration from one machine to the other and the paging of a page,
 * no 16-byte run of the guest's pages, of the image's CCK or of the migration key (which the owner
 * computes as the spec defines it, from the CCK, the nonce, the target's PHKH and the header's tag)
 * appears in any response or in the hypervisor's view after any step, except where the hypervisor
 * supplied it itself. Noninterference: two guests that differ only in the contents of their
 * memory, driven by the same schedule, give equal outcomes and equal hypervisor views once every
 * byte string is replaced by its length.
 * @module
 */
import fc from 'fast-check';
import { concatBytes, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { TAG_SIZE } from '../../model/se-format/format.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { collectBytes, type Observed, type Secret } from '../image-unpack/confidentiality.js';
import { SUITE } from '../image-unpack/fixtures.js';
import { scanLeak } from '../secure-dump/confidentiality.js';
import { canary, deliver, migrImage, MIGR_CONFIG, sendStream, sourceGuest, store, TARGET_PHKH, targetGuest, type MigrImage } from './fixtures.js';

/** The migration key as spec/migration.md defines it (REQ-MIGR-1): what the owner can compute. */
export function specMigrationKey(image: MigrImage, nonce: Uint8Array): Uint8Array {
  const headerTag = image.header.subarray(image.header.length - TAG_SIZE);
  return SUITE.hkdf('sha256', image.cck, nonce, concatBytes(utf8ToBytes('semodel/migration-key/v1'), TARGET_PHKH, headerTag), 32);
}

/** One schedule's record: each outcome and the hypervisor's view after each step, and the nonce. */
interface Record_ {
  readonly outcomes: PlatformOutcome[];
  readonly views: unknown[];
  readonly nonce: Uint8Array;
}

/** `value` with every byte string replaced by its length: what noninterference compares. */
export function shapeOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? `bytes:${v.length}` : v));
}

/**
 * Boots a source guest, writes `contents` into its area, pages one page of the area out and in,
 * migrates the area in `order` and delivers it to a target guest; records every outcome and view.
 */
function* schedule(image: MigrImage, pages: number, contents: readonly Uint8Array[], order: readonly number[]): Calls<Record_> {
  yield* sut.reset(MIGR_CONFIG);
  const outcomes: PlatformOutcome[] = [];
  const views: unknown[] = [];
  const note = function* (o: PlatformOutcome): Calls<PlatformOutcome> {
    outcomes.push(o);
    views.push(yield* sut.observe({ kind: 'hypervisor' }));
    return o;
  };
  const memoryPages = image.minPages + 8;
  const guest = yield* sourceGuest(image, memoryPages);
  for (let p = 0; p < pages; p++) yield* note(yield* store(guest, 1 + p, contents[p] ?? new Uint8Array(1)));
  const out = yield* note(yield* sut.apply({ kind: 'export-page', guest, page: 1 }));
  const content = out.kind === 'accepted' ? ((out.response as { content?: Uint8Array }).content ?? new Uint8Array(0)) : new Uint8Array(0);
  yield* note(yield* sut.apply({ kind: 'import-page', guest, page: 1, content }));
  const s = yield* sendStream(guest, 1, pages, order);
  views.push(yield* sut.observe({ kind: 'hypervisor' }));
  const target = yield* targetGuest(image, memoryPages);
  const d = yield* deliver(target, s.nonce, 1, pages, s.sent, s.global);
  yield* expectAccepted('REQ-MIGR-9', 'migration-receive-finish', d.finished ?? d.started, 'the honest migration');
  for (const o of [d.started, ...d.received]) outcomes.push(o);
  outcomes.push(d.finished ?? d.started);
  views.push(yield* sut.observe({ kind: 'hypervisor' }));
  return { outcomes, views, nonce: s.nonce };
}

/** REQ-MIGR-1, REQ-MIGR-10: no canary and no migration key in what the hypervisors see; equal views for different memory. */
export const migrationConfidential = defineProperty({
  mechanism: 'migration',
  name: 'migration-confidential',
  requirements: ['REQ-MIGR-1', 'REQ-MIGR-10'],
  statement:
    "Over a migration between the two machines and the paging of a page, no 16-byte run of the guest's migrated pages, of the image's CCK or of the migration key appears in any response or hypervisor view (except what the hypervisor supplied); and two guests that differ only in their memory, under the same schedule, give the same outcomes and the same hypervisor views up to the contents of byte strings (their lengths equal).",
  arbitrary: fc.record({ variant: fc.nat(3), pages: fc.integer({ min: 1, max: 3 }), order: fc.array(fc.nat(5), { maxLength: 3 }), salt: fc.nat() }),
  *run({ variant, pages, order, salt }) {
    const image = migrImage(variant);
    const a = Array.from({ length: pages }, (_, p) => canary(`conf a ${salt}/${p}`, PAGE_SIZE));
    const b = Array.from({ length: pages }, (_, p) => canary(`conf b ${salt}/${p}`, PAGE_SIZE));
    const ra = yield* schedule(image, pages, a, order);
    const observed: Observed[] = [];
    ra.outcomes.forEach((o, i) => collectBytes(o, `outcome ${i}`, observed));
    ra.views.forEach((v, i) => collectBytes(v, `view ${i}`, observed));
    const secrets: Secret[] = [...a.map((bytes, p) => ({ name: `page ${1 + p}`, bytes, window: 16 })), { name: 'the CCK', bytes: image.cck, window: 16 }];
    // The hypervisor supplied the image (header and pages) itself.
    const supplied = [image.header, ...image.pages.map((p) => p.stored)];
    const leak = scanLeak(secrets, observed, supplied);
    yield* holds('REQ-MIGR-10', leak === undefined, leak === undefined ? '' : `${leak.secret} (from byte ${leak.offset}) appears in ${leak.where}`);
    const keyLeak = scanLeak([{ name: 'the migration key', bytes: specMigrationKey(image, ra.nonce), window: 16 }], observed, supplied);
    yield* holds('REQ-MIGR-1', keyLeak === undefined, keyLeak === undefined ? '' : `the migration key (from byte ${keyLeak.offset}) appears in ${keyLeak.where}`);
    const rb = yield* schedule(image, pages, b, order);
    yield* holds('REQ-MIGR-10', shapeOf(ra.outcomes) === shapeOf(rb.outcomes), 'the outcomes depend on the guest memory');
    yield* holds('REQ-MIGR-10', shapeOf(ra.views) === shapeOf(rb.views), "the hypervisor's views depend on the guest memory beyond the contents of ciphertext");
  },
});
