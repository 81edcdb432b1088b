/**
 * The dump calls of mechanism 6, declared once as schemas: the real platform's four
 * (UVC 0x0400 Dump Initialize, 0x0401 Dump Configuration Storage State, 0x0402 Dump CPU State,
 * 0x0403 Complete Configuration Dump), which the hypervisor issues in any order, repeats or
 * abandons. `dump-init` chooses the mode: `real` (the zgetdump format) or `seed` (the seeds'
 * variant: the dump key wrapped for the owner, every page authenticated).
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';

/** Pages one storage-state call covers: 1 MiB of guest memory. */
export const CHUNK_PAGES = 256;

/** Bytes of guest memory one storage-state call covers. */
export const CHUNK_BYTES = CHUNK_PAGES * 4096;

/** The modes of a dump. */
export const DUMP_MODES = ['real', 'seed'] as const;

const guest = t.id('the guest to dump');

/** Start a dump (UVC 0x0400): the firmware draws its keys and fixes the guest's state. */
export const DUMP_INIT = defineAction({
  kind: 'dump-init',
  doc: "Start a dump of a running secure guest (UVC 0x0400): the firmware draws the dump's fresh keys and takes the guest's memory and CPU state as they are now.",
  caller: 'hypervisor',
  fields: { guest, mode: t.enum(DUMP_MODES, 'real: the zgetdump format (dump key from the CCK); seed: the dump key wrapped for the owner, pages authenticated') },
  response: {},
});

/** The storage state of 1 MiB of guest memory (UVC 0x0401) with its pages as the firmware exports them. */
export const DUMP_STORAGE_STATE = defineAction({
  kind: 'dump-storage-state',
  doc: 'Dump the storage state of the 1 MiB of guest memory at an address (UVC 0x0401): the pv_mem_meta entries of its pages and their file slots (encrypted, zero or shared).',
  caller: 'hypervisor',
  fields: { guest, address: t.u64('the guest address of the 1 MiB to dump (1 MiB aligned)') },
  response: {
    meta: t.bytes({ doc: "the pages' pv_mem_meta entries: 16-byte tweak components (real), component ‖ GCM tag (seed)" }),
    pages: t.bytes({ doc: "the pages' file slots, 4096 bytes each: ciphertext, zeros or the shared page" }),
  },
  fresh: ['meta', 'pages'],
});

/** The encrypted state of one CPU (UVC 0x0402). */
export const DUMP_CPU = defineAction({
  kind: 'dump-cpu',
  doc: "Dump the state of one of the guest's CPUs (UVC 0x0402): the 1568-byte NT_S390_PV_CPU_DATA note, sealed under the dump key.",
  caller: 'hypervisor',
  fields: { guest, cpu: t.int({ min: 0, max: 247, doc: 'the CPU number' }) },
  response: { note: t.bytes({ size: 1568, doc: 'the CPU note: AAD 32 ‖ AES-256-GCM ciphertext 1520 ‖ tag 16' }) },
  fresh: ['note'],
});

/** Complete the dump (UVC 0x0403): the completion data the owner opens it with. */
export const DUMP_COMPLETE = defineAction({
  kind: 'dump-complete',
  doc: 'Complete the dump (UVC 0x0403): the completion data (pv_compl) that lets the owner open it; the dump ends.',
  caller: 'hypervisor',
  fields: { guest },
  response: { completion: t.bytes({ doc: 'the pv_compl section: 288 bytes (real), 224 bytes (seed)' }) },
  fresh: ['completion'],
});

/** Every secure-dump action kind, in the order of the calls. */
export const DUMP_ACTIONS = [DUMP_INIT, DUMP_STORAGE_STATE, DUMP_CPU, DUMP_COMPLETE] as const;

/** Start a dump. */
export type DumpInit = ActionOfSpec<typeof DUMP_INIT>;
/** Dump 1 MiB of storage state. */
export type DumpStorageState = ActionOfSpec<typeof DUMP_STORAGE_STATE>;
/** Dump a CPU. */
export type DumpCpuCall = ActionOfSpec<typeof DUMP_CPU>;
/** Complete a dump. */
export type DumpComplete = ActionOfSpec<typeof DUMP_COMPLETE>;
