/**
 * The rejection table of the encrypted dump (spec/secure-dump.md): one row per code with its
 * requirement and the check name tools print. The real platform's return codes of the dump calls
 * are not public beyond "invalid state" (0x0003, uv.h), so only that one is named. The guard order
 * of each handler is in `guards.ts`.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a secure-dump handler can reject with. */
export const DUMP_REJECTIONS = defineRejections('secure-dump', {
  NOT_RUNNING: { requirement: 'REQ-DUMP-1', check: 'state', platformRc: '0x0003', when: 'the guest is not running: it has no memory and CPU state of its own yet' },
  DUMP_NOT_PERMITTED: { requirement: 'REQ-DUMP-2', check: 'dump-allowed', when: "the guest's image does not allow dumping: PCF bit 34 is clear" },
  DUMP_DISABLED: { requirement: 'REQ-DUMP-2', check: 'dump-allowed', when: 'an add-secret request with the flag "disable dump" was accepted for the guest' },
  DUMP_IN_PROGRESS: { requirement: 'REQ-DUMP-3', check: 'dump-state', platformRc: '0x0003', when: 'a dump of the guest was started and not completed' },
  NO_DUMP: { requirement: 'REQ-DUMP-3', check: 'dump-state', platformRc: '0x0003', when: 'no dump of the guest is in progress (storage state, CPU, complete)' },
  ADDRESS_NOT_ALIGNED: { requirement: 'REQ-DUMP-5', check: 'address', when: 'the storage-state address is not a multiple of 1 MiB' },
  ADDRESS_OUT_OF_RANGE: { requirement: 'REQ-DUMP-5', check: 'address', when: "the storage-state address is at or beyond the end of the guest's memory" },
  CPU_NOT_FOUND: { requirement: 'REQ-DUMP-6', check: 'cpu', when: 'the guest has no CPU with this number (a model guest has one CPU, number 0)' },
});

/** A rejection code of the secure-dump mechanism. */
export type DumpCode = keyof typeof DUMP_REJECTIONS.rows;
