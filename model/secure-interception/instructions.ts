/**
 * The instructions the firmware intercepts for the hypervisor, as data: one row per instruction
 * (DIAG 308 one per group of subcodes) with its footprint, the registers and guest bytes the
 * hypervisor gets (input) and the results it may give back (output). The handlers, the spec's
 * table (spec/secure-interception.md), the action docs of the schema and the properties all
 * read this table. Facts: ../shared/reference/platform-formats.md section 4 (kernel
 * intercept.c/priv.c, QEMU sclp.c and ioinst.c, s390-pv-boot.rst).
 * @module
 */

/** The real interception codes of the SIE block's icptcode (kvm_host.h). */
export const INTERCEPT_CODE = {
  /** 0x68 (104): a secure instruction the hypervisor must execute on the buffers; the guest waits for its results. */
  instruction: 0x68,
  /** 0x6C (108): the firmware completed the instruction and reports the state change; results are ignored. */
  notification: 0x6c,
  /** 0x70 (112): the guest's prefix pages must be made secure again before it can run. */
  prefix: 0x70,
} as const;

/** How the firmware hands an instruction to the hypervisor. */
export type InterceptKind = 'instruction' | 'notification';

/** The program exceptions a resume may name, with their program-interruption codes. */
export const PROGRAM_EXCEPTIONS = {
  operation: 0x01,
  'privileged-operation': 0x02,
  protection: 0x04,
  addressing: 0x05,
  specification: 0x06,
  operand: 0x15,
} as const;

/** A program exception by name. */
export type ProgramException = keyof typeof PROGRAM_EXCEPTIONS;

/** Every program exception name, in code order. */
export const EXCEPTION_NAMES = Object.keys(PROGRAM_EXCEPTIONS) as ProgramException[];

/**
 * Where a register of a footprint comes from in the guest: an instruction field (`r1`, `r2`; in
 * the RS format `r2` is the R3 field), the register after `r2` (`r2+1`), or a register the
 * instruction names implicitly (0, 1).
 */
export type RegisterSource = 'r1' | 'r2' | 'r2+1' | 0 | 1;

/** One register of a footprint: where it is in the guest, and its number in the hypervisor's register save area. */
export interface RegisterSlot {
  readonly from: RegisterSource;
  /** Its number in the save area and the renumbered instruction text. */
  readonly shownAs: number;
}

/** The guest bytes an instruction hands over: none, a fixed number, or a control block whose header gives its length. */
export type DataIn =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly length: number }
  | { readonly kind: 'block'; readonly header: 'u16' | 'u32'; readonly min: number }
  | { readonly kind: 'prefix' };

/** The instruction formats of the table: where the register fields and the operand are in the text. */
export type Format = 'RRE' | 'S' | 'RS';

/** One intercepted instruction (or one group of DIAG 308 subcodes) and its footprint. */
export interface InstructionRow {
  /** The row's name (`diag308-set`). */
  readonly id: string;
  /** The assembler mnemonic. */
  readonly mnemonic: string;
  readonly name: string;
  /** The operation code: the first halfword (RRE, S), or the first byte (RS). */
  readonly opcode: number;
  readonly format: Format;
  /** For DIAG: the code in the displacement (0x308). */
  readonly diagCode?: number;
  /** For DIAG 308: the subcodes (the value of register r2) this row handles. */
  readonly subcodes?: readonly number[];
  readonly intercept: InterceptKind;
  /** Where the storage operand's address comes from, and its alignment; null: no storage operand. */
  readonly operand: { readonly from: 'r1' | 'r2' | 'b2d2'; readonly align: number } | null;
  /** Bytes from the operand address that must lie in guest memory (the operand's fixed part). */
  readonly extent: number;
  /** True when the register r2 must be even (the instruction uses r2 and r2+1). */
  readonly evenR2?: boolean;
  readonly inRegisters: readonly RegisterSlot[];
  readonly outRegisters: readonly RegisterSlot[];
  readonly dataIn: DataIn;
  /** The data area's length on return: none, a page, or the length handed over. */
  readonly dataOut: 'none' | 'page' | 'as-in';
  /** The condition codes the hypervisor may set; empty: the instruction sets none. */
  readonly ccs: readonly number[];
  /** The program exceptions the hypervisor may inject: those the instruction can raise that are its to find. */
  readonly exceptions: readonly ProgramException[];
  /** The register fields of the renumbered instruction text the hypervisor sees. */
  readonly shownText: { readonly r1: number; readonly r2: number };
}

/** DIAG 308 subcodes that give a specification exception once the guest is secure (s390-pv-boot.rst). */
export const FORBIDDEN_DIAG308_SUBCODES: readonly number[] = [4, 7, 8, 9, 10];

