/**
 * REQ-CBOOT-10: the image key, the data key and the volume key appear in no party's view and in
 * no response, whatever the guest writes and the hypervisor rewrites; no stored data sector holds a
 * 16-byte block of the plaintext written to it or attached in it (canaries).
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import { SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { bootKit, CBOOT_CONFIG, preparedGuest, VOLUME_SECTORS } from './fixtures.js';
import { allViews, blocksHex, diskOf } from './views.js';

/** One move of the schedule. */
type Move = { readonly op: 'write'; readonly sector: number; readonly seed: number } | { readonly op: 'read'; readonly sector: number } | { readonly op: 'disk'; readonly sector: number; readonly seed: number };

const arbMove: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), sector: fc.nat(VOLUME_SECTORS - 1), seed: fc.nat() }),
  fc.record({ op: fc.constant('read' as const), sector: fc.nat(VOLUME_SECTORS - 1) }),
  fc.record({ op: fc.constant('disk' as const), sector: fc.nat(VOLUME_SECTORS + 1), seed: fc.nat() }),
);

/** The secrets' hex and their 16-byte blocks' hex. */
function secretHex(keys: readonly Uint8Array[]): string[] {
  return keys.flatMap((k) => [bytesToHex(k), ...blocksHex(k)]);
}

export const keysHidden = defineProperty({
  mechanism: 'confidential-boot',
  name: 'keys-and-plaintext-hidden',
  requirements: ['REQ-CBOOT-10'],
  statement:
    "Through a boot and any sequence of guest reads and writes and hypervisor disk writes, no party's view and no response holds the image key, the data key or the volume key (or a 16-byte block of one), and no stored data sector holds a 16-byte block of the plaintext the guest wrote or the volume was attached with.",
  arbitrary: fc.record({ variant: fc.nat(3), moves: fc.array(arbMove, { maxLength: 6 }) }),
  *run({ variant, moves }) {
    const kit = bootKit(variant);
    const secrets = secretHex([kit.imageKey, kit.dataKey, kit.volumeKey]);
    const canaries = new Set(kit.sectors.flatMap(blocksHex));
    yield* sut.reset(CBOOT_CONFIG);
    const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: kit.volume });
    const check = function* (where: string, response: string): Calls<void> {
      const text = `${yield* allViews(guest)}\n${response}`;
      const leaked = secrets.find((h) => text.includes(h));
      yield* holds('REQ-CBOOT-10', leaked === undefined, `${where}: a key (or a block of one) is in a view or response: ${leaked ?? ''}`);
      const disk = (yield* diskOf(guest)) ?? [];
      const plainAtRest = disk.slice(2).flatMap(blocksHex).find((b) => canaries.has(b));
      yield* holds('REQ-CBOOT-10', plainAtRest === undefined, `${where}: a stored data sector holds written plaintext ${plainAtRest ?? ''}`);
    };
    yield* check('attached', '');
    const boot = yield* sut.apply({ kind: 'cboot-boot', guest });
    yield* expectAccepted('REQ-CBOOT-10', 'cboot-boot', boot, 'the honest boot mounts the volume');
    yield* check('booted', JSON.stringify(boot));
    for (const [i, m] of moves.entries()) {
      let o;
      if (m.op === 'write') {
        const data = seededBytes(m.seed, SECTOR_SIZE);
        for (const b of blocksHex(data)) canaries.add(b);
        o = yield* sut.apply({ kind: 'cboot-write', guest, sector: m.sector, data });
      } else if (m.op === 'read') {
        o = yield* sut.apply({ kind: 'cboot-read', guest, sector: m.sector });
      } else {
        o = yield* sut.apply({ kind: 'cboot-disk-write', guest, sector: m.sector, bytes: seededBytes(m.seed ^ 0x7777, SECTOR_SIZE) });
      }
      yield* check(`move ${i} (${m.op} ${m.sector})`, JSON.stringify(o, (_, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : typeof v === 'bigint' ? v.toString(16) : v)));
    }
  },
});
