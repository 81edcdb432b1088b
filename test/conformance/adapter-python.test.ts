// The Python adapter template (conformance/templates/python/) through openAdapter: schedules of
// create-guest and destroy-guest (well-formed, hostile, not actions at all) give exactly the
// model's outcomes and views, step by step. Skipped, saying why, when python3 is not on PATH.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdapterFailure, openAdapter, PartyNotModelled, type AdapterSystem } from '../../conformance/adapter/index.js';
import { modelSystem, type Party, type View, type WorldConfig } from '../../model/platform/index.js';
import { arbActionOf, arbHostileActionOf, arbNotAnAction, type IdPool } from '../../properties/arbitraries.js';
import { CONFIG } from '../../properties/image-unpack/fixtures.js';
import { PROJECT } from '../cli/cli-harness.js';

const PYTHON = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
const ADAPTER = path.join(PROJECT, 'conformance', 'templates', 'python', 'adapter.py');

/** Two machines without host keys (so the toy models the hypervisor's view too) and two adapters. */
const KEYLESS: WorldConfig = {
  suite: 'noble',
  machines: [
    { id: 0, hostKeys: [], seed: new Uint8Array([1]) },
    { id: 1, hostKeys: [], seed: new Uint8Array([2]) },
  ],
  adapters: [
    { id: 0, machine: 0, type: 'ep11', masterKey: new Uint8Array(32).fill(1) },
    { id: 1, machine: 1, type: 'accelerator', masterKey: new Uint8Array(0) },
  ],
};
const GUESTS = [1, 2, 3, 4, 5, 6, 7, 8];
const IDS: IdPool = { guests: [...GUESTS, 1_000_000], machines: [0, 1, 2, 7], adapters: [0, 1] };
const PARTIES: Party[] = [
  { kind: 'hypervisor' },
  ...GUESTS.flatMap((guest): Party[] => [
    { kind: 'guest', guest },
    { kind: 'owner', guest },
  ]),
  { kind: 'adapter', adapter: 0 },
  { kind: 'adapter', adapter: 5 },
  { kind: 'host-manager' },
  { kind: 'client' },
];

/** A step: a well-formed or hostile platform action, or something that is no action; built when applied. */
const arbStep: fc.Arbitrary<() => unknown> = fc
  .oneof(
    { weight: 5, arbitrary: arbActionOf('create-guest', IDS) },
    { weight: 4, arbitrary: arbActionOf('destroy-guest', IDS) },
    { weight: 2, arbitrary: arbHostileActionOf('create-guest', IDS) },
    { weight: 2, arbitrary: arbHostileActionOf('destroy-guest', IDS) },
    { weight: 1, arbitrary: arbNotAnAction },
  )
  .map((v) => () => v);

/** `n` schedules, the same for each call with the same seed (fresh values each time). */
const schedules = (seed: number, n: number): (() => unknown)[][] => fc.sample(fc.array(arbStep, { minLength: 20, maxLength: 40 }), { seed, numRuns: n });

/** The view through the adapter, or the string 'not modelled'. */
async function viewOf(sut: AdapterSystem, party: Party): Promise<View | null | 'not modelled'> {
  try {
    return await sut.observe(party);
  } catch (e) {
    if (e instanceof PartyNotModelled) return 'not modelled';
    throw e;
  }
}

describe.skipIf(!PYTHON)('the Python adapter template (python3 on PATH)', () => {
  it('create and destroy schedules, hostile ones included, give the model outcomes and views at every step', async () => {
    const sut = await openAdapter(`python3 '${ADAPTER}'`, { cwd: PROJECT, timeoutMs: 10_000 });
    try {
      expect(sut.hello).toEqual({ protocol: 'semodel-adapter/1', implementation: 'python-toy', version: '0.1.0', mechanisms: [] });
      const forModel = schedules(77, 6);
      const forToy = schedules(77, 6);
      const codes = new Set<string>();
      let steps = 0;
      for (const [i, schedule] of forModel.entries()) {
        const model = modelSystem();
        model.reset(KEYLESS);
        await sut.reset(KEYLESS);
        for (const [j, make] of schedule.entries()) {
          const expected = model.apply(make());
          const got = await sut.apply((forToy[i]?.[j] as () => unknown)());
          expect(got, `schedule ${i}, step ${j}`).toEqual(expected);
          codes.add(expected.kind === 'accepted' ? 'accepted' : expected.code);
          steps++;
          for (const party of PARTIES) expect(await viewOf(sut, party), `schedule ${i}, step ${j}, ${JSON.stringify(party)}`).toEqual(model.observe(party));
        }
      }
      expect(steps).toBeGreaterThanOrEqual(120);
      // The schedules reach every platform code.
      expect([...codes].sort()).toEqual(['GUEST_NOT_FOUND', 'INVALID_MEMORY_SIZE', 'MACHINE_NOT_FOUND', 'MALFORMED_ACTION', 'accepted']);
    } finally {
      await sut.close();
    }
  }, 60_000);

  it('with host keys it does not model the hypervisor (PARTY_NOT_MODELLED), still the guests; image actions only where no crypto is needed', async () => {
    const sut = await openAdapter(`python3 '${ADAPTER}'`, { cwd: PROJECT, timeoutMs: 10_000 });
    try {
      const model = modelSystem();
      model.reset(CONFIG);
      await sut.reset(CONFIG);
      const create = { kind: 'create-guest', machine: 0, memoryPages: 8 };
      expect(await sut.apply(create)).toEqual(model.apply(create));
      expect(await viewOf(sut, { kind: 'hypervisor' })).toBe('not modelled');
      expect(await sut.observe({ kind: 'owner', guest: 1 })).toEqual(model.observe({ kind: 'owner', guest: 1 }));
      const verifyMissing = { kind: 'verify', guest: 9 };
      expect(await sut.apply(verifyMissing)).toEqual(model.apply(verifyMissing));
      // An image action on a guest that exists needs the cryptography the toy lacks: an error answer.
      const e: unknown = await sut.apply({ kind: 'start', guest: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AdapterFailure);
      expect([(e as AdapterFailure).kind, (e as AdapterFailure).message]).toEqual([
        'error',
        'adapter answered error -32603 (INTERNAL_ERROR) to apply (step 3): NotImplementedError: the toy does not implement start',
      ]);
    } finally {
      await sut.close();
    }
  }, 30_000);

  it('a configuration it cannot run is CONFIG_UNSUPPORTED', async () => {
    const sut = await openAdapter(`python3 '${ADAPTER}'`, { cwd: PROJECT, timeoutMs: 10_000 });
    const twice: WorldConfig = { ...KEYLESS, machines: [KEYLESS.machines[0] as WorldConfig['machines'][number], KEYLESS.machines[0] as WorldConfig['machines'][number]] };
    const e: unknown = await sut.reset(twice).catch((x: unknown) => x);
    expect([(e as AdapterFailure).kind, (e as AdapterFailure).code]).toEqual(['error', -32003]);
    expect((e as AdapterFailure).message).toBe('adapter answered error -32003 (CONFIG_UNSUPPORTED) to reset: machine 0 is configured twice');
    await sut.close();
  }, 30_000);
});
