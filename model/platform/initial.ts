/**
 * The world a configuration starts: its machines with their firmware (host key pairs, a seeded
 * generator), its adapters, no guests, an empty host manager and hypervisor area.
 * @module
 */
import { List, Map as PMap } from 'immutable';
import { readValue, REFUSED } from '../core/schema.js';
import { err, ok, type Result } from '../core/result.js';
import { createRng } from '../crypto/random.js';
import { SUITES } from '../crypto/index.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { hostKeyFromPrivate } from '../se-format/host-key.js';
import { WORLD_CONFIG, type WorldConfig } from '../world/config.js';
import type { Adapter, FirmwareHostKey, Machine, World } from '../world/world.js';

/** Options of {@link initialWorld}. */
export interface WorldOptions {
  /**
   * The suite to compute with instead of the one the configuration names: it must carry the same
   * name and give the same results (e.g. the named suite with its key agreements memoized).
   */
  readonly suite?: CryptoSuite;
}

/** Why a configuration cannot start a world. */
export interface ConfigError {
  readonly path: string;
  readonly message: string;
}

/**
 * The world `config` describes. The configuration is read like an action (checked and copied),
 * so the caller may reuse it.
 * @example
 * ```ts
 * const r = initialWorld({ suite: 'noble', machines: [{ id: 0, hostKeys: [scalar], seed: new Uint8Array(32) }], adapters: [] });
 * if (r.ok) step(r.value, { kind: 'create-guest', machine: 0, memoryPages: 16 });
 * ```
 */
export function initialWorld(config: WorldConfig, options: WorldOptions = {}): Result<World, ConfigError> {
  let c: WorldConfig | typeof REFUSED;
  try {
    c = readValue(WORLD_CONFIG, config);
  } catch {
    c = REFUSED;
  }
  if (c === REFUSED) return err({ path: '$', message: 'not a world configuration (see WORLD_CONFIG)' });
  const suite = options.suite ?? SUITES[c.suite];
  if (suite.name !== c.suite) return err({ path: '$.suite', message: `the suite given (${suite.name}) is not the configured ${c.suite}` });
  let machines = PMap<number, Machine>();
  for (const [i, m] of c.machines.entries()) {
    if (machines.has(m.id)) return err({ path: `$.machines[${i}].id`, message: `machine ${m.id} is configured twice` });
    const hostKeys: FirmwareHostKey[] = [];
    for (const [j, d] of m.hostKeys.entries()) {
      const k = hostKeyFromPrivate(suite, d);
      if (k === undefined) return err({ path: `$.machines[${i}].hostKeys[${j}]`, message: 'not a valid P-521 private scalar of 66 bytes' });
      hostKeys.push(k);
    }
    machines = machines.set(m.id, { id: m.id, firmware: { hostKeys, rng: createRng(m.seed), slices: {} } });
  }
  let adapters = PMap<number, Adapter>();
  for (const [i, a] of c.adapters.entries()) {
    if (adapters.has(a.id)) return err({ path: `$.adapters[${i}].id`, message: `adapter ${a.id} is configured twice` });
    if (!machines.has(a.machine)) return err({ path: `$.adapters[${i}].machine`, message: `no machine ${a.machine}` });
    if (a.masterKey.length !== 0 && a.masterKey.length !== 32) return err({ path: `$.adapters[${i}].masterKey`, message: 'a master key is 32 bytes, or empty for none' });
    adapters = adapters.set(a.id, {
      id: a.id,
      machine: a.machine,
      type: a.type,
      boundGuest: null,
      associationIndex: null,
      associationFailure: null,
      replies: [],
      hsm: { masterKey: a.masterKey, logins: 0, session: null },
    });
  }
  return ok({
    config: c,
    suite,
    machines,
    guests: PMap(),
    nextGuestId: 1,
    adapters,
    hostManager: { deployments: PMap() },
    hypervisor: { nonSecureMemory: PMap(), interceptions: List(), dumps: List(), migrationStreams: List(), relayed: List() },
    slices: {},
  });
}
