/**
 * What the firmware keeps of a guest's interception: the slice `slices.interception`. While an
 * interception is open, the guest's CPU is stopped; the slice holds the shadow state the guest
 * resumes from and what the firmware needs to check and apply the hypervisor's results.
 * @module
 */
import type { CpuState } from '../world/world.js';

/** An open interception, inside the trust boundary. */
export interface OpenInterception {
  /** The instruction row (`instructions.ts`). */
  readonly row: string;
  /** The CPU state the guest resumes from: as it was, or for a notification as the firmware completed it. */
  readonly shadow: CpuState;
  /** The register save area the firmware handed over (128 bytes). */
  readonly handed: Uint8Array;
  /** The output registers: renumbered place → guest register. */
  readonly outRegisters: readonly { readonly shown: number; readonly register: number }[];
  /** The guest address the data area is written back to; null when there is no storage operand. */
  readonly address: number | null;
  /** The data area's length on return. */
  readonly outLength: number;
}

/** The slice of one guest. */
export interface InterceptionSlice {
  readonly open: OpenInterception | null;
}

declare module '../world/world.js' {
  interface GuestSlices {
    readonly interception: InterceptionSlice;
  }
}

/** The slice of a new guest: no interception open. */
export function newInterceptionSlice(): InterceptionSlice {
  return { open: null };
}
