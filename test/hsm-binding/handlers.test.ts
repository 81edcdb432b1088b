// The hsm-binding handlers on worlds built directly (model-only): each rule of spec/hsm-binding.md,
// the exact state each call leaves, the HSM's session code and replies by their formulas, the
// failed association the queue keeps, and the release by reset and by destroy-guest.
import { describe, expect, it } from 'vitest';
import { concatBytes, u32be, utf8ToBytes } from '../../model/core/bytes.js';
import { AP_MAX_MESSAGE, BIND_STATE, MAX_BOUND_QUEUES, QUEUE_DEPTH, replyOf, sessionCode } from '../../model/hsm-binding/index.js';
import { releaseGuest } from '../../model/hsm-binding/queue.js';
import { initialWorld, step, viewOf, type Action, type World } from '../../model/platform/index.js';
import { ADAPTERS, HSM_CONFIG, masterKeyOf, NO_QUEUE, Q } from '../../properties/hsm-binding/fixtures.js';
import { OTHER_MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { association, codeOf, hsmWorld, run, withGuest } from './world.js';

const SUITE = PROPERTY_SUITE;
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const OTHER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i);

const bind = (guest: number | null, adapter: number): Action => ({ kind: 'ap-bind', guest, adapter });
const associate = (guest: number | null, adapter: number, secretIndex: number): Action => ({ kind: 'ap-associate', guest, adapter, secretIndex });
const query = (guest: number | null, adapter: number): Action => ({ kind: 'ap-query', guest, adapter });
const reset = (guest: number | null, adapter: number): Action => ({ kind: 'ap-reset', guest, adapter });
const request = (guest: number | null, adapter: number, message: Uint8Array = new Uint8Array([1, 2, 3])): Action => ({ kind: 'ap-request', guest, adapter, message });
const reply = (guest: number | null, adapter: number): Action => ({ kind: 'ap-reply', guest, adapter });

/** A running guest A with secrets at 0 and 1, a running guest B with one at 0, a created guest C. */
function three(): { w: World; a: number; b: number; c: number } {
  let w = hsmWorld();
  let a: number;
  let b: number;
  let c: number;
  [w, a] = withGuest(w, 'running', [association(0, SECRET), association(1, OTHER_SECRET), { index: 2, type: 0x03, id: new Uint8Array(32), value: new Uint8Array(8) }]);
  [w, b] = withGuest(w, 'running', [association(0, OTHER_SECRET)]);
  [w, c] = withGuest(w, 'created');
  return { w, a, b, c };
}

/** The outcome of `action` in `world`, asserting that a rejection changed nothing. */
function attempt(world: World, action: Action): string {
  const s = step(world, action);
  if (s.outcome.kind === 'rejected' && s.outcome.code !== 'ASSOCIATION_NOT_UNIQUE' && s.outcome.code !== 'ASSOCIATION_FAILED') expect(s.state).toBe(world);
  return codeOf(s.outcome);
}

const bsOf = (world: World, guest: number | null, adapter: number): number | string => {
  const o = step(world, query(guest, adapter)).outcome;
  return o.kind === 'accepted' ? (o.response['bs'] as number) : o.code;
};

describe('the configured queues', () => {
  it('start available, unassociated, empty, with the configured master key and no session', () => {
    const w = hsmWorld();
    for (const c of ADAPTERS) {
      const a = w.adapters.get(c.id);
      expect(a).toEqual({ id: c.id, machine: c.machine, type: c.type, boundGuest: null, associationIndex: null, associationFailure: null, replies: [], hsm: { masterKey: c.masterKey, logins: 0, session: null } });
      expect(a?.hsm.masterKey).not.toBe(c.masterKey);
      expect(bsOf(w, null, c.id)).toBe(BIND_STATE.availableForBinding);
    }
  });

  it('a master key is 32 bytes or empty', () => {
    const bad = { ...HSM_CONFIG, adapters: [ADAPTERS[0]!, { ...ADAPTERS[1]!, masterKey: new Uint8Array(16) }] };
    expect(initialWorld(bad, { suite: SUITE })).toEqual({ ok: false, error: { path: '$.adapters[1].masterKey', message: 'a master key is 32 bytes, or empty for none' } });
    expect(initialWorld({ ...HSM_CONFIG, adapters: [{ ...ADAPTERS[0]!, masterKey: new Uint8Array(33) }] }, { suite: SUITE }).ok).toBe(false);
    expect(initialWorld({ ...HSM_CONFIG, adapters: [{ ...ADAPTERS[0]!, masterKey: new Uint8Array(1) }] }, { suite: SUITE }).ok).toBe(false);
  });
});

