/**
 * The target initializes if and only if what it received is the source's latest memory of the
 * area, and then with exactly that memory (REQ-MIGR-7 to REQ-MIGR-9). Both hypervisors are the
 * adversary: the stream is delivered in a drawn order, and then duplicated, reordered, replayed
 * with older versions, with a location dropped, spliced from another migration of another area
 * of the same guest or from another guest's migration, truncated, its global value changed or
 * taken from another migration, or a bit flipped in a page, an integrity value or a counter.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { areaOf, canary, deliver, latestOf, migrImage, MIGR_CONFIG, phaseOf, samePages, sendStream, sourceGuest, store, targetGuest, type Sent } from './fixtures.js';

/** What the hypervisors do to the stream. */
export const TAMPERS = [
  'none',
  'duplicate',
  'reorder',
  'older-after-latest',
  'drop',
  'older-instead-of-latest',
  'splice-area',
  'splice-guest',
  'splice-global',
  'truncate',
  'global-changed',
  'flip-content',
  'flip-integrity',
  'counter-raised',
] as const;

/** A tamper. */
export type Tamper = (typeof TAMPERS)[number];

/** The tampers that leave the latest version of every location and the global value intact: the target must initialize. */
export const HARMLESS: readonly Tamper[] = ['none', 'duplicate', 'reorder', 'older-after-latest'];

/** `list` in the order a seed draws (a Fisher-Yates shuffle over a small LCG: deterministic, no ambient randomness). */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}

/** `bytes` with bit `bit` of byte `at` (modulo its length) flipped. */
export function flipped(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const out = bytes.slice();
  const i = at % out.length;
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8));
  return out;
}

interface Streams {
  readonly sent: readonly Sent[];
  readonly global: Uint8Array;
  readonly otherArea: readonly Sent[];
  readonly otherGuest: readonly Sent[];
  readonly otherGlobal: Uint8Array;
}

/** The stream the target gets after `tamper`, and its global value. */
export function tampered(s: Streams, tamper: Tamper, seed: number, at: number, bit: number): { sent: Sent[]; global: Uint8Array } {
  const order = shuffled(s.sent, seed);
  const latest = [...latestOf(s.sent).values()];
  const victim = latest[at % latest.length] ?? latest[0];
  const resent = latest.filter((l) => l.counter > 1);
  const replayed = resent[at % Math.max(1, resent.length)];
  const older = replayed === undefined ? undefined : s.sent.find((x) => x.location === replayed.location && x.counter < replayed.counter);
  const swap = (from: readonly Sent[]) => order.map((x) => (x === victim ? (from.find((y) => y.location === x.location) ?? x) : x));
  const without = (loc: number | undefined) => order.filter((x) => x.location !== loc);
  switch (tamper) {
    case 'none':
      return { sent: order, global: s.global };
    case 'duplicate':
      return { sent: [...order, order[at % order.length] ?? order[0]].filter((x): x is Sent => x !== undefined), global: s.global };
    case 'reorder':
      return { sent: [...order].reverse(), global: s.global };
    case 'older-after-latest':
      return { sent: older === undefined ? order : [...order.filter((x) => x !== older), older], global: s.global };
    case 'drop':
      return { sent: without(victim?.location), global: s.global };
    case 'older-instead-of-latest':
      return { sent: order.filter((x) => x.location !== replayed?.location || x === older), global: s.global };
    case 'splice-area':
      return { sent: swap(s.otherArea), global: s.global };
    case 'splice-guest':
      return { sent: swap(s.otherGuest), global: s.global };
    case 'splice-global':
      return { sent: order, global: s.otherGlobal };
    case 'truncate':
      return { sent: latest.slice(0, -1), global: s.global };
    case 'global-changed':
      return { sent: order, global: flipped(s.global, at, bit) };
    case 'flip-content':
      return { sent: order.map((x) => (x === victim ? { ...x, content: flipped(x.content, at * 31, bit) } : x)), global: s.global };
    case 'flip-integrity':
      return { sent: order.map((x) => (x === victim ? { ...x, integrity: flipped(x.integrity, at, bit) } : x)), global: s.global };
    case 'counter-raised':
      return { sent: order.map((x) => (x === victim ? { ...x, counter: x.counter + 1 } : x)), global: s.global };
  }
}

