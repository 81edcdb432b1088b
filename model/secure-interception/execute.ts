/**
 * The firmware's side of an intercepted instruction (spec/secure-interception.md): it checks
 * what the architecture makes its own to check, saves the CPU state as the shadow state, copies
 * exactly the input footprint into the interception block the hypervisor gets, and stops the CPU.
 * @module
 */
import type { Step } from '../core/outcome.js';
import type { CpuState, World } from '../world/world.js';
import type { GuestExecute } from './actions.js';
import { encodeBlock } from './block.js';
import { EMPTY, fail, isGuest, runningCpu, withGuest } from './common.js';
import { dataIn, decodeText, operandAddress, outLength, registerOf, selectRow, shownText } from './footprint.js';
import { INSTRUCTION_LENGTH, INTERCEPT_CODE, type InstructionRow } from './instructions.js';
import { inMemory } from './memory.js';
import type { OpenInterception } from './state.js';

type Empty = Record<string, never>;

/** The PSW after a completed instruction: its address past the instruction (modulo 2^64). */
export function advanced(cpu: CpuState): CpuState {
  return { ...cpu, psw: { ...cpu.psw, addr: BigInt.asUintN(64, cpu.psw.addr + BigInt(INSTRUCTION_LENGTH)) } };
}

/** The shadow state the guest resumes from: the CPU as it was, or, for a notification, as the firmware completed the instruction. */
function shadowOf(row: InstructionRow, cpu: CpuState, input: Uint8Array): CpuState {
  if (row.intercept === 'instruction') return cpu;
  // SET PREFIX, the one notification of the table: the new prefix is the data it reports.
  const prefix = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(0, false);
  return advanced({ ...cpu, prefix });
}

/**
 * An instruction of the running guest's CPU that the firmware intercepts.
 * @requirement REQ-INTCP-1 REQ-INTCP-2 REQ-INTCP-3 REQ-INTCP-4 REQ-INTCP-5
 */
export function guestExecute(world: World, action: GuestExecute): Step<World, Empty> {
  const g = runningCpu(world, action.guest);
  if (!isGuest(g)) return g;
  const decoded = decodeText(action.text);
  // REQ-INTCP-2: the text is an instruction of the table
  if (decoded === undefined) return fail(world, 'UNKNOWN_INSTRUCTION');
  const { registers } = g.cpu;
  const f = decoded.fields;
  const row = selectRow(decoded, registers);
  // REQ-INTCP-3: a DIAG 308 subcode the guest may use in secure mode
  if (row === undefined) return fail(world, 'SPECIFICATION_EXCEPTION');
  // REQ-INTCP-3: r2 even where the instruction uses the pair r2, r2+1
  if (row.evenR2 === true && f.r2 % 2 !== 0) return fail(world, 'SPECIFICATION_EXCEPTION');
  const address = operandAddress(row, f, registers);
  // REQ-INTCP-3: the operand is aligned
  if (address !== null && row.operand !== null && address % BigInt(row.operand.align) !== 0n) return fail(world, 'SPECIFICATION_EXCEPTION');
  // REQ-INTCP-3: the operand's fixed part lies in guest memory
  if (address !== null && !inMemory(g, address, row.extent)) return fail(world, 'ADDRESSING_EXCEPTION');
  // Stryker disable next-line ConditionalExpression: a row without an operand hands no guest bytes over, so where it would read is never used
  const at = address === null ? null : Number(address);
  const input = dataIn(row, g, at);
  // REQ-INTCP-3: the control block's length is at least its header and stays in its page
  if (input === undefined) return fail(world, 'SPECIFICATION_EXCEPTION');

  // REQ-INTCP-4: the input footprint, and nothing else, goes into the block
  const handed = new Uint8Array(128);
  const view = new DataView(handed.buffer);
  for (const slot of row.inRegisters) view.setBigUint64(slot.shownAs * 8, registers[registerOf(slot.from, f)] ?? 0n, false);
  const { ipa, ipb } = shownText(row);
  const block = encodeBlock({ code: INTERCEPT_CODE[row.intercept], ipa, ipb, registers: handed, data: input });
  const open: OpenInterception = {
    row: row.id,
    shadow: shadowOf(row, g.cpu, input),
    handed,
    outRegisters: row.outRegisters.map((s) => ({ shown: s.shownAs, register: registerOf(s.from, f) })),
    address: at,
    outLength: outLength(row, input),
  };
  const next = withGuest(world, { ...g, slices: { ...g.slices, interception: { open } } });
  const interceptions = next.hypervisor.interceptions.push({ guest: g.id, bytes: block });
  return { state: { ...next, hypervisor: { ...next.hypervisor, interceptions } }, outcome: { kind: 'accepted', response: EMPTY } };
}