describe('bind (REQ-HSM-2, -3, -4, -5)', () => {
  it('binds EP11 (bs 1) and accelerator (bs 0) queues to a running guest, and nothing else changes', () => {
    const { w, a } = three();
    const s = step(w, bind(a, Q.ep11));
    expect(s.outcome).toEqual({ kind: 'accepted', response: {} });
    expect(s.state.adapters.get(Q.ep11)).toEqual({ ...w.adapters.get(Q.ep11), boundGuest: a });
    expect(s.state.guests).toBe(w.guests);
    expect(bsOf(s.state, a, Q.ep11)).toBe(BIND_STATE.usableNoSecureKey);
    const t = step(s.state, bind(a, Q.accel));
    expect(codeOf(t.outcome)).toBe('accepted');
    expect(bsOf(t.state, a, Q.accel)).toBe(BIND_STATE.usable);
    expect(viewOf(t.state, { kind: 'adapter', adapter: Q.ep11 })).toEqual({ party: 'adapter', id: Q.ep11, machine: 0, boundGuest: a });
  });

  it('refuses the hypervisor, a guest that is not running, an unknown guest, and queues that are not this machine\'s', () => {
    const { w, a, c } = three();
    expect(attempt(w, bind(null, Q.ep11))).toBe('NOT_SECURE_GUEST');
    expect(attempt(w, bind(c, Q.ep11))).toBe('NOT_SECURE_GUEST');
    for (const phase of ['created', 'unpacking', 'verified', 'verify-failed'] as const) {
      const [v, g] = withGuest(w, phase);
      expect(attempt(v, bind(g, Q.ep11)), phase).toBe('NOT_SECURE_GUEST');
    }
    expect(attempt(w, bind(1_000_000, Q.ep11))).toBe('GUEST_NOT_FOUND');
    expect(attempt(w, bind(a, NO_QUEUE))).toBe('QUEUE_NOT_AVAILABLE');
    expect(attempt(w, bind(a, Q.elsewhere))).toBe('QUEUE_NOT_AVAILABLE');
    const [v, far] = withGuest(w, 'running', [], OTHER_MACHINE);
    expect(attempt(v, bind(far, Q.elsewhere))).toBe('accepted');
    expect(attempt(v, bind(far, Q.ep11))).toBe('QUEUE_NOT_AVAILABLE');
    // The first failing guard decides: the hypervisor on an unknown queue is no secure guest.
    expect(attempt(w, bind(null, NO_QUEUE))).toBe('NOT_SECURE_GUEST');
    expect(attempt(w, bind(1_000_000, NO_QUEUE))).toBe('GUEST_NOT_FOUND');
  });

  it('refuses a CCA queue, a queue bound already, a queue bound to another guest, a busy queue and a third queue', () => {
    const { w, a, b } = three();
    expect(attempt(w, bind(a, Q.cca))).toBe('BIND_ERROR');
    const bound = run(w, [bind(a, Q.ep11)]).world;
    expect(attempt(bound, bind(a, Q.ep11))).toBe('BIND_ERROR');
    expect(attempt(bound, bind(b, Q.ep11))).toBe('BOUND_TO_OTHER');
    const busy = run(w, [request(null, Q.ep11b)]).world;
    expect(attempt(busy, bind(a, Q.ep11b))).toBe('QUEUE_NOT_EMPTY');
    expect(attempt(run(busy, [reply(null, Q.ep11b)]).world, bind(a, Q.ep11b))).toBe('accepted');
    expect(attempt(run(busy, [reset(null, Q.ep11b)]).world, bind(a, Q.ep11b))).toBe('accepted');
    expect(MAX_BOUND_QUEUES).toBe(2);
    const two = run(w, [bind(a, Q.ep11), bind(a, Q.ep11b)]).world;
    expect(attempt(two, bind(a, Q.accel))).toBe('BIND_LIMIT_EXCEEDED');
    expect(attempt(two, bind(b, Q.accel))).toBe('accepted');
    expect(attempt(run(two, [reset(a, Q.ep11)]).world, bind(a, Q.accel))).toBe('accepted');
    // A CCA queue that is also the third: not bindable comes first.
    expect(attempt(two, bind(a, Q.cca))).toBe('BIND_ERROR');
    // Bound already and busy cannot both hold (a bound queue's replies are its guest's): bound first.
    const ownBusy = run(w, [bind(a, Q.ep11), request(a, Q.ep11)]).world;
    expect(attempt(ownBusy, bind(a, Q.ep11))).toBe('BIND_ERROR');
  });
});

