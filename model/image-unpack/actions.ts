/**
 * The hypervisor's calls to the firmware for incremental image decryption, declared once as
 * schemas (the real platform's ultravisor calls 0x0300 set secure configuration parameters,
 * 0x0301 unpack, 0x0302 verify, and the start of the guest's first CPU).
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';
import { MAX_HEADER_SIZE, TWEAK_SIZE } from '../se-format/format.js';
import { PAGE_SIZE } from '../core/bytes.js';

/** Hand the SE header to the firmware (UVC 0x0300). */
export const SET_HEADER = defineAction({
  kind: 'set-header',
  doc: 'Hand the SE header to the firmware (UVC 0x0300 set secure configuration parameters).',
  caller: 'hypervisor',
  fields: { guest: t.id('the guest'), header: t.bytes({ max: MAX_HEADER_SIZE, doc: 'the SE header as the image stores it' }) },
  response: {},
});

/** Unpack one page (UVC 0x0301): decrypt `page` with `tweak` into guest memory at `address`. */
export const UNPACK = defineAction({
  kind: 'unpack',
  doc: 'Unpack one page (UVC 0x0301): decrypt it with its tweak into secure memory at the address.',
  caller: 'hypervisor',
  fields: {
    guest: t.id('the guest'),
    address: t.u64('guest address of the page'),
    tweak: t.bytes({ size: TWEAK_SIZE, doc: "the page's XTS tweak" }),
    page: t.bytes({ size: PAGE_SIZE, doc: 'the page as the image stores it' }),
  },
  response: {},
});

/** Compare the digests and page count of what was unpacked with the header's (UVC 0x0302). */
export const VERIFY = defineAction({
  kind: 'verify',
  doc: "Compare the digests and page count of what was unpacked with the header's (UVC 0x0302).",
  caller: 'hypervisor',
  fields: { guest: t.id('the guest') },
  response: {},
});

/** Start the guest's first CPU. */
export const START = defineAction({
  kind: 'start',
  doc: "Start the guest's first CPU.",
  caller: 'hypervisor',
  fields: { guest: t.id('the guest') },
  response: {},
});

/** Every image-unpack action kind, in the order the spec introduces them. */
export const UNPACK_ACTIONS = [SET_HEADER, UNPACK, VERIFY, START] as const;

/** Hand the SE header to the firmware. */
export type SetHeader = ActionOfSpec<typeof SET_HEADER>;
/** Unpack one page. */
export type Unpack = ActionOfSpec<typeof UNPACK>;
/** Verify the unpacked image. */
export type Verify = ActionOfSpec<typeof VERIFY>;
/** Start the guest. */
export type Start = ActionOfSpec<typeof START>;
