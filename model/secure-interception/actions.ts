/**
 * The actions of mechanism 7, transparent secure interception, declared once as schemas: what a
 * running secure guest's CPU does (load and store its registers, store bytes, execute an
 * instruction the firmware intercepts) and the hypervisor's resume with the results it wrote
 * into the interception buffers.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';
import { EXCEPTION_NAMES, instructionSummary } from './instructions.js';

/** The register save area of an interception: 16 general registers of 8 bytes. */
export const REGISTER_AREA_SIZE = 128;

/** The largest data area (the model's SIDA: one page). */
export const DATA_AREA_MAX = 4096;

/** The guest whose CPU acts. */
const guest = t.id('the guest whose CPU acts');

/** The guest's program loads general registers 0 to n-1 (LMG). */
export const GUEST_LOAD_REGISTERS = defineAction({
  kind: 'guest-load-registers',
  doc: "The running guest's program loads its general registers 0 to n-1 with the given values (LOAD MULTIPLE).",
  caller: 'guest',
  fields: { guest, registers: t.array(t.u64('a register value'), { max: 16, doc: 'the values of GR0, GR1, …: at most 16' }) },
  response: {},
});

/** The guest's program stores bytes into its own memory. */
export const GUEST_STORE = defineAction({
  kind: 'guest-store',
  doc: "The running guest's program stores bytes into its own secure memory at an address.",
  caller: 'guest',
  fields: { guest, address: t.u64('the guest address of the first byte'), bytes: t.bytes({ max: DATA_AREA_MAX, doc: 'the bytes stored' }) },
  response: {},
});

/** The guest's program stores its 16 general registers into its memory (STMG 0,15). */
export const GUEST_STORE_REGISTERS = defineAction({
  kind: 'guest-store-registers',
  doc: "The running guest's program stores its 16 general registers (128 bytes, big-endian) into its memory at an address (STORE MULTIPLE 0,15).",
  caller: 'guest',
  fields: { guest, address: t.u64('the guest address of the first byte') },
  response: {},
});

/** The guest's CPU executes an instruction that the firmware intercepts for the hypervisor. */
export const GUEST_EXECUTE = defineAction({
  kind: 'guest-execute',
  doc: `The running guest's CPU executes an instruction that needs the hypervisor: the firmware saves the CPU state, copies the instruction's input footprint into the interception buffers and stops the CPU until the hypervisor resumes it. The instructions: ${instructionSummary()}.`,
  caller: 'guest',
  fields: { guest, text: t.bytes({ size: 4, doc: 'the instruction text (4 bytes); its operation code selects a row of the instruction table' }) },
  response: {},
});

/** The hypervisor resumes a guest with the results it wrote into the interception buffers. */
export const RESUME_GUEST = defineAction({
  kind: 'resume-guest',
  doc: 'The hypervisor resumes a guest whose interception is open, with what it wrote into the buffers: the firmware applies the results within the instruction footprint only, or a program exception the instruction can raise, and refuses anything else.',
  caller: 'hypervisor',
  fields: {
    guest: t.id('the intercepted guest'),
    cc: t.nullable(t.int({ min: 0, max: 3, doc: 'the condition code' }), 'the condition code the hypervisor sets; null: none'),
    registers: t.bytes({ size: REGISTER_AREA_SIZE, doc: 'the register save area as the hypervisor left it (16 big-endian u64)' }),
    data: t.bytes({ max: DATA_AREA_MAX, doc: 'the data area as the hypervisor left it, at the length it hands back' }),
    exception: t.nullable(t.enum(EXCEPTION_NAMES, 'a program exception'), 'a program exception to present instead of results; null: none'),
  },
  response: {},
});

/** Every secure-interception action kind, in the order the spec introduces them. */
export const INTCP_ACTIONS = [GUEST_LOAD_REGISTERS, GUEST_STORE, GUEST_STORE_REGISTERS, GUEST_EXECUTE, RESUME_GUEST] as const;

/** Load registers. */
export type GuestLoadRegisters = ActionOfSpec<typeof GUEST_LOAD_REGISTERS>;
/** Store bytes. */
export type GuestStore = ActionOfSpec<typeof GUEST_STORE>;
/** Store registers. */
export type GuestStoreRegisters = ActionOfSpec<typeof GUEST_STORE_REGISTERS>;
/** Execute an intercepted instruction. */
export type GuestExecute = ActionOfSpec<typeof GUEST_EXECUTE>;
/** Resume with results. */
export type ResumeGuest = ActionOfSpec<typeof RESUME_GUEST>;
