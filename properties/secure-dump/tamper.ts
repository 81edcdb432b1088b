/**
 * What each mode detects (REQ-DUMP-9). Seed mode: a dump with any one bit flipped anywhere in the
 * file (headers, notes, pages, page entries, completion data, padding) does not open. Real mode:
 * a flipped bit in the completion data or in the CPU note's authenticated bytes is refused, but a
 * flipped bit in an encrypted page's slot is not detected: the dump opens, that page (and only
 * that page) decrypts to other bytes, as zgetdump does (vector neg4).
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { parseDump } from '../../model/se-format/dump-elf.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { collection, DUMP_CONFIG, dumpImage, finishDump, ownerOpens, runningGuest } from './fixtures.js';

/** Where in a real-mode dump the bit is flipped. */
type RealSpot = 'completion' | 'cpu-note' | 'page';

/** REQ-DUMP-9: seed mode detects every change; real mode detects changes but to pages. */
export const dumpTamperEvidence = defineProperty({
  mechanism: 'secure-dump',
  name: 'dump-tamper-evidence',
  requirements: ['REQ-DUMP-9'],
  statement:
    'A seed-mode dump with any one bit flipped anywhere in the file does not open; a real-mode dump with a bit flipped in the completion data or the CPU note does not open, while one flipped in an encrypted page opens with exactly that page changed (real mode carries no page MAC).',
  arbitrary: fc.record({ variant: fc.nat(3), extra: fc.nat(3), mode: fc.constantFrom<'real' | 'seed'>('real', 'seed'), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), bit: fc.nat(7), spot: fc.constantFrom<RealSpot>('completion', 'cpu-note', 'page') }),
  *run({ variant, extra, mode, at, bit, spot }) {
    yield* sut.reset(DUMP_CONFIG);
    const image = dumpImage(true, variant);
    const memoryPages = image.minPages + extra;
    const guest = yield* runningGuest(image, memoryPages);
    yield* expectAccepted('REQ-DUMP-2', 'dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode }), mode);
    const file = yield* finishDump(guest, memoryPages, collection());
    const clean = ownerOpens(file, mode, image);
    yield* holds('REQ-DUMP-9', clean.ok, `the unchanged ${mode}-mode dump does not open`);
    const parsed = parseDump(file);
    if (!parsed.ok || !clean.ok) return;
    const offsetOf = (part: Uint8Array, k: number): number => part.byteOffset - file.byteOffset + k;
    const changed = file.slice();
    if (mode === 'seed') {
      const i = Math.floor(at * file.length);
      changed[i] = (changed[i] ?? 0) ^ (1 << bit);
      yield* holds('REQ-DUMP-9', !ownerOpens(changed, mode, image).ok, `a seed-mode dump with bit ${bit} of byte ${i} of ${file.length} flipped opened`);
      return;
    }
    const p = parsed.value;
    if (spot === 'page') {
      const encrypted = clean.value.pageStates.flatMap((s, i) => (s === 'enc' ? [i] : []));
      const page = encrypted[Math.floor(at * encrypted.length)] ?? 0;
      const i = offsetOf(p.memory, page * PAGE_SIZE + Math.floor(at * PAGE_SIZE));
      changed[i] = (changed[i] ?? 0) ^ (1 << bit);
      const r = ownerOpens(changed, mode, image);
      const differ = r.ok ? Array.from({ length: memoryPages }, (_, k) => k).filter((k) => r.value.memory.subarray(k * PAGE_SIZE, (k + 1) * PAGE_SIZE).some((b, j) => b !== clean.value.memory[k * PAGE_SIZE + j])) : [];
      yield* holds('REQ-DUMP-9', r.ok && differ.length === 1 && differ[0] === page, `a real-mode dump with page ${page} changed: ${r.ok ? `opened, pages ${differ.join(',')} differ` : 'refused'}`);
      return;
    }
    const part = spot === 'completion' ? p.completion : (p.cpuNotes[0] ?? new Uint8Array(0));
    const i = offsetOf(part, Math.floor(at * part.length));
    changed[i] = (changed[i] ?? 0) ^ (1 << bit);
    const r = ownerOpens(changed, mode, image);
    yield* holds('REQ-DUMP-9', !r.ok, `a real-mode dump with bit ${bit} of its ${spot} (byte ${i}) flipped opened`);
  },
});
