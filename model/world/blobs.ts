/**
 * Blobs the firmware hands to the hypervisor's area (world.ts `HypervisorBlob`): always bytes no
 * caller holds, since what goes to the caller as a response is the caller's (REQ-PLATFORM-6).
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { HypervisorBlob } from './world.js';

/** A blob holding a copy of `bytes`. */
export function copiedBlob(guest: number, bytes: Uint8Array): HypervisorBlob {
  return { guest, bytes: bytes.slice() };
}

/**
 * A blob of pages: page `k` holds `pages[k]` (zeros where it is undefined or shorter). The pages
 * are joined once, when the bytes are first read (a view of the area): a dump hands 1 MiB to the
 * caller per call, and a second copy of every page for an area that is seldom read cost as much
 * as sealing them. `pages` must be arrays nothing else holds or changes.
 */
export function pagesBlob(guest: number, pages: readonly (Uint8Array | undefined)[]): HypervisorBlob {
  let joined: Uint8Array | undefined;
  return {
    guest,
    get bytes(): Uint8Array {
      if (joined === undefined) {
        joined = new Uint8Array(pages.length * PAGE_SIZE);
        pages.forEach((p, k) => p !== undefined && joined?.set(p.subarray(0, PAGE_SIZE), k * PAGE_SIZE));
      }
      return joined;
    },
  };
}
