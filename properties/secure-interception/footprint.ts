/**
 * The hypervisor sees exactly the input footprint (REQ-INTCP-2, REQ-INTCP-4, REQ-INTCP-5): for a
 * scenario of any row of the instruction table, the interception block in the hypervisor's view
 * is the one the table gives (the interception code, the renumbered text, the input registers at
 * their renumbered places and zeros elsewhere, the input data at its length), it is the only one
 * of the guest, and no other canary of the guest (any register outside the footprint, any canary
 * byte of memory outside the data handed over, the image's plaintext and keys) appears in the
 * hypervisor's view in any encoding.
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { collectBytes, findLeak, secretsOf, type Observed, type Secret } from '../image-unpack/confidentiality.js';
import { arbScenario, blockInView, canaryPages, bootImage, expectedBlock, guestRegister, prepare, sameBlock, showBlock, textOf, type Scenario } from './fixtures.js';

/** The registers of a scenario the hypervisor must not see: every canary register outside the input footprint. */
export function hiddenRegisters(s: Scenario): number[] {
  const shown = new Set(s.row.inRegisters.map((slot) => guestRegister(slot.from, s)));
  return s.registers.map((_, n) => n).filter((n) => !shown.has(n) && ((s.registers[n] ?? 0n) & 1n) === 1n && (s.registers[n] ?? 0n) >= 1n << 63n);
}

/** The canary bytes of a scenario's pages outside the data it hands over, as secrets. */
export function hiddenMemory(s: Scenario, dataLength: number): Secret[] {
  const out: Secret[] = [];
  for (const [p, bytes] of canaryPages(s)) {
    const start = s.address === null ? PAGE_SIZE : Math.max(0, Math.min(PAGE_SIZE, s.address - p * PAGE_SIZE));
    const end = s.address === null ? PAGE_SIZE : Math.max(0, Math.min(PAGE_SIZE, s.address + dataLength - p * PAGE_SIZE));
    if (start >= 16) out.push({ name: `canary page ${p} before the data`, bytes: bytes.subarray(0, start), window: 16 });
    if (PAGE_SIZE - end >= 16) out.push({ name: `canary page ${p} after the data`, bytes: bytes.subarray(end), window: 16 });
  }
  return out;
}

/** REQ-INTCP-2, -4, -5: the block is exactly the table's footprint, and nothing else of the guest reaches the hypervisor. */
export const footprintOnlyInView = defineProperty({
  mechanism: 'secure-interception',
  name: 'footprint-only-in-view',
  requirements: ['REQ-INTCP-2', 'REQ-INTCP-4', 'REQ-INTCP-5'],
  statement:
    "For any row of the instruction table, register fields, canary registers and canary pages around the operand: guest-execute is accepted, and the hypervisor's view then holds exactly one interception block for the guest, equal to the table's footprint (interception code 0x68, or 0x6C for a notification, the renumbered text, the input registers at their renumbered places and zeros elsewhere, the input data at its length, for SET PREFIX the new prefix); no canary register outside the input footprint, no canary memory byte outside the data handed over and none of the image's plaintext or keys appears in the hypervisor's view in any encoding.",
  arbitrary: arbScenario,
  *run(s) {
    const { guest, memory } = yield* prepare(s);
    const image = bootImage();
    const o = yield* sut.apply({ kind: 'guest-execute', guest, text: textOf(s) });
    yield* expectAccepted('REQ-INTCP-2', 'guest-execute', o, `${s.row.id} of the table`);
    const expected = expectedBlock(s, memory);
    const { block, count } = yield* blockInView(guest);
    yield* holds('REQ-INTCP-4', count === 1, `${s.row.id}: the view holds ${count} blocks of the guest, not 1`);
    if (s.row.intercept === 'notification') yield* holds('REQ-INTCP-5', block?.code === 0x6c && sameBlock(block, expected), `${s.row.id}: ${showBlock(block)}, expected ${showBlock(expected)}`);
    yield* holds('REQ-INTCP-4', sameBlock(block, expected), `${s.row.id}: the hypervisor sees ${showBlock(block)}, the footprint is ${showBlock(expected)}`);
    const observed: Observed[] = [];
    collectBytes(o, 'response to guest-execute', observed);
    collectBytes(yield* sut.observe({ kind: 'hypervisor' }), 'hypervisor view', observed);
    const secrets: Secret[] = [
      ...hiddenRegisters(s).map((n) => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, s.registers[n] ?? 0n, false);
        return { name: `guest register ${n}`, bytes: b, window: 8 };
      }),
      ...hiddenMemory(s, expected.data.length),
      // The image's keys and the high-entropy canaries its owner planted in its plaintext.
      ...secretsOf(image, 'image').filter((x) => !x.name.includes('plaintext')),
      ...image.canaries.map((bytes, i) => ({ name: `image canary ${i}`, bytes, window: 16 })),
    ];
    // Zeros (a kernel's padding, an empty register) carry nothing; nor do the bytes the hypervisor unpacked.
    const leak = findLeak(secrets, observed, [image.header, new Uint8Array(PAGE_SIZE), ...image.pages.map((p) => p.stored)]);
    yield* holds('REQ-INTCP-4', leak === undefined, leak === undefined ? '' : `${s.row.id}: ${leak.secret} (bytes ${leak.offset}..) reached the hypervisor: ${leak.where}`);
  },
});
