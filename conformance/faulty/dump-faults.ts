/**
 * Deliberately wrong implementations of mechanism 6 (encrypted dump): each runs the model's own
 * handler, on the world as it is or on an edited copy, and answers as an implementation with one
 * fault would. Each is caught by a secure-dump property (test/secure-dump/faulty-caught.test.ts).
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { Step } from '../../model/core/outcome.js';
import { deriveBytes } from '../../model/crypto/random.js';
import type { DumpInit, DumpStorageState } from '../../model/secure-dump/actions.js';
import { dumpInit, dumpStorageState } from '../../model/secure-dump/handlers.js';
import { realDumpKey } from '../../model/se-format/dump-real.js';
import { PCF_DUMP_ALLOWED } from '../../model/se-format/format.js';
import type { World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/** Dump-init that does not read PCF bit 34: an image that forbids dumps is dumped (REQ-DUMP-2). */
export const dumpIgnoringPcf = (world: World, action: DumpInit): Step<World, Empty> => {
  const step = dumpInit(world, action);
  const image = world.guests.get(action.guest)?.image;
  if (!rejectedWith(step, 'DUMP_NOT_PERMITTED') || image === undefined || image === null) return step;
  const s = dumpInit(
    withGuest(world, action.guest, (g) => ({ ...g, image: { ...image, pcf: image.pcf | PCF_DUMP_ALLOWED } })),
    action,
  );
  // The guest keeps its own image: only the check was skipped.
  return { ...s, state: withGuest(s.state, action.guest, (g) => ({ ...g, image })) };
};

/**
 * Storage state that stores the chunk's first encrypted page in the clear, its meta entry as the
 * model makes it (REQ-DUMP-8).
 */
export const dumpWithPlaintextPage = (world: World, action: DumpStorageState): Step<World, { readonly meta: Uint8Array; readonly pages: Uint8Array }> => {
  const step = dumpStorageState(world, action);
  const dump = world.guests.get(action.guest)?.slices.dump.active;
  if (step.outcome.kind !== 'accepted' || dump === null || dump === undefined) return step;
  const first = Number(action.address / BigInt(PAGE_SIZE));
  const count = step.outcome.response.pages.length / PAGE_SIZE;
  const k = Array.from({ length: count }, (_, i) => i).find((i) => dump.memory.has(first + i));
  const plain = k === undefined ? undefined : dump.memory.get(first + k);
  if (k === undefined || plain === undefined) return step;
  const pages = step.outcome.response.pages.slice();
  pages.set(plain, k * PAGE_SIZE);
  const blobs = step.state.hypervisor.dumps;
  const last = blobs.last();
  const dumps = last === undefined ? blobs : blobs.set(blobs.size - 1, { ...last, bytes: pages.slice() });
  return { state: { ...step.state, hypervisor: { ...step.state.hypervisor, dumps } }, outcome: { kind: 'accepted', response: { ...step.outcome.response, pages } } };
};

/**
 * Dump-init whose keys are derived from the guest's ID instead of drawn: every dump of a guest has
 * the same keys (REQ-DUMP-4).
 */
export const dumpReusingKeys = (world: World, action: DumpInit): Step<World, Empty> => {
  const step = dumpInit(world, action);
  const guest = step.state.guests.get(action.guest);
  const active = guest?.slices.dump.active;
  const seedOf = world.machines.get(guest?.machine ?? -1)?.firmware.rng.seed;
  if (step.outcome.kind !== 'accepted' || guest === undefined || active === null || active === undefined || seedOf === undefined) return step;
  const fixed = (label: string, n: number) => deriveBytes(world.suite, seedOf, `faulty/dump/${action.guest}/${label}`, n);
  const keys =
    active.keys.mode === 'real'
      ? { ...active.keys, seed: fixed('seed', 64), nonce: fixed('nonce', 16), xtsKey: fixed('xts', 64), dumpKey: realDumpKey(world.suite, guest.image?.cck ?? new Uint8Array(32), fixed('seed', 64)) }
      : { ...active.keys, dumpKey: fixed('key', 32) };
  return { ...step, state: withGuest(step.state, action.guest, (g) => ({ ...g, slices: { ...g.slices, dump: { ...g.slices.dump, active: { ...active, keys } } } })) };
};
