/**
 * Noninterference of interception (REQ-INTCP-4), as Komodo states it: two guests that differ only
 * outside the input footprint (every register the instruction does not hand over, other than the
 * ones its operand address and subcode come from, and every byte of memory outside the data it
 * hands over), driven by the same hypervisor, give the hypervisor equal outcomes and equal views:
 * after the interception, and after the same resume.
 * @module
 */
import fc from 'fast-check';
import { toWire } from '../../model/core/schema.js';
import { VIEW } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { arbScenario, blockInView, expectedOutLength, guestRegister, prepare, textOf, type Scenario } from './fixtures.js';

/** The twin of `s`: other values in every register and memory byte outside the input footprint. */
export function twinOf(s: Scenario, seed: number): Scenario {
  const keep = new Set<number>(s.row.inRegisters.map((slot) => guestRegister(slot.from, s)));
  // The registers the operand address and the subcode come from decide the footprint: the same in both.
  if (s.row.operand !== null) keep.add(s.row.operand.from === 'b2d2' ? s.b2 : s.row.operand.from === 'r1' ? s.r1 : s.r2);
  if (s.row.subcodes !== undefined) keep.add(s.r2);
  const registers = s.registers.map((v, n) => (keep.has(n) ? v : BigInt.asUintN(64, v ^ (0x9e37_79b9_7f4a_7c15n * BigInt(seed + n + 1)))));
  return { ...s, registers, twin: seed + 1 };
}

/** The hypervisor's view in its wire form, for comparison. */
function* hypervisorWire(): Calls<string> {
  const v = yield* sut.observe({ kind: 'hypervisor' });
  return JSON.stringify(v === null || v.party !== 'hypervisor' ? null : toWire(VIEW.hypervisor, v));
}

/** One run: the interception and a fixed resume; the outcomes and views the hypervisor gets. */
function* runOnce(s: Scenario, resumeSeed: number): Calls<string[]> {
  const { guest } = yield* prepare(s);
  const seen: string[] = [yield* hypervisorWire()];
  const o = yield* sut.apply({ kind: 'guest-execute', guest, text: textOf(s) });
  seen.push(JSON.stringify(o), yield* hypervisorWire());
  const { block } = yield* blockInView(guest);
  const area = block?.registers ?? new Uint8Array(128);
  for (const slot of s.row.outRegisters) new DataView(area.buffer).setBigUint64(slot.shownAs * 8, BigInt(resumeSeed), false);
  const data = new Uint8Array(expectedOutLength(s)).fill(resumeSeed & 0xff);
  const r = yield* sut.apply({ kind: 'resume-guest', guest, cc: s.row.ccs[0] ?? null, registers: area, data, exception: null });
  seen.push(JSON.stringify(r), yield* hypervisorWire());
  return seen;
}

/** REQ-INTCP-4: the hypervisor cannot tell apart two guests that differ outside the input footprint. */
export const interceptionNoninterference = defineProperty({
  mechanism: 'secure-interception',
  name: 'noninterference',
  requirements: ['REQ-INTCP-4'],
  statement:
    "Two guests booted from the same image that execute the same instruction and differ only outside its input footprint (every register it does not hand over, other than those its operand address and subcode come from, and every memory byte outside the data it hands over) give the hypervisor equal outcomes and equal views (in wire form) before the interception, after it, and after the same resume.",
  arbitrary: fc.tuple(arbScenario, fc.nat({ max: 1 << 16 }), fc.nat({ max: 0xffff })),
  *run([s, seed, resumeSeed]) {
    const a = yield* runOnce(s, resumeSeed);
    const b = yield* runOnce(twinOf(s, seed), resumeSeed);
    const at = a.findIndex((x, i) => x !== b[i]);
    yield* holds('REQ-INTCP-4', at < 0 && a.length === b.length, `${s.row.id}: the hypervisor tells the twins apart at observation ${at}`);
  },
});
