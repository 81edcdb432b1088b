/**
 * A faulty set-header: it opens a header whose key slots name another machine's host key, as if
 * this machine held that key.
 * @module
 */
import { setHeader } from '../../model/image-unpack/handlers.js';
import type { SetHeader } from '../../model/image-unpack/actions.js';
import type { Handler } from '../../model/world/mechanism.js';
import { rejectedWith } from './world-edit.js';

/**
 * Set-header that, when no key slot names one of this machine's host keys, tries every host key
 * of every machine: a header for a key slot it does not hold is accepted.
 */
export const setHeaderWithForeignKeys: Handler<SetHeader, Record<string, never>> = (world, action) => {
  const step = setHeader(world, action);
  if (!rejectedWith(step, 'NO_KEY_SLOT')) return step;
  const guest = world.guests.get(action.guest);
  const own = guest === undefined ? undefined : world.machines.get(guest.machine);
  if (guest === undefined || own === undefined) return step;
  const everyKey = [...world.machines.values()].flatMap((m) => m.firmware.hostKeys);
  const lent = { ...world, machines: world.machines.set(own.id, { ...own, firmware: { ...own.firmware, hostKeys: everyKey } }) };
  const opened = setHeader(lent, action);
  // The machine gets its own keys back: only the guest's new state stays.
  return { state: { ...opened.state, machines: world.machines }, outcome: opened.outcome };
};
