/**
 * What mechanism 10 keeps per guest. The protected area (inside the firmware, in no party's
 * view): the client image key once loaded, the volume key once the boot opened the volume. The
 * disk (the hypervisor's, in its view): the attached volume's stored sectors. And what the guest
 * knows of its boot: the processes its startup chain started.
 * @module
 */
import type { List } from 'immutable';

/** Mechanism 10's slice of a guest. */
export interface CbootSlice {
  /** The client image key, unwrapped in the protected area; null before `cboot-load-key`. */
  readonly imageKey: Uint8Array | null;
  /** The volume key the keyslot yielded to the data key; null until the boot opened the volume. */
  readonly volumeKey: Uint8Array | null;
  /** The attached volume's stored sectors (header, keyslot, data): the hypervisor's disk. */
  readonly disk: List<Uint8Array> | null;
  /** The startup processes the boot started, in start order; null until the boot completed. */
  readonly started: readonly string[] | null;
}

declare module '../world/world.js' {
  interface GuestSlices {
    /** Mechanism 10's protected area and disk. */
    readonly cboot: CbootSlice;
  }
}

/** The slice of a new guest: nothing loaded, attached or booted. */
export function emptyCbootSlice(): CbootSlice {
  return { imageKey: null, volumeKey: null, disk: null, started: null };
}
