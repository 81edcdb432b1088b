/**
 * Deliberately wrong implementations of mechanism 10 (the confidential image boot): each runs the
 * model's handler and changes one thing. Each is caught by a confidential-boot property
 * (test/confidential-boot/faulty-caught.test.ts).
 * @module
 */
import { equalBytes } from '../../model/core/bytes.js';
import type { Step } from '../../model/core/outcome.js';
import type { CbootLoadKey, CbootWrite } from '../../model/confidential-boot/actions.js';
import { cbootLoadKey, cbootWrite } from '../../model/confidential-boot/handlers.js';
import { decodeKeyBlob } from '../../model/se-format/cboot-key-blob.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { DATA_OFFSET } from '../../model/se-format/luks-volume.js';
import type { World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/**
 * A load that takes a key blob whose slot names this machine but does not unwrap (its tag, its
 * wrapped key or its customer key changed): the slot's wrapped bytes become the image key, as an
 * implementation that skips the GCM check would (REQ-CBOOT-3).
 */
export const loadKeyIgnoringTag = (world: World, action: CbootLoadKey): Step<World, Empty> => {
  const step = cbootLoadKey(world, action);
  if (!rejectedWith(step, 'KEY_SLOT_AUTH')) return step;
  const guest = world.guests.get(action.guest);
  const blob = decodeKeyBlob(action.keyBlob);
  if (guest === undefined || !blob.ok) return step;
  const hosts = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
  const slot = blob.value.keySlots.find((s) => hosts.some((h) => equalBytes(s.phkh, phkh(world.suite, h.publicKey))));
  if (slot === undefined) return step;
  const state = withGuest(world, action.guest, (g) => ({ ...g, slices: { ...g.slices, cboot: { ...g.slices.cboot, imageKey: slot.wrappedKey.slice() } } }));
  return { state, outcome: { kind: 'accepted', response: {} } };
};

/** A write that stores data sector 0 as given, in plaintext (REQ-CBOOT-10). */
export const writeSectorZeroPlain = (world: World, action: CbootWrite): Step<World, Empty> => {
  const step = cbootWrite(world, action);
  if (step.outcome.kind !== 'accepted' || action.sector !== 0) return step;
  const state = withGuest(step.state, action.guest, (g) => {
    const disk = g.slices.cboot.disk;
    return disk === null ? g : { ...g, slices: { ...g.slices, cboot: { ...g.slices.cboot, disk: disk.set(DATA_OFFSET, action.data.slice()) } } };
  });
  return { state, outcome: step.outcome };
};