/** The instruction table. */
export const INSTRUCTIONS: readonly InstructionRow[] = [
  {
    id: 'servc',
    mnemonic: 'SERVC',
    name: 'SERVICE CALL (SCLP)',
    opcode: 0xb220,
    format: 'RRE',
    intercept: 'instruction',
    operand: { from: 'r2', align: 8 },
    extent: 8,
    inRegisters: [{ from: 'r1', shownAs: 1 }],
    outRegisters: [],
    dataIn: { kind: 'block', header: 'u16', min: 8 },
    dataOut: 'as-in',
    ccs: [0, 2, 3],
    exceptions: [],
    shownText: { r1: 1, r2: 2 },
  },
  {
    id: 'stsi',
    mnemonic: 'STSI',
    name: 'STORE SYSTEM INFORMATION',
    opcode: 0xb27d,
    format: 'S',
    intercept: 'instruction',
    operand: { from: 'b2d2', align: 4096 },
    extent: 4096,
    inRegisters: [
      { from: 0, shownAs: 0 },
      { from: 1, shownAs: 1 },
    ],
    outRegisters: [{ from: 0, shownAs: 0 }],
    dataIn: { kind: 'none' },
    dataOut: 'page',
    ccs: [0, 3],
    exceptions: ['specification'],
    shownText: { r1: 0, r2: 0 },
  },
  {
    id: 'spx',
    mnemonic: 'SPX',
    name: 'SET PREFIX',
    opcode: 0xb210,
    format: 'S',
    intercept: 'notification',
    operand: { from: 'b2d2', align: 4 },
    extent: 4,
    inRegisters: [],
    outRegisters: [],
    dataIn: { kind: 'prefix' },
    dataOut: 'none',
    ccs: [],
    exceptions: [],
    shownText: { r1: 0, r2: 0 },
  },
  {
    id: 'ssch',
    mnemonic: 'SSCH',
    name: 'START SUBCHANNEL',
    opcode: 0xb233,
    format: 'S',
    intercept: 'instruction',
    operand: { from: 'b2d2', align: 4 },
    extent: 32,
    inRegisters: [{ from: 1, shownAs: 1 }],
    outRegisters: [],
    dataIn: { kind: 'fixed', length: 32 },
    dataOut: 'none',
    ccs: [0, 1, 2, 3],
    exceptions: ['operand', 'specification'],
    shownText: { r1: 0, r2: 0 },
  },
  {
    id: 'diag308-reset',
    mnemonic: 'DIAG 308',
    name: 'DIAGNOSE 308: reset and re-IPL clear (subcodes 0, 1, 3)',
    opcode: 0x83,
    format: 'RS',
    diagCode: 0x308,
    subcodes: [0, 1, 3],
    intercept: 'instruction',
    operand: null,
    extent: 0,
    inRegisters: [{ from: 'r2', shownAs: 4 }],
    outRegisters: [],
    dataIn: { kind: 'none' },
    dataOut: 'none',
    ccs: [],
    exceptions: ['specification'],
    shownText: { r1: 2, r2: 4 },
  },
  {
    id: 'diag308-set',
    mnemonic: 'DIAG 308',
    name: 'DIAGNOSE 308: set IPL parameters (subcode 5)',
    opcode: 0x83,
    format: 'RS',
    diagCode: 0x308,
    subcodes: [5],
    intercept: 'instruction',
    operand: { from: 'r1', align: 4096 },
    extent: 8,
    evenR2: true,
    inRegisters: [{ from: 'r2', shownAs: 4 }],
    outRegisters: [{ from: 'r2+1', shownAs: 5 }],
    dataIn: { kind: 'block', header: 'u32', min: 8 },
    dataOut: 'none',
    ccs: [],
    exceptions: ['specification'],
    shownText: { r1: 2, r2: 4 },
  },
  {
    id: 'diag308-store',
    mnemonic: 'DIAG 308',
    name: 'DIAGNOSE 308: store IPL parameters (subcode 6)',
    opcode: 0x83,
    format: 'RS',
    diagCode: 0x308,
    subcodes: [6],
    intercept: 'instruction',
    operand: { from: 'r1', align: 4096 },
    extent: 4096,
    evenR2: true,
    inRegisters: [{ from: 'r2', shownAs: 4 }],
    outRegisters: [{ from: 'r2+1', shownAs: 5 }],
    dataIn: { kind: 'none' },
    dataOut: 'page',
    ccs: [],
    exceptions: ['specification'],
    shownText: { r1: 2, r2: 4 },
  },
];

/** The row of `id`, which the table holds. */
export function rowById(id: string): InstructionRow {
  const row = INSTRUCTIONS.find((r) => r.id === id);
  // Stryker disable next-line all: callers name rows of the table
  if (row === undefined) throw new Error(`no instruction row ${id}`);
  return row;
}

/** The instruction length of every row's format: 4 bytes. */
export const INSTRUCTION_LENGTH = 4;

/** One line per row, for the docs of the actions: `B220 SERVC: SERVICE CALL (SCLP), 0x68`. */
export function instructionSummary(): string {
  return INSTRUCTIONS.map((r) => {
    const op =
      r.format === 'RS'
        ? // Stryker disable next-line MethodExpression: DIAG's opcode and code (83, 308) have no hex letters, so their case never shows
          `${r.opcode.toString(16).toUpperCase()}..${(r.diagCode ?? 0).toString(16).toUpperCase()}`
        : r.opcode.toString(16).toUpperCase();
    return `${op} ${r.name} (intercept 0x${INTERCEPT_CODE[r.intercept].toString(16)})`;
  }).join('; ');
}
