/**
 * The world and the scenarios of the secure-interception properties: the properties' machines
 * (properties/image-unpack fixtures), a guest booted through mechanism 2's honest calls from a
 * small image of the hsm-binding pool, and an intercepted instruction drawn as a {@link Scenario}:
 * a row of the instruction table, its register fields, the guest's 16 registers (high-entropy
 * canaries but where the instruction needs an address or a subcode), canary pages around its
 * operand and a control-block length. From the scenario and the table, and from nothing of the
 * model's code, the properties compute what the hypervisor must see and what a resume must do.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { WorldConfig } from '../../model/platform/index.js';
import { decodeBlock, INSTRUCTIONS, INTERCEPT_CODE, type InstructionRow, type InterceptionBlock, type RegisterSource } from '../../model/secure-interception/index.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';
import { CONFIG, seededBytes, type TestImage } from '../image-unpack/fixtures.js';
import { imageAt, secureGuest } from '../hsm-binding/fixtures.js';

/** The configuration every secure-interception property resets to. */
export const INTCP_CONFIG: WorldConfig = CONFIG;

/** The image the properties boot (one page of kernel: its pages are at the top of a 28-page memory). */
export function bootImage(): TestImage {
  return imageAt(0);
}

/** The pages a scenario's operand may use: below the image's pages. */
export const OPERAND_PAGES = 16;
/** The page the properties store the registers to, to read them back (outside every operand). */
export const SCRATCH_PAGE = 18;

/** An intercepted instruction in a guest state, drawn independently of the model. */
export interface Scenario {
  readonly row: InstructionRow;
  /** The instruction's register fields: r1, r2 (RS: r3), b2 (S format). */
  readonly r1: number;
  readonly r2: number;
  readonly b2: number;
  /** The displacement of an S-format operand. */
  readonly d2: number;
  /** The guest's 16 registers when it executes the instruction. */
  readonly registers: readonly bigint[];
  /** The operand's guest address, or null. */
  readonly address: number | null;
  /** The control block's length (SCCB, IPIB), or 0. */
  readonly blockLength: number;
  /** The first of the two canary pages the guest stores around the operand (from the operand's page on). */
  readonly page: number;
  /** The seed of the canary pages' bytes, and of the changes a twin makes. */
  readonly pageSeed: number;
  /** The seed of a twin's changes (0: none). */
  readonly twin: number;
}

/** The canary pages of a scenario: page number → bytes (a twin's differ outside the input data). */
export function canaryPages(s: Scenario): Map<number, Uint8Array> {
  const pages = new Map<number, Uint8Array>();
  const length = s.row.dataIn.kind === 'block' ? s.blockLength : s.row.dataIn.kind === 'fixed' ? s.row.dataIn.length : s.row.dataIn.kind === 'prefix' ? 4 : 0;
  for (const p of [s.page, s.page + 1]) {
    const bytes = seededBytes(s.pageSeed * 7 + p, PAGE_SIZE);
    if (s.twin !== 0) {
      for (let i = 0; i < PAGE_SIZE; i++) {
        const at = p * PAGE_SIZE + i;
        const inside = s.address !== null && at >= s.address && at < s.address + length;
        if (!inside) bytes[i] = ((bytes[i] ?? 0) ^ (s.twin + i + 1)) & 0xff;
      }
    }
    pages.set(p, bytes);
  }
  return pages;
}

/** The canary value of register `n` under `seed`: 8 bytes of high entropy. */
function canary(seed: number, n: number): bigint {
  const b = seededBytes(seed * 31 + n + 1, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false) | 0x8000_0000_0000_0001n;
}

/** Register numbers 2..15 in a random order (the explicit fields of a scenario). */
const arbFieldRegisters = fc.shuffledSubarray([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], { minLength: 3, maxLength: 3 });

/** The text of a scenario's instruction. */
export function textOf(s: Scenario): Uint8Array {
  const { row } = s;
  switch (row.format) {
    case 'RRE':
      return Uint8Array.of(row.opcode >> 8, row.opcode & 0xff, 0, (s.r1 << 4) | s.r2);
    case 'S':
      return Uint8Array.of(row.opcode >> 8, row.opcode & 0xff, (s.b2 << 4) | (s.d2 >> 8), s.d2 & 0xff);
    case 'RS':
      return Uint8Array.of(row.opcode, (s.r1 << 4) | s.r2, ((row.diagCode ?? 0) >> 8) & 0x0f, (row.diagCode ?? 0) & 0xff);
  }
}

