/**
 * The hypervisor as adversary: schedules of firmware calls built from an image's honest pages,
 * then reordered, replayed, skipped, duplicated, moved, altered, or mixed with another image.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { Action, GuestPhase, PlatformOutcome } from '../../model/platform/index.js';
import { sut, type Calls } from '../sut-calls.js';
import { CONFIG, nepHeader, type TestImage } from './fixtures.js';

/** A change to one page before the hypervisor hands it over. */
export type PageMutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'flip-bit'; readonly bit: number }
  | { readonly kind: 'move'; readonly deltaPages: number }
  | { readonly kind: 'tweak'; readonly byte: number; readonly xor: number }
  | { readonly kind: 'misalign'; readonly offset: number }
  /** To one of the four pages past the image's last page: a free address inside guest memory. */
  | { readonly kind: 'free'; readonly slot: number };

/** One call of the hypervisor, relative to the image (and one foreign image). */
export type Move =
  /** `nep`: the own image's header as its owner resealed it claiming one page more (see {@link nepHeader}). */
  | { readonly op: 'set-header'; readonly source: 'own' | 'foreign' | 'nep' }
  | { readonly op: 'unpack'; readonly source: 'own' | 'foreign'; readonly page: number; readonly mutation: PageMutation }
  | { readonly op: 'verify' }
  | { readonly op: 'start' };

const NONE: PageMutation = { kind: 'none' };

/**
 * The calls of an honest hypervisor: header, every page in image order, verify, start; of the
 * guest's own image, or (`foreign`) a complete boot of the other image.
 */
export function honestSchedule(pageCount: number, source: 'own' | 'foreign' = 'own'): Move[] {
  return [
    { op: 'set-header', source },
    ...Array.from({ length: pageCount }, (_, page): Move => ({ op: 'unpack', source, page, mutation: NONE })),
    { op: 'verify' },
    { op: 'start' },
  ];
}

/** Any page mutation other than none. */
export const arbMutation: fc.Arbitrary<PageMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip-bit' as const), bit: fc.nat(PAGE_SIZE * 8 - 1) }),
  fc.record({ kind: fc.constant('move' as const), deltaPages: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0) }),
  fc.record({ kind: fc.constant('tweak' as const), byte: fc.nat(15), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('misalign' as const), offset: fc.integer({ min: 1, max: PAGE_SIZE - 1 }) }),
  fc.record({ kind: fc.constant('free' as const), slot: fc.nat(3) }),
);

/** One arbitrary move for an image of `pageCount` pages (foreign images have at least one page). */
export function arbMove(pageCount: number): fc.Arbitrary<Move> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ op: fc.constant('set-header' as const), source: fc.constantFrom('own' as const, 'foreign' as const) }) },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('unpack' as const),
        source: fc.constantFrom('own' as const, 'own' as const, 'own' as const, 'foreign' as const),
        page: fc.nat(Math.max(0, pageCount - 1)),
        mutation: fc.oneof({ weight: 3, arbitrary: fc.constant(NONE) }, { weight: 1, arbitrary: arbMutation }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'verify' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'start' as const }) },
  );
}

/** One edit of the honest schedule: most of them make verify fail. */
type Edit =
  | { readonly kind: 'swap'; readonly i: number; readonly j: number }
  | { readonly kind: 'drop'; readonly i: number }
  | { readonly kind: 'duplicate'; readonly i: number }
  | { readonly kind: 'insert'; readonly i: number; readonly move: Move }
  | { readonly kind: 'replace'; readonly i: number; readonly move: Move }
  | { readonly kind: 'mutate'; readonly i: number; readonly mutation: PageMutation };

function applyEdit(moves: Move[], e: Edit): Move[] {
  const n = moves.length;
  if (n === 0) return moves;
  const i = e.i % n;
  const out = [...moves];
  switch (e.kind) {
    case 'swap': {
      const j = e.j % n;
      [out[i], out[j]] = [out[j] as Move, out[i] as Move];
      return out;
    }
    case 'drop':
      out.splice(i, 1);
      return out;
    case 'duplicate':
      out.splice(i, 0, out[i] as Move);
      return out;
    case 'insert':
      out.splice(i, 0, e.move);
      return out;
    case 'replace':
      out[i] = e.move;
      return out;
    case 'mutate': {
      const m = out[i] as Move;
      if (m.op === 'unpack') out[i] = { ...m, mutation: e.mutation };
      return out;
    }
  }
}

/**
 * A call inserted into an honest schedule that the firmware refuses without recording anything,
 * so that the guest still boots: a replay of a page already unpacked (as it was, with a bit
 * flipped, another tweak, or misaligned), a misaligned page, a start before verify (or after
 * start), a verify before the header or after verify, a second header, any call after start.
 * `gap` picks where, among the places where the call is refused (taken modulo their number).
 */
