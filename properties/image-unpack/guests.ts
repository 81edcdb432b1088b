/**
 * Several guests at once: interleaved creates, destroys and boots (of the same image in two
 * guests, and of different images, on both machines). Guest IDs are fresh and never reused; a
 * destroyed ID names nothing; each guest's phase and memory are its own, whatever happens to the
 * others; and the hypervisor learns no guest's secrets, also after a destroy.
 * @module
 */
import fc from 'fast-check';
import type { Action, GuestPhase, PlatformOutcome } from '../../model/platform/index.js';
import type { RequirementId } from '../../model/core/outcome.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { collectBytes, findLeak, secretsOf, suppliedBy, type Observed } from './confidentiality.js';
import { arbAnyImage, arbImage, CONFIG, type TestImage } from './fixtures.js';
import { memoryDiffers } from './integrity.js';
import { actionOf, createdGuest, honestSchedule, phaseOf, type Move } from './schedules.js';

/** One operation of the hypervisor over several guests. `which` picks a guest created so far (live or destroyed). */
export type GuestOp =
  | { readonly op: 'create'; readonly image: number }
  | { readonly op: 'destroy'; readonly which: number }
  /** The next `steps` calls of the guest's honest boot (or, for a destroyed guest, those calls all the same). */
  | { readonly op: 'advance'; readonly which: number; readonly steps: number }
  /** The guest's honest boot to its end. */
  | { readonly op: 'boot'; readonly which: number };

const arbOp: fc.Arbitrary<GuestOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), image: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('destroy' as const), which: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), which: fc.nat(7), steps: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('boot' as const), which: fc.nat(7) }) },
);

/** What the property knows of a guest it created. */
interface Tracked {
  readonly id: number;
  readonly image: TestImage;
  readonly moves: readonly Move[];
  /** Honest calls applied so far. */
  done: number;
  alive: boolean;
}

/** The phase an honest boot is in after `done` of its calls, for an image of `pages` pages. */
function phaseAfter(done: number, pages: number): GuestPhase {
  if (done === 0) return 'created';
  if (done <= pages + 1) return 'unpacking';
  return done === pages + 2 ? 'verified' : 'running';
}

const REQ_OF_KIND: Readonly<Record<string, RequirementId>> = {
  'set-header': 'REQ-UNPACK-5',
  unpack: 'REQ-UNPACK-11',
  verify: 'REQ-UNPACK-12',
  start: 'REQ-UNPACK-13',
};

/** Checks every guest created so far against what its own calls alone say it must be. */
function* checkAll(guests: readonly Tracked[], context: string): Calls<void> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  const listed = hv !== null && hv.party === 'hypervisor' ? hv.guests : [];
  const live = guests.filter((g) => g.alive).map((g) => g.id);
  const shown = listed.map((g) => g.id);
  yield* holds('REQ-PLATFORM-5', JSON.stringify(shown) === JSON.stringify(live), `${context}: the hypervisor sees guests [${shown.join(', ')}], the live ones are [${live.join(', ')}]`);
  for (const g of guests) {
    const phase = yield* phaseOf(g.id);
    if (!g.alive) {
      const gone = phase === null && (yield* sut.observe({ kind: 'guest', guest: g.id })) === null;
      yield* holds('REQ-PLATFORM-5', gone, `${context}: destroyed guest ${g.id} is still seen (${phase ?? 'by itself'})`);
      continue;
    }
    const want = phaseAfter(g.done, g.image.pages.length);
    yield* holds('REQ-PLATFORM-2', phase === want, `${context}: guest ${g.id} is ${phase ?? 'gone'}, its own calls leave it ${want}`);
    const unpacked = Math.max(0, Math.min(g.done - 1, g.image.pages.length));
    const entry = listed.find((x) => x.id === g.id);
    yield* holds('REQ-PLATFORM-2', entry?.unpackedPages === unpacked, `${context}: guest ${g.id} shows ${entry?.unpackedPages ?? 'no'} unpacked pages, its own calls unpacked ${unpacked}`);
    if (want === 'verified' || want === 'running') {
      const differs = yield* memoryDiffers(g.id, g.image);
      yield* holds('REQ-UNPACK-15', differs === null, `${context}: ${want} guest ${g.id}: ${differs ?? ''}`);
    }
  }
}