/** Writes drawn canaries at the start of each page of the area (the guest's own stores). */
function* fill(guest: number, first: number, pages: number, label: string): Calls<void> {
  for (let p = first; p < first + pages; p++) yield* expectAccepted('REQ-INTCP-3', 'guest-store', yield* store(guest, p, canary(`${label}/${p}`, 64)), `the guest writes page ${p}`);
}

/** REQ-MIGR-7 to REQ-MIGR-9: the target initializes iff it received the source's latest memory of the area, and then holds exactly it. */
export const migrationGate = defineProperty({
  mechanism: 'migration',
  name: 'migration-integrity-gate',
  requirements: ['REQ-MIGR-4', 'REQ-MIGR-7', 'REQ-MIGR-8', 'REQ-MIGR-9'],
  statement:
    "Delivered in any order, with duplicates and older versions after the latest, the stream initializes the target guest with exactly the source's memory of the area; with a location dropped, an older version instead of the latest, a page spliced from another migration of another area or from another guest's migration, the stream truncated, the global value changed or taken from another migration, or a bit flipped in a page, an integrity value or a counter, the target never runs.",
  arbitrary: fc.record({
    variant: fc.nat(3),
    first: fc.nat(3),
    pages: fc.integer({ min: 1, max: 4 }),
    resend: fc.array(fc.nat(7), { minLength: 1, maxLength: 4 }),
    seed: fc.nat(),
    tamper: fc.constantFrom(...TAMPERS),
    at: fc.nat(4095),
    bit: fc.nat(7),
  }),
  *run({ variant, first, pages, resend, seed, tamper, at, bit }) {
    yield* sut.reset(MIGR_CONFIG);
    const image = migrImage(variant);
    const memoryPages = image.minPages + 8;
    const source = yield* sourceGuest(image, memoryPages);
    const other = yield* sourceGuest(image, memoryPages);
    yield* fill(source, first, pages + 1, `source ${seed}`);
    yield* fill(other, first, pages, `other ${seed}`);
    // Another migration of the same guest, of another area, abandoned; and the other guest's migration.
    const abandoned = yield* sendStream(source, first, pages + 1, [], false);
    yield* expectAccepted('REQ-MIGR-6', 'migration-abandon', yield* sut.apply({ kind: 'migration-abandon', guest: source }), 'abandon the first migration');
    const theirs = yield* sendStream(other, first, pages, resend);
    const expected = yield* areaOf(source, first, pages);
    const ours = yield* sendStream(source, first, pages, resend);
    if (ours.global === null || theirs.global === null || expected === null) return yield* holds('REQ-MIGR-6', false, 'the source gave no global value');
    const t = tampered({ sent: ours.sent, global: ours.global, otherArea: abandoned.sent, otherGuest: theirs.sent, otherGlobal: theirs.global }, tamper, seed, at, bit);
    const target = yield* targetGuest(image, memoryPages);
    const d = yield* deliver(target, ours.nonce, first, pages, t.sent, t.global);
    yield* expectAccepted('REQ-MIGR-7', 'migration-receive-start', d.started, 'the target starts receiving');
    const phase = yield* phaseOf(target);
    const initialized = d.finished?.kind === 'accepted' && phase === 'running';
    const got = yield* areaOf(target, first, pages);
    const view = yield* sut.observe({ kind: 'guest', guest: target });
    const outside = view !== null && 'memory' in view ? view.memory.filter((p) => p.page < first || p.page >= first + pages).length : 0;
    yield* holds('REQ-MIGR-9', !initialized || (got !== null && samePages(got, expected) && outside === 0), `${tamper}: the target runs with memory other than the source's area`);
    if (HARMLESS.includes(tamper)) yield* holds('REQ-MIGR-8', initialized, `${tamper}: the intact stream did not initialize the target (${d.finished?.kind === 'rejected' ? d.finished.code : phase})`);
    else yield* holds('REQ-MIGR-9', !initialized && phase !== 'running', `${tamper}: the target runs after a tampered stream`);
  },
});