export type Perturbation =
  | { readonly kind: 'replay'; readonly page: number; readonly gap: number; readonly mutation: PageMutation }
  | { readonly kind: 'misaligned'; readonly page: number; readonly gap: number; readonly offset: number }
  | { readonly kind: 'start'; readonly gap: number }
  | { readonly kind: 'verify'; readonly gap: number }
  | { readonly kind: 'header'; readonly gap: number; readonly source: 'own' | 'foreign' | 'nep' }
  | { readonly kind: 'late'; readonly move: Move };

/**
 * The honest schedule of `pageCount` pages from `source` (`nep`: the own image under a header
 * claiming one page more) with `perturbations` inserted. Every inserted call is refused and
 * changes nothing, so the guest boots as it would have; the hypervisor meanwhile tried replays,
 * misalignment, early starts and second headers at every stage.
 */
export function perturbedHonest(pageCount: number, source: 'own' | 'foreign' | 'nep', perturbations: readonly Perturbation[]): Move[] {
  const pageSource = source === 'foreign' ? 'foreign' : 'own';
  const honest = honestSchedule(pageCount, pageSource);
  if (source === 'nep') honest[0] = { op: 'set-header', source: 'nep' };
  // The honest schedule has pageCount + 3 calls: gap g inserts before call g (gap pageCount + 3 appends).
  const end = pageCount + 3;
  const inserts: { gap: number; move: Move }[] = [];
  const pick = (from: number, to: number, g: number) => from + (g % (to - from + 1));
  for (const p of perturbations) {
    switch (p.kind) {
      case 'replay': {
        const page = p.page % pageCount;
        // After the page's own unpack (call page + 1): refused as already unpacked (or misaligned, or too many).
        const mutation = p.mutation.kind === 'move' || p.mutation.kind === 'free' ? NONE : p.mutation;
        inserts.push({ gap: pick(page + 2, end, p.gap), move: { op: 'unpack', source: pageSource, page, mutation } });
        break;
      }
      case 'misaligned':
        inserts.push({ gap: pick(0, end, p.gap), move: { op: 'unpack', source: pageSource, page: p.page % pageCount, mutation: { kind: 'misalign', offset: p.offset } } });
        break;
      case 'start':
        inserts.push({ gap: pick(0, end, p.gap), move: { op: 'start' } });
        break;
      case 'verify': {
        // Before the header, or after verify: a verify while unpacking would be final.
        const g = p.gap % (end - pageCount);
        inserts.push({ gap: g === 0 ? 0 : pageCount + 1 + g, move: { op: 'verify' } });
        break;
      }
      case 'header':
        inserts.push({ gap: pick(1, end, p.gap), move: { op: 'set-header', source: p.source } });
        break;
      case 'late':
        inserts.push({ gap: end, move: p.move });
        break;
    }
  }
  const out: Move[] = [];
  for (let g = 0; g <= end; g++) {
    for (const x of inserts) if (x.gap === g) out.push(x.move);
    const m = honest[g];
    if (m !== undefined) out.push(m);
  }
  return out;
}

/** Arbitrary refused calls for an honest schedule (see {@link Perturbation}). */
export function arbPerturbation(pageCount: number): fc.Arbitrary<Perturbation> {
  const gap = fc.nat(1000);
  const page = fc.nat(Math.max(0, pageCount - 1));
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('replay' as const), page, gap, mutation: fc.oneof(fc.constant(NONE), arbMutation) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('misaligned' as const), page, gap, offset: fc.integer({ min: 1, max: PAGE_SIZE - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('start' as const), gap }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('verify' as const), gap }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('header' as const), gap, source: fc.constantFrom('own' as const, 'foreign' as const, 'nep' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const), move: arbMove(pageCount) }) },
  );
}

/**
 * Schedules for an image of `pageCount` pages and a foreign one of `foreignPageCount`, biased to
 * deep states: mostly honest boots (of the own image, of the foreign one, which the hypervisor
 * may boot as well, and of the own image under a header claiming one page more, which verify
 * must refuse by its page count) with refused calls inserted, so that most runs reach `verified`
 * and `running` while the hypervisor misbehaves at every stage; then the honest schedule with a
 * few edits that break it (drop, duplicate, reorder, replace, flip a bit: the near misses), an
 * honest prefix followed by calls at random, and calls at random.
 */
