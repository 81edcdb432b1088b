/**
 * What a running guest asks of its CPU and firmware beside the ultravisor's secret calls
 * (spec/request-controls.md REQ-CTRL-20, -21): PCKMO key functions, each allowed only by its
 * family's PCF bit (56 DEA, 57 AES, 58 ECC, 59 HMAC), and the machine's backup target keys,
 * allowed only by PCF bit 62. A forbidden call is ignored: refused, nothing changes.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { acceptGuest } from '../world/mechanism.js';
import { onGuest } from '../world/guests.js';
import type { World } from '../world/world.js';
import type { Pckmo, QueryBackupKeys } from './actions.js';
import { fail } from './common.js';
import { CONTROL_BITS, hasBits, PCKMO_FAMILY_BIT } from './controls.js';
import { cpuWrappingKey } from './firmware-values.js';
import { keyKind } from './key-kinds.js';
import { wrapProtectedKey } from './protected-key.js';

/**
 * Wrap a clear key with a PCKMO key function: the protected key for this machine's CPU.
 * @requirement REQ-CTRL-1 REQ-CTRL-3 REQ-CTRL-20
 */
export function pckmo(world: World, action: Pckmo): Step<World, { readonly protectedKey: Uint8Array }> {
  return onGuest(world, action.guest, (guest) => {
    const { image } = guest;
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running' || image === null) return fail(guest, 'INVALID_STATE');
    const kind = keyKind(action.function);
    // REQ-CTRL-20: the function's family is allowed by its PCF bit (every function of the schema has a kind)
    if (kind === undefined || !hasBits(image.pcf, PCKMO_FAMILY_BIT[kind.family])) return fail(guest, 'PCKMO_NOT_ALLOWED');
    // REQ-CTRL-20: the clear key has the function's length
    if (action.key.length !== kind.keySize) return fail(guest, 'PCKMO_KEY_LENGTH');
    const protectedKey = wrapProtectedKey(world.suite, cpuWrappingKey(world, guest.machine), kind.code, action.key, kind.patternSize);
    // Stryker disable next-line all: unreachable, every kind is at least 16 bytes and the wrapping key 64
    if (protectedKey === undefined) return fail(guest, 'PCKMO_KEY_LENGTH');
    return acceptGuest(guest, { protectedKey });
  });
}

/**
 * The hashes (PHKH) of the machine's backup target keys: every host key after its first.
 * @requirement REQ-CTRL-1 REQ-CTRL-3 REQ-CTRL-21
 */
export function queryBackupKeys(world: World, action: QueryBackupKeys): Step<World, { readonly hashes: readonly Uint8Array[] }> {
  return onGuest(world, action.guest, (guest) => {
    const { image } = guest;
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running' || image === null) return fail(guest, 'INVALID_STATE');
    // REQ-CTRL-21: only under PCF bit 62
    if (!hasBits(image.pcf, CONTROL_BITS.backupTargetKeys)) return fail(guest, 'BACKUP_KEYS_NOT_ALLOWED');
    const hosts = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
    return acceptGuest(guest, { hashes: hosts.slice(1).map((k) => k.phkh.slice()) });
  });
}
