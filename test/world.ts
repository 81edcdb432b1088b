/**
 * A world for the tests: one machine (ID 0) whose firmware holds the given host private keys,
 * computing with `suite`.
 * @module
 */
import type { CryptoSuite } from '../model/crypto/suite.js';
import { initialWorld, step, type Action, type PlatformOutcome, type World } from '../model/platform/index.js';

/** The machine ID of {@link testWorld}. */
export const TEST_MACHINE = 0;

/** A world with one machine holding `hostKeys` (66-byte P-521 scalars), on `suite`. */
export function testWorld(suite: CryptoSuite, hostKeys: readonly Uint8Array[]): World {
  const r = initialWorld(
    { suite: suite.name as 'noble' | 'node', machines: [{ id: TEST_MACHINE, hostKeys, seed: new Uint8Array(32) }], adapters: [] },
    { suite },
  );
  if (!r.ok) throw new Error(`test world: ${r.error.path}: ${r.error.message}`);
  return r.value;
}

/** Steps `world` through `actions`; the last world and every outcome. */
export function run(world: World, actions: readonly Action[]): { world: World; outcomes: PlatformOutcome[] } {
  let w = world;
  const outcomes: PlatformOutcome[] = [];
  for (const a of actions) {
    const s = step(w, a);
    w = s.state;
    outcomes.push(s.outcome);
  }
  return { world: w, outcomes };
}
