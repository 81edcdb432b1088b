/**
 * Exclusive use of an AP queue (REQ-HSM-1 to -4, -10, -12), over schedules of binds,
 * associations, tests, resets, requests, replies and destroys by two secure guests, a guest that
 * is not running yet, and the hypervisor: at every state each queue is bound to at most one
 * guest, the one whose bind the outcomes accepted; every other guest's access and the
 * hypervisor's use of a bound queue are refused; only the holder is served.
 * @module
 */
import fc from 'fast-check';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { LOCAL_QUEUES, NO_QUEUE, Q } from './fixtures.js';
import { arbHsmSchedule, runHsmSchedule, type HsmStep, type ScheduleState } from './schedules.js';

/** The bind state a TAPQ answered, or the code it was refused with. */
export function* bsOf(guest: number | null, adapter: number): Calls<number | string> {
  const o = yield* sut.apply({ kind: 'ap-query', guest, adapter });
  return o.kind === 'accepted' ? (o.response['bs'] as number) : o.code;
}

/** The guest the hypervisor's view shows queue `id` bound to (undefined: no such queue in the view). */
export function* boundInView(id: number): Calls<number | null | undefined> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  if (hv === null || hv.party !== 'hypervisor') return undefined;
  return hv.adapters.find((a) => a.id === id)?.boundGuest;
}

/** Checks one step's outcome against who issued it and who held the queue. */
function* checkStep(s: HsmStep, st: ScheduleState): Calls<void> {
  const { action, outcome, actor, heldBy } = s;
  if (action === undefined || outcome === undefined) return;
  const where = `${action.kind} by ${actor === undefined ? 'the hypervisor' : `guest ${actor.id}`}`;
  if (action.kind === 'destroy-guest') {
    if (actor?.alive !== true) return yield* expectCode('destroy-guest', outcome, 'GUEST_NOT_FOUND', where);
    yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', outcome, where);
    // REQ-HSM-12: its queues are released at once
    for (const [q, g] of st.holder) {
      if (g !== actor.id) continue;
      const shown = yield* boundInView(q);
      yield* holds('REQ-HSM-12', shown === null, `${where}: queue ${q}, which it held, is shown bound to ${String(shown)}`);
      const bs = yield* bsOf(null, q);
      yield* holds('REQ-HSM-12', bs === 2, `${where}: the hypervisor's TAPQ of queue ${q}, which it held, answers ${bs}, not 2`);
    }
    return;
  }
  if (!('queue' in s.move)) return;
  const { queue } = s.move;
  const kind = action.kind as Exclude<Action['kind'], 'destroy-guest'>;
  if (actor !== undefined && !actor.alive) return yield* expectCode(kind, outcome, 'GUEST_NOT_FOUND', `${where}, destroyed`);
  if (actor !== undefined && !actor.running) return yield* expectCode(kind, outcome, 'NOT_SECURE_GUEST', `${where}, not running`);
  if (actor === undefined && (kind === 'ap-bind' || kind === 'ap-associate')) return yield* expectCode(kind, outcome, 'NOT_SECURE_GUEST', where);
  if (queue === NO_QUEUE || (queue === Q.elsewhere && actor !== undefined)) return yield* expectCode(kind, outcome, 'QUEUE_NOT_AVAILABLE', `${where} on queue ${queue}`);
  const issuer = actor?.id ?? null;
  const mayManage = kind === 'ap-query' || kind === 'ap-reset';
  if (heldBy !== null && heldBy !== issuer && !(issuer === null && mayManage)) {
    return yield* expectCode(kind, outcome, 'BOUND_TO_OTHER', `${where} on queue ${queue}, held by guest ${heldBy}`);
  }
  if (outcome.kind !== 'accepted') {
    // CCA coprocessors never bind (REQ-HSM-4).
    if (kind === 'ap-bind' && queue === Q.cca) yield* expectCode(kind, outcome, 'BIND_ERROR', `${where} on the CCA queue`);
    return;
  }
  // REQ-HSM-3: an accepted bind takes a queue nobody holds; a queue serves its holder alone
  if (kind === 'ap-bind') yield* holds('REQ-HSM-3', heldBy === null, `${where} accepted on queue ${queue}, which guest ${String(heldBy)} holds`);
  if (kind === 'ap-bind') yield* holds('REQ-HSM-4', queue !== Q.cca, `${where}: the CCA queue was bound`);
  if (kind === 'ap-associate' || kind === 'ap-request' || kind === 'ap-reply') {
    yield* holds('REQ-HSM-3', heldBy === issuer, `${where} accepted on queue ${queue}, held by ${heldBy === null ? 'nobody' : `guest ${heldBy}`}`);
  }
}

/** Checks every queue at the state the runner reached: the view and each guest's TAPQ agree with the outcomes. */
function* checkState(st: ScheduleState, context: string): Calls<void> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  const adapters = hv !== null && hv.party === 'hypervisor' ? hv.adapters : [];
  const secure = st.actors.filter((a) => a.alive && a.running);
  for (const q of [...LOCAL_QUEUES, Q.elsewhere]) {
    const holder = st.holder.get(q) ?? null;
    const shown = adapters.find((a) => a.id === q);
    // REQ-HSM-3: at most one guest holds a queue: the one whose bind was accepted and not released since
    yield* holds('REQ-HSM-3', shown !== undefined && shown.boundGuest === holder, `${context}: queue ${q} is shown bound to ${String(shown?.boundGuest)}, the outcomes say ${String(holder)}`);
    yield* holds('REQ-HSM-3', holder === null || secure.some((a) => a.id === holder), `${context}: queue ${q} is held by guest ${String(holder)}, which is no running secure guest`);
    if (q === Q.elsewhere) continue;
    for (const a of secure) {
      const bs = yield* bsOf(a.id, q);
      if (holder === a.id) yield* holds('REQ-HSM-10', bs === 0 || bs === 1 || bs === 3, `${context}: guest ${a.id} holds queue ${q}, its TAPQ answers ${bs}`);
      else if (holder === null) yield* holds('REQ-HSM-10', bs === 2, `${context}: queue ${q} is free, guest ${a.id}'s TAPQ answers ${bs}`);
      else yield* holds('REQ-HSM-3', bs === 'BOUND_TO_OTHER', `${context}: guest ${a.id} tests queue ${q}, which guest ${holder} holds: ${bs}`);
    }
  }
}

/** REQ-HSM-1, -2, -3, -4, -10, -12: each queue is bound to at most one guest, and serves it alone. */
export const exclusiveBinding = defineProperty({
  mechanism: 'hsm-binding',
  name: 'exclusive-binding',
  requirements: ['REQ-HSM-1', 'REQ-HSM-2', 'REQ-HSM-3', 'REQ-HSM-4', 'REQ-HSM-10', 'REQ-HSM-12'],
  statement:
    "Over schedules of AP instructions by two secure guests, a guest not yet running and the hypervisor, with destroys: at every state each queue is bound to at most one guest, the running guest whose bind was accepted and not released since (the hypervisor's view and every guest's TAPQ agree); a bind is accepted only on a queue nobody holds, and never on a CCA queue; every other guest's instruction on a bound queue, and the hypervisor's enqueue and dequeue, are refused with BOUND_TO_OTHER; a guest not running, or the hypervisor binding or associating, gets NOT_SECURE_GUEST; a queue of another machine or none is QUEUE_NOT_AVAILABLE; a destroy releases the guest's queues at once.",
  arbitrary: fc.tuple(arbHsmSchedule, fc.nat()),
  *run([moves, variant]) {
    yield* runHsmSchedule(moves, variant, checkStep, checkState);
  },
});

