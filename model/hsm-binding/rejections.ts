/**
 * The rejection table of exclusive HSM binding (spec/hsm-binding.md): one row per code with its
 * requirement, the check name tools print, and the real AP response code (PQAP GR1 response
 * code, arch/s390/include/asm/ap.h and drivers/s390/crypto/ap_bus.h) where one exists. The
 * guard order of each handler is in `guards.ts`; this table's order follows the requirements.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code an hsm-binding handler can reject with. */
export const HSM_REJECTIONS = defineRejections('hsm-binding', {
  QUEUE_NOT_AVAILABLE: {
    requirement: 'REQ-HSM-1',
    check: 'queue',
    platformRc: '0x01',
    when: "no adapter with this ID exists, or it is attached to another machine than the issuing guest's",
  },
  NOT_SECURE_GUEST: {
    requirement: 'REQ-HSM-2',
    check: 'secure-guest',
    when: 'the issuer is not a running secure guest: the hypervisor itself (bind, associate), or a guest that is not `running`',
  },
  BOUND_TO_OTHER: {
    requirement: 'REQ-HSM-3',
    check: 'exclusive',
    platformRc: '0x09',
    when: 'the queue is bound to another guest (for the hypervisor: to any guest, except for query and reset)',
  },
  NOT_BOUND: {
    requirement: 'REQ-HSM-3',
    check: 'exclusive',
    platformRc: '0x0B',
    when: 'a secure guest associates, enqueues or dequeues on a queue that is not bound to it',
  },
  BIND_ERROR: {
    requirement: 'REQ-HSM-4',
    check: 'bind',
    platformRc: '0x30',
    when: 'the queue is not available for binding: a CCA queue (only EP11 and accelerator queues bind), or one this guest has bound already',
  },
  BIND_LIMIT_EXCEEDED: {
    requirement: 'REQ-HSM-4',
    check: 'bind',
    platformRc: '0x33',
    when: 'the guest already holds the most bound queues a guest may (2)',
  },
  QUEUE_NOT_EMPTY: {
    requirement: 'REQ-HSM-5',
    check: 'queue-empty',
    platformRc: '0x32',
    when: 'replies are waiting on the queue (bind and associate need an idle queue)',
  },
  NOT_AVAILABLE_FOR_ASSOCIATION: {
    requirement: 'REQ-HSM-6',
    check: 'associate',
    platformRc: '0x31',
    when: 'the bound queue is not in bind state 1: an accelerator (only EP11 queues associate), or a queue already associated',
  },
  INVALID_ASSOCIATION_SECRET: {
    requirement: 'REQ-HSM-6',
    check: 'association-secret',
    platformRc: '0x34',
    when: "the guest's secret store holds no association secret at the index",
  },
  ASSOCIATION_NOT_UNIQUE: {
    requirement: 'REQ-HSM-7',
    check: 'association-secret',
    platformRc: '0x35',
    recorded: true,
    when: 'the association secret at the index is associated with another queue of this guest; afterwards, every AP instruction of the guest on this queue but query and reset, until a reset',
  },
  ASSOCIATION_FAILED: {
    requirement: 'REQ-HSM-7',
    check: 'login',
    platformRc: '0x36',
    recorded: true,
    when: 'the HSM refuses the login (it has no master key); afterwards, every AP instruction of the guest on this queue but query and reset, until a reset',
  },
  MESSAGE_TOO_BIG: {
    requirement: 'REQ-HSM-9',
    check: 'message',
    platformRc: '0x15',
    when: 'the request message is longer than 4096 bytes',
  },
  QUEUE_FULL: {
    requirement: 'REQ-HSM-9',
    check: 'queue-full',
    platformRc: '0x10',
    when: 'four replies are already waiting on the queue',
  },
  NO_PENDING_REPLY: {
    requirement: 'REQ-HSM-9',
    check: 'reply',
    platformRc: '0x10',
    when: 'no reply is waiting on the queue',
  },
});

/** A rejection code of the hsm-binding mechanism. */
export type HsmCode = keyof typeof HSM_REJECTIONS.rows;
