// Coverage counting by wrapping the system under test, and the deep states the schedules reach.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codesReached, countingSystem, emptyCoverage, kindOf, unreachedCodes, unreachedGuards, unreachedPhases } from '../../properties/campaign/coverage.js';
import { arbCase } from '../../properties/image-unpack/fixtures.js';
import { honestSchedule, runSchedule } from '../../properties/image-unpack/schedules.js';
import { propertyModel } from '../../properties/property.js';
import { runSync } from '../../properties/sut-calls.js';

describe('coverage', () => {
  it('counts every step by kind and outcome, and each run once per phase its guests reached', () => {
    const [c] = fc.sample(arbCase, { numRuns: 1, seed: 5 });
    if (c === undefined) throw new Error('no case');
    const cov = emptyCoverage();
    const system = countingSystem(propertyModel, cov);
    const schedule = honestSchedule(c.image.pages.length);
    runSync(runSchedule(c.image, c.foreign, schedule), system());
    runSync(runSchedule(c.image, c.foreign, [...schedule, { op: 'verify' }]), system());
    expect(cov.runs).toBe(2);
    expect(cov.steps).toBe(2 * (1 + schedule.length) + 1);
    expect(cov.outcomes['unpack accepted']).toBe(2 * c.image.pages.length);
    expect(cov.outcomes['verify INVALID_STATE']).toBe(1);
    expect(cov.phases).toEqual({ created: 2, unpacking: 2, verified: 2, running: 2 });
    expect(codesReached(cov)).toEqual(['INVALID_STATE']);
    expect(unreachedPhases(cov)).toEqual(['verify-failed', 'migrated']);
    expect(unreachedCodes(cov, ['platform'])).toEqual(['platform/MALFORMED_ACTION', 'platform/MACHINE_NOT_FOUND', 'platform/GUEST_NOT_FOUND', 'platform/INVALID_MEMORY_SIZE']);
    expect(unreachedCodes(cov, ['image-unpack'])).not.toContain('image-unpack/INVALID_STATE');
    expect(unreachedGuards(cov, ['image-unpack'])).toContain('unpack INVALID_STATE');
    expect(unreachedGuards(cov, ['image-unpack'])).not.toContain('verify INVALID_STATE');
  });

  it('reads an action kind without running the action code (proxies, getters)', () => {
    let reads = 0;
    const getter = Object.defineProperty({}, 'kind', { get: () => (reads++, 'verify'), enumerable: true });
    const proxy = new Proxy({ kind: 'verify' }, { get: () => { reads++; throw new Error('trap'); }, getOwnPropertyDescriptor: () => { reads++; throw new Error('trap'); } });
    expect([kindOf(getter), kindOf(proxy), kindOf(null), kindOf('verify'), kindOf({ kind: 3 }), kindOf({ kind: 'start' })]).toEqual(['?', '?', '?', '?', '?', 'start']);
    expect(reads).toBe(0);
  });
});

describe('schedules reach deep states', () => {
  // Fixed seed: the same 200 cases every time. The bias of arbSchedule is what is tested.
  const cases = fc.sample(arbCase, { numRuns: 200, seed: 2026 });
  const cov = emptyCoverage();
  const system = countingSystem(propertyModel, cov);
  let foreignBooted = 0;
  for (const c of cases) {
    const model = system();
    const r = runSync(runSchedule(c.image, c.foreign, c.schedule), model);
    const g = model.world.guests.get(r.guest);
    if (g?.phase === 'running' && g.image !== null && Buffer.from(g.image.headerBytes).equals(Buffer.from(c.foreign.header))) foreignBooted++;
  }

  it('most runs reach verified and running', () => {
    expect(cov.phases['verified'] ?? 0).toBeGreaterThan(cases.length / 2);
    expect(cov.phases['running'] ?? 0).toBeGreaterThan(cases.length / 2);
    expect(cov.phases['verify-failed'] ?? 0).toBeGreaterThan(cases.length / 10);
  });

  it('the foreign image is booted and verify refuses a wrong page count', () => {
    expect(foreignBooted).toBeGreaterThan(cases.length / 20);
    expect(cov.outcomes['verify NEP_MISMATCH'] ?? 0).toBeGreaterThan(0);
    for (const k of ['unpack ADDRESS_ALREADY_UNPACKED', 'unpack ADDRESS_NOT_ALIGNED', 'start NOT_VERIFIED', 'set-header INVALID_STATE', 'verify PLD_MISMATCH']) {
      expect(cov.outcomes[k] ?? 0, k).toBeGreaterThan(0);
    }
  });
});