/** A scenario from a row and the drawn parts. */
function scenarioOf(row: InstructionRow, regs: readonly number[], seed: number, page: number, slot: number, length: number, subcode: number): Scenario {
  const [a = 2, b = 3, c = 4] = regs;
  // DIAG 308 takes r2 even with r2+1 free; the others take any two distinct registers.
  const r2 = row.format === 'RS' ? (b % 2 === 0 ? b : b - 1) : b;
  const r1 = row.format === 'RS' && (a === r2 || a === r2 + 1) ? (r2 + 2 > 15 ? 2 : r2 + 2) : a;
  const b2 = row.format === 'S' ? c : 0;
  const align = row.operand?.align ?? PAGE_SIZE;
  // The operand's offset in its page: aligned, and room for its fixed part (or its block).
  const room = Math.max(PAGE_SIZE - Math.max(row.extent, 8), 0);
  const offset = align >= PAGE_SIZE ? 0 : Math.floor((slot % (room + 1)) / align) * align;
  const address = row.operand === null ? null : page * PAGE_SIZE + offset;
  // S format: part of the address in the displacement.
  const d2 = row.format === 'S' ? Math.min(offset, 0xfff) & ~(align - 1) : 0;
  const registers = Array.from({ length: 16 }, (_, n) => canary(seed, n));
  if (address !== null) {
    const base = row.operand?.from === 'b2d2' ? b2 : row.operand?.from === 'r1' ? r1 : r2;
    registers[base] = BigInt(address - (row.operand?.from === 'b2d2' ? d2 : 0));
  }
  if (row.subcodes !== undefined) registers[r2] = BigInt(row.subcodes[subcode % row.subcodes.length] ?? 0);
  const max = address === null ? 0 : PAGE_SIZE - (address % PAGE_SIZE);
  const blockLength = row.dataIn.kind === 'block' ? row.dataIn.min + (length % (max - row.dataIn.min + 1)) : 0;
  return { row, r1, r2, b2, d2, registers, address, blockLength, page, pageSeed: seed, twin: 0 };
}

/** A scenario of any row of the table. */
export const arbScenario: fc.Arbitrary<Scenario> = fc
  .record({
    // The notification twice as often: its one row stands for a whole kind of interception.
    row: fc.constantFrom(...INSTRUCTIONS, ...INSTRUCTIONS.filter((r) => r.intercept === 'notification')),
    regs: arbFieldRegisters,
    seed: fc.nat({ max: 1 << 20 }),
    page: fc.nat({ max: OPERAND_PAGES - 2 }),
    slot: fc.nat({ max: PAGE_SIZE }),
    length: fc.nat({ max: PAGE_SIZE }),
    subcode: fc.nat({ max: 2 }),
  })
  .map((d) => scenarioOf(d.row, d.regs, d.seed, d.page, d.slot, d.length, d.subcode));

/** The guest register a table slot names in a scenario. */
export function guestRegister(from: RegisterSource, s: Scenario): number {
  return from === 'r1' ? s.r1 : from === 'r2' ? s.r2 : from === 'r2+1' ? (s.r2 + 1) & 15 : from;
}

/** The guest's memory as the property expects it: the image's plaintext, then what the guest stored. */
export type Memory = Map<number, Uint8Array>;

/** The memory a booted guest holds: the image's plaintext pages. */
export function bootedMemory(image: TestImage): Memory {
  return new Map([...image.plaintext].map(([p, b]) => [p, b.slice()]));
}

/** `length` bytes of `memory` from `address` (absent pages read as zeros). */
export function readBytes(memory: Memory, address: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = memory.get(Math.floor((address + i) / PAGE_SIZE))?.[(address + i) % PAGE_SIZE] ?? 0;
  return out;
}

/** Writes `bytes` into `memory` from `address`. */
export function writeBytes(memory: Memory, address: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) {
    const p = Math.floor((address + i) / PAGE_SIZE);
    const page = memory.get(p) ?? new Uint8Array(PAGE_SIZE);
    page[(address + i) % PAGE_SIZE] = bytes[i] ?? 0;
    memory.set(p, page);
  }
}

/** The guest-store of `bytes` at `address`, recorded in `memory`. */
export function* store(guest: number, address: number, bytes: Uint8Array, memory: Memory): Calls<void> {
  const o = yield* sut.apply({ kind: 'guest-store', guest, address: BigInt(address), bytes });
  yield* expectAccepted('REQ-INTCP-1', 'guest-store', o, `store ${bytes.length} bytes at ${address.toString(16)}`);
  writeBytes(memory, address, bytes);
}

/**
 * Resets the system, boots a guest and brings it to the scenario's state: its canary pages and control-block header
 * stored, its registers loaded. Returns the guest and its memory as the property expects it.
 */
