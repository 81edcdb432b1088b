// Mechanism 8's handlers on the model: the honest path (auth info, verify, release, deploy) with
// unique server IDs and the image's tag; the verdict recorded as the latest; every code in its
// guard's place; immutable mode refusing every setting change by anyone; rejections leave the world.
import { describe, expect, it } from 'vitest';
import { initialWorld, step, type Action, type World } from '../../model/platform/index.js';
import { SECURITY_SETTINGS, SETTING_REQUESTERS } from '../../model/shrouded-deployment/index.js';
import { AT, CONFIG, GARBAGE, HONEST, HOSTILE, honestPath, imageFor, MACHINE, NO_MACHINE, OTHER_MACHINE, tagOf } from '../../properties/shrouded-deployment/fixtures.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';

function start(): World {
  const w = initialWorld(CONFIG, { suite: nobleSuite });
  if (!w.ok) throw new Error(w.error.message);
  return w.value;
}

function apply(world: World, actions: readonly Action[]): { world: World; outcomes: ReturnType<typeof step>['outcome'][] } {
  let w = world;
  const outcomes = [];
  for (const a of actions) {
    const s = step(w, a);
    w = s.state;
    outcomes.push(s.outcome);
  }
  return { world: w, outcomes };
}

const verify = (client: number, machine: number, info: { hkd: Uint8Array; certificates: readonly Uint8Array[]; crls: readonly Uint8Array[] }, at = AT): Action => ({
  kind: 'shroud-verify-host',
  client,
  machine,
  hkd: info.hkd,
  certificates: [...info.certificates],
  crls: [...info.crls],
  at,
});

