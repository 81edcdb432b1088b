// The world a configuration starts (model/platform/initial.ts): what it refuses, with the path
// and message of the first problem, and what a valid configuration puts in the world.
import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { initialWorld, rejectionRow, ALL_REJECTIONS, viewOf, type WorldConfig } from '../../model/platform/index.js';
import { CONFIG, MACHINE, OTHER_MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const refused = (path: string, message: string) => ({ ok: false, error: { path, message } });
/** An EP11 adapter without a master key. */
const ep11 = (id: number, machine: number) => ({ id, machine, type: 'ep11' as const, masterKey: new Uint8Array(0) });

describe('initialWorld refuses a configuration it cannot start', () => {
  it('a value that is not a world configuration', () => {
    expect(initialWorld({} as unknown as WorldConfig)).toEqual(refused('$', 'not a world configuration (see WORLD_CONFIG)'));
    expect(initialWorld({ ...CONFIG, suite: 'other' } as unknown as WorldConfig)).toEqual(refused('$', 'not a world configuration (see WORLD_CONFIG)'));
  });

  it('a configuration whose reading throws', () => {
    const hostile = new Proxy(CONFIG, { get: () => { throw new Error('get'); } });
    expect(initialWorld(hostile)).toEqual(refused('$', 'not a world configuration (see WORLD_CONFIG)'));
  });

  it('a suite that does not carry the configured name', () => {
    expect(initialWorld(CONFIG, { suite: nodeSuite })).toEqual(refused('$.suite', 'the suite given (node) is not the configured noble'));
  });

  it('a machine configured twice', () => {
    const m = CONFIG.machines[0]!;
    expect(initialWorld({ ...CONFIG, machines: [m, { ...m, id: 5 }, m] })).toEqual(refused('$.machines[2].id', `machine ${MACHINE} is configured twice`));
  });

  it('a host key that is not a valid scalar', () => {
    const m = CONFIG.machines[0]!;
    expect(initialWorld({ ...CONFIG, machines: [{ ...m, hostKeys: [m.hostKeys[0]!, new Uint8Array(66)] }] })).toEqual(
      refused('$.machines[0].hostKeys[1]', 'not a valid P-521 private scalar of 66 bytes'),
    );
  });

  it('an adapter configured twice', () => {
    const config = { ...CONFIG, adapters: [ep11(7, MACHINE), ep11(8, MACHINE), ep11(7, OTHER_MACHINE)] };
    expect(initialWorld(config, { suite: PROPERTY_SUITE })).toEqual(refused('$.adapters[2].id', 'adapter 7 is configured twice'));
  });

  it('an adapter on a machine that is not configured', () => {
    const config = { ...CONFIG, adapters: [ep11(7, MACHINE), ep11(8, 9)] };
    expect(initialWorld(config, { suite: PROPERTY_SUITE })).toEqual(refused('$.adapters[1].machine', 'no machine 9'));
  });
});

describe('initialWorld starts the configured world', () => {
  it('with its adapters, each attached to its machine and bound to no guest', () => {
    const config = { ...CONFIG, adapters: [ep11(7, MACHINE), ep11(8, OTHER_MACHINE)] };
    const r = initialWorld(config, { suite: PROPERTY_SUITE });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.suite).toBe(PROPERTY_SUITE);
    expect(viewOf(r.value, { kind: 'adapter', adapter: 7 })).toEqual({ party: 'adapter', id: 7, machine: MACHINE, boundGuest: null });
    expect(viewOf(r.value, { kind: 'adapter', adapter: 8 })).toEqual({ party: 'adapter', id: 8, machine: OTHER_MACHINE, boundGuest: null });
    expect(viewOf(r.value, { kind: 'adapter', adapter: 9 })).toBeNull();
    expect([...r.value.machines.keys()].sort()).toEqual([MACHINE, OTHER_MACHINE]);
    expect(r.value.machines.get(MACHINE)!.firmware.hostKeys).toHaveLength(2);
  });
});

describe('rejectionRow', () => {
  it('finds the row of a code and its requirement, and nothing for a pair no table has', () => {
    const row = ALL_REJECTIONS.find((r) => r.code === 'MALFORMED_ACTION')!;
    expect(rejectionRow('MALFORMED_ACTION', row.requirement)).toEqual(row);
    expect(rejectionRow('MALFORMED_ACTION', 'REQ-NOPE-1')).toBeUndefined();
    expect(rejectionRow('NO_SUCH_CODE', row.requirement)).toBeUndefined();
    const other = ALL_REJECTIONS.find((r) => r.requirement !== row.requirement && r.code !== row.code)!;
    expect(rejectionRow(other.code, other.requirement)).toEqual(other);
    expect(rejectionRow(other.code, row.requirement)).toBeUndefined();
    expect(rejectionRow(row.code, other.requirement)).toBeUndefined();
  });
});
