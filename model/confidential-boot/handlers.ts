/**
 * The handlers of the confidential image boot (spec/confidential-boot.md). The image key and
 * the volume key live in the guest's `cboot` slice, the protected area no view shows; the data
 * key exists only inside `cboot-boot`. The disk is the hypervisor's. Handlers are total; a
 * rejection leaves the world as it was.
 * @module
 */
import { List } from 'immutable';
import type { Step } from '../core/outcome.js';
import { decodeKeyBlob, openKeyBlob } from '../se-format/cboot-key-blob.js';
import { openEnvelope, startsWithEnvelope } from '../se-format/cboot-envelope.js';
import { DATA_OFFSET, decodeVolumeHeader, decryptSector, encryptSector, SECTOR_SIZE } from '../se-format/luks-volume.js';
import { acceptGuest, rejectGuest, type GuestStep } from '../world/mechanism.js';
import { keep, onGuest } from '../world/guests.js';
import { withGuestSlice } from '../world/records.js';
import type { Guest, World } from '../world/world.js';
import type { CbootAttachVolume, CbootBoot, CbootDiskWrite, CbootLoadKey, CbootRead, CbootWrite } from './actions.js';
import { runBootChain } from './boot.js';
import { CBOOT_REJECTIONS, type CbootCode } from './rejections.js';
import type { CbootSlice } from './slice.js';

type Empty = Record<string, never>;
const EMPTY: Empty = {};

function fail(guest: Guest, code: CbootCode): GuestStep<never> {
  return rejectGuest(guest, code, CBOOT_REJECTIONS.rows[code].requirement);
}

function withCboot(guest: Guest, patch: Partial<CbootSlice>): Guest {
  return { ...guest, slices: withGuestSlice(guest.slices, 'cboot', { ...guest.slices.cboot, ...patch }) };
}

/**
 * Load the encrypted client image key into the protected area: a created guest, once, a
 * well-formed blob, a slot for one of this machine's host keys that unwraps.
 * @requirement REQ-CBOOT-1 REQ-CBOOT-2 REQ-CBOOT-3
 */
export function cbootLoadKey(world: World, action: CbootLoadKey): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-CBOOT-1: the key is loaded before the boot image
    if (guest.phase !== 'created') return fail(guest, 'NOT_CREATED');
    // REQ-CBOOT-1: one image key per guest
    if (guest.slices.cboot.imageKey !== null) return fail(guest, 'KEY_ALREADY_LOADED');
    // REQ-CBOOT-2: the blob is well formed
    const blob = decodeKeyBlob(action.keyBlob);
    if (!blob.ok) return fail(guest, 'KEY_BLOB_MALFORMED');
    const hostKeys = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
    // REQ-CBOOT-3: a slot names this machine's host key, and it unwraps
    const opened = openKeyBlob(world.suite, blob.value, hostKeys);
    if (!opened.ok) return fail(guest, opened.error);
    return acceptGuest(withCboot(guest, { imageKey: opened.value.imageKey }), EMPTY);
  });
}

/**
 * Attach the encrypted client data volume: once, its stored bytes a volume.
 * @requirement REQ-CBOOT-4
 */
export function cbootAttachVolume(world: World, action: CbootAttachVolume): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-CBOOT-4: one volume per guest
    if (guest.slices.cboot.disk !== null) return fail(guest, 'VOLUME_ALREADY_ATTACHED');
    // REQ-CBOOT-4: the volume is well formed
    if (!decodeVolumeHeader(action.volume).ok) return fail(guest, 'VOLUME_MALFORMED');
    const bytes = keep(action.volume);
    const disk = List(Array.from({ length: bytes.length / SECTOR_SIZE }, (_, i) => bytes.slice(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE)));
    return acceptGuest(withCboot(guest, { disk }), EMPTY);
  });
}

/** The first page of secure memory, in address order, that begins with the envelope. */
function envelopePage(guest: Guest): Uint8Array | undefined {
  const pages = [...guest.memory.keys()].sort((a, b) => a - b);
  for (const p of pages) {
    const bytes = guest.memory.get(p);
    if (bytes !== undefined && startsWithEnvelope(bytes)) return bytes;
  }
  return undefined;
}