describe('associate and the login (REQ-HSM-6, -7, -8)', () => {
  it('logs the guest in with its secret: the session code is the HSM\'s HMAC, kept with the queue; bs 0', () => {
    const { w, a } = three();
    const s = run(w, [bind(a, Q.ep11), associate(a, Q.ep11, 0)]);
    expect(s.outcomes.map(codeOf)).toEqual(['accepted', 'accepted']);
    const q = s.world.adapters.get(Q.ep11)!;
    const expected = SUITE.hmac('sha256', masterKeyOf(Q.ep11), concatBytes(utf8ToBytes('semodel/hsm/session'), u32be(0), SECRET));
    expect(q.hsm.session).toEqual(expected);
    expect(sessionCode(SUITE, masterKeyOf(Q.ep11), 0, SECRET)).toEqual(expected);
    expect(q.hsm.logins).toBe(1);
    expect(q.associationIndex).toBe(0);
    expect(bsOf(s.world, a, Q.ep11)).toBe(BIND_STATE.usable);
    // A second login with the same secret, after a reset, gets a new code.
    const again = run(s.world, [reset(a, Q.ep11), bind(a, Q.ep11), associate(a, Q.ep11, 0)]).world.adapters.get(Q.ep11)!;
    expect(again.hsm.logins).toBe(2);
    expect(again.hsm.session).toEqual(sessionCode(SUITE, masterKeyOf(Q.ep11), 1, SECRET));
    expect(again.hsm.session).not.toEqual(expected);
    // The secret at index 1 on another queue: another code.
    const other = run(s.world, [bind(a, Q.ep11b), associate(a, Q.ep11b, 1)]).world.adapters.get(Q.ep11b)!;
    expect(other.hsm.session).toEqual(sessionCode(SUITE, masterKeyOf(Q.ep11b), 0, OTHER_SECRET));
  });

  it('needs the queue bound to the guest, in bind state 1, idle, and an association secret at the index', () => {
    const { w, a, b, c } = three();
    expect(attempt(w, associate(a, Q.ep11, 0))).toBe('NOT_BOUND');
    expect(attempt(w, associate(null, Q.ep11, 0))).toBe('NOT_SECURE_GUEST');
    expect(attempt(w, associate(c, Q.ep11, 0))).toBe('NOT_SECURE_GUEST');
    const bound = run(w, [bind(a, Q.ep11), bind(a, Q.accel)]).world;
    expect(attempt(bound, associate(b, Q.ep11, 0))).toBe('BOUND_TO_OTHER');
    expect(attempt(bound, associate(a, Q.accel, 0))).toBe('NOT_AVAILABLE_FOR_ASSOCIATION');
    expect(attempt(bound, associate(a, Q.ep11, 2))).toBe('INVALID_ASSOCIATION_SECRET');
    for (const index of [3, -1, 0x10000, 2 ** 40]) expect(attempt(bound, associate(a, Q.ep11, index)), String(index)).toBe('INVALID_ASSOCIATION_SECRET');
    const associated = run(bound, [associate(a, Q.ep11, 0)]).world;
    expect(attempt(associated, associate(a, Q.ep11, 1))).toBe('NOT_AVAILABLE_FOR_ASSOCIATION');
    const busy = run(bound, [request(a, Q.ep11)]).world;
    expect(attempt(busy, associate(a, Q.ep11, 0))).toBe('QUEUE_NOT_EMPTY');
    // Busy and without a secret at the index: busy comes first.
    expect(attempt(busy, associate(a, Q.ep11, 7))).toBe('QUEUE_NOT_EMPTY');
  });

  it('a secret associated with another queue of the guest, or an HSM without a master key, fails, and the queue keeps failing until a reset', () => {
    const { w, a, b } = three();
    const one = run(w, [bind(a, Q.ep11), associate(a, Q.ep11, 0), bind(a, Q.ep11b)]).world;
    const s = step(one, associate(a, Q.ep11b, 0));
    expect(codeOf(s.outcome)).toBe('ASSOCIATION_NOT_UNIQUE');
    expect(s.state.adapters.get(Q.ep11b)).toEqual({ ...one.adapters.get(Q.ep11b), associationFailure: 'not-unique' });
    expect(bsOf(s.state, a, Q.ep11b)).toBe(BIND_STATE.unusable);
    for (const action of [bind(a, Q.ep11b), associate(a, Q.ep11b, 1), request(a, Q.ep11b), reply(a, Q.ep11b)]) expect(attempt(s.state, action), action.kind).toBe('ASSOCIATION_NOT_UNIQUE');
    // Only the guest sees it: the others are refused as before.
    expect(attempt(s.state, request(null, Q.ep11b))).toBe('BOUND_TO_OTHER');
    expect(attempt(s.state, bind(b, Q.ep11b))).toBe('BOUND_TO_OTHER');
    const cleared = run(s.state, [reset(a, Q.ep11b)]).world;
    expect(cleared.adapters.get(Q.ep11b)).toEqual(w.adapters.get(Q.ep11b));
    expect(run(cleared, [bind(a, Q.ep11b), associate(a, Q.ep11b, 1)]).outcomes.map(codeOf)).toEqual(['accepted', 'accepted']);
    // Another guest's index 0 is another secret: it is not this guest's.
    expect(run(w, [bind(a, Q.ep11), associate(a, Q.ep11, 0), bind(b, Q.ep11b), associate(b, Q.ep11b, 0)]).outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);

    const noKey = run(w, [bind(a, Q.noKey)]).world;
    const f = step(noKey, associate(a, Q.noKey, 0));
    expect(codeOf(f.outcome)).toBe('ASSOCIATION_FAILED');
    expect(f.state.adapters.get(Q.noKey)).toEqual({ ...noKey.adapters.get(Q.noKey), associationFailure: 'login-refused' });
    expect(f.state.adapters.get(Q.noKey)?.hsm).toEqual({ masterKey: new Uint8Array(0), logins: 0, session: null });
    for (const action of [bind(a, Q.noKey), associate(a, Q.noKey, 0), request(a, Q.noKey), reply(a, Q.noKey)]) expect(attempt(f.state, action), action.kind).toBe('ASSOCIATION_FAILED');
    expect(bsOf(f.state, null, Q.noKey)).toBe(BIND_STATE.unusable);
    expect(run(f.state, [reset(null, Q.noKey)]).world.adapters.get(Q.noKey)).toEqual(w.adapters.get(Q.noKey));
  });
});

