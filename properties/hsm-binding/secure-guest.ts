/**
 * Only a secure guest binds (REQ-HSM-2): a guest in any phase short of `running` (created,
 * unpacking, verified, verify-failed), a destroyed guest, a guest that was never created and the
 * hypervisor itself never bind or associate any queue, and are refused every other AP
 * instruction as a guest; once the same guest runs, it binds.
 * @module
 */
import fc from 'fast-check';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { boundInView, bsOf } from './exclusive.js';
import { advance, createGuest, HSM_CONFIG, imageAt, LOCAL_QUEUES, Q } from './fixtures.js';

/** How far the guest got: `calls` honest calls, or a boot whose verify failed. */
type Phase = { readonly calls: number } | { readonly verifyFailed: true };

/** Every AP instruction of `guest` on `adapter`. */
function everyInstruction(guest: number | null, adapter: number): Action[] {
  return [
    { kind: 'ap-bind', guest, adapter },
    { kind: 'ap-associate', guest, adapter, secretIndex: 0 },
    { kind: 'ap-query', guest, adapter },
    { kind: 'ap-reset', guest, adapter },
    { kind: 'ap-request', guest, adapter, message: new Uint8Array([1]) },
    { kind: 'ap-reply', guest, adapter },
  ];
}

/** Checks that no queue is bound, as the hypervisor sees it and by its TAPQ. */
function* noneBound(context: string): Calls<void> {
  for (const q of LOCAL_QUEUES) {
    const shown = yield* boundInView(q);
    const bs = yield* bsOf(null, q);
    yield* holds('REQ-HSM-2', shown === null && bs === 2, `${context}: queue ${q} is shown bound to ${String(shown)}, TAPQ ${bs}`);
  }
}

/** REQ-HSM-2: a guest that is not running, a guest that is gone, and the hypervisor never bind. */
export const nonSecureNeverBinds = defineProperty({
  mechanism: 'hsm-binding',
  name: 'non-secure-never-binds',
  requirements: ['REQ-HSM-2', 'REQ-HSM-4'],
  statement:
    'A guest created, unpacking, verified or whose verify failed is refused every AP instruction on every queue with NOT_SECURE_GUEST, the hypervisor is refused bind and associate with NOT_SECURE_GUEST, and a destroyed or never-created guest with GUEST_NOT_FOUND; afterwards no queue is bound (view and TAPQ); the same guest, once running, binds.',
  arbitrary: fc.record({
    image: fc.nat(2),
    phase: fc.oneof({ weight: 4, arbitrary: fc.nat(64).map((calls): Phase => ({ calls })) }, { weight: 1, arbitrary: fc.constant<Phase>({ verifyFailed: true }) }),
    queues: fc.shuffledSubarray([...LOCAL_QUEUES], { minLength: 1 }),
  }),
  *run({ image: which, phase, queues }) {
    const image = imageAt(which);
    yield* sut.reset(HSM_CONFIG);
    const guest = yield* createGuest(image);
    const calls = honestCalls(guest, image);
    // Short of start: 0 to all but the last call.
    const done = 'calls' in phase ? phase.calls % calls.length : calls.length - 1;
    if ('calls' in phase) yield* advance(guest, image, done);
    else {
      // Page 0 with one bit flipped: every page unpacks, verify fails for good.
      for (const [i, a] of calls.slice(0, -2).entries()) {
        const action = i === 1 && a.kind === 'unpack' ? { ...a, page: Uint8Array.from(a.page, (b, j) => (j === 0 ? b ^ 1 : b)) } : a;
        yield* expectAccepted('REQ-UNPACK-11', action.kind, yield* sut.apply(action), 'boot with a flipped bit');
      }
      const v = yield* sut.apply({ kind: 'verify', guest });
      yield* holds('REQ-UNPACK-12', v.kind === 'rejected', 'verify after a flipped bit was accepted');
    }
    const where = 'calls' in phase ? `after ${done} of ${calls.length} boot calls` : 'after a failed verify';
    for (const q of queues) {
      for (const a of everyInstruction(guest, q)) yield* expectCode(a.kind, yield* sut.apply(a), 'NOT_SECURE_GUEST', `guest ${where}, queue ${q}`);
      for (const a of everyInstruction(null, q).slice(0, 2)) yield* expectCode(a.kind, yield* sut.apply(a), 'NOT_SECURE_GUEST', `the hypervisor, queue ${q}`);
      for (const a of everyInstruction(1_000_000, q)) yield* expectCode(a.kind, yield* sut.apply(a), 'GUEST_NOT_FOUND', `a guest never created, queue ${q}`);
    }
    yield* noneBound(where);
    if ('calls' in phase) {
      // The same guest, once running, is a secure guest: it binds.
      yield* advance(guest, image, Number.POSITIVE_INFINITY, done);
      yield* expectAccepted('REQ-HSM-4', 'ap-bind', yield* sut.apply({ kind: 'ap-bind', guest, adapter: Q.ep11 }), 'the guest, now running');
      yield* holds('REQ-HSM-4', (yield* boundInView(Q.ep11)) === guest, 'the running guest bound queue 0, the view does not show it');
    } else {
      yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', yield* sut.apply({ kind: 'destroy-guest', guest }), 'destroy the failed guest');
      for (const q of queues) for (const a of everyInstruction(guest, q)) yield* expectCode(a.kind, yield* sut.apply(a), 'GUEST_NOT_FOUND', `the destroyed guest, queue ${q}`);
      yield* noneBound('after the destroy');
    }
  },
});
