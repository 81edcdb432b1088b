/**
 * Whatever the hypervisor writes, only the output footprint changes (REQ-INTCP-5 to -9): for a
 * scenario and any results (a condition code or none, the register save area with any registers
 * changed, a data area of any length, a program exception or none), the resume's outcome is the
 * one the guard order of the spec gives, computed from the table; a refusal changes nothing (the
 * block stays, the guest is as it was); an accepted resume leaves the guest exactly at the shadow
 * state plus the allowed results: memory, PSW (condition code, address), prefix and all 16
 * registers (read back black-box), and the block is gone.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { EXCEPTION_NAMES, type ProgramException } from '../../model/secure-interception/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import {
  arbScenario,
  blockInView,
  expectedBlock,
  expectedOutLength,
  guestRegister,
  prepare,
  registersOf,
  textOf,
  writeBytes,
  type Memory,
  type Scenario,
} from './fixtures.js';

/** What the hypervisor writes into the buffers before it resumes, relative to what it was handed. */
export interface Results {
  /** A condition code, none, or the scenario's first allowed one (for a notification: any). */
  readonly cc: number | null | 'valid';
  /** Registers of the save area the hypervisor overwrites, by number, with a value. */
  readonly edits: readonly { readonly n: number; readonly value: bigint }[];
  /** The data area: at the output length, or another length. */
  readonly length: 'out' | number;
  readonly seed: number;
  readonly exception: ProgramException | null;
}

/** Results the hypervisor may write: mostly well-formed, often out of the footprint. */
export const arbResults: fc.Arbitrary<Results> = fc.record({
  cc: fc.oneof({ weight: 4, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom(null, 0, 1, 2, 3) }),
  edits: fc.array(fc.record({ n: fc.nat({ max: 15 }), value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }), { maxLength: 3 }),
  length: fc.oneof({ weight: 4, arbitrary: fc.constant('out' as const) }, { weight: 1, arbitrary: fc.nat({ max: PAGE_SIZE }) }),
  seed: fc.nat(),
  exception: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...EXCEPTION_NAMES) }),
});

/** The resume action a scenario's results make, from the block the hypervisor was handed. */
export function resumeOf(guest: number, s: Scenario, r: Results, handed: Uint8Array): { action: Record<string, unknown>; data: Uint8Array; area: Uint8Array } {
  const area = handed.slice();
  const view = new DataView(area.buffer);
  for (const e of r.edits) view.setBigUint64(e.n * 8, e.value, false);
  const length = r.length === 'out' ? expectedOutLength(s) : r.length;
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (r.seed * 131 + i * 7 + (i >> 8)) & 0xff;
  // 'valid': the instruction's first code; for a notification, whose results are ignored, any code.
  const cc = r.cc === 'valid' ? (s.row.ccs[0] ?? (s.row.intercept === 'notification' ? r.seed % 4 : null)) : r.cc;
  return { action: { kind: 'resume-guest', guest, cc, registers: area, data, exception: r.exception }, data, area };
}

/** The code the spec's guard order gives a resume, or 'accepted'. */
export function expectedResume(s: Scenario, r: Results, handed: Uint8Array, area: Uint8Array, data: Uint8Array, cc: number | null): string {
  const { row } = s;
  if (r.exception !== null && (row.intercept === 'notification' || !row.exceptions.includes(r.exception))) return 'EXCEPTION_NOT_ALLOWED';
  if (row.intercept === 'notification' || r.exception !== null) return 'accepted';
  if (row.ccs.length === 0 ? cc !== null : cc === null || !row.ccs.includes(cc)) return 'CC_NOT_ALLOWED';
  const outs = new Set(row.outRegisters.map((o) => o.shownAs));
  for (let n = 0; n < 16; n++) {
    if (outs.has(n)) continue;
    for (let i = n * 8; i < n * 8 + 8; i++) if (area[i] !== handed[i]) return 'REGISTER_OUTSIDE_FOOTPRINT';
  }
  if (data.length !== expectedOutLength(s)) return 'DATA_OUTSIDE_FOOTPRINT';
  return 'accepted';
}

/** The guest's view as the comparison needs it. */
function* guestState(guest: number): Calls<{ psw: { mask: bigint; addr: bigint }; prefix: number; memory: Map<number, string> } | undefined> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  if (v === null || v.party !== 'guest') return undefined;
  return { psw: v.psw, prefix: v.prefix, memory: new Map(v.memory.map((m) => [m.page, Buffer.from(m.bytes).toString('hex')])) };
}

/** True when the guest's memory is exactly `expected` (a page absent from one reads as zeros in the other). */
function sameMemory(seen: Map<number, string>, expected: Memory): boolean {
  const zero = '00'.repeat(PAGE_SIZE);
  for (const p of new Set([...seen.keys(), ...expected.keys()])) {
    const a = seen.get(p) ?? zero;
    const e = expected.get(p);
    if (a !== (e === undefined ? zero : Buffer.from(e).toString('hex'))) return false;
  }
  return true;
}

