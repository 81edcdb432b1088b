/**
 * What mechanism 1 keeps per machine: the last load that continued, with its IPL report, and how
 * many loads continued. Inside the firmware; a halted load leaves it as it was.
 * @module
 */

/** The record of a machine's secure IPLs. */
export interface IplRecord {
  /** Loads that continued so far. */
  readonly loads: number;
  /** The report of the last one (the report and its certificates, as the response gave it). */
  readonly report: Uint8Array;
  /** The address its load PSW entered. */
  readonly entry: bigint;
}

declare module '../world/world.js' {
  interface FirmwareSlices {
    /** Mechanism 1's record; absent until a load continues. */
    readonly ipl?: IplRecord;
  }
}