/** REQ-PLATFORM-2, -4, -5, REQ-UNPACK-10, -15: guests are independent and IDs are never reused. */
export const guestsIndependent = defineProperty({
  mechanism: 'image-unpack',
  name: 'guests-independent',
  requirements: ['REQ-PLATFORM-2', 'REQ-PLATFORM-4', 'REQ-PLATFORM-5', 'REQ-UNPACK-10', 'REQ-UNPACK-15', 'REQ-UNPACK-14'],
  statement:
    "Over interleaved creates, destroys and honest boots of several guests (the same image in two guests, images for either machine), every create returns an ID greater than all before it; every call naming a destroyed ID is GUEST_NOT_FOUND; each guest's honest calls are all accepted and its phase, unpacked count and memory are what its own calls make them, whatever the others do; no secret reaches the hypervisor.",
  arbitrary: fc.tuple(arbImage, arbAnyImage, fc.array(arbOp, { minLength: 4, maxLength: 20 })),
  *run([first, second, ops]) {
    const pool = [first, second];
    yield* sut.reset(CONFIG);
    const guests: Tracked[] = [];
    const observed: Observed[] = [];
    const supplied: Uint8Array[] = pool.flatMap((i) => [i.header, ...i.pages.flatMap((p) => [p.stored, p.tweak])]);
    let highest = 0;
    const apply = function* (action: Action, context: string): Calls<PlatformOutcome> {
      supplied.push(...suppliedBy(action));
      const o = yield* sut.apply(action);
      collectBytes(o, `response to ${context}`, observed);
      return o;
    };
    for (const [n, op] of ops.entries()) {
      const picked = guests[(op.op === 'create' ? 0 : op.which) % Math.max(1, guests.length)];
      if (op.op === 'create' || picked === undefined) {
        const image = pool[op.op === 'create' ? op.image : 0] ?? first;
        const o = yield* apply({ kind: 'create-guest', machine: image.machine, memoryPages: image.memoryPages }, 'create-guest');
        yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, `op ${n}`);
        const id = createdGuest(o);
        yield* holds('REQ-PLATFORM-4', id > highest, `op ${n}: create-guest returned ${id}, after IDs up to ${highest} were given`);
        highest = Math.max(highest, id);
        guests.push({ id, image, moves: honestSchedule(image.pages.length), done: 0, alive: true });
      } else if (op.op === 'destroy') {
        const o = yield* apply({ kind: 'destroy-guest', guest: picked.id }, 'destroy-guest');
        if (picked.alive) yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', o, `op ${n}: guest ${picked.id}`);
        else yield* expectCode('destroy-guest', o, 'GUEST_NOT_FOUND', `op ${n}: destroyed guest ${picked.id}`);
        picked.alive = false;
      } else {
        const steps = op.op === 'boot' ? picked.moves.length : op.steps;
        for (let k = 0; k < steps; k++) {
          // A destroyed guest gets the calls it would have got next, and must refuse every one.
          const move = picked.moves[Math.min(picked.done, picked.moves.length - 1)];
          if (move === undefined || (picked.alive && picked.done >= picked.moves.length)) break;
          const action = actionOf(move, picked.id, picked.image, picked.image);
          const o = yield* apply(action, action.kind);
          if (!picked.alive) {
            yield* expectCode(action.kind, o, 'GUEST_NOT_FOUND', `op ${n}: destroyed guest ${picked.id}`);
            break;
          }
          // An unpack of a tweak another guest already used is still accepted: tweaks are per guest (REQ-UNPACK-10).
          const req = action.kind === 'unpack' ? 'REQ-UNPACK-10' : (REQ_OF_KIND[action.kind] ?? 'REQ-UNPACK-11');
          yield* expectAccepted(req, action.kind, o, `op ${n}: guest ${picked.id}, honest call ${picked.done}`);
          picked.done++;
        }
      }
      collectBytes(yield* sut.observe({ kind: 'hypervisor' }), `view after op ${n}`, observed);
      yield* checkAll(guests, `after op ${n} (${op.op})`);
    }
    const leak = findLeak([...secretsOf(first, 'first'), ...secretsOf(second, 'second')], observed, supplied);
    yield* holds('REQ-UNPACK-14', leak === undefined, leak === undefined ? '' : `${leak.secret} (offset ${leak.offset}) reached the hypervisor: ${leak.where}`);
  },
});
