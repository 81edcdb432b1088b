/**
 * Both machines' hypervisors interleave their calls adversarially (REQ-MIGR-5, REQ-MIGR-8,
 * REQ-MIGR-9): a drawn schedule mixes the source's sendings, re-sendings and finish, the guest's
 * stores, the target's start of receiving, deliveries of any sending made so far (older versions
 * and duplicates included, in any order) and the global value at any point. Whatever the
 * schedule, a target that runs holds exactly the source's memory of the area, and only after the
 * source finished; the area never changes while it migrates; and a target that did not fail still
 * initializes once the latest version of every location and the global value reach it.
 * @module
 */
import fc from 'fast-check';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { areaOf, canary, latestOf, migrImage, MIGR_CONFIG, phaseOf, samePages, sourceGuest, store, TARGET_PHKH, targetGuest, type Sent } from './fixtures.js';

/** One move of the two hypervisors (and the source guest). */
export type Move =
  | { readonly op: 'send'; readonly k: number }
  | { readonly op: 'deliver'; readonly k: number }
  | { readonly op: 'store'; readonly k: number }
  | { readonly op: 'receive-start' }
  | { readonly op: 'finish' }
  | { readonly op: 'global' };

/** A move. */
export const arbMove: fc.Arbitrary<Move> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('send' as const), k: fc.nat(7) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('deliver' as const), k: fc.nat(63) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('store' as const), k: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'receive-start' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'finish' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'global' as const }) },
);

/** The response fields of an accepted outcome, or undefined. */
function responseOf(o: PlatformOutcome): Record<string, unknown> | undefined {
  return o.kind === 'accepted' ? (o.response as Record<string, unknown>) : undefined;
}

/** REQ-MIGR-5, -8, -9: under any interleaving of both machines, a running target holds exactly the source's area. */
export const migrationInterleaved = defineProperty({
  mechanism: 'migration',
  name: 'migration-interleaved',
  requirements: ['REQ-MIGR-5', 'REQ-MIGR-8', 'REQ-MIGR-9'],
  statement:
    "Under any interleaving of the source's sendings, re-sendings and finish, the guest's stores into the area, the target's start of receiving, deliveries of any sending made so far in any order, and the global value at any time: stores into the area are refused, a target that runs does so only after the source finished and with exactly the source's memory of the area, and a target that did not fail initializes once the latest version of every location and the global value reach it.",
  arbitrary: fc.record({ variant: fc.nat(3), first: fc.nat(3), pages: fc.integer({ min: 1, max: 4 }), moves: fc.array(arbMove, { maxLength: 24 }) }),
  *run({ variant, first, pages, moves }) {
    yield* sut.reset(MIGR_CONFIG);
    const image = migrImage(variant);
    const memoryPages = image.minPages + 8;
    const source = yield* sourceGuest(image, memoryPages);
    for (let p = first; p < first + pages; p++) yield* expectAccepted('REQ-INTCP-3', 'guest-store', yield* store(source, p, canary(`interleaved ${variant}/${p}`, 64)), 'fill the area');
    const expected = yield* areaOf(source, first, pages);
    const started = responseOf(yield* sut.apply({ kind: 'migration-start', guest: source, first, pages, target: TARGET_PHKH }));
    const nonce = started?.['nonce'] as Uint8Array;
    const target = yield* targetGuest(image, memoryPages);
    const produced: Sent[] = [];
    let global: Uint8Array | null = null;
    let receiving = false;
    const deliver = function* (s: Sent): Calls<void> {
      yield* sut.apply({ kind: 'migration-receive', guest: target, location: s.location, counter: s.counter, content: s.content, integrity: s.integrity });
    };
    const send = function* (location: number): Calls<void> {
      const r = responseOf(yield* sut.apply({ kind: 'migration-send', guest: source, location }));
      if (r !== undefined) produced.push({ location, counter: r['counter'] as number, content: r['content'] as Uint8Array, integrity: r['integrity'] as Uint8Array });
    };
    for (const m of moves) {
      if (m.op === 'send') yield* send(first + (m.k % pages));
      else if (m.op === 'deliver' && produced.length > 0) yield* deliver(produced[m.k % produced.length] as Sent);
      else if (m.op === 'store') {
        const o = yield* store(source, first + (m.k % pages), canary(`late ${m.k}`, 8));
        yield* holds('REQ-MIGR-5', global !== null || (o.kind === 'rejected' && o.code === 'AREA_LOCKED'), `a store into the area during the migration was ${o.kind === 'accepted' ? 'accepted' : o.code}`);
      } else if (m.op === 'receive-start' && !receiving) receiving = (yield* sut.apply({ kind: 'migration-receive-start', guest: target, nonce, first, pages })).kind === 'accepted';
      else if (m.op === 'finish' && global === null) global = (responseOf(yield* sut.apply({ kind: 'migration-finish', guest: source }))?.['global'] as Uint8Array | undefined) ?? null;
      else if (m.op === 'global') yield* sut.apply({ kind: 'migration-receive-finish', guest: target, global: global ?? new Uint8Array(32) });
      const ran = (yield* phaseOf(target)) === 'running';
      yield* holds('REQ-MIGR-9', !ran || global !== null, 'the target runs before the source finished');
    }
    // The honest end: the source finishes, the latest of every location and the global value reach the target.
    if (global === null) {
      for (let p = first; p < first + pages; p++) yield* send(p);
      global = (responseOf(yield* sut.apply({ kind: 'migration-finish', guest: source }))?.['global'] as Uint8Array | undefined) ?? null;
    }
    const failed = (yield* phaseOf(target)) === 'verify-failed';
    if (!receiving && !failed) receiving = (yield* sut.apply({ kind: 'migration-receive-start', guest: target, nonce, first, pages })).kind === 'accepted';
    for (const s of latestOf(produced).values()) yield* deliver(s);
    if (global !== null) yield* sut.apply({ kind: 'migration-receive-finish', guest: target, global });
    const phase = yield* phaseOf(target);
    const got = yield* areaOf(target, first, pages);
    yield* holds('REQ-MIGR-9', phase !== 'running' || (got !== null && expected !== null && samePages(got, expected)), "the target runs with memory other than the source's area");
    yield* holds('REQ-MIGR-8', failed || phase === 'running', `the target that did not fail did not initialize after the whole stream (${phase ?? 'missing'})`);
  },
});
