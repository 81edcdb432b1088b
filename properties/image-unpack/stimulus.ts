/**
 * Failure conditions one at a time, then in pairs, as conformance suites pin them: from a guest
 * part-way through an honest unpack, one call with one fault (or two) must be rejected with
 * exactly the code the spec gives, and the state must stay as it was.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { MAX_GUEST_PAGES, type Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { snapshot } from '../views.js';
import { arbImage, MACHINE, type TestImage } from './fixtures.js';
import { honestSchedule, runSchedule } from './schedules.js';

/** A fault to inject, and the code the spec fixes for it. */
type Fault =
  | 'short-page'
  | 'short-tweak'
  | 'misaligned'
  | 'out-of-range'
  | 'misaligned+out-of-range'
  | 'already-unpacked'
  | 'tweak-reused'
  | 'already-unpacked+tweak-reused'
  | 'too-many-pages'
  | 'too-many-pages+tweak-reused'
  | 'short-page+misaligned'
  | 'set-header-again'
  | 'start-unverified'
  | 'unknown-guest'
  | 'destroyed-guest'
  | 'unknown-machine'
  | 'bad-memory-size';

const EXPECTED: Readonly<Record<Fault, string>> = {
  'short-page': 'INVALID_LENGTH',
  'short-tweak': 'INVALID_LENGTH',
  misaligned: 'ADDRESS_NOT_ALIGNED',
  'out-of-range': 'ADDRESS_OUT_OF_RANGE',
  'misaligned+out-of-range': 'ADDRESS_NOT_ALIGNED',
  'already-unpacked': 'ADDRESS_ALREADY_UNPACKED',
  'tweak-reused': 'TWEAK_REUSED',
  'already-unpacked+tweak-reused': 'ADDRESS_ALREADY_UNPACKED',
  'too-many-pages': 'TOO_MANY_PAGES',
  'too-many-pages+tweak-reused': 'TOO_MANY_PAGES',
  'short-page+misaligned': 'INVALID_LENGTH',
  'set-header-again': 'INVALID_STATE',
  'start-unverified': 'NOT_VERIFIED',
  'unknown-guest': 'GUEST_NOT_FOUND',
  'destroyed-guest': 'GUEST_NOT_FOUND',
  'unknown-machine': 'MACHINE_NOT_FOUND',
  'bad-memory-size': 'INVALID_MEMORY_SIZE',
};

const FAULTS = Object.keys(EXPECTED) as Fault[];

/** Brings the system to `done` honest unpacks and returns the guest and the faulty action. */
function* inject(image: TestImage, done: number, fault: Fault): Calls<{ guest: number; action: Action }> {
  const all = fault.startsWith('too-many-pages');
  const n = all ? image.pages.length : Math.min(done, image.pages.length - 1);
  const prefix = honestSchedule(image.pages.length).slice(0, 1 + n);
  const run = yield* runSchedule(image, image, prefix);
  const g = run.guest;
  const next = image.pages[n] ?? image.pages[0];
  const first = image.pages[0];
  if (next === undefined || first === undefined) throw new Error('test images have at least one page');
  const end = BigInt(image.memoryPages) * BigInt(PAGE_SIZE);
  const unpack = (over: Partial<Extract<Action, { kind: 'unpack' }>>): Action => ({
    kind: 'unpack',
    guest: g,
    address: next.address,
    tweak: next.tweak,
    page: next.stored,
    ...over,
  });
  const action = ((): Action => {
    switch (fault) {
      case 'short-page':
        return unpack({ page: next.stored.subarray(0, PAGE_SIZE - 1) });
      case 'short-tweak':
        return unpack({ tweak: next.tweak.subarray(0, 15) });
      case 'misaligned':
        return unpack({ address: next.address + 8n });
      case 'out-of-range':
        return unpack({ address: end });
      case 'misaligned+out-of-range':
        return unpack({ address: end + 8n });
      // The three below run with at least one page unpacked (see the predicate), so page 0 is in.
      case 'already-unpacked':
        return unpack({ address: first.address });
      case 'tweak-reused':
        return unpack({ tweak: first.tweak, address: end - BigInt(PAGE_SIZE) });
      case 'already-unpacked+tweak-reused':
        return unpack({ address: first.address, tweak: first.tweak });
      case 'too-many-pages':
        return unpack({ address: end - BigInt(PAGE_SIZE), tweak: new Uint8Array(16).fill(0xee) });
      case 'too-many-pages+tweak-reused':
        return unpack({ address: end - BigInt(PAGE_SIZE), tweak: first.tweak });
      case 'short-page+misaligned':
        return unpack({ address: next.address + 1n, page: new Uint8Array(1) });
      case 'set-header-again':
        return { kind: 'set-header', guest: g, header: image.header };
      case 'start-unverified':
        return { kind: 'start', guest: g };
      case 'unknown-guest':
        return { kind: 'verify', guest: g + 1000 };
      case 'destroyed-guest':
        return { kind: 'verify', guest: g };
      case 'unknown-machine':
        return { kind: 'create-guest', machine: 7 + (done % 3), memoryPages: image.memoryPages };
      case 'bad-memory-size':
        return { kind: 'create-guest', machine: MACHINE, memoryPages: done % 2 === 0 ? 0 : MAX_GUEST_PAGES + 1 };
    }
  })();
  if (fault === 'destroyed-guest') {
    const o = yield* sut.apply({ kind: 'destroy-guest', guest: g });
    yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', o);
    const gone = (yield* sut.observe({ kind: 'guest', guest: g })) === null && (yield* sut.observe({ kind: 'owner', guest: g })) === null;
    yield* holds('REQ-PLATFORM-5', gone, 'a destroyed guest is still seen by its owner or itself');
  }
  return { guest: g, action };
}

/** REQ-UNPACK-2 and -6 to -10, -13, -16, -1, REQ-PLATFORM-2: one fault, or a pair, gives the spec's code. */
export const singleFaultCodes = defineProperty({
  mechanism: 'image-unpack',
  name: 'fault-codes-and-priority',
  requirements: [
    'REQ-PLATFORM-4',
    'REQ-UNPACK-2',
    'REQ-UNPACK-6',
    'REQ-UNPACK-7',
    'REQ-UNPACK-8',
    'REQ-UNPACK-9',
    'REQ-UNPACK-10',
    'REQ-UNPACK-13',
    'REQ-PLATFORM-2',
    'REQ-PLATFORM-3',
    'REQ-PLATFORM-5',
    'REQ-PLATFORM-7',
  ],
  statement:
    'Each failure condition alone, and each pair of conditions, is rejected with the code the spec fixes, and leaves the state unchanged.',
  // Every fault in every run, at a point of the honest unpack the run picks: no fault depends on
  // being drawn.
  arbitrary: fc.tuple(arbImage, fc.nat(8)),
  *run([image, done]) {
    for (const fault of FAULTS) {
      // Faults that need a page already unpacked are meaningless at the very first page.
      const needsPrior = fault === 'already-unpacked' || fault === 'tweak-reused' || fault === 'already-unpacked+tweak-reused';
      if (needsPrior && image.pages.length < 2) continue;
      const k = needsPrior ? 1 + (done % (image.pages.length - 1)) : done;
      const { guest, action } = yield* inject(image, k, fault);
      const before = yield* snapshot([guest]);
      const o = yield* sut.apply(action);
      yield* expectCode(action.kind, o, EXPECTED[fault], fault);
      yield* holds('REQ-PLATFORM-7', (yield* snapshot([guest])) === before, `${fault}: the rejection changed what the parties see`);
    }
  },
});