export function* prepare(s: Scenario): Calls<{ guest: number; memory: Memory }> {
  yield* sut.reset(INTCP_CONFIG);
  const image = bootImage();
  const guest = yield* secureGuest(image);
  const memory = bootedMemory(image);
  for (const [p, bytes] of canaryPages(s)) yield* store(guest, p * PAGE_SIZE, bytes, memory);
  if (s.address !== null && s.row.dataIn.kind === 'block') {
    const head = new Uint8Array(s.row.dataIn.header === 'u16' ? 2 : 4);
    const view = new DataView(head.buffer);
    if (s.row.dataIn.header === 'u16') view.setUint16(0, s.blockLength, false);
    else view.setUint32(0, s.blockLength, false);
    yield* store(guest, s.address, head, memory);
  }
  const o = yield* sut.apply({ kind: 'guest-load-registers', guest, registers: s.registers });
  yield* expectAccepted('REQ-INTCP-1', 'guest-load-registers', o, 'load the scenario registers');
  return { guest, memory };
}

/** The data a scenario's instruction hands over, from the memory the property expects. */
export function expectedData(s: Scenario, memory: Memory): Uint8Array {
  const d = s.row.dataIn;
  if (d.kind === 'none' || s.address === null) return new Uint8Array(0);
  if (d.kind === 'fixed') return readBytes(memory, s.address, d.length);
  if (d.kind === 'block') return readBytes(memory, s.address, s.blockLength);
  const word = new DataView(readBytes(memory, s.address, 4).buffer).getUint32(0, false);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, (word & 0x7fffe000) >>> 0, false);
  return out;
}

/** The data area's length the hypervisor must hand back. */
export function expectedOutLength(s: Scenario): number {
  return s.row.dataOut === 'none' ? 0 : s.row.dataOut === 'page' ? PAGE_SIZE : s.blockLength;
}

/** The renumbered text the hypervisor must see: ipa and ipb. */
export function expectedText(row: InstructionRow): { ipa: number; ipb: number } {
  const { r1, r2 } = row.shownText;
  if (row.format === 'RRE') return { ipa: row.opcode, ipb: (((r1 << 4) | r2) << 16) >>> 0 };
  if (row.format === 'S') return { ipa: row.opcode, ipb: 0 };
  return { ipa: (row.opcode << 8) | (r1 << 4) | r2, ipb: ((row.diagCode ?? 0) << 16) >>> 0 };
}

/** The block the hypervisor must see for a scenario. */
export function expectedBlock(s: Scenario, memory: Memory): InterceptionBlock {
  const registers = new Uint8Array(128);
  const view = new DataView(registers.buffer);
  for (const slot of s.row.inRegisters) view.setBigUint64(slot.shownAs * 8, s.registers[guestRegister(slot.from, s)] ?? 0n, false);
  return { code: INTERCEPT_CODE[s.row.intercept], ...expectedText(s.row), registers, data: expectedData(s, memory) };
}

/** The interception block of `guest` in the hypervisor's view, or undefined; and how many the view holds for it. */
export function* blockInView(guest: number): Calls<{ block: InterceptionBlock | undefined; count: number }> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  const mine = hv !== null && hv.party === 'hypervisor' ? hv.interceptions.filter((b) => b.guest === guest) : [];
  const first = mine[0];
  return { block: first === undefined ? undefined : decodeBlock(first.bytes), count: mine.length };
}

/** The guest's 16 registers, read back black-box: stored to the scratch page, then seen in the guest's view. */
export function* registersOf(guest: number, memory: Memory): Calls<bigint[] | undefined> {
  const o = yield* sut.apply({ kind: 'guest-store-registers', guest, address: BigInt(SCRATCH_PAGE * PAGE_SIZE) });
  if (o.kind !== 'accepted') return undefined;
  const v = yield* sut.observe({ kind: 'guest', guest });
  if (v === null || v.party !== 'guest') return undefined;
  const page = v.memory.find((m) => m.page === SCRATCH_PAGE)?.bytes;
  if (page === undefined) return undefined;
  writeBytes(memory, SCRATCH_PAGE * PAGE_SIZE, page.subarray(0, 128));
  const dv = new DataView(page.buffer, page.byteOffset, 128);
  return Array.from({ length: 16 }, (_, i) => dv.getBigUint64(i * 8, false));
}

/** True when two blocks are equal field by field. */
export function sameBlock(a: InterceptionBlock | undefined, b: InterceptionBlock): boolean {
  if (a === undefined) return false;
  const eq = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.code === b.code && a.ipa === b.ipa && a.ipb === b.ipb && eq(a.registers, b.registers) && eq(a.data, b.data);
}

/** A block as one line, for reports. */
export function showBlock(b: InterceptionBlock | undefined): string {
  if (b === undefined) return 'no block';
  const hex = (x: Uint8Array) => Buffer.from(x).toString('hex');
  return `code ${b.code.toString(16)} ipa ${b.ipa.toString(16)} ipb ${b.ipb.toString(16)} registers ${hex(b.registers)} data(${b.data.length}) ${hex(b.data).slice(0, 64)}`;
}