describe('requests and replies (REQ-HSM-3, -9)', () => {
  it('answer in order, outside a session with SHA-256 and in one with an HMAC under the session code', () => {
    const { w, a } = three();
    const m1 = new Uint8Array([1]);
    const m2 = new Uint8Array(AP_MAX_MESSAGE).fill(7);
    const s = run(w, [bind(a, Q.ep11), request(a, Q.ep11, m1), request(a, Q.ep11, m2), reply(a, Q.ep11), reply(a, Q.ep11), reply(a, Q.ep11)]);
    expect(s.outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'NO_PENDING_REPLY']);
    expect(s.outcomes[3]).toEqual({ kind: 'accepted', response: { reply: SUITE.sha256(m1) } });
    expect(s.outcomes[4]).toEqual({ kind: 'accepted', response: { reply: SUITE.sha256(m2) } });
    const t = run(s.world, [associate(a, Q.ep11, 0), request(a, Q.ep11, m1), reply(a, Q.ep11)]);
    const session = t.world.adapters.get(Q.ep11)!.hsm.session!;
    expect(t.outcomes[2]).toEqual({ kind: 'accepted', response: { reply: SUITE.hmac('sha256', session, m1) } });
    expect(replyOf(SUITE, session, m1)).toEqual(SUITE.hmac('sha256', session, m1));
    expect(replyOf(SUITE, null, m1)).toEqual(SUITE.sha256(m1));
  });

  it('a reply is the caller\'s copy: changing it changes nothing kept', () => {
    const { w, a } = three();
    const s = run(w, [bind(a, Q.ep11), request(a, Q.ep11), request(a, Q.ep11)]);
    const r = step(s.world, reply(a, Q.ep11));
    const got = (r.outcome.kind === 'accepted' ? r.outcome.response['reply'] : undefined) as Uint8Array;
    got.fill(0);
    expect(r.state.adapters.get(Q.ep11)?.replies[0]).toEqual(SUITE.sha256(new Uint8Array([1, 2, 3])));
    expect(s.world.adapters.get(Q.ep11)?.replies[0]).toEqual(SUITE.sha256(new Uint8Array([1, 2, 3])));
  });

  it('a message over 4096 bytes, a fifth reply, and nothing to dequeue are refused', () => {
    expect(AP_MAX_MESSAGE).toBe(4096);
    const { w, a } = three();
    const bound = run(w, [bind(a, Q.accel)]).world;
    expect(attempt(bound, request(a, Q.accel, new Uint8Array(AP_MAX_MESSAGE + 1)))).toBe('MESSAGE_TOO_BIG');
    expect(attempt(bound, reply(a, Q.accel))).toBe('NO_PENDING_REPLY');
    expect(QUEUE_DEPTH).toBe(4);
    const full = run(bound, Array.from({ length: QUEUE_DEPTH }, () => request(a, Q.accel))).world;
    expect(full.adapters.get(Q.accel)?.replies).toHaveLength(QUEUE_DEPTH);
    expect(attempt(full, request(a, Q.accel))).toBe('QUEUE_FULL');
    // Too big and full: the size comes first.
    expect(attempt(full, request(a, Q.accel, new Uint8Array(AP_MAX_MESSAGE + 1)))).toBe('MESSAGE_TOO_BIG');
  });

  it('serve the bound guest alone; the hypervisor uses only a queue no guest holds; a secure guest only its own', () => {
    const { w, a, b, c } = three();
    expect(attempt(w, request(a, Q.ep11))).toBe('NOT_BOUND');
    expect(attempt(w, reply(a, Q.ep11))).toBe('NOT_BOUND');
    expect(attempt(w, request(c, Q.ep11))).toBe('NOT_SECURE_GUEST');
    expect(attempt(w, request(a, Q.elsewhere))).toBe('QUEUE_NOT_AVAILABLE');
    const hv = run(w, [request(null, Q.cca), reply(null, Q.cca)]);
    expect(hv.outcomes).toEqual([{ kind: 'accepted', response: {} }, { kind: 'accepted', response: { reply: SUITE.sha256(new Uint8Array([1, 2, 3])) } }]);
    expect(attempt(w, request(null, Q.elsewhere))).toBe('accepted');
    expect(attempt(w, request(null, NO_QUEUE))).toBe('QUEUE_NOT_AVAILABLE');
    const bound = run(w, [bind(a, Q.ep11), request(a, Q.ep11)]).world;
    for (const action of [request(b, Q.ep11), reply(b, Q.ep11), request(null, Q.ep11), reply(null, Q.ep11), query(b, Q.ep11), reset(b, Q.ep11), associate(b, Q.ep11, 0)]) {
      expect(attempt(bound, action), `${action.kind} by ${String((action as { guest: unknown }).guest)}`).toBe('BOUND_TO_OTHER');
    }
    expect(attempt(bound, reply(a, Q.ep11))).toBe('accepted');
  });
});

