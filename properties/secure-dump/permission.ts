/**
 * A dump is refused unless the controls allow it (REQ-DUMP-1, REQ-DUMP-2): a guest whose image has
 * PCF bit 34 clear, a guest after an add-secret request with the flag "disable dump", a guest that
 * is not running and a guest that does not exist are refused `dump-init` in both modes, every later
 * dump call is refused with NO_DUMP, and the hypervisor gets no piece of a dump (its view's dump
 * blobs stay as they were). An add-secret request without the flag leaves dumping allowed.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { addSecret, DUMP_CONFIG, dumpImage, runningGuest } from './fixtures.js';
import { MACHINE } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';

/** How many dump blobs the hypervisor holds. */
function* blobs(): Calls<number> {
  const v = yield* sut.observe({ kind: 'hypervisor' });
  return v !== null && v.party === 'hypervisor' ? v.dumps.length : -1;
}

/** The guest is refused every dump call: init with `code`, the others with NO_DUMP; no piece reaches the hypervisor. */
function* refusedEverything(guest: number, code: string, why: string): Calls<void> {
  const before = yield* blobs();
  for (const mode of ['real', 'seed'] as const) yield* expectCode('dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode }), code, `${why} (${mode})`);
  const later = code === 'GUEST_NOT_FOUND' ? 'GUEST_NOT_FOUND' : 'NO_DUMP';
  yield* expectCode('dump-storage-state', yield* sut.apply({ kind: 'dump-storage-state', guest, address: 0n }), later, why);
  yield* expectCode('dump-cpu', yield* sut.apply({ kind: 'dump-cpu', guest, cpu: 0 }), later, why);
  yield* expectCode('dump-complete', yield* sut.apply({ kind: 'dump-complete', guest }), later, why);
  const after = yield* blobs();
  yield* holds('REQ-DUMP-2', after === before, `${why}: the hypervisor got ${after - before} dump pieces`);
}

/** The case a run checks. */
type Case = 'pcf-clear' | 'disabled' | 'disabled-late' | 'not-running' | 'no-guest';

/** REQ-DUMP-1, REQ-DUMP-2: no dump unless the controls allow it. */
export const dumpNeedsPermission = defineProperty({
  mechanism: 'secure-dump',
  name: 'dump-needs-permission',
  requirements: ['REQ-DUMP-1', 'REQ-DUMP-2'],
  statement:
    'A guest whose image has PCF bit 34 clear (DUMP_NOT_PERMITTED), a guest after an accepted add-secret with "disable dump" (DUMP_DISABLED, also after a completed dump), a guest not yet running (NOT_RUNNING) and a guest that does not exist (GUEST_NOT_FOUND) are refused dump-init in both modes and every other dump call, and the hypervisor gets no dump piece; add-secret requests without the flag leave dumping allowed.',
  arbitrary: fc.record({ variant: fc.nat(3), which: fc.constantFrom<Case>('pcf-clear', 'disabled', 'disabled-late', 'not-running', 'no-guest'), plain: fc.nat(2), calls: fc.nat(5) }),
  *run({ variant, which, plain, calls }) {
    yield* sut.reset(DUMP_CONFIG);
    if (which === 'no-guest') {
      yield* refusedEverything(1000 + variant, 'GUEST_NOT_FOUND', 'a guest that was never created');
      return;
    }
    if (which === 'not-running') {
      const image = dumpImage(true, variant);
      const o = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.minPages });
      const guest = createdGuest(o);
      // Created, or with its header set: not running either way.
      if (calls % 2 === 1) yield* expectAccepted('REQ-UNPACK-4', 'set-header', yield* sut.apply({ kind: 'set-header', guest, header: image.header }), 'set the header');
      yield* refusedEverything(guest, 'NOT_RUNNING', calls % 2 === 1 ? 'a guest unpacking' : 'a guest just created');
      return;
    }
    const image = dumpImage(which !== 'pcf-clear', variant);
    const guest = yield* runningGuest(image, image.minPages);
    // Add-secret requests without the flag change nothing for dumps.
    for (let i = 0; i < plain; i++) yield* addSecret(guest, image, false, 100 * variant + i);
    if (which === 'pcf-clear') {
      yield* refusedEverything(guest, 'DUMP_NOT_PERMITTED', 'an image with PCF bit 34 clear');
      return;
    }
    if (which === 'disabled-late') {
      // Dumping works until the flag comes: one whole dump first.
      yield* expectAccepted('REQ-DUMP-2', 'dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode: 'real' }), 'before disable-dump');
      yield* expectAccepted('REQ-DUMP-7', 'dump-complete', yield* sut.apply({ kind: 'dump-complete', guest }), 'before disable-dump');
    }
    yield* addSecret(guest, image, true, 100 * variant + 50);
    yield* refusedEverything(guest, 'DUMP_DISABLED', 'after an add-secret with "disable dump"');
  },
});
