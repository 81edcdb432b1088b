/**
 * What mechanism 9 keeps: per guest, the migration it sends (source) or receives (target) and its
 * paging table; per machine, the nonces of the migrations its firmware has received. Inside the
 * trust boundary: no view shows any of it.
 * @module
 */
import type { Set as PSet } from 'immutable';
import type { PageMap } from '../world/page-map.js';

/** An area of guest memory: `pages` pages from page `first`. */
export interface Area {
  readonly first: number;
  readonly pages: number;
}

/** The source's migration in progress. */
export interface Sending extends Area {
  readonly nonce: Uint8Array;
  readonly key: Uint8Array;
  /** The counter and integrity value of each location's latest sending. */
  readonly sent: PageMap<SentVersion>;
}

/** What the source keeps of a location's latest sending: its counter and integrity value. */
export interface SentVersion {
  readonly counter: number;
  readonly tag: Uint8Array;
}

/** The latest version of a location that the target holds. */
export interface Received {
  readonly counter: number;
  readonly tag: Uint8Array;
  /** The decrypted page. */
  readonly plain: Uint8Array;
}

/** The target's migration being received. */
export interface Receiving extends Area {
  readonly nonce: Uint8Array;
  readonly key: Uint8Array;
  readonly latest: PageMap<Received>;
}

/** What the firmware keeps of an exported page: the counter of its last export and its integrity value. */
export interface Exported {
  readonly counter: number;
  readonly tag: Uint8Array;
}

/** The guest's paging table (export and import, UVC 0x0201 and 0x0200). */
export interface Paging {
  /** The key unique to the guest, drawn at its first export; null before. */
  readonly key: Uint8Array | null;
  /** Exports made so far: the counter of the next is one more. */
  readonly exports: number;
  /** Pages out of secure memory by page number. */
  readonly exported: PageMap<Exported>;
}

/** Mechanism 9's slice of a guest. */
export interface MigrationSlice {
  readonly sending: Sending | null;
  readonly receiving: Receiving | null;
  readonly paging: Paging;
}

/** Mechanism 9's slice of a machine's firmware. */
export interface MigrationFirmware {
  /** The nonces (hex) of every migration this machine's firmware started to receive. */
  readonly received: PSet<string>;
}

declare module '../world/world.js' {
  interface GuestSlices {
    /** Mechanism 9's migration and paging state. */
    readonly migration: MigrationSlice;
  }
  interface FirmwareSlices {
    /** Mechanism 9's record of received migrations (absent until the first). */
    readonly migration?: MigrationFirmware;
  }
}