describe('query and reset (REQ-HSM-10, -11)', () => {
  it('the hypervisor tests any queue; a guest only one no other guest holds', () => {
    const { w, a, b } = three();
    const bound = run(w, [bind(a, Q.ep11)]).world;
    expect(bsOf(bound, null, Q.ep11)).toBe(1);
    expect(bsOf(bound, a, Q.ep11)).toBe(1);
    expect(bsOf(bound, b, Q.ep11)).toBe('BOUND_TO_OTHER');
    expect(bsOf(bound, b, Q.ep11b)).toBe(2);
    expect(bsOf(bound, b, Q.cca)).toBe(2);
    expect(bsOf(bound, a, Q.elsewhere)).toBe('QUEUE_NOT_AVAILABLE');
    expect(bsOf(bound, null, Q.elsewhere)).toBe(2);
    expect(bsOf(bound, null, NO_QUEUE)).toBe('QUEUE_NOT_AVAILABLE');
    expect(step(bound, query(a, Q.ep11)).state).toBe(bound);
  });

  it('a reset by the guest or the hypervisor releases the queue with nothing of the guest left; the HSM keeps its login count', () => {
    const { w, a } = three();
    const used = run(w, [bind(a, Q.ep11), associate(a, Q.ep11, 0), request(a, Q.ep11), request(a, Q.ep11)]).world;
    for (const by of [a, null]) {
      const s = step(used, reset(by, Q.ep11));
      expect(s.outcome).toEqual({ kind: 'accepted', response: {} });
      expect(s.state.adapters.get(Q.ep11)).toEqual({ ...w.adapters.get(Q.ep11), hsm: { ...w.adapters.get(Q.ep11)!.hsm, logins: 1 } });
    }
    // A guest may reset a queue no guest holds (the hypervisor's replies go).
    const hv = run(w, [request(null, Q.ep11b)]).world;
    expect(run(hv, [reset(a, Q.ep11b)]).world.adapters.get(Q.ep11b)).toEqual(w.adapters.get(Q.ep11b));
    expect(attempt(w, reset(null, NO_QUEUE))).toBe('QUEUE_NOT_AVAILABLE');
  });
});

