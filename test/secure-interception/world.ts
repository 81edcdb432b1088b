/**
 * Worlds for the model-only secure-interception tests: the properties' configuration with a guest
 * put straight into `running` (the black-box properties boot guests through the real calls).
 * @module
 */
import { initialWorld, step, type PlatformOutcome, type World } from '../../model/platform/index.js';
import { MACHINE } from '../../properties/image-unpack/fixtures.js';
import { INTCP_CONFIG } from '../../properties/secure-interception/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** A world with one running guest of `pages` pages (ID 1) and one created guest (ID 2). */
export function intcpWorld(pages = 8): World {
  const r = initialWorld(INTCP_CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
  let w = r.value;
  for (let i = 0; i < 2; i++) w = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: pages }).state;
  const g = w.guests.get(1);
  if (g === undefined) throw new Error('create-guest failed');
  return { ...w, guests: w.guests.set(1, { ...g, phase: 'running' }) };
}

export { run } from '../world.js';

/** The code of an outcome, or `accepted`. */
export function codeOf(o: PlatformOutcome | undefined): string {
  return o === undefined ? 'none' : o.kind === 'accepted' ? 'accepted' : o.code;
}

/** The hex of the hypervisor's interception blob of `guest` (empty when there is none). */
export function blobHex(world: World, guest: number): string {
  const b = world.hypervisor.interceptions.find((x) => x.guest === guest);
  return b === undefined ? '' : Buffer.from(b.bytes).toString('hex');
}
