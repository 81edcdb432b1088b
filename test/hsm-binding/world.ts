/**
 * Worlds for the model-only hsm-binding tests: the properties' configuration (six AP queues),
 * with guests put straight into a phase and association secrets put straight into their store
 * (the black-box properties boot guests and add secrets through the real calls instead).
 * @module
 */
import { initialWorld, step, type PlatformOutcome, type World } from '../../model/platform/index.js';
import type { StoredSecret } from '../../model/request-controls/store.js';
import type { GuestPhase } from '../../model/world/world.js';
import { HSM_CONFIG } from '../../properties/hsm-binding/fixtures.js';
import { MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** The properties' world: no guests yet. */
export function hsmWorld(): World {
  const r = initialWorld(HSM_CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
  return r.value;
}

/** An association secret (type 0x02) at `index` with `value`. */
export function association(index: number, value: Uint8Array): StoredSecret {
  return { index, type: 0x02, id: new Uint8Array(32).fill(index), value };
}

/** `world` with a new guest on `machine` in `phase`, holding `secrets`; and its ID. */
export function withGuest(world: World, phase: GuestPhase = 'running', secrets: readonly StoredSecret[] = [], machine = MACHINE): [World, number] {
  const s = step(world, { kind: 'create-guest', machine, memoryPages: 4 });
  const id = s.outcome.kind === 'accepted' ? (s.outcome.response['guest'] as number) : -1;
  const g = s.state.guests.get(id);
  if (g === undefined) throw new Error('create-guest failed');
  const store = { ...g.slices.secrets, secrets: [...secrets] };
  return [{ ...s.state, guests: s.state.guests.set(id, { ...g, phase, slices: { ...g.slices, secrets: store } }) }, id];
}

export { run } from '../world.js';

/** The code of a rejected outcome, or `accepted`. */
export function codeOf(o: PlatformOutcome): string {
  return o.kind === 'accepted' ? 'accepted' : o.code;
}
