/**
 * The rejection table of transparent secure interception (spec/secure-interception.md): one row
 * per code with its requirement, the check name tools print and the real program-interruption
 * code where the firmware presents one to the guest. The guard order of each handler is in
 * `guards.ts`; this table's order follows the requirements.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code a secure-interception handler can reject with. */
export const INTCP_REJECTIONS = defineRejections('secure-interception', {
  NOT_RUNNING: {
    requirement: 'REQ-INTCP-1',
    check: 'running',
    when: 'the guest is not running: its CPU executes nothing',
  },
  INTERCEPTION_PENDING: {
    requirement: 'REQ-INTCP-1',
    check: 'cpu-stopped',
    when: "the guest's CPU waits for the hypervisor to resume an open interception",
  },
  UNKNOWN_INSTRUCTION: {
    requirement: 'REQ-INTCP-2',
    check: 'instruction',
    when: 'the instruction text is not an instruction of the table (another operation code, or a DIAG other than 308)',
  },
  SPECIFICATION_EXCEPTION: {
    requirement: 'REQ-INTCP-3',
    check: 'operand',
    platformRc: 'PIC 0x0006',
    when: 'a DIAG 308 subcode not allowed in secure mode, an odd r2 where r2+1 is used, a misaligned operand, or a control block whose length is too short or crosses its page',
  },
  ADDRESSING_EXCEPTION: {
    requirement: 'REQ-INTCP-3',
    check: 'operand',
    platformRc: 'PIC 0x0005',
    when: "an operand's bytes do not lie inside guest memory",
  },
  NO_INTERCEPTION: {
    requirement: 'REQ-INTCP-6',
    check: 'interception',
    when: 'the guest has no open interception to resume',
  },
  EXCEPTION_NOT_ALLOWED: {
    requirement: 'REQ-INTCP-7',
    check: 'exception',
    when: 'the resume names a program exception the instruction cannot raise (for a notification: any)',
  },
  CC_NOT_ALLOWED: {
    requirement: 'REQ-INTCP-8',
    check: 'footprint',
    when: "the condition code is not one of the instruction's (a code for an instruction that sets none, or none for one that sets one)",
  },
  REGISTER_OUTSIDE_FOOTPRINT: {
    requirement: 'REQ-INTCP-8',
    check: 'footprint',
    when: 'a register of the save area that is not an output register differs from what the firmware put there',
  },
  DATA_OUTSIDE_FOOTPRINT: {
    requirement: 'REQ-INTCP-8',
    check: 'footprint',
    when: "the data area handed back is not exactly the instruction's output length",
  },
});

/** A rejection code of the secure-interception mechanism. */
export type IntcpCode = keyof typeof INTCP_REJECTIONS.rows;