describe('shrouded deployment handlers', () => {
  it('answers auth info with the honest host-key document and chain, which verifies', () => {
    const w = start();
    const info = step(w, { kind: 'shroud-auth-info', machine: MACHINE });
    expect(info.outcome.kind).toBe('accepted');
    const r = info.outcome.kind === 'accepted' ? (info.outcome.response as { hkd: Uint8Array; certificates: Uint8Array[]; crls: Uint8Array[] }) : HONEST;
    expect([r.certificates.length, r.crls.length]).toEqual([2, 2]);
    const v = step(w, verify(1, MACHINE, r));
    expect(v.outcome).toEqual({ kind: 'accepted', response: { verdict: 'valid', failedCheck: null } });
    expect(step(w, { kind: 'shroud-auth-info', machine: NO_MACHINE }).outcome).toMatchObject({ kind: 'rejected', code: 'MACHINE_NOT_FOUND' });
  });

  it('deploys the released image on an immutable hypervisor with unique server IDs', () => {
    const first = apply(start(), honestPath(1, MACHINE, 0));
    expect(first.outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    const second = apply(first.world, [...honestPath(2, OTHER_MACHINE, 2), { kind: 'shroud-deploy', client: 1, machine: MACHINE }]);
    const servers = [first.outcomes[2], second.outcomes[2], second.outcomes[3]].map((o) => (o?.kind === 'accepted' ? (o.response as { server: number; image: Uint8Array }) : undefined));
    expect(servers.map((s) => s?.server)).toEqual([1, 2, 3]);
    expect(servers[0]?.image).toEqual(tagOf(imageFor(0)));
    expect(servers[1]?.image).toEqual(tagOf(imageFor(2)));
    expect([...second.world.hostManager.deployments.values()]).toEqual([
      { id: 1, machine: MACHINE, immutable: true },
      { id: 2, machine: OTHER_MACHINE, immutable: true },
      { id: 3, machine: MACHINE, immutable: true },
    ]);
  });

  it.each(HOSTILE)('records a failed verification ($name: $failedCheck) and refuses release and deploy', ({ info, at, failedCheck }) => {
    const w = start();
    const r = apply(w, [verify(1, MACHINE, info, at), { kind: 'shroud-release', client: 1, machine: MACHINE, what: 'secret', payload: new Uint8Array(4) }, { kind: 'shroud-deploy', client: 1, machine: MACHINE }]);
    expect(r.outcomes[0]).toEqual({ kind: 'accepted', response: { verdict: 'invalid', failedCheck } });
    expect(r.outcomes.slice(1)).toMatchObject([{ code: 'HOST_NOT_AUTHENTIC', requirement: 'REQ-SHROUD-3' }, { code: 'HOST_NOT_AUTHENTIC' }]);
  });

  it('takes the latest verdict: a failed re-verification stops a deployment', () => {
    const [v, rel] = honestPath(1, MACHINE, 0);
    const r = apply(start(), [v as Action, rel as Action, verify(1, MACHINE, HONEST, 13283164800n), { kind: 'shroud-deploy', client: 1, machine: MACHINE }]);
    expect(r.outcomes[3]).toMatchObject({ kind: 'rejected', code: 'HOST_NOT_AUTHENTIC' });
  });

  it('gives every code in its guard order', () => {
    const w = start();
    const verified = apply(w, [verify(1, MACHINE, HONEST)]).world;
    const code = (world: World, a: Action): string => {
      const o = step(world, a).outcome;
      return o.kind === 'rejected' ? o.code : 'accepted';
    };
    expect(code(w, verify(1, NO_MACHINE, HONEST))).toBe('MACHINE_NOT_FOUND');
    expect(code(w, verify(1, MACHINE, { ...HONEST, hkd: GARBAGE }))).toBe('AUTH_INFO_MALFORMED');
    expect(code(w, verify(1, MACHINE, { ...HONEST, crls: [GARBAGE] }))).toBe('AUTH_INFO_MALFORMED');
    expect(code(w, { kind: 'shroud-release', client: 1, machine: MACHINE, what: 'image', payload: GARBAGE })).toBe('HOST_NOT_VERIFIED');
    expect(code(verified, { kind: 'shroud-release', client: 2, machine: MACHINE, what: 'image', payload: imageFor(0).header })).toBe('HOST_NOT_VERIFIED');
    expect(code(verified, { kind: 'shroud-release', client: 1, machine: MACHINE, what: 'image', payload: GARBAGE })).toBe('IMAGE_MALFORMED');
    expect(code(verified, { kind: 'shroud-release', client: 1, machine: MACHINE, what: 'image', payload: imageFor(2).header })).toBe('IMAGE_NOT_FOR_HOST');
    expect(code(verified, { kind: 'shroud-release', client: 1, machine: MACHINE, what: 'image', payload: imageFor(1).header })).toBe('accepted');
    expect(code(verified, { kind: 'shroud-deploy', client: 1, machine: MACHINE })).toBe('IMAGE_NOT_RELEASED');
    expect(code(w, { kind: 'shroud-deploy', client: 1, machine: MACHINE })).toBe('HOST_NOT_VERIFIED');
    expect(code(w, { kind: 'shroud-deploy', client: 1, machine: NO_MACHINE })).toBe('MACHINE_NOT_FOUND');
    expect(code(w, { kind: 'shroud-set-setting', machine: NO_MACHINE, by: 'hypervisor', setting: 'dump', value: 1n })).toBe('MACHINE_NOT_FOUND');
  });

  it('after immutable mode refuses every setting change, by anyone, and leaves the world as it was', () => {
    const before = apply(start(), [
      { kind: 'shroud-set-setting', machine: MACHINE, by: 'host-manager', setting: 'debug', value: 0n },
      { kind: 'shroud-set-setting', machine: MACHINE, by: 'hypervisor', setting: 'dump', value: 1n },
    ]);
    expect(before.outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
    const deployed = apply(before.world, honestPath(1, MACHINE, 0)).world;
    for (const by of SETTING_REQUESTERS) {
      for (const setting of SECURITY_SETTINGS) {
        const s = step(deployed, { kind: 'shroud-set-setting', machine: MACHINE, by, setting, value: 7n });
        expect(s.outcome).toEqual({ kind: 'rejected', code: 'SETTINGS_IMMUTABLE', requirement: 'REQ-SHROUD-6' });
        expect(s.state).toBe(deployed);
      }
    }
    // The other machine's hypervisor is not immutable.
    expect(step(deployed, { kind: 'shroud-set-setting', machine: OTHER_MACHINE, by: 'client', setting: 'console', value: 2n }).outcome.kind).toBe('accepted');
  });
});

describe('shroud-verify-host is total on damaged files', () => {
  it('a byte changed anywhere in any file gives AUTH_INFO_MALFORMED or a verdict, never a throw', async () => {
    const fc = (await import('fast-check')).default;
    const w = start();
    const files = [HONEST.hkd, ...HONEST.certificates, ...HONEST.crls];
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, at, xor) => {
        const damaged = files.map((f, i) => {
          if (i !== which) return f;
          const c = f.slice();
          c[at % c.length] = (c[at % c.length] ?? 0) ^ xor;
          return c;
        });
        const [hkd = GARBAGE, c1 = GARBAGE, c2 = GARBAGE, r1 = GARBAGE, r2 = GARBAGE] = damaged;
        const o = step(w, verify(1, MACHINE, { hkd, certificates: [c1, c2], crls: [r1, r2] })).outcome;
        return o.kind === 'accepted' || o.code === 'AUTH_INFO_MALFORMED';
      }),
      { numRuns: 60, seed: 8 },
    );
  });
});