describe('destroy-guest releases the guest\'s queues (REQ-HSM-12)', () => {
  it('every queue bound to it, as a reset does; other guests\' queues and the rest of the world stay', () => {
    const { w, a, b } = three();
    const used = run(w, [bind(a, Q.ep11), associate(a, Q.ep11, 0), request(a, Q.ep11), bind(a, Q.noKey), associate(a, Q.noKey, 1), bind(b, Q.accel), request(b, Q.accel)]).world;
    expect(used.adapters.get(Q.noKey)?.associationFailure).toBe('login-refused');
    const s = step(used, { kind: 'destroy-guest', guest: a });
    expect(s.outcome).toEqual({ kind: 'accepted', response: {} });
    expect(s.state.guests.has(a)).toBe(false);
    expect(s.state.adapters.get(Q.ep11)).toEqual({ ...w.adapters.get(Q.ep11), hsm: { ...w.adapters.get(Q.ep11)!.hsm, logins: 1 } });
    expect(s.state.adapters.get(Q.noKey)).toEqual(w.adapters.get(Q.noKey));
    expect(s.state.adapters.get(Q.accel)).toBe(used.adapters.get(Q.accel));
    expect(run(s.state, [bind(b, Q.ep11), query(b, Q.ep11), reply(b, Q.ep11)]).outcomes.map((o) => (o.kind === 'accepted' ? (o.response['bs'] ?? 'ok') : o.code))).toEqual(['ok', 1, 'NO_PENDING_REPLY']);
  });

  it('a guest that holds no queue: the world\'s adapters are left as they are', () => {
    const { w, b } = three();
    expect(releaseGuest(w, b)).toBe(w);
    const s = step(w, { kind: 'destroy-guest', guest: b });
    expect(s.state.adapters).toBe(w.adapters);
  });
});