/**
 * The started boot image's boot: the data key out of its envelope under the image key, then the
 * real startup chain through mechanism 5's scheduler, which opens and mounts the volume.
 * @requirement REQ-CBOOT-5 REQ-CBOOT-6 REQ-CBOOT-7
 */
export function cbootBoot(world: World, action: CbootBoot): Step<World, { readonly started: readonly string[] }> {
  return onGuest(world, action.guest, (guest) => {
    const slice = guest.slices.cboot;
    // REQ-CBOOT-5: the boot image started through mechanism 2's verify
    if (guest.phase !== 'running') return fail(guest, 'NOT_STARTED');
    // REQ-CBOOT-5: a boot mounts its volume once
    if (slice.started !== null) return fail(guest, 'ALREADY_BOOTED');
    // REQ-CBOOT-5: the image key is in the protected area
    if (slice.imageKey === null) return fail(guest, 'NO_IMAGE_KEY');
    // REQ-CBOOT-6: the boot image carries the envelope...
    const page = envelopePage(guest);
    if (page === undefined) return fail(guest, 'ENVELOPE_MISSING');
    // REQ-CBOOT-6: ...and it opens under the image key
    const dataKey = openEnvelope(world.suite, slice.imageKey, page);
    if (dataKey === undefined) return fail(guest, 'ENVELOPE_AUTH');
    // REQ-CBOOT-7: the startup chain completes, the volume opening with the data key
    const chain = runBootChain(world.suite, dataKey, slice.disk);
    if (!chain.ok) return fail(guest, chain.code);
    return acceptGuest(withCboot(guest, { volumeKey: chain.volumeKey, started: chain.started }), { started: [...chain.started] });
  });
}

/** The mounted volume's key and disk, and the sector's place on the disk; or the code of the failing guard. */
function mounted(guest: Guest, sector: number): { readonly key: Uint8Array; readonly disk: List<Uint8Array>; readonly at: number } | CbootCode {
  const { volumeKey, disk } = guest.slices.cboot;
  // REQ-CBOOT-8: the boot mounted the volume and the guest runs
  if (volumeKey === null || disk === null || guest.phase !== 'running') return 'NOT_MOUNTED';
  // REQ-CBOOT-8: the sector is in the data segment
  if (!Number.isSafeInteger(sector) || sector < 0 || sector >= disk.size - DATA_OFFSET) return 'SECTOR_OUT_OF_RANGE';
  return { key: volumeKey, disk, at: DATA_OFFSET + sector };
}

/**
 * Read a data sector: the stored sector decrypted with the volume key, tweak its sector number.
 * @requirement REQ-CBOOT-8
 */
export function cbootRead(world: World, action: CbootRead): Step<World, { readonly data: Uint8Array }> {
  return onGuest(world, action.guest, (guest) => {
    const m = mounted(guest, action.sector);
    if (typeof m === 'string') return fail(guest, m);
    return acceptGuest(guest, { data: decryptSector(world.suite, m.key, action.sector, m.disk.get(m.at) as Uint8Array) });
  });
}

/**
 * Write a data sector: stored encrypted with the volume key, tweak its sector number.
 * @requirement REQ-CBOOT-8
 */
export function cbootWrite(world: World, action: CbootWrite): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    const m = mounted(guest, action.sector);
    if (typeof m === 'string') return fail(guest, m);
    const stored = encryptSector(world.suite, m.key, action.sector, action.data);
    return acceptGuest(withCboot(guest, { disk: m.disk.set(m.at, stored) }), EMPTY);
  });
}

/**
 * The hypervisor rewrites a stored sector of its disk; nothing checks what it writes.
 * @requirement REQ-CBOOT-9
 */
export function cbootDiskWrite(world: World, action: CbootDiskWrite): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    const { disk } = guest.slices.cboot;
    // REQ-CBOOT-9: the guest has a volume attached
    if (disk === null) return fail(guest, 'NO_VOLUME');
    // REQ-CBOOT-9: the sector is on the disk
    if (!Number.isSafeInteger(action.sector) || action.sector < 0 || action.sector >= disk.size) return fail(guest, 'DISK_SECTOR_OUT_OF_RANGE');
    return acceptGuest(withCboot(guest, { disk: disk.set(action.sector, keep(action.bytes)) }), EMPTY);
  });
}
