/**
 * The guards of each secure-interception handler, in the order they run: the failure priority
 * that spec/secure-interception.md lists per handler. `semodel requirements` checks this order
 * against the spec, and the stimulus property checks the handlers against it.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** The guards every action of the guest's CPU starts with. */
const CPU_RUNS = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'running', code: 'NOT_RUNNING' },
  { name: 'no interception open', code: 'INTERCEPTION_PENDING' },
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const INTCP_GUARDS = {
  'guest-load-registers': [...CPU_RUNS],
  'guest-store': [...CPU_RUNS, { name: 'bytes in guest memory', code: 'ADDRESSING_EXCEPTION' }, { name: 'bytes outside an area under migration', code: 'AREA_LOCKED' }],
  'guest-store-registers': [...CPU_RUNS, { name: 'bytes in guest memory', code: 'ADDRESSING_EXCEPTION' }, { name: 'bytes outside an area under migration', code: 'AREA_LOCKED' }],
  'guest-execute': [
    ...CPU_RUNS,
    { name: 'an instruction of the table', code: 'UNKNOWN_INSTRUCTION' },
    { name: 'subcode, register pair and operand alignment', code: 'SPECIFICATION_EXCEPTION' },
    { name: "operand's fixed part in guest memory", code: 'ADDRESSING_EXCEPTION' },
    { name: 'control block length', code: 'SPECIFICATION_EXCEPTION' },
  ],
  'resume-guest': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'an interception is open', code: 'NO_INTERCEPTION' },
    { name: 'an exception the instruction can raise', code: 'EXCEPTION_NOT_ALLOWED' },
    { name: 'condition code', code: 'CC_NOT_ALLOWED' },
    { name: 'registers outside the output footprint unchanged', code: 'REGISTER_OUTSIDE_FOOTPRINT' },
    { name: 'data area at the output length', code: 'DATA_OUTSIDE_FOOTPRINT' },
    { name: 'data area outside an area under migration', code: 'AREA_LOCKED' },
  ],
} as const satisfies Record<string, readonly Guard[]>;
