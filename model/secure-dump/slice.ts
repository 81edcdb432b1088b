/**
 * What mechanism 6 keeps per guest: the dump in progress, if any, and how many dumps were
 * completed. A dump in progress holds the keys the firmware drew at `dump-init` and the guest as
 * it was then (memory, shared pages, CPU): the dump shows the guest at dump time, whatever happens
 * to it while the hypervisor collects the pieces. Inside the trust boundary: no view shows it.
 * @module
 */
import type { Map as PMap } from 'immutable';
import type { DumpKeys } from '../se-format/dump-create.js';
import type { PageMap } from '../world/page-map.js';
import type { CpuState } from '../world/world.js';

/** A dump between `dump-init` and `dump-complete`. */
export interface ActiveDump {
  readonly keys: DumpKeys;
  /** Secure memory at dump time (persistent: the snapshot costs nothing). */
  readonly memory: PageMap<Uint8Array>;
  /** The guest's non-secure (shared) pages at dump time. */
  readonly shared: PMap<number, Uint8Array>;
  /** The CPU at dump time. */
  readonly cpu: CpuState;
}

/** Mechanism 6's slice of a guest. */
export interface DumpSlice {
  readonly active: ActiveDump | null;
  /** Dumps completed so far. */
  readonly completed: number;
}

declare module '../world/world.js' {
  interface GuestSlices {
    /** Mechanism 6's dump state. */
    readonly dump: DumpSlice;
  }
}

/** The slice of a new guest: no dump. */
export function emptyDumpSlice(): DumpSlice {
  return { active: null, completed: 0 };
}
