/**
 * Totality and the rejection contract: no input makes `step` throw, every rejection carries a
 * code of the spec with the requirement the spec gives it, and a rejection leaves the state as
 * it was unless the spec records the failure.
 * @module
 */
import fc from 'fast-check';
import { guardsOf, MAX_GUEST_PAGES, rowForKind, type Action, type ActionKind } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { snapshot } from '../views.js';
import { arbImage, CONFIG, MACHINE, type TestImage } from './fixtures.js';

function arbBytes(image: TestImage): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength: 48 }), fc.constant(image.header), fc.uint8Array({ minLength: 4096, maxLength: 4096 }));
}

/** Well-typed actions with arbitrary values, valid ones among them, and things that are not actions. */
function arbAction(image: TestImage): fc.Arbitrary<Action> {
  const guest = fc.oneof(fc.constantFrom(1, 2), fc.integer({ min: -3, max: 5 }));
  const page = fc.nat(Math.max(0, image.pages.length - 1)).map((i) => image.pages[i]);
  const typed: fc.Arbitrary<Action> = fc.oneof(
    fc.record({
      kind: fc.constant('create-guest' as const),
      machine: fc.constantFrom(0, 1, 2),
      memoryPages: fc.oneof(fc.constant(image.memoryPages), fc.integer(), fc.double(), fc.constant(MAX_GUEST_PAGES + 1)),
    }),
    fc.record({ kind: fc.constant('set-header' as const), guest, header: arbBytes(image) }),
    fc.record({
      kind: fc.constant('unpack' as const),
      guest,
      address: fc.oneof(page.map((p) => p?.address ?? 0n), fc.bigInt({ min: -(1n << 70n), max: 1n << 70n })),
      tweak: fc.oneof(page.map((p) => p?.tweak ?? new Uint8Array(16)), fc.uint8Array({ maxLength: 20 })),
      page: fc.oneof(page.map((p) => p?.stored ?? new Uint8Array(0)), arbBytes(image)),
    }),
    fc.record({ kind: fc.constantFrom('verify' as const, 'start' as const, 'destroy-guest' as const), guest }),
  );
  // Not actions at all: the step must still answer (REQ-PLATFORM-1). The cast is the point.
  const junk = fc.anything({ withBigInt: true, withTypedArray: true }).map((x) => x as Action);
  return fc.oneof({ weight: 8, arbitrary: typed }, { weight: 1, arbitrary: junk });
}

/** REQ-PLATFORM-1, REQ-PLATFORM-2 and the rejection contract of every REQ-UNPACK guard. */
export const reducersAreTotal = defineProperty({
  mechanism: 'image-unpack',
  name: 'reducers-total',
  requirements: ['REQ-PLATFORM-1', 'REQ-PLATFORM-7'],
  statement:
    'step never throws; a rejection names a code of the spec with its requirement, and leaves the state unchanged unless the failure is recorded.',
  arbitrary: arbImage.chain((image) => fc.tuple(fc.constant(image), fc.array(arbAction(image), { maxLength: 30 }))),
  *run([image, actions]) {
    yield* sut.reset(CONFIG);
    yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages });
    const guests = [1, 2];
    for (const action of actions) {
      const before = yield* snapshot(guests);
      const o = yield* sut.apply(action);
      if (o.kind !== 'rejected') continue;
      const kind = (typeof action === 'object' && action !== null ? (action as { kind?: unknown }).kind : undefined) as ActionKind;
      // The code must be one the guards of this kind can return, with that guard's requirement.
      const known = o.code === 'MALFORMED_ACTION' || (guardsOf(kind)?.some((g) => g.code === o.code && g.requirement === o.requirement) ?? false);
      yield* holds('REQ-PLATFORM-1', known, `${String(kind)}: ${o.code} (${o.requirement}) is not a guard of this kind`);
      const recorded = o.code !== 'MALFORMED_ACTION' && rowForKind(kind, o.code)?.recorded === true;
      if (!recorded) yield* holds('REQ-PLATFORM-7', (yield* snapshot(guests)) === before, `rejection ${o.code} changed what the parties see`);
    }
  },
});
