import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { patchGuest, withGuests, withGuestSlice } from '../../model/world/records.js';
import type { Guest } from '../../model/world/world.js';
import { run, testWorld, TEST_MACHINE } from '../world.js';

/** A world with one created guest, and that guest. */
function withOneGuest() {
  const { world } = run(testWorld(nodeSuite, []), [{ kind: 'create-guest', machine: TEST_MACHINE, memoryPages: 4 }]);
  const guest: Guest | undefined = world.guests.first();
  if (guest === undefined) throw new Error('no guest');
  return { world, guest };
}

describe('record copies of the hot paths (world/records.ts)', () => {
  it('patchGuest with no patch is an equal copy with every field, and replaces exactly the fields given', () => {
    const { guest } = withOneGuest();
    const same = patchGuest(guest, {});
    expect(same).not.toBe(guest);
    expect(same).toStrictEqual(guest);
    expect(Object.keys(same).sort()).toEqual(Object.keys(guest).sort());
    const replacements: Partial<Guest> = { id: 9, machine: 3, memoryPages: 7, memory: guest.memory.set(1, new Uint8Array(4096)), phase: 'running', cpu: { ...guest.cpu, prefix: 8192 }, image: null, slices: { ...guest.slices } };
    for (const [field, value] of Object.entries(replacements)) {
      const patched = patchGuest(guest, { [field]: value });
      for (const k of Object.keys(guest) as (keyof Guest)[]) expect(patched[k]).toBe(k === field ? value : guest[k]);
    }
  });

  it('withGuests replaces the guests and keeps every other field of the world', () => {
    const { world } = withOneGuest();
    const guests = world.guests.clear();
    const next = withGuests(world, guests);
    expect(Object.keys(next).sort()).toEqual(Object.keys(world).sort());
    for (const k of Object.keys(world) as (keyof typeof world)[]) expect(next[k]).toBe(k === 'guests' ? guests : world[k]);
  });

  it('withGuestSlice replaces one slice in a copy and leaves the original as it was', () => {
    const { guest } = withOneGuest();
    const before = { ...guest.slices };
    const unpack = { ...guest.slices.unpack, slotIndex: 5 };
    const next = withGuestSlice(guest.slices, 'unpack', unpack);
    expect(next.unpack).toBe(unpack);
    expect(guest.slices).toStrictEqual(before);
    for (const k of Object.keys(before) as (keyof typeof before)[]) if (k !== 'unpack') expect(next[k]).toBe(before[k]);
  });
});