export function arbSchedule(pageCount: number, foreignPageCount: number = pageCount): fc.Arbitrary<Move[]> {
  const honest = honestSchedule(pageCount);
  const index = fc.nat(1000);
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('swap' as const), i: index, j: index }),
    fc.record({ kind: fc.constant('drop' as const), i: index }),
    fc.record({ kind: fc.constant('duplicate' as const), i: index }),
    fc.record({ kind: fc.constant('insert' as const), i: index, move: arbMove(pageCount) }),
    fc.record({ kind: fc.constant('replace' as const), i: index, move: arbMove(pageCount) }),
    fc.record({ kind: fc.constant('mutate' as const), i: index, mutation: arbMutation }),
  );
  const perturbed = (n: number, source: 'own' | 'foreign' | 'nep') =>
    fc.array(arbPerturbation(n), { maxLength: 4 }).map((ps) => perturbedHonest(n, source, ps));
  return fc.oneof(
    { weight: 5, arbitrary: perturbed(pageCount, 'own') },
    { weight: 2, arbitrary: perturbed(foreignPageCount, 'foreign') },
    { weight: 1, arbitrary: perturbed(pageCount, 'nep') },
    { weight: 3, arbitrary: fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(applyEdit, honest)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(pageCount + 1), fc.array(arbMove(pageCount), { minLength: 1, maxLength: pageCount + 4 }))
        .map(([cut, tail]) => [...honest.slice(0, cut + 1), ...tail]),
    },
    { weight: 1, arbitrary: fc.array(arbMove(pageCount), { maxLength: 2 * pageCount + 6 }) },
  );
}

/** The concrete action of a move against `guest`. */
export function actionOf(move: Move, guest: number, own: TestImage, foreign: TestImage): Action {
  switch (move.op) {
    case 'set-header':
      return { kind: 'set-header', guest, header: move.source === 'own' ? own.header : move.source === 'foreign' ? foreign.header : nepHeader(own) };
    case 'verify':
      return { kind: 'verify', guest };
    case 'start':
      return { kind: 'start', guest };
    case 'unpack': {
      const img = move.source === 'own' ? own : foreign;
      const p = img.pages[move.page % img.pages.length];
      if (p === undefined) return { kind: 'verify', guest }; // images always have pages; keeps the type total
      const m = move.mutation;
      let { address, tweak, stored: page } = p;
      if (m.kind === 'flip-bit') {
        page = Uint8Array.from(page);
        page[m.bit >> 3] = (page[m.bit >> 3] ?? 0) ^ (1 << (m.bit & 7));
      } else if (m.kind === 'move') {
        address += BigInt(m.deltaPages * PAGE_SIZE);
      } else if (m.kind === 'tweak') {
        tweak = Uint8Array.from(tweak);
        tweak[m.byte] = (tweak[m.byte] ?? 0) ^ m.xor;
      } else if (m.kind === 'misalign') {
        address += BigInt(m.offset);
      } else if (m.kind === 'free') {
        address = BigInt(own.memoryPages - 1 - (m.slot % 4)) * BigInt(PAGE_SIZE);
      }
      return { kind: 'unpack', guest, address, tweak, page };
    }
  }
}

/** One entry of a run: the action, what the platform answered, and the guest's phase after it. */
export interface TraceEntry {
  readonly action: Action;
  readonly outcome: PlatformOutcome;
  /** The phase the owner's view shows after the step (null: no such guest). */
  readonly phase: GuestPhase | null;
}

/** A schedule run on a fresh guest of a fresh world. */
export interface ScheduleRun {
  readonly guest: number;
  readonly created: PlatformOutcome;
  readonly trace: readonly TraceEntry[];
}

/** The guest ID of an accepted create-guest, or -1. */
export function createdGuest(o: PlatformOutcome): number {
  const g = o.kind === 'accepted' ? o.response['guest'] : undefined;
  return typeof g === 'number' ? g : -1;
}

/** The phase the owner of `guest` sees, or null when there is no such guest. */
export function* phaseOf(guest: number): Calls<GuestPhase | null> {
  const v = yield* sut.observe({ kind: 'owner', guest });
  return v !== null && v.party === 'owner' ? v.phase : null;
}

/**
 * Resets the system to {@link CONFIG}, creates a guest big enough for both images on the
 * machine that opens `own` and runs `moves` against it, observing the owner's phase after every step. `each` sees every
 * entry as it happens (to observe more, e.g. the guest's memory once verified).
 */
export function* runSchedule(
  own: TestImage,
  foreign: TestImage,
  moves: readonly Move[],
  each?: (entry: TraceEntry, guest: number) => Calls<void>,
): Calls<ScheduleRun> {
  yield* sut.reset(CONFIG);
  const memoryPages = Math.max(own.memoryPages, foreign.memoryPages);
  const created = yield* sut.apply({ kind: 'create-guest', machine: own.machine, memoryPages });
  const guest = createdGuest(created);
  const trace: TraceEntry[] = [];
  for (const move of moves) {
    const action = actionOf(move, guest, own, foreign);
    const outcome = yield* sut.apply(action);
    const entry = { action, outcome, phase: yield* phaseOf(guest) };
    trace.push(entry);
    if (each !== undefined) yield* each(entry, guest);
  }
  return { guest, created, trace };
}
