/**
 * A released queue holds nothing of its old guest (REQ-HSM-11, -12): a guest binds an EP11
 * queue and associates it, binds a second queue (an accelerator, or the EP11 queue whose HSM
 * has no master key, where the association fails), leaves replies waiting on both; both are
 * released by the guest's resets, the hypervisor's resets or the guest's destruction. Then both
 * are free, another guest binds them and finds them as new: bind state 1 (0 for an accelerator),
 * no reply waiting, answers outside any session, the old guest's association index means
 * nothing, and its own login gives a session of its own.
 * @module
 */
import fc from 'fast-check';
import { equalBytes } from '../../model/core/bytes.js';
import { sessionCode } from '../../model/hsm-binding/index.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { SUITE } from '../image-unpack/fixtures.js';
import { boundInView, bsOf } from './exclusive.js';
import { addAssociationSecret, imageAt, HSM_CONFIG, masterKeyOf, Q, secretValue, secureGuest } from './fixtures.js';

/** The reply an accepted DQAP carried, or undefined. */
export function replyIn(o: PlatformOutcome): Uint8Array | undefined {
  const r = o.kind === 'accepted' ? o.response['reply'] : undefined;
  return r instanceof Uint8Array ? r : undefined;
}

/** Enqueues `message` on `adapter` for `guest` and dequeues its reply. */
export function* ask(guest: number | null, adapter: number, message: Uint8Array, requirement: 'REQ-HSM-9' | 'REQ-HSM-11'): Calls<Uint8Array | undefined> {
  yield* expectAccepted(requirement, 'ap-request', yield* sut.apply({ kind: 'ap-request', guest, adapter, message }), `enqueue on queue ${adapter}`);
  const o = yield* sut.apply({ kind: 'ap-reply', guest, adapter });
  yield* expectAccepted(requirement, 'ap-reply', o, `dequeue on queue ${adapter}`);
  return replyIn(o);
}

const hex = (b: Uint8Array | undefined): string => (b === undefined ? 'none' : Buffer.from(b).toString('hex').slice(0, 16));

/** What the old guest left on one queue. */
interface Left {
  readonly queue: number;
  /** The session the old guest's login opened there, if one did. */
  readonly session: Uint8Array | undefined;
  /** Logins its HSM has accepted. */
  readonly logins: number;
}

/** The old guest binds `queue`, associates it with its secret at `index` (`secret`) if asked, and leaves `pending` replies. */
function* use(old: number, queue: number, associate: boolean, pending: number, index: number, secret: Uint8Array, message: Uint8Array): Calls<Left> {
  yield* expectAccepted('REQ-HSM-4', 'ap-bind', yield* sut.apply({ kind: 'ap-bind', guest: old, adapter: queue }), `the old guest binds queue ${queue}`);
  let session: Uint8Array | undefined;
  let failed = false;
  if (associate && queue !== Q.accel) {
    const o = yield* sut.apply({ kind: 'ap-associate', guest: old, adapter: queue, secretIndex: index });
    if (queue === Q.noKey) {
      yield* expectCode('ap-associate', o, 'ASSOCIATION_FAILED', 'the old guest logs in to an HSM without a master key');
      failed = true;
    } else {
      yield* expectAccepted('REQ-HSM-7', 'ap-associate', o, `the old guest associates queue ${queue}`);
      session = sessionCode(SUITE, masterKeyOf(queue), 0, secret);
    }
  }
  if (!failed) for (let i = 0; i < pending; i++) yield* expectAccepted('REQ-HSM-9', 'ap-request', yield* sut.apply({ kind: 'ap-request', guest: old, adapter: queue, message }), `old request ${i} on queue ${queue}`);
  return { queue, session, logins: session === undefined ? 0 : 1 };
}

