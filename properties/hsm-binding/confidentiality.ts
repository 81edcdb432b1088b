/**
 * The session code and the association secret never leave the firmware (REQ-HSM-8): over the
 * schedules of exclusive.ts, no session code an HSM issued and no association secret appears,
 * as any 16-byte run in any encoding, in any response (the bound guest's own included) or in any
 * view: the hypervisor's, a guest's, an owner's, an adapter's.
 *
 * The session codes are computed from what the property knows (spec/hsm-binding.md REQ-HSM-7):
 * the queue's configured master key, the login's number on that HSM and the association secret
 * the guest associated; the association secrets are the ones the property added through
 * mechanism 3's add-secret.
 * @module
 */
import fc from 'fast-check';
import { sessionCode } from '../../model/hsm-binding/index.js';
import type { Party } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { collectBytes, findLeak, type Observed, type Secret } from '../image-unpack/confidentiality.js';
import { SUITE } from '../image-unpack/fixtures.js';
import { ADAPTERS, masterKeyOf } from './fixtures.js';
import { arbHsmSchedule, runHsmSchedule, type ScheduleState } from './schedules.js';

/** Every session code the logins of `st` were answered with, and every association secret, as secrets to look for. */
export function hsmSecrets(st: ScheduleState): Secret[] {
  const out: Secret[] = [];
  for (const a of st.actors) a.secrets.forEach((bytes, i) => out.push({ name: `guest ${a.id}'s association secret ${i}`, bytes, window: 16 }));
  for (const [q, secrets] of st.logins) {
    secrets.forEach((secret, n) => out.push({ name: `the session code of login ${n} on queue ${q}`, bytes: sessionCode(SUITE, masterKeyOf(q), n, secret), window: 16 }));
  }
  return out;
}

/** Every party whose view is searched: the hypervisor, each guest and its owner, each adapter. */
function parties(st: ScheduleState): Party[] {
  return [
    { kind: 'hypervisor' },
    ...st.actors.flatMap((a): Party[] => [
      { kind: 'guest', guest: a.id },
      { kind: 'owner', guest: a.id },
    ]),
    ...ADAPTERS.map((a): Party => ({ kind: 'adapter', adapter: a.id })),
  ];
}

/** Collects what `parties` see now into `observed`. */
export function* observeAll(ps: readonly Party[], where: string, observed: Observed[]): Calls<void> {
  for (const p of ps) collectBytes(yield* sut.observe(p), `${p.kind}${'guest' in p ? ` ${p.guest}` : 'adapter' in p ? ` ${p.adapter}` : ''} view ${where}`, observed);
}

/** REQ-HSM-8: no session code and no association secret in any response or view. */
export const sessionCodeConfidential = defineProperty({
  mechanism: 'hsm-binding',
  name: 'session-code-confidential',
  requirements: ['REQ-HSM-8'],
  statement:
    "Over schedules of AP instructions by two secure guests (with association secrets added through add-secret), a guest not yet running and the hypervisor: no session code an HSM answered a login with (computed from the queue's master key, the login's number and the secret) and no association secret appears, as any 16-byte run in any encoding, in any response, to any party, or in the view of the hypervisor, any guest, any owner or any adapter, after any step.",
  arbitrary: fc.tuple(arbHsmSchedule, fc.nat()),
  *run([moves, variant]) {
    const observed: Observed[] = [];
    const st = yield* runHsmSchedule(
      moves,
      variant,
      function* (s, state) {
        if (s.outcome !== undefined) collectBytes(s.outcome, `response to ${s.action?.kind ?? s.move.op}`, observed);
        // Every view after a login, the hypervisor's and the adapters' after every step (a guest's
        // view holds its memory: scanning it after every step would cost more than the step).
        const login = s.outcome?.kind === 'accepted' && s.action?.kind === 'ap-associate';
        const ps = parties(state);
        yield* observeAll(login ? ps : ps.filter((p) => p.kind === 'hypervisor' || p.kind === 'adapter'), `after ${s.action?.kind ?? s.move.op}`, observed);
      },
    );
    yield* observeAll(parties(st), 'at the end', observed);
    const leak = findLeak(hsmSecrets(st), observed, st.supplied);
    yield* holds('REQ-HSM-8', leak === undefined, leak === undefined ? '' : `${leak.secret} (bytes ${leak.offset}..${leak.offset + 16}) was seen: ${leak.where}`);
  },
});
