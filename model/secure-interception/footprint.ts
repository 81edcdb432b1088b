/**
 * From an instruction's text and the guest's state to its footprint: the decoded text, the row
 * of the table, the operand's address, the input data and the renumbered text the hypervisor sees.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { Guest } from '../world/world.js';
import { INSTRUCTIONS, type InstructionRow, type RegisterSource } from './instructions.js';
import { readMemory } from './memory.js';

/** The register and displacement fields of a text (RS: `r2` is the R3 field). */
export interface TextFields {
  readonly r1: number;
  readonly r2: number;
  readonly b2: number;
  readonly d2: number;
}

/** A decoded text: the rows its operation code selects (DIAG 308: one per subcode group) and its fields. */
export interface Decoded {
  readonly rows: readonly InstructionRow[];
  readonly fields: TextFields;
}

const byte = (text: Uint8Array, i: number): number => text[i] ?? 0;

/** The rows and fields of a 4-byte instruction text, or undefined when it is none of the table's. */
export function decodeText(text: Uint8Array): Decoded | undefined {
  if (text.length !== 4) return undefined;
  const [b0, b1, b2, b3] = [byte(text, 0), byte(text, 1), byte(text, 2), byte(text, 3)];
  const d2 = ((b2 & 0x0f) << 8) | b3;
  if (b0 === 0x83) {
    // DIAG: the code is the second-operand address; the model's DIAG 308 names it with no base register.
    // Only the DIAG rows (format RS) carry a DIAG code.
    const rows = INSTRUCTIONS.filter((r) => r.diagCode === d2);
    return rows.length === 0 || b2 >> 4 !== 0 ? undefined : { rows, fields: { r1: b1 >> 4, r2: b1 & 0x0f, b2: 0, d2 } };
  }
  const opcode = (b0 << 8) | b1;
  const row = INSTRUCTIONS.find((r) => r.format !== 'RS' && r.opcode === opcode);
  if (row === undefined) return undefined;
  return row.format === 'RRE' ? { rows: [row], fields: { r1: b3 >> 4, r2: b3 & 0x0f, b2: 0, d2: 0 } } : { rows: [row], fields: { r1: 0, r2: 0, b2: b2 >> 4, d2 } };
}

/** The row for the guest's registers: DIAG 308's by the subcode in r2; undefined for a subcode no row takes. */
export function selectRow(d: Decoded, registers: readonly bigint[]): InstructionRow | undefined {
  // The table gives subcodes exactly to the DIAG 308 rows, which decode as a group of three: a
  // row alone never has subcodes, and a group never lacks them.
  // Stryker disable next-line ConditionalExpression,LogicalOperator: either half alone decides the same for every row of the table (above)
  if (d.rows.length === 1 && d.rows[0]?.subcodes === undefined) return d.rows[0];
  const subcode = registers[d.fields.r2] ?? 0n;
  return d.rows.find((r) => (r.subcodes ?? []).some((s) => BigInt(s) === subcode));
}

/** The guest register a footprint slot names. */
export function registerOf(from: RegisterSource, f: TextFields): number {
  switch (from) {
    case 'r1':
      return f.r1;
    case 'r2':
      return f.r2;
    case 'r2+1':
      return (f.r2 + 1) & 0x0f;
    default:
      return from;
  }
}

/** The storage operand's address (64-bit), or null when the row has none. */
export function operandAddress(row: InstructionRow, f: TextFields, registers: readonly bigint[]): bigint | null {
  if (row.operand === null) return null;
  const reg = (n: number): bigint => registers[n] ?? 0n;
  switch (row.operand.from) {
    case 'r1':
      return reg(f.r1);
    case 'r2':
      return reg(f.r2);
    case 'b2d2':
      return BigInt.asUintN(64, (f.b2 === 0 ? 0n : reg(f.b2)) + BigInt(f.d2));
  }
}

/** The new prefix SET PREFIX sets from its operand word: bits 1-18 (an 8 KiB-aligned address below 2 GiB). */
export function prefixOf(word: number): number {
  return (word & 0x7fffe000) >>> 0;
}

/**
 * The input data of `row` at `address` (inside memory, aligned), or undefined when its control
 * block's length is too short or crosses its page.
 */
export function dataIn(row: InstructionRow, guest: Guest, address: number | null): Uint8Array | undefined {
  const d = row.dataIn;
  if (d.kind === 'none' || address === null) return new Uint8Array(0);
  if (d.kind === 'fixed') return readMemory(guest, address, d.length);
  const head = readMemory(guest, address, 4);
  if (d.kind === 'prefix') {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, prefixOf(new DataView(head.buffer).getUint32(0, false)), false);
    return out;
  }
  const view = new DataView(head.buffer);
  const length = d.header === 'u16' ? view.getUint16(0, false) : view.getUint32(0, false);
  if (length < d.min || (address % PAGE_SIZE) + length > PAGE_SIZE) return undefined;
  return readMemory(guest, address, length);
}

/** The data area's length on return. */
export function outLength(row: InstructionRow, input: Uint8Array): number {
  return row.dataOut === 'none' ? 0 : row.dataOut === 'page' ? PAGE_SIZE : input.length;
}

/** The renumbered text the hypervisor sees: ipa and ipb. */
export function shownText(row: InstructionRow): { readonly ipa: number; readonly ipb: number } {
  const { r1, r2 } = row.shownText;
  switch (row.format) {
    case 'RRE':
      return { ipa: row.opcode, ipb: (((r1 << 4) | r2) << 16) >>> 0 };
    case 'S':
      return { ipa: row.opcode, ipb: 0 };
    case 'RS':
      return { ipa: ((row.opcode << 8) | (r1 << 4) | r2) >>> 0, ipb: ((row.diagCode ?? 0) << 16) >>> 0 };
  }
}