/** The new guest binds a released queue and finds nothing of the old guest in it. */
function* findsNew(fresh: number, left: Left, newSecret: Uint8Array, message: Uint8Array, requirement: 'REQ-HSM-11' | 'REQ-HSM-12', context: string): Calls<void> {
  const { queue } = left;
  const ctx = `${context}, queue ${queue}`;
  yield* expectAccepted(requirement, 'ap-bind', yield* sut.apply({ kind: 'ap-bind', guest: fresh, adapter: queue }), `the new guest binds, ${ctx}`);
  const bs = yield* bsOf(fresh, queue);
  yield* holds(requirement, bs === (queue === Q.accel ? 0 : 1), `${ctx}: the new guest's TAPQ answers ${bs}`);
  yield* expectCode('ap-reply', yield* sut.apply({ kind: 'ap-reply', guest: fresh, adapter: queue }), 'NO_PENDING_REPLY', `the new guest dequeues, ${ctx}`);
  const clear = yield* ask(fresh, queue, message, 'REQ-HSM-11');
  const sha = SUITE.sha256(message);
  yield* holds(requirement, clear !== undefined && equalBytes(clear, sha), `${ctx}: the new guest's reply is ${hex(clear)}, not the clear-key answer ${hex(sha)}`);
  if (queue !== Q.ep11 && queue !== Q.ep11b) return;
  // The old guest's index names nothing of the new guest's; its own secret logs it in anew.
  yield* expectCode('ap-associate', yield* sut.apply({ kind: 'ap-associate', guest: fresh, adapter: queue, secretIndex: 1 }), 'INVALID_ASSOCIATION_SECRET', `the old guest's index, ${ctx}`);
  yield* expectAccepted(requirement, 'ap-associate', yield* sut.apply({ kind: 'ap-associate', guest: fresh, adapter: queue, secretIndex: 0 }), `the new guest's own secret, ${ctx}`);
  const session = sessionCode(SUITE, masterKeyOf(queue), left.logins, newSecret);
  const answer = yield* ask(fresh, queue, message, 'REQ-HSM-9');
  const want = SUITE.hmac('sha256', session, message);
  yield* holds('REQ-HSM-9', answer !== undefined && equalBytes(answer, want), `${ctx}: the new session answers ${hex(answer)}, not ${hex(want)}`);
  yield* holds(requirement, left.session === undefined || !equalBytes(left.session, session), `${ctx}: the new login got the old session code`);
}

/** REQ-HSM-11, -12: after a reset or a destroy a queue binds again, with nothing of the old guest in it. */
export const releaseLeavesNothing = defineProperty({
  mechanism: 'hsm-binding',
  name: 'release-leaves-nothing',
  requirements: ['REQ-HSM-9', 'REQ-HSM-11', 'REQ-HSM-12'],
  statement:
    "After a guest bound two queues, associated them (or failed to) and left replies waiting, resets by the guest or by the hypervisor, or the guest's destruction, leave both free (view, TAPQ 2); another guest then binds them, sees bind state 1 (0 on an accelerator), finds no reply waiting, gets clear-key answers (SHA-256 of its message, not the old session's), cannot associate the old guest's secret index, and its own login gives a session code other than the old one.",
  arbitrary: fc.record({
    how: fc.constantFrom('guest-reset' as const, 'hypervisor-reset' as const, 'destroy' as const),
    first: fc.constantFrom(Q.ep11, Q.ep11b),
    second: fc.constantFrom(Q.accel, Q.noKey),
    associate: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    pending: fc.nat(3),
    images: fc.tuple(fc.nat(2), fc.nat(2)),
    message: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    seed: fc.nat(),
  }),
  *run({ how, first, second, associate, pending, images, message, seed }) {
    yield* sut.reset(HSM_CONFIG);
    const [oldImage, newImage] = [imageAt(images[0]), imageAt(images[1])];
    const old = yield* secureGuest(oldImage);
    const fresh = yield* secureGuest(newImage);
    // The old guest's secrets at 0 and 1; the new guest's at 0 only.
    const oldSecrets = [yield* addAssociationSecret(old, oldImage, secretValue(seed), seed), yield* addAssociationSecret(old, oldImage, secretValue(seed + 1), seed + 1)];
    const newSecret = yield* addAssociationSecret(fresh, newImage, secretValue(seed + 2), seed + 2);
    // The first queue with the old guest's secret 1 (an index the new guest has none at), the second with 0.
    const left = [
      yield* use(old, first, associate, pending, 1, oldSecrets[1] ?? new Uint8Array(0), message),
      yield* use(old, second, associate, pending, 0, oldSecrets[0] ?? new Uint8Array(0), message),
    ];

    const requirement = how === 'destroy' ? 'REQ-HSM-12' : 'REQ-HSM-11';
    if (how === 'destroy') yield* expectAccepted(requirement, 'destroy-guest', yield* sut.apply({ kind: 'destroy-guest', guest: old }), 'the old guest is destroyed');
    else for (const { queue } of left) yield* expectAccepted(requirement, 'ap-reset', yield* sut.apply({ kind: 'ap-reset', guest: how === 'guest-reset' ? old : null, adapter: queue }), `${how} of queue ${queue}`);
    for (const { queue } of left) {
      const shown = yield* boundInView(queue);
      const bs = yield* bsOf(null, queue);
      yield* holds(requirement, shown === null && bs === 2, `after ${how}: queue ${queue} shown bound to ${String(shown)}, TAPQ ${bs}`);
      if (how !== 'destroy') yield* expectCode('ap-reply', yield* sut.apply({ kind: 'ap-reply', guest: old, adapter: queue }), 'NOT_BOUND', `the old guest after ${how}`);
    }
    const context = `after ${how}${associate ? ' of associated queues' : ''}, ${pending} replies left`;
    for (const l of left) yield* findsNew(fresh, l, newSecret, message, requirement, context);
  },
});
