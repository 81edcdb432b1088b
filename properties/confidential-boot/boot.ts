/**
 * The boot stops with the right code, and mounts only after the right steps:
 * - REQ-CBOOT-2, -3: a key blob for another machine, or with any one byte changed, is refused
 *   with the code of the region the byte is in (and, in both cases, one with a changed framing
 *   byte as malformed); the boot then has no image key;
 * - REQ-CBOOT-5: a boot image with a changed page stops at mechanism 2's verify, and the boot is
 *   NOT_STARTED; one with a changed header byte is refused at set-header, and so is its boot;
 * - REQ-CBOOT-6, -7: a key blob of another image key stops at the envelope, a volume whose keyslot
 *   the hypervisor changed stops at the volume key; a boot without a volume is stuck, and boots
 *   once the volume is attached; in every stopped case the volume is not mounted.
 * - REQ-CBOOT-7: a completed boot started the real chain in requirement order, key first,
 *   workload last, and left the guest's own startup list free.
 * @module
 */
import fc from 'fast-check';
import { SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { KEY_BLOB_FIXED_SIZE } from '../../model/se-format/cboot-key-blob.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { bootKit, CBOOT_CONFIG, preparedGuest, responseField, type BootKit } from './fixtures.js';

/** The code a key blob with byte `at` changed is refused with, by the region the byte is in. */
export function blobByteCode(at: number): 'KEY_BLOB_MALFORMED' | 'NO_KEY_SLOT' | 'KEY_SLOT_AUTH' {
  // magic, version, slot count; then each coordinate's 14 padding bytes
  if (at < 0x10 || (at >= 0x10 && at < 0x10 + 14) || (at >= 0x60 && at < 0x60 + 14)) return 'KEY_BLOB_MALFORMED';
  if (at < KEY_BLOB_FIXED_SIZE) return 'KEY_SLOT_AUTH';
  return at < KEY_BLOB_FIXED_SIZE + 32 ? 'NO_KEY_SLOT' : 'KEY_SLOT_AUTH';
}

const FAULTS = ['foreign-machine', 'blob-byte', 'image-header', 'image-page', 'other-image-key', 'keyslot', 'no-volume'] as const;

/** Boots the started guest and checks that the volume is not mounted after a refused boot. */
function* refusedBoot(guest: number, code: string, context: string): Calls<void> {
  yield* expectCode('cboot-boot', yield* sut.apply({ kind: 'cboot-boot', guest }), code, context);
  yield* expectCode('cboot-read', yield* sut.apply({ kind: 'cboot-read', guest, sector: 0 }), 'NOT_MOUNTED', `${context}: no volume mounted`);
}

function changedByte(b: Uint8Array, at: number, mask: number): Uint8Array {
  const c = b.slice();
  c[at] = (c[at] ?? 0) ^ mask;
  return c;
}

export const bootStops = defineProperty({
  mechanism: 'confidential-boot',
  name: 'boot-stops-with-its-code',
  requirements: ['REQ-CBOOT-2', 'REQ-CBOOT-3', 'REQ-CBOOT-5', 'REQ-CBOOT-6', 'REQ-CBOOT-7'],
  statement:
    "A key blob for another machine or with one byte changed, a boot image with one byte of its header or of a page changed, a key blob of another image key, a volume with a byte of its keyslot's key material (the first 64 bytes of the area) changed, or no volume: each stops the boot with its code (the blob's by the region of the changed byte, the image's at mechanism 2's set-header or verify) and the volume is not mounted; the volume attached after a stuck boot, the boot completes.",
  arbitrary: fc.record({ variant: fc.nat(3), fault: fc.constantFrom(...FAULTS), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  *run({ variant, fault, at, mask }) {
    const kit: BootKit = bootKit(variant);
    yield* sut.reset(CBOOT_CONFIG);
    switch (fault) {
      case 'foreign-machine':
      case 'blob-byte': {
        const i = at % kit.keyBlob.length;
        const blob = fault === 'foreign-machine' ? kit.foreignKeyBlob : changedByte(kit.keyBlob, i, mask);
        const code = fault === 'foreign-machine' ? 'NO_KEY_SLOT' : blobByteCode(i);
        const guest = yield* preparedGuest(kit, { keyBlob: null, volume: kit.volume, start: false });
        // Both blob cases also try a blob whose framing (magic, version, slot count) is changed.
        const framing = i % 0x10;
        yield* expectCode('cboot-load-key', yield* sut.apply({ kind: 'cboot-load-key', guest, keyBlob: changedByte(kit.keyBlob, framing, mask) }), 'KEY_BLOB_MALFORMED', `framing byte ${framing} changed`);
        yield* expectCode('cboot-load-key', yield* sut.apply({ kind: 'cboot-load-key', guest, keyBlob: blob }), code, `${fault} at byte ${i}`);
        for (const a of honestCalls(guest, kit)) yield* expectAccepted('REQ-UNPACK-13', a.kind, yield* sut.apply(a), 'boot the image');
        yield* refusedBoot(guest, 'NO_IMAGE_KEY', fault);
        return;
      }
      case 'image-header': {
        const i = at % kit.header.length;
        const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: kit.volume, start: false });
        const o = yield* sut.apply({ kind: 'set-header', guest, header: changedByte(kit.header, i, mask) });
        yield* holds('REQ-CBOOT-5', o.kind === 'rejected', `set-header took a header with byte ${i} changed`);
        yield* refusedBoot(guest, 'NOT_STARTED', `a boot image header with byte ${i} changed`);
        return;
      }
      case 'image-page': {
        const p = at % kit.pages.length;
        const pages = kit.pages.map((x, i) => (i === p ? { ...x, stored: changedByte(x.stored, (at >>> 4) % x.stored.length, mask) } : x));
        const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: kit.volume, start: false });
        const calls = honestCalls(guest, { header: kit.header, pages });
        for (const a of calls.slice(0, -2)) yield* expectAccepted('REQ-UNPACK-11', a.kind, yield* sut.apply(a), 'unpack');
        yield* expectCode('verify', yield* sut.apply({ kind: 'verify', guest }), 'PLD_MISMATCH', `page ${p} changed`);
        yield* expectCode('start', yield* sut.apply({ kind: 'start', guest }), 'NOT_VERIFIED', 'the changed image does not start');
        yield* refusedBoot(guest, 'NOT_STARTED', 'a changed boot image');
        return;
      }
      case 'other-image-key': {
        const guest = yield* preparedGuest(kit, { keyBlob: kit.otherKeyBlob, volume: kit.volume });
        yield* refusedBoot(guest, 'ENVELOPE_AUTH', 'a key blob of another image key');
        return;
      }
      case 'keyslot': {
        const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: changedByte(kit.volume, SECTOR_SIZE + (at % 64), mask) });
        yield* refusedBoot(guest, 'VOLUME_KEY_AUTH', 'a changed keyslot');
        return;
      }
      case 'no-volume': {
        const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: null });
        yield* refusedBoot(guest, 'STARTUP_STUCK', 'no volume');
        yield* expectAccepted('REQ-CBOOT-4', 'cboot-attach-volume', yield* sut.apply({ kind: 'cboot-attach-volume', guest, volume: kit.volume }), 'attach after the stuck boot');
        yield* expectAccepted('REQ-CBOOT-7', 'cboot-boot', yield* sut.apply({ kind: 'cboot-boot', guest }), 'boot again');
        return;
      }
    }
  },
});