/** REQ-INTCP-5 to -9: only the output footprint changes, whatever the hypervisor writes. */
export const resultsWithinFootprint = defineProperty({
  mechanism: 'secure-interception',
  name: 'results-within-footprint',
  requirements: ['REQ-INTCP-5', 'REQ-INTCP-6', 'REQ-INTCP-7', 'REQ-INTCP-8', 'REQ-INTCP-9'],
  statement:
    "For any scenario and any results the hypervisor writes (a condition code or none, any registers of the save area overwritten, a data area of any length, any program exception or none), resume-guest answers what the spec's guard order gives: EXCEPTION_NOT_ALLOWED for an exception the instruction cannot raise (for a notification, any), else accepted for a notification or an allowed exception, else CC_NOT_ALLOWED, REGISTER_OUTSIDE_FOOTPRINT or DATA_OUTSIDE_FOOTPRINT, else accepted. A refusal leaves the block in the view and the guest as it was; an accepted resume removes the block and leaves the guest's memory, PSW, prefix and 16 registers exactly at the shadow state plus the allowed results (a notification: the completed instruction and nothing of the results; an exception: the state at the instruction), and a second resume is NO_INTERCEPTION.",
  arbitrary: fc.tuple(arbScenario, arbResults),
  *run([s, r]) {
    const { guest, memory } = yield* prepare(s);
    const before = yield* guestState(guest);
    const o = yield* sut.apply({ kind: 'guest-execute', guest, text: textOf(s) });
    yield* expectAccepted('REQ-INTCP-2', 'guest-execute', o, s.row.id);
    const handed = expectedBlock(s, memory).registers;
    const { action, data, area } = resumeOf(guest, s, r, handed);
    const cc = action['cc'] as number | null;
    const expected = expectedResume(s, r, handed, area, data, cc);
    const out = yield* sut.apply(action);
    const where = `${s.row.id} resumed with cc ${String(cc)}, ${r.edits.length} register edits, ${data.length} data bytes, exception ${String(r.exception)}`;
    if (expected !== 'accepted') {
      yield* expectCode('resume-guest', out, expected, where);
      const still = yield* blockInView(guest);
      yield* holds('REQ-INTCP-8', still.count === 1, `${where}: refused, but the view holds ${still.count} blocks of the guest`);
      const after = yield* guestState(guest);
      yield* holds('REQ-INTCP-8', after !== undefined && before !== undefined && after.psw.addr === before.psw.addr && after.psw.mask === before.psw.mask && sameMemory(after.memory, memory), `${where}: refused, but the guest changed`);
      return;
    }
    yield* expectAccepted('REQ-INTCP-9', 'resume-guest', out, where);
    const gone = yield* blockInView(guest);
    yield* holds('REQ-INTCP-9', gone.count === 0, `${where}: the block is still in the view`);
    const again = yield* sut.apply(action);
    yield* expectCode('resume-guest', again, 'NO_INTERCEPTION', `${where}, resumed twice`);
    // The state the guest must resume in.
    const applied = s.row.intercept === 'instruction' && r.exception === null;
    const registers = [...s.registers];
    if (applied) for (const slot of s.row.outRegisters) registers[guestRegister(slot.from, s)] = new DataView(area.buffer).getBigUint64(slot.shownAs * 8, false);
    if (applied && s.address !== null && data.length > 0) writeBytes(memory, s.address, data);
    const advancedBy = applied || s.row.intercept === 'notification' ? 4n : 0n;
    const ccMask = 3n << 44n;
    const mask = applied && cc !== null ? ((before?.psw.mask ?? 0n) & ~ccMask) | (BigInt(cc) << 44n) : (before?.psw.mask ?? 0n);
    const prefix = s.row.intercept === 'notification' ? new DataView(expectedBlock(s, memory).data.buffer).getUint32(0, false) : (before?.prefix ?? 0);
    const after = yield* guestState(guest);
    const req = s.row.intercept === 'notification' ? 'REQ-INTCP-5' : r.exception !== null ? 'REQ-INTCP-7' : 'REQ-INTCP-9';
    yield* holds(req, after !== undefined && sameMemory(after.memory, memory), `${where}: guest memory is not the shadow memory plus the data area`);
    yield* holds(req, after?.psw.addr === BigInt.asUintN(64, (before?.psw.addr ?? 0n) + advancedBy), `${where}: PSW address ${after?.psw.addr.toString(16)}, expected ${before?.psw.addr.toString(16)} + ${advancedBy}`);
    yield* holds(req, after?.psw.mask === mask, `${where}: PSW mask ${after?.psw.mask.toString(16)}, expected ${mask.toString(16)}`);
    yield* holds(req, after?.prefix === prefix, `${where}: prefix ${String(after?.prefix)}, expected ${prefix}`);
    const seen = yield* registersOf(guest, memory);
    const diff = seen === undefined ? -1 : registers.findIndex((v, n) => seen[n] !== v);
    yield* holds(req, seen !== undefined && diff < 0, `${where}: register ${diff} is ${seen?.[diff]?.toString(16)}, expected ${registers[diff]?.toString(16)}`);
  },
});
