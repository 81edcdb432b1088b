/**
 * The boot of a started confidential boot image (REQ-CBOOT-6, REQ-CBOOT-7): the data key out of
 * the envelope the boot image carries, then the real startup chain (mechanism 5's `realChain`
 * with the key in the encrypted initrd) run by mechanism 5's own scheduler (`newSchedule`,
 * `fetchOnce`), its entries bound to this mechanism's effects:
 * - the boot provides `/etc/luks/keyfile` (the opened data key) and, when a volume is attached,
 *   `/dev/disk/by-label/cryptroot`; nothing else;
 * - `systemd-cryptsetup@cryptroot_mapper` opens the volume: its start runs the keyslot with the
 *   data key, and a keyslot that does not open stops the boot;
 * - the chain complete (`sysroot.mount`, then `workload.service`) is the volume mounted.
 * A stuck chain stops the boot. Pure and total.
 * @module
 */
import type { List } from 'immutable';
import type { CryptoSuite } from '../crypto/suite.js';
import { concatBytes } from '../core/bytes.js';
import { decodeVolumeHeader, KEYSLOT_SECTOR, openKeyslot } from '../se-format/luks-volume.js';
import { fetchOnce, newSchedule, realChain, type Entry } from '../startup-order/index.js';
import type { CbootCode } from './rejections.js';

/** The entry that opens the volume. */
export const CRYPTSETUP = 'systemd-cryptsetup@cryptroot_mapper';
/** The resource the opened data key is, to the chain. */
export const KEYFILE = '/etc/luks/keyfile';
/** The volume's device, to the chain. */
export const VOLUME_DEVICE = '/dev/disk/by-label/cryptroot';

/** How a boot's chain ended: the processes started and the volume key, or the code that stopped it. */
export type ChainResult = { readonly ok: true; readonly started: readonly string[]; readonly volumeKey: Uint8Array } | { readonly ok: false; readonly code: CbootCode };

/** The volume key `disk`'s keyslot holds under `dataKey`, or undefined (also when its header no longer decodes). */
function openVolume(suite: CryptoSuite, disk: List<Uint8Array>, dataKey: Uint8Array): Uint8Array | undefined {
  const header = decodeVolumeHeader(concatBytes(...disk));
  const slot = disk.get(KEYSLOT_SECTOR);
  if (!header.ok || slot === undefined) return undefined;
  return openKeyslot(suite, header.value, slot, dataKey);
}

/** Runs the real chain for a boot whose data key opened; `disk` is the attached volume, if any. */
export function runBootChain(suite: CryptoSuite, dataKey: Uint8Array, disk: List<Uint8Array> | null): ChainResult {
  const chain = realChain('initrd');
  const provided = chain.provided.filter((r) => r === KEYFILE || (r === VOLUME_DEVICE && disk !== null));
  let s = newSchedule(chain.entries, provided);
  let volumeKey: Uint8Array | undefined;
  const started: string[] = [];
  while (s.status === 'running') {
    const f = fetchOnce(s);
    if (f.started) {
      const name = (s.entries[f.fetched] as Entry).name;
      if (name === CRYPTSETUP) {
        // REQ-CBOOT-7: the volume opens with the data key (its start needs the device: disk is attached)
        volumeKey = disk === null ? undefined : openVolume(suite, disk, dataKey);
        if (volumeKey === undefined) return { ok: false, code: 'VOLUME_KEY_AUTH' };
      }
      started.push(name);
    }
    s = f.schedule;
  }
  // REQ-CBOOT-7: the chain completes (a stuck chain stops the boot)
  if (s.status !== 'complete' || volumeKey === undefined) return { ok: false, code: 'STARTUP_STUCK' };
  return { ok: true, started, volumeKey };
}