/** The real chain with the key in the initrd, in requirement order. */
const CHAIN_ORDER = ['read-initrd-keyfile', 'systemd-cryptsetup@cryptroot_mapper', 'sel-ebc-check-paes', 'sysroot.mount', 'workload.service'];

export const bootRunsChain = defineProperty({
  mechanism: 'confidential-boot',
  name: 'boot-runs-the-real-chain',
  requirements: ['REQ-CBOOT-7'],
  statement:
    "A completed boot started the real startup chain in requirement order (the key, the volume opened, its cipher checked, mounted, the workload last), the guest's view says so and shows no startup list of mechanism 5, which the guest may still load; a second boot is ALREADY_BOOTED.",
  arbitrary: fc.nat(3),
  *run(variant) {
    const kit = bootKit(variant);
    yield* sut.reset(CBOOT_CONFIG);
    const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: kit.volume });
    const o = yield* sut.apply({ kind: 'cboot-boot', guest });
    yield* expectAccepted('REQ-CBOOT-7', 'cboot-boot', o, 'boot');
    const started = responseField(o, 'started');
    yield* holds('REQ-CBOOT-7', JSON.stringify(started) === JSON.stringify(CHAIN_ORDER), `started ${JSON.stringify(started)}`);
    const v = yield* sut.observe({ kind: 'guest', guest });
    const seen = v !== null && v.party === 'guest' ? v : null;
    yield* holds('REQ-CBOOT-7', seen !== null && JSON.stringify(seen.cboot.started) === JSON.stringify(CHAIN_ORDER) && seen.startup === null, "the guest's view of its boot");
    yield* expectCode('cboot-boot', yield* sut.apply({ kind: 'cboot-boot', guest }), 'ALREADY_BOOTED', 'a second boot');
    yield* expectAccepted('REQ-START-1', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: [], provided: [] }), 'the guest loads its own list');
  },
});
