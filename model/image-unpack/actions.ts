/**
 * The hypervisor's calls to the firmware for incremental image decryption (the real platform's
 * ultravisor calls 0x0300 set secure configuration parameters, 0x0301 unpack, 0x0302 verify,
 * and the start of the guest's first CPU). Plain data: bytes as Uint8Array, addresses as bigint.
 * @module
 */

/** Create a secure guest (secure configuration) with `memoryPages` pages of 4 KiB. */
export interface CreateGuest {
  readonly kind: 'create-guest';
  readonly memoryPages: number;
}

/** Hand the SE header to the firmware (UVC 0x0300). */
export interface SetHeader {
  readonly kind: 'set-header';
  readonly guest: number;
  readonly header: Uint8Array;
}

/** Unpack one page (UVC 0x0301): decrypt `page` with `tweak` into guest memory at `address`. */
export interface Unpack {
  readonly kind: 'unpack';
  readonly guest: number;
  readonly address: bigint;
  readonly tweak: Uint8Array;
  readonly page: Uint8Array;
}

/** Compare the digests and page count of what was unpacked with the header's (UVC 0x0302). */
export interface Verify {
  readonly kind: 'verify';
  readonly guest: number;
}

/** Start the guest's first CPU. */
export interface Start {
  readonly kind: 'start';
  readonly guest: number;
}

/** Destroy a secure guest and its memory. */
export interface DestroyGuest {
  readonly kind: 'destroy-guest';
  readonly guest: number;
}

/** Actions on one existing guest. */
export type UnpackGuestAction = SetHeader | Unpack | Verify | Start;

/** Every image-unpack action. */
export type UnpackAction = CreateGuest | DestroyGuest | UnpackGuestAction;
