// The system-under-test interface over the model: reset, apply, observe; the synchronous and
// asynchronous drivers give the same answers; handlers and views can be replaced (faulty variants).
import { describe, expect, it } from 'vitest';
import { asAsync, modelSystem, type PlatformOutcome } from '../../model/platform/index.js';
import { CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { holds, runAsync, runSync, sut, type Calls } from '../../properties/sut-calls.js';

function* createAndVerify(): Calls<PlatformOutcome[]> {
  yield* sut.reset(CONFIG);
  const a = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: 4 });
  const b = yield* sut.apply({ kind: 'verify', guest: 1 });
  const c = yield* sut.apply({ kind: 'verify', guest: 2 });
  const d = yield* sut.apply({ kind: 'create-guest', machine: 9, memoryPages: 4 });
  return [a, b, c, d];
}

describe('the model as a system under test', () => {
  it('answers reset, apply and observe', () => {
    const m = modelSystem({ suite: PROPERTY_SUITE });
    expect(() => m.apply({ kind: 'verify', guest: 1 })).toThrow(/reset/);
    m.reset(CONFIG);
    expect(m.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: 4 })).toEqual({ kind: 'accepted', response: { guest: 1 } });
    expect(m.observe({ kind: 'owner', guest: 1 })).toEqual({ party: 'owner', id: 1, phase: 'created', verifyFailure: null });
    expect(m.observe({ kind: 'owner', guest: 2 })).toBeNull();
    expect(m.world.guests.size).toBe(1);
    m.reset(CONFIG);
    expect(m.world.guests.size).toBe(0);
  });

  it('refuses a configuration it cannot start, naming the field', () => {
    const m = modelSystem();
    expect(() => m.reset({ ...CONFIG, machines: [CONFIG.machines[0]!, CONFIG.machines[0]!] })).toThrow(/\$\.machines\[1\]\.id/);
  });

  it('gives the same outcomes through the synchronous and the asynchronous driver', async () => {
    const sync = runSync(createAndVerify(), modelSystem({ suite: PROPERTY_SUITE }));
    const async = await runAsync(createAndVerify(), asAsync(modelSystem({ suite: PROPERTY_SUITE })));
    expect(async).toEqual(sync);
    expect(sync.map((o) => (o.kind === 'rejected' ? o.code : 'accepted'))).toEqual(['accepted', 'INVALID_STATE', 'GUEST_NOT_FOUND', 'MACHINE_NOT_FOUND']);
  });

  it('records asserted requirements and stops at a failed assertion', () => {
    const seen: string[] = [];
    function* twice(): Calls<void> {
      yield* holds('REQ-PLATFORM-2', true, 'fine');
      yield* holds('REQ-PLATFORM-3', false, 'broken on purpose');
    }
    expect(() => runSync(twice(), modelSystem(), { asserted: (r) => seen.push(r) })).toThrow('REQ-PLATFORM-3: broken on purpose');
    expect(seen).toEqual(['REQ-PLATFORM-2', 'REQ-PLATFORM-3']);
  });

  it('runs with a handler replaced, as a faulty implementation would', () => {
    const m = modelSystem({ handlers: { verify: (w) => ({ state: w, outcome: { kind: 'accepted', response: {} } }) } });
    m.reset(CONFIG);
    m.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: 4 });
    expect(m.apply({ kind: 'verify', guest: 1 })).toEqual({ kind: 'accepted', response: {} });
    // The boundary still runs before a replaced handler.
    expect(m.apply({ kind: 'verify', guest: -1 })).toMatchObject({ code: 'MALFORMED_ACTION' });
  });
});
