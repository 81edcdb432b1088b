/**
 * Values the firmware makes for this mechanism from its own seed: each secure configuration's
 * CUID and the machine's CPU wrapping key. Both are derived, not drawn: a label of their own
 * under the firmware's generator seed (`deriveBytes`, the construction the generator's draws
 * use), so that they exist from the guest's creation on without a step that stores them, never
 * change, and differ between machines and between guests (guest IDs are never reused).
 * @module
 */
import { deriveBytes } from '../crypto/random.js';
import type { Guest, World } from '../world/world.js';

/** Bytes of a configuration unique ID. */
export const CUID_SIZE = 16;

/** Bytes of the CPU wrapping key: an AES-256-XTS key (key1 ‖ key2). */
export const WRAPPING_KEY_SIZE = 64;

/** The seed of the firmware of `guest`'s machine (every guest's machine exists: create-guest checks it). */
function seedOf(world: World, machine: number): Uint8Array {
  // Stryker disable next-line all: a guest's machine always exists; the empty seed keeps the function total
  return world.machines.get(machine)?.firmware.rng.seed ?? new Uint8Array(0);
}

/**
 * The configuration unique ID the firmware gave `guest` (REQ-CTRL-7): 16 bytes derived from its
 * machine's seed and its ID. Attestation responses carry it; add-secret requests may be bound to it.
 */
export function cuidOf(world: World, guest: Guest): Uint8Array {
  return deriveBytes(world.suite, seedOf(world, guest.machine), `semodel/request-controls/cuid/${guest.id}`, CUID_SIZE);
}

/** The wrapping key of the CPUs of `machine` (REQ-CTRL-19): what protected keys are wrapped with. */
export function cpuWrappingKey(world: World, machine: number): Uint8Array {
  return deriveBytes(world.suite, seedOf(world, machine), 'semodel/request-controls/cpu-wrapping-key', WRAPPING_KEY_SIZE);
}
