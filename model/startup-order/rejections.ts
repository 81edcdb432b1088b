/**
 * The rejection table of the startup processes (spec/startup-order.md): one row per code with its
 * requirement and the check name tools print. The real platform has no firmware call for this (the
 * list runs inside the guest: dracut and systemd in the boot image), so no row names a platform
 * return code. The guard order of each handler is in `guards.ts`.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a startup-order handler can reject with. */
export const START_REJECTIONS = defineRejections('startup-order', {
  NOT_RUNNING: { requirement: 'REQ-START-1', check: 'state', when: 'the guest is not running: no boot image runs in it yet' },
  LIST_ALREADY_LOADED: { requirement: 'REQ-START-1', check: 'list-state', when: "the guest's boot has loaded its startup list already" },
  LIST_TOO_LONG: { requirement: 'REQ-START-2', check: 'list-bounds', when: 'the list has more than 64 entries, or an entry requires, or the boot provides, more than 16 resources' },
  INVALID_NAME: { requirement: 'REQ-START-2', check: 'list-names', when: 'a process or resource name is empty or longer than 64 characters' },
  DUPLICATE_PROCESS: { requirement: 'REQ-START-2', check: 'list-names', when: 'two entries name the same process' },
  DUPLICATE_RESOURCE: { requirement: 'REQ-START-2', check: 'list-names', when: 'two entries define the same resource, or an entry defines a resource the boot provides' },
  NO_LIST: { requirement: 'REQ-START-3', check: 'list-state', when: "the guest's boot has loaded no startup list" },
  LIST_FINISHED: { requirement: 'REQ-START-3', check: 'list-state', when: 'the list has ended, complete or stuck: the scheduler fetches no more' },
});

/** A rejection code of the startup-order mechanism. */
export type StartCode = keyof typeof START_REJECTIONS.rows;
