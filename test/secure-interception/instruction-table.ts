/**
 * The instruction table as the spec prints it (spec/secure-interception.md, "The instruction
 * table"): one markdown row per row of `INSTRUCTIONS`, so that a test holds the spec's table to
 * the model's data word for word.
 * @module
 */
import { INSTRUCTIONS, INTERCEPT_CODE, type InstructionRow, type RegisterSlot } from '../../model/secure-interception/index.js';

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

function text(r: InstructionRow): string {
  if (r.format === 'RS') return `\`${hex(r.opcode, 2)} r1r2 0${hex(r.diagCode ?? 0, 3)}\``;
  return r.format === 'RRE' ? `\`${hex(r.opcode, 4)} 00 r1r2\`` : `\`${hex(r.opcode, 4)} b2d2\``;
}

function slots(list: readonly RegisterSlot[]): string {
  return list.length === 0 ? '—' : list.map((s) => `${typeof s.from === 'number' ? `GR${s.from}` : s.from} → ${s.shownAs}`).join(', ');
}

function dataIn(r: InstructionRow): string {
  const d = r.dataIn;
  switch (d.kind) {
    case 'none':
      return '—';
    case 'fixed':
      return `${d.length} bytes`;
    case 'block':
      return `block, ${d.header} length ≥ ${d.min}, within its page`;
    case 'prefix':
      return 'new prefix (u32)';
  }
}

/** The markdown row of one instruction row. */
export function tableRow(r: InstructionRow): string {
  const operand = r.operand === null ? '—' : `${r.operand.from}, align ${r.operand.align}, ${r.extent} bytes${r.evenR2 === true ? ', r2 even' : ''}`;
  const cells = [
    `\`${r.id}\``,
    `${r.mnemonic}${r.subcodes === undefined ? '' : ` (${r.subcodes.join(', ')})`}`,
    text(r),
    `0x${hex(INTERCEPT_CODE[r.intercept], 2)}`,
    operand,
    slots(r.inRegisters),
    dataIn(r),
    slots(r.outRegisters),
    r.dataOut === 'none' ? '—' : r.dataOut === 'page' ? '4096 bytes' : 'as handed over',
    r.ccs.length === 0 ? '—' : r.ccs.join(', '),
    r.exceptions.length === 0 ? '—' : r.exceptions.join(', '),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Every row, in table order. */
export function tableRows(): string[] {
  return INSTRUCTIONS.map(tableRow);
}
