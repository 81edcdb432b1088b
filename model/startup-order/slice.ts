/**
 * What mechanism 5 keeps per guest: the startup list its boot loaded, if any, and the scheduler's
 * state over it. Inside the guest: the guest's view shows it, the hypervisor's does not (the list
 * comes from the encrypted boot image).
 * @module
 */
import type { Entry, StartupStatus } from './entries.js';

/** Why an entry of a stuck list cannot start. */
export const STUCK_REASONS = ['no-provider', 'cycle', 'after-stuck'] as const;

/**
 * Why an entry cannot start: a required resource no entry defines and the boot does not provide
 * (`no-provider`); it requires, through other stuck entries, its own resource (`cycle`); or it
 * waits for a stuck entry that is not on a cycle with it (`after-stuck`).
 */
export type StuckReason = (typeof STUCK_REASONS)[number];

/** One entry of a stuck report. */
export interface StuckEntry {
  readonly name: string;
  /** The required resources that do not exist, in the order the entry requires them. */
  readonly missing: readonly string[];
  readonly reason: StuckReason;
}

/** The scheduler over a loaded list. */
export interface Schedule {
  readonly entries: readonly Entry[];
  readonly provided: readonly string[];
  /** The indices of the started entries, in start order. */
  readonly started: readonly number[];
  /** The index of the entry fetched last; -1 before the first fetch. */
  readonly last: number;
  /** Fetches since the last start (or since the load). */
  readonly idle: number;
  readonly fetches: number;
  /** Passes begun over the list: a fetch at or before the last fetched index begins a new one. */
  readonly passes: number;
  readonly status: StartupStatus;
  /** The entries that cannot start, in list order, once the list is stuck; empty otherwise. */
  readonly stuck: readonly StuckEntry[];
}

/** Mechanism 5's slice of a guest. */
export interface StartupSlice {
  readonly schedule: Schedule | null;
}

declare module '../world/world.js' {
  interface GuestSlices {
    /** Mechanism 5's startup list. */
    readonly startup: StartupSlice;
  }
}

/** The slice of a new guest: no list. */
export function emptyStartupSlice(): StartupSlice {
  return { schedule: null };
}
