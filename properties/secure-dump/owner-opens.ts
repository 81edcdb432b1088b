/**
 * The owner's decryption equals the guest at dump time (REQ-DUMP-3 to REQ-DUMP-7, REQ-DUMP-9):
 * over any interleaving of the dump calls (storage state of any chunk, in any order, repeated;
 * CPU 0, repeated; calls the firmware must refuse: a second init, a CPU that does not exist, an
 * address past the guest's memory), the file the hypervisor assembles from the latest pieces
 * opens, with the image's CCK (real mode) or the owner's private key (seed mode), to exactly the
 * memory the guest saw before `dump-init` (pages it never wrote are zero pages) and its CPU
 * (PSW and prefix as the guest sees them). A second dump of the same guest, in the other mode,
 * opens the same way.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { arbExtraPages, chunkCount, collect, collection, DUMP_CONFIG, dumpImage, finishDump, guestMemory, ownerOpens, runningGuest, type DumpImage } from './fixtures.js';

/** One call of the hypervisor during a dump. */
export type DumpMove =
  | { readonly op: 'state'; readonly chunk: number }
  | { readonly op: 'cpu'; readonly cpu: number }
  | { readonly op: 'init' };

/** Interleavings of dump calls: mostly storage state of the guest's chunks (or one past them), CPUs 0 and 1, a second init. */
export const arbDumpMoves: fc.Arbitrary<DumpMove[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.nat(2).map((chunk): DumpMove => ({ op: 'state', chunk })) },
    { weight: 2, arbitrary: fc.nat(1).map((cpu): DumpMove => ({ op: 'cpu', cpu })) },
    { weight: 1, arbitrary: fc.constant<DumpMove>({ op: 'init' }) },
  ),
  { maxLength: 8 },
);

/** Runs one dump of `guest` in `mode` through `moves`, then the honest end; checks what the owner opens. */
export function* dumpAndOpen(guest: number, image: DumpImage, memoryPages: number, mode: 'real' | 'seed', moves: readonly DumpMove[]): Calls<void> {
  const memory = yield* guestMemory(guest, memoryPages);
  const view = yield* sut.observe({ kind: 'guest', guest });
  yield* expectAccepted('REQ-DUMP-2', 'dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode }), `${mode}-mode dump of an image with PCF bit 34`);
  const c = collection();
  const chunks = chunkCount(memoryPages);
  for (const m of moves) {
    if (m.op === 'init') {
      yield* expectCode('dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode }), 'DUMP_IN_PROGRESS', 'a second init during a dump');
    } else if (m.op === 'cpu') {
      const o = yield* sut.apply({ kind: 'dump-cpu', guest, cpu: m.cpu });
      if (m.cpu === 0) yield* expectAccepted('REQ-DUMP-6', 'dump-cpu', o, 'CPU 0');
      else yield* expectCode('dump-cpu', o, 'CPU_NOT_FOUND', `CPU ${m.cpu} of a one-CPU guest`);
      collect(c, 'dump-cpu', 0n, o);
    } else {
      const chunk = Math.min(m.chunk, chunks);
      const address = BigInt(chunk) * 256n * BigInt(PAGE_SIZE);
      const o = yield* sut.apply({ kind: 'dump-storage-state', guest, address });
      if (chunk < chunks) yield* expectAccepted('REQ-DUMP-5', 'dump-storage-state', o, `chunk ${chunk} of ${chunks}`);
      else yield* expectCode('dump-storage-state', o, 'ADDRESS_OUT_OF_RANGE', `chunk ${chunk} past a guest of ${memoryPages} pages`);
      collect(c, 'dump-storage-state', address, o);
    }
  }
  const file = yield* finishDump(guest, memoryPages, c);
  const opened = ownerOpens(file, mode, image);
  yield* holds('REQ-DUMP-9', opened.ok, `the owner could not open the ${mode}-mode dump: ${opened.ok ? '' : JSON.stringify(opened.error)}`);
  if (!opened.ok) return;
  const o = opened.value;
  yield* holds('REQ-DUMP-9', o.mode === mode, `a ${mode}-mode dump opened as ${o.mode}`);
  const differs = o.memory.length !== memory.length ? -1 : Array.from({ length: memoryPages }, (_, i) => i).find((i) => !sameBytes(o.memory, memory, i));
  yield* holds('REQ-DUMP-5', differs === undefined, `the opened memory differs from the guest's at dump time (page ${String(differs)} of ${memoryPages})`);
  const zeros = o.pageStates.flatMap((s, i) => (s === 'zero' ? [i] : []));
  const written = view !== null && view.party === 'guest' ? view.memory.map((p) => p.page) : [];
  yield* holds('REQ-DUMP-5', zeros.every((i) => !written.includes(i)) && o.pageStates.filter((s) => s === 'enc').length === written.length, `page states ${o.pageStates.join(',')} do not match the guest's secure pages ${written.join(',')}`);
  const cpu = o.cpus[0];
  const psw = view !== null && view.party === 'guest' ? view.psw : undefined;
  yield* holds('REQ-DUMP-6', o.cpus.length === 1 && cpu !== undefined && psw !== undefined && cpu.psw.mask === psw.mask && cpu.psw.addr === psw.addr && view?.party === 'guest' && cpu.prefix === view.prefix, `the opened CPU state is not the guest's (PSW, prefix)`);
}

function sameBytes(a: Uint8Array, b: Uint8Array, page: number): boolean {
  for (let i = page * PAGE_SIZE; i < (page + 1) * PAGE_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** REQ-DUMP-9: the owner opens every interleaving's dump to the guest at dump time. */
export const ownerOpensDump = defineProperty({
  mechanism: 'secure-dump',
  name: 'owner-opens-dump',
  requirements: ['REQ-DUMP-3', 'REQ-DUMP-5', 'REQ-DUMP-6', 'REQ-DUMP-7', 'REQ-DUMP-9'],
  statement:
    "Over any interleaving of dump calls (storage state of any chunk in any order and repeated, CPU 0 repeated, a second init, a CPU or an address that does not exist, each refused with its code), the dump the hypervisor assembles from the pieces opens, with the image's CCK in real mode and the owner's private key in seed mode, to exactly the guest's memory and CPU (PSW, prefix) at dump-init, with encrypted pages exactly where the guest has secure pages; a second dump in the other mode does the same.",
  arbitrary: fc.record({ variant: fc.nat(3), extra: arbExtraPages, first: fc.constantFrom<'real' | 'seed'>('real', 'seed'), moves: arbDumpMoves, again: arbDumpMoves }),
  *run({ variant, extra, first, moves, again }) {
    yield* sut.reset(DUMP_CONFIG);
    const image = dumpImage(true, variant);
    const memoryPages = image.minPages + extra;
    const guest = yield* runningGuest(image, memoryPages);
    yield* dumpAndOpen(guest, image, memoryPages, first, moves);
    yield* dumpAndOpen(guest, image, memoryPages, first === 'real' ? 'seed' : 'real', again);
  },
});
