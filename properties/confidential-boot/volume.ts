/**
 * REQ-CBOOT-8 and REQ-CBOOT-9 over the volume: a read after a write returns what was written;
 * a read of a sector never written returns what the volume was attached with; and what XTS still
 * promises when the hypervisor changes a stored data sector: the read is not the written plaintext,
 * a change inside one 16-byte block changes that block only, and a sector moved to another
 * sector number does not decrypt to its plaintext.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import { DATA_OFFSET, SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { bootKit, mountedGuest, responseField, VOLUME_SECTORS } from './fixtures.js';
import { blocksHex, diskOf } from './views.js';

type Op = { readonly write: boolean; readonly sector: number; readonly seed: number };

export const readAfterWrite = defineProperty({
  mechanism: 'confidential-boot',
  name: 'read-after-write',
  requirements: ['REQ-CBOOT-8'],
  statement:
    'On a mounted volume, every read returns the plaintext last written to its sector, or the plaintext the volume was attached with when none was; a sector past the data segment is SECTOR_OUT_OF_RANGE.',
  arbitrary: fc.record({ variant: fc.nat(3), ops: fc.array(fc.record({ write: fc.boolean(), sector: fc.nat(VOLUME_SECTORS), seed: fc.nat() }), { minLength: 1, maxLength: 8 }) }),
  *run({ variant, ops }: { variant: number; ops: readonly Op[] }) {
    const kit = bootKit(variant);
    const guest = yield* mountedGuest(kit);
    const content = kit.sectors.map((s) => bytesToHex(s));
    for (const op of ops) {
      const inRange = op.sector < VOLUME_SECTORS;
      if (op.write) {
        const data = seededBytes(op.seed, SECTOR_SIZE);
        const o = yield* sut.apply({ kind: 'cboot-write', guest, sector: op.sector, data });
        if (!inRange) yield* expectCode('cboot-write', o, 'SECTOR_OUT_OF_RANGE');
        else {
          yield* expectAccepted('REQ-CBOOT-8', 'cboot-write', o, `write sector ${op.sector}`);
          content[op.sector] = bytesToHex(data);
        }
      } else {
        const o = yield* sut.apply({ kind: 'cboot-read', guest, sector: op.sector });
        if (!inRange) yield* expectCode('cboot-read', o, 'SECTOR_OUT_OF_RANGE');
        else {
          const data = responseField(o, 'data');
          yield* holds('REQ-CBOOT-8', data instanceof Uint8Array && bytesToHex(data) === content[op.sector], `read sector ${op.sector}: not what was written`);
        }
      }
    }
  },
});

export const tamperNotDetected = defineProperty({
  mechanism: 'confidential-boot',
  name: 'tamper-changes-plaintext',
  requirements: ['REQ-CBOOT-9'],
  statement:
    'When the hypervisor changes bits inside one 16-byte block of a stored data sector, the write of that sector reads back changed in that block and unchanged in every other; a stored sector moved to another sector number does not read back as its plaintext; the disk write is accepted, as nothing detects it.',
  arbitrary: fc.record({ variant: fc.nat(3), sector: fc.nat(VOLUME_SECTORS - 1), other: fc.nat(VOLUME_SECTORS - 2), block: fc.nat(SECTOR_SIZE / 16 - 1), offset: fc.nat(15), mask: fc.integer({ min: 1, max: 255 }), seed: fc.nat() }),
  *run({ variant, sector, other, block, offset, mask, seed }) {
    const kit = bootKit(variant);
    const guest = yield* mountedGuest(kit);
    const data = seededBytes(seed, SECTOR_SIZE);
    yield* expectAccepted('REQ-CBOOT-8', 'cboot-write', yield* sut.apply({ kind: 'cboot-write', guest, sector, data }), 'write');
    const disk = (yield* diskOf(guest)) ?? [];
    const stored = disk[DATA_OFFSET + sector] ?? new Uint8Array(SECTOR_SIZE);
    const changed = stored.slice();
    const at = block * 16 + offset;
    changed[at] = (changed[at] ?? 0) ^ mask;
    yield* expectAccepted('REQ-CBOOT-9', 'cboot-disk-write', yield* sut.apply({ kind: 'cboot-disk-write', guest, sector: DATA_OFFSET + sector, bytes: changed }), 'the hypervisor changes a byte');
    const got = responseField(yield* sut.apply({ kind: 'cboot-read', guest, sector }), 'data');
    const read = got instanceof Uint8Array ? blocksHex(got) : [];
    const want = blocksHex(data);
    yield* holds('REQ-CBOOT-9', read.length === want.length && read[block] !== want[block], `the changed block ${block} reads back as written`);
    yield* holds('REQ-CBOOT-9', read.every((b, i) => i === block || b === want[i]), 'a block other than the changed one changed');
    // The stored sector moved to another sector number: it does not decrypt to what was written.
    const target = other >= sector ? other + 1 : other;
    yield* expectAccepted('REQ-CBOOT-9', 'cboot-disk-write', yield* sut.apply({ kind: 'cboot-disk-write', guest, sector: DATA_OFFSET + target, bytes: stored }), 'the hypervisor moves a sector');
    const moved = responseField(yield* sut.apply({ kind: 'cboot-read', guest, sector: target }), 'data');
    yield* holds('REQ-CBOOT-9', moved instanceof Uint8Array && bytesToHex(moved) !== bytesToHex(data), `sector ${sector} moved to ${target} reads back as its plaintext`);
  },
});
