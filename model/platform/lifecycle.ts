/**
 * The guest lifecycle every mechanism shares (spec/platform.md): create a secure guest on a
 * machine, destroy it. The platform's own "mechanism" in the handler table.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { t } from '../core/schema.js';
import { MAX_GUEST_PAGES, newGuest, refusePlatform } from '../world/guests.js';
import { defineAction, defineMechanism, type ActionOfSpec } from '../world/mechanism.js';
import { PLATFORM_REJECTIONS } from '../world/platform-rejections.js';
import type { GuestSlices, World } from '../world/world.js';

/** Create a secure guest (UVC 0x0100, create secure configuration) on a machine. */
export const CREATE_GUEST = defineAction({
  kind: 'create-guest',
  doc: 'Create a secure guest with a fixed memory size on a machine (UVC 0x0100 create secure configuration).',
  caller: 'hypervisor',
  fields: { machine: t.id('the machine'), memoryPages: t.int({ min: 1, max: MAX_GUEST_PAGES, doc: 'memory size in 4 KiB pages' }) },
  response: { guest: t.id('the new guest ID') },
});

/** Destroy a secure guest and its memory (UVC 0x0101). */
export const DESTROY_GUEST = defineAction({
  kind: 'destroy-guest',
  doc: 'Destroy a secure guest and its secure memory (UVC 0x0101 destroy secure configuration).',
  caller: 'hypervisor',
  fields: { guest: t.id('the guest') },
  response: {},
});

/** Create a guest. */
export type CreateGuest = ActionOfSpec<typeof CREATE_GUEST>;
/** Destroy a guest. */
export type DestroyGuest = ActionOfSpec<typeof DESTROY_GUEST>;

/**
 * The platform's lifecycle handlers, given how to make the mechanisms' slices of a new guest and
 * what they release when a guest is destroyed.
 * @param newSlices every mechanism's slice of a fresh guest (composed by the platform)
 * @param released the world after every mechanism released what it held of the guest (composed by the platform)
 */
export function lifecycle(newSlices: () => GuestSlices, released: (world: World, guest: number) => World) {
  /**
   * Creates a guest in `created` and returns its ID: the world's next ID (1, 2, 3, …), never reused.
   * @requirement REQ-PLATFORM-3 REQ-PLATFORM-4
   */
  const createGuest = (world: World, a: CreateGuest): Step<World, { readonly guest: number }> => {
    // REQ-PLATFORM-3: the machine exists
    if (!world.machines.has(a.machine)) return refusePlatform(world, 'MACHINE_NOT_FOUND');
    // REQ-PLATFORM-4: the memory size is 1 to 2^26 pages
    if (a.memoryPages < 1 || a.memoryPages > MAX_GUEST_PAGES) return refusePlatform(world, 'INVALID_MEMORY_SIZE');
    const id = world.nextGuestId;
    const guest = newGuest(id, a.machine, a.memoryPages, newSlices());
    return {
      state: { ...world, guests: world.guests.set(id, guest), nextGuestId: id + 1 },
      outcome: { kind: 'accepted', response: { guest: id } },
    };
  };

  /**
   * Removes a guest and its secure memory, after every mechanism released what it held of it
   * (REQ-HSM-12: its AP queues). Its ID names nothing afterwards.
   * @requirement REQ-PLATFORM-2 REQ-PLATFORM-5
   */
  const destroyGuest = (world: World, a: DestroyGuest): Step<World, Record<string, never>> => {
    // REQ-PLATFORM-2: the guest exists
    if (!world.guests.has(a.guest)) return refusePlatform(world, 'GUEST_NOT_FOUND');
    // What the mechanisms held of the guest (an AP queue bound to it, mechanism 4) is released first.
    const after = released(world, a.guest);
    return { state: { ...after, guests: after.guests.delete(a.guest) }, outcome: { kind: 'accepted', response: {} } };
  };

  return defineMechanism({
    name: 'platform',
    area: 'PLATFORM',
    actions: [CREATE_GUEST, DESTROY_GUEST] as const,
    handlers: { 'create-guest': createGuest, 'destroy-guest': destroyGuest },
    rejections: PLATFORM_REJECTIONS,
    guards: {
      'create-guest': [
        { name: 'machine exists', code: 'MACHINE_NOT_FOUND' },
        { name: 'memory size', code: 'INVALID_MEMORY_SIZE' },
      ],
      'destroy-guest': [{ name: 'guest exists', code: 'GUEST_NOT_FOUND' }],
    },
  });
}
