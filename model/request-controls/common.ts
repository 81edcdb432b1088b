/**
 * What every request-controls handler shares: refusing with a code of this mechanism's table,
 * and opening a request for the guest's machine with the first of its host keys that a key slot
 * names (the rule set-header follows for SE headers).
 * @module
 */
import { err, type Result } from '../core/result.js';
import type { FirmwareHostKey } from '../world/world.js';
import type { RequestFailure } from '../se-format/uv-request.js';
import { rejectGuest, type GuestStep } from '../world/mechanism.js';
import type { Guest, World } from '../world/world.js';
import { CTRL_REJECTIONS, type CtrlCode } from './rejections.js';

/** The guest step refused with `code` (its requirement from the table); the guest is unchanged. */
export function fail(guest: Guest, code: CtrlCode): GuestStep<never> {
  return rejectGuest(guest, code, CTRL_REJECTIONS.rows[code].requirement);
}

/** True for a u16: what the real UVCB's index fields can hold. */
export function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

/** True when every byte of `b` is zero. */
export function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

/** A request opened for a machine, and the host key whose slot opened it. */
export interface OpenedFor<T> {
  readonly value: T;
  readonly host: FirmwareHostKey;
}

/**
 * Opens a request with the host keys of `guest`'s machine, in the firmware's order: the first
 * key a slot names decides (a `key-slot`/`no-slot` failure tries the next key; any other result,
 * success or failure, is the answer). No key named: the last `no-slot` failure.
 */
export function openForMachine<T, C extends string>(
  world: World,
  guest: Guest,
  open: (host: FirmwareHostKey) => Result<T, RequestFailure<C>>,
): Result<OpenedFor<T>, RequestFailure<C | 'key-slot'>> {
  const hosts = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
  let last: Result<never, RequestFailure<C | 'key-slot'>> = err({ check: 'key-slot', reason: 'no-slot', message: 'this machine holds no host key' });
  for (const host of hosts) {
    const r = open(host);
    if (r.ok) return { ok: true, value: { value: r.value, host } };
    last = r;
    if (r.error.check !== 'key-slot' || r.error.reason !== 'no-slot') return r;
  }
  return last;
}
