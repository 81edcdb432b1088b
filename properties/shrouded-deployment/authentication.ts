/**
 * Host authentication (REQ-SHROUD-1 to REQ-SHROUD-4): the honest answer verifies; hostile
 * authentication information fails with its check; and over any schedule of clients verifying
 * hosts with honest or hostile information, releasing images and secrets and asking for
 * deployments, a release or deployment is taken exactly when the client's latest verdict on that
 * host (as its verify response said) is valid, and (for an image) the image names the host.
 * @module
 */
import fc from 'fast-check';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { AT, CLIENTS, CONFIG, HONEST, HOSTILE, imageFor, MACHINE, OTHER_MACHINE } from './fixtures.js';

const MACHINES = [MACHINE, OTHER_MACHINE] as const;
/** The host keys an image may be built for: 0 and 1 are machine 0's, 2 machine 1's. */
const machineOfHost = (h: number): number => (h === 2 ? OTHER_MACHINE : MACHINE);

const arbOp = fc.oneof(
  fc.record({ op: fc.constant('verify' as const), client: fc.constantFrom(...CLIENTS), machine: fc.constantFrom(...MACHINES), info: fc.integer({ min: -2, max: HOSTILE.length - 1 }) }),
  fc.record({ op: fc.constant('image' as const), client: fc.constantFrom(...CLIENTS), machine: fc.constantFrom(...MACHINES), host: fc.constantFrom(0, 1, 2) }),
  fc.record({ op: fc.constant('secret' as const), client: fc.constantFrom(...CLIENTS), machine: fc.constantFrom(...MACHINES) }),
  fc.record({ op: fc.constant('deploy' as const), client: fc.constantFrom(...CLIENTS), machine: fc.constantFrom(...MACHINES) }),
);

