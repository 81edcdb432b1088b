/**
 * The world of the secure-interception stimulus properties: from a reset, a running guest booted
 * through mechanism 2 with registers and an SCCB set up so that every guard of `guest-execute`
 * can be made to fail by the instruction text alone, a guest created and not started, and the
 * honest SERVICE CALL whose interception the resume cases work on.
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';
import { createGuest, secureGuest } from '../hsm-binding/fixtures.js';
import { blockInView, bootImage, INTCP_CONFIG } from './fixtures.js';

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = INTCP_CONFIG;

/** The guests of a case: the running one, one created and not started, and an ID that names none. */
export interface Cast {
  readonly running: number;
  readonly created: number;
  readonly none: number;
  /** The guests' memory size in bytes. */
  readonly size: number;
}

/** Where the SCCB of the honest SERVICE CALL lies: page 2 (its address in r4, the command word in r3). */
export const SCCB_ADDRESS = 2 * PAGE_SIZE;
/** The honest SCCB's length: 16 bytes. */
export const SCCB_LENGTH = 16;
/** SERVC r3, r4: the honest SERVICE CALL. */
export const SERVC = Uint8Array.of(0xb2, 0x20, 0x00, 0x34);
/** DIAG 308 with rx = r6, ry = r8. */
export const DIAG308 = Uint8Array.of(0x83, 0x68, 0x03, 0x08);
/** SERVC r3, r10: an SCCB outside guest memory. */
export const SERVC_OUTSIDE = Uint8Array.of(0xb2, 0x20, 0x00, 0x3a);
/** SERVC r3, r11: a misaligned SCCB outside guest memory. */
export const SERVC_MISALIGNED_OUTSIDE = Uint8Array.of(0xb2, 0x20, 0x00, 0x3b);
/** SERVC r3, r12: an SCCB of length 0 (a page never written). */
export const SERVC_SHORT = Uint8Array.of(0xb2, 0x20, 0x00, 0x3c);
/** SERVC r3, r13: a misaligned SCCB of length 0. */
export const SERVC_MISALIGNED_SHORT = Uint8Array.of(0xb2, 0x20, 0x00, 0x3d);
/** SET PREFIX at displacement 1 (no base register): a misaligned operand, whatever the registers. */
export const SPX_MISALIGNED = Uint8Array.of(0xb2, 0x10, 0x00, 0x01);
/** SET PREFIX with base r6 (page 4) and no displacement: an aligned operand in guest memory. */
export const SPX_ALIGNED = Uint8Array.of(0xb2, 0x10, 0x60, 0x00);
/** DIAG 308 with ry = r0: subcode 0 in a guest whose registers are at reset. */
export const DIAG308_R0 = Uint8Array.of(0x83, 0x20, 0x03, 0x08);
/** A text of no instruction of the table. */
export const UNKNOWN = Uint8Array.of(0xb2, 0x99, 0x00, 0x00);

/** The registers of the honest state: the command word, the SCCB address, the operands of the failing texts, the rest seeded values. */
export function honestRegisters(seed: number, size: number): bigint[] {
  const regs = Array.from({ length: 16 }, (_, n) => BigInt(seed) * 0x1_0000n + BigInt(n) * 0x101n);
  regs[3] = 0x0002_0001n;
  regs[4] = BigInt(SCCB_ADDRESS);
  regs[6] = BigInt(4 * PAGE_SIZE);
  regs[8] = 5n;
  regs[10] = 0x10_0000_0000n;
  regs[11] = BigInt(size + 4);
  regs[12] = BigInt(5 * PAGE_SIZE);
  regs[13] = BigInt(5 * PAGE_SIZE + 4);
  return regs;
}

/** `n` zero bytes. */
export const zeros = (n: number): Uint8Array => new Uint8Array(n);

/** The honest resume of the SERVICE CALL by `guest`, with the save area it was handed. */
export const honestResume = (guest: number, handed: Uint8Array): Record<string, unknown> => ({ kind: 'resume-guest', guest, cc: 0, registers: handed, data: zeros(SCCB_LENGTH), exception: null });

/** Both views a rejection must leave as they were, as one string. */
export function* views(guest: number): Calls<string> {
  const hv = yield* sut.observe({ kind: 'hypervisor' });
  const gv = yield* sut.observe({ kind: 'guest', guest });
  return JSON.stringify([hv, gv], (_, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** Resets and builds the cast: a running guest with the honest registers and SCCB, a created guest. */
export function* cast(seed: number): Calls<Cast> {
  yield* sut.reset(STIMULUS_CONFIG);
  const image = bootImage();
  const size = image.memoryPages * PAGE_SIZE;
  const running = yield* secureGuest(image);
  const created = yield* createGuest(image);
  const sccb = zeros(SCCB_LENGTH);
  sccb[1] = SCCB_LENGTH;
  yield* expectAccepted('REQ-INTCP-1', 'guest-store', yield* sut.apply({ kind: 'guest-store', guest: running, address: BigInt(SCCB_ADDRESS), bytes: sccb }), 'store the SCCB');
  yield* expectAccepted('REQ-INTCP-1', 'guest-load-registers', yield* sut.apply({ kind: 'guest-load-registers', guest: running, registers: honestRegisters(seed, size) }), 'load the registers');
  return { running, created, none: created + 7, size };
}

/**
 * Starts a migration of the running guest's whole memory (mechanism 9): from then on every write
 * into it is refused with AREA_LOCKED. The target named is no host: the stream is never received.
 */
export function* migrating(c: Cast): Calls<void> {
  const start = { kind: 'migration-start', guest: c.running, first: 0, pages: c.size / PAGE_SIZE, target: zeros(32) };
  yield* expectAccepted('REQ-MIGR-2', 'migration-start', yield* sut.apply(start), 'migrate the whole memory');
}

/** Opens the honest SERVICE CALL's interception; the register save area handed over. */
export function* open(c: Cast): Calls<Uint8Array> {
  yield* expectAccepted('REQ-INTCP-2', 'guest-execute', yield* sut.apply({ kind: 'guest-execute', guest: c.running, text: SERVC }), 'the honest SERVICE CALL');
  const { block } = yield* blockInView(c.running);
  return block?.registers ?? zeros(128);
}