export const authenticatedOnly = defineProperty({
  mechanism: 'shrouded-deployment',
  name: 'nothing-to-unauthenticated-host',
  requirements: ['REQ-SHROUD-1', 'REQ-SHROUD-2', 'REQ-SHROUD-3', 'REQ-SHROUD-4'],
  statement:
    "The host manager's answer verifies; each hostile variant fails with its check; in any schedule, a client releases an image or a secret, and a shrouded deployment happens, only on a host whose latest verification by that client was valid, an image only when built for that host, and a deployment only with an image released.",
  arbitrary: fc.record({ first: fc.nat(), ops: fc.array(arbOp, { minLength: 1, maxLength: 14 }) }),
  *run({ first, ops }) {
    yield* sut.reset(CONFIG);
    // Three hostile variants, from a rotating first one, each after a valid verification and a
    // released image: the failed verification withdraws the host, for an image, a secret and a deployment.
    for (let i = 0; i < 3; i++) {
      const c = HOSTILE[(first + i) % HOSTILE.length];
      if (c === undefined) continue;
      const client = 10 + i;
      const verify = (files: typeof c.info, at: bigint): Action => ({ kind: 'shroud-verify-host', client, machine: MACHINE, hkd: files.hkd, certificates: [...files.certificates], crls: [...files.crls], at });
      yield* expectAccepted('REQ-SHROUD-2', 'shroud-verify-host', yield* sut.apply(verify(HONEST, AT)));
      yield* expectAccepted('REQ-SHROUD-3', 'shroud-release', yield* sut.apply({ kind: 'shroud-release', client, machine: MACHINE, what: 'image', payload: imageFor(0).header } satisfies Action));
      const out = yield* sut.apply(verify(c.info, c.at));
      const r = out.kind === 'accepted' ? (out.response as { verdict: string; failedCheck: string | null }) : undefined;
      yield* holds('REQ-SHROUD-2', r?.verdict === 'invalid' && r.failedCheck === c.failedCheck, `verify ${c.name}: expected invalid with ${c.failedCheck}, got ${JSON.stringify(r ?? out)}`);
      yield* expectCode('shroud-release', yield* sut.apply({ kind: 'shroud-release', client, machine: MACHINE, what: 'secret', payload: new Uint8Array([9]) } satisfies Action), 'HOST_NOT_AUTHENTIC', `a secret after ${c.name}`);
      yield* expectCode('shroud-release', yield* sut.apply({ kind: 'shroud-release', client, machine: MACHINE, what: 'image', payload: imageFor(1).header } satisfies Action), 'HOST_NOT_AUTHENTIC', `an image after ${c.name}`);
      yield* expectCode('shroud-deploy', yield* sut.apply({ kind: 'shroud-deploy', client, machine: MACHINE } satisfies Action), 'HOST_NOT_AUTHENTIC', `a deployment after ${c.name}`);
    }
    const answer = yield* sut.apply({ kind: 'shroud-auth-info', machine: MACHINE });
    yield* expectAccepted('REQ-SHROUD-1', 'shroud-auth-info', answer);
    const info = answer.kind === 'accepted' ? (answer.response as { hkd: Uint8Array; certificates: Uint8Array[]; crls: Uint8Array[] }) : HONEST;
    const verdicts = new Map<string, boolean>();
    const released = new Set<string>();
    for (const o of ops) {
      const key = `${o.client}:${o.machine}`;
      if (o.op === 'verify') {
        // -2: the host manager's own answer; -1: the fixture; 0…: a hostile variant
        const c = o.info >= 0 ? HOSTILE[o.info] : undefined;
        const files = c?.info ?? (o.info === -2 ? info : HONEST);
        const out = yield* sut.apply({ kind: 'shroud-verify-host', client: o.client, machine: o.machine, hkd: files.hkd, certificates: [...files.certificates], crls: [...files.crls], at: c?.at ?? AT } satisfies Action);
        const r = out.kind === 'accepted' ? (out.response as { verdict: string; failedCheck: string | null }) : undefined;
        const expected = c === undefined ? { verdict: 'valid', failedCheck: null } : { verdict: 'invalid', failedCheck: c.failedCheck };
        yield* holds(c === undefined ? 'REQ-SHROUD-1' : 'REQ-SHROUD-2', r?.verdict === expected.verdict && r.failedCheck === expected.failedCheck, `verify ${c?.name ?? 'honest'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(r ?? out)}`);
        verdicts.set(key, c === undefined);
        continue;
      }
      const verdict = verdicts.get(key);
      const notAuthentic = verdict === undefined ? 'HOST_NOT_VERIFIED' : verdict ? null : 'HOST_NOT_AUTHENTIC';
      if (o.op === 'deploy') {
        const out = yield* sut.apply({ kind: 'shroud-deploy', client: o.client, machine: o.machine } satisfies Action);
        if (notAuthentic !== null) yield* expectCode('shroud-deploy', out, notAuthentic, `deploy on ${key} after ${verdict === undefined ? 'no' : 'a failed'} verification`);
        else if (!released.has(key)) yield* expectCode('shroud-deploy', out, 'IMAGE_NOT_RELEASED', `deploy on ${key} without an image`);
        else yield* expectAccepted('REQ-SHROUD-3', 'shroud-deploy', out, `deploy on an authenticated ${key}`);
        continue;
      }
      const payload = o.op === 'image' ? imageFor(o.host).header : new Uint8Array([1, 2, 3]);
      const out = yield* sut.apply({ kind: 'shroud-release', client: o.client, machine: o.machine, what: o.op, payload } satisfies Action);
      if (notAuthentic !== null) yield* expectCode('shroud-release', out, notAuthentic, `release of a ${o.op} to ${key}`);
      else if (o.op === 'image' && machineOfHost(o.host) !== o.machine) yield* expectCode('shroud-release', out, 'IMAGE_NOT_FOR_HOST', `an image for host key ${o.host} to ${key}`);
      else {
        yield* expectAccepted('REQ-SHROUD-3', 'shroud-release', out, `release of a ${o.op} to an authenticated ${key}`);
        if (o.op === 'image') released.add(key);
      }
    }
  },
});
