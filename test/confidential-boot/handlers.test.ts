// The confidential-boot handlers on worlds built directly: the key into the protected area, the
// volume attached, the boot through mechanism 2's start and mechanism 5's scheduler, sector
// reads and writes, the hypervisor's disk writes, and refusals that leave the world as it was.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { initialWorld, step, viewOf, type Action, type GuestView, type HypervisorView, type World } from '../../model/platform/index.js';
import { decryptSector, SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { bootKit, CBOOT_CONFIG, type BootKit } from '../../properties/confidential-boot/fixtures.js';
import { MACHINE, OTHER_MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const kit = bootKit(0);

function accept(w: World, a: Action): [World, Record<string, unknown>] {
  const s = step(w, a);
  if (s.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${s.outcome.code}`);
  return [s.state, s.outcome.response as Record<string, unknown>];
}

function codeOf(w: World, a: Action): string {
  const s = step(w, a);
  if (s.outcome.kind === 'accepted') return 'accepted';
  expect(s.state).toBe(w);
  return s.outcome.code;
}

function created(machine = MACHINE): [World, number] {
  const r = initialWorld(CBOOT_CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(r.error.message);
  const [w, res] = accept(r.value, { kind: 'create-guest', machine, memoryPages: kit.memoryPages });
  return [w, res['guest'] as number];
}

function started(w0: World, g: number, k: Pick<BootKit, 'header' | 'pages'> = kit): World {
  let w = w0;
  for (const a of honestCalls(g, k)) w = accept(w, a)[0];
  return w;
}

/** A guest with the key loaded, the volume attached and the image started. */
function ready(volume = kit.volume): [World, number] {
  let [w, g] = created();
  w = accept(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })[0];
  w = accept(w, { kind: 'cboot-attach-volume', guest: g, volume })[0];
  return [started(w, g), g];
}

describe('cboot-load-key', () => {
  it('loads into a created guest once; refuses a malformed blob, a foreign blob, a changed slot', () => {
    const [w, g] = created();
    expect(codeOf(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob.slice(0, 100) })).toBe('KEY_BLOB_MALFORMED');
    expect(codeOf(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.foreignKeyBlob })).toBe('NO_KEY_SLOT');
    const changed = kit.keyBlob.slice();
    changed[0xb0 + 40] = (changed[0xb0 + 40] ?? 0) ^ 1;
    expect(codeOf(w, { kind: 'cboot-load-key', guest: g, keyBlob: changed })).toBe('KEY_SLOT_AUTH');
    const [w2] = accept(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob });
    expect(codeOf(w2, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })).toBe('KEY_ALREADY_LOADED');
    const w3 = accept(w, { kind: 'set-header', guest: g, header: kit.header })[0];
    expect(codeOf(w3, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })).toBe('NOT_CREATED');
    expect(codeOf(w, { kind: 'cboot-load-key', guest: 99, keyBlob: kit.keyBlob })).toBe('GUEST_NOT_FOUND');
  });

  it('the blob for host key 2 opens on machine 1 only', () => {
    const [w, g] = created(OTHER_MACHINE);
    expect(codeOf(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })).toBe('NO_KEY_SLOT');
    expect(codeOf(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.foreignKeyBlob })).toBe('accepted');
  });
});

describe('cboot-attach-volume', () => {
  it('attaches once, a well-formed volume; the hypervisor sees its stored sectors', () => {
    const [w, g] = created();
    expect(codeOf(w, { kind: 'cboot-attach-volume', guest: g, volume: kit.volume.slice(1) })).toBe('VOLUME_MALFORMED');
    const [w2] = accept(w, { kind: 'cboot-attach-volume', guest: g, volume: kit.volume });
    expect(codeOf(w2, { kind: 'cboot-attach-volume', guest: g, volume: kit.volume })).toBe('VOLUME_ALREADY_ATTACHED');
    const hv = viewOf(w2, { kind: 'hypervisor' }) as HypervisorView;
    expect(hv.volumes.map((v) => [v.guest, bytesToHex(Uint8Array.from(v.sectors.flatMap((s) => [...s])))])).toEqual([[g, bytesToHex(kit.volume)]]);
  });
});

describe('cboot-boot', () => {
  it('mounts through the real chain in requirement order; the guest sees what started, no key', () => {
    const [w, g] = ready();
    const [w2, r] = accept(w, { kind: 'cboot-boot', guest: g });
    expect(r['started']).toEqual(['read-initrd-keyfile', 'systemd-cryptsetup@cryptroot_mapper', 'sel-ebc-check-paes', 'sysroot.mount', 'workload.service']);
    const gv = viewOf(w2, { kind: 'guest', guest: g }) as GuestView;
    expect(gv.cboot).toEqual({ keyLoaded: true, volumeSectors: 3, started: r['started'] });
    expect(codeOf(w2, { kind: 'cboot-boot', guest: g })).toBe('ALREADY_BOOTED');
  });

  it('stops in guard order: not started, no key, no envelope, envelope of another key, stuck, keyslot', () => {
    const [c, g] = created();
    expect(codeOf(c, { kind: 'cboot-boot', guest: g })).toBe('NOT_STARTED');
    expect(codeOf(started(c, g), { kind: 'cboot-boot', guest: g })).toBe('NO_IMAGE_KEY');
    const keyed = accept(c, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })[0];
    // Without a volume, the chain is stuck at the cryptsetup entry (its device is missing).
    expect(codeOf(started(keyed, g), { kind: 'cboot-boot', guest: g })).toBe('STARTUP_STUCK');
    const other = accept(c, { kind: 'cboot-load-key', guest: g, keyBlob: kit.otherKeyBlob })[0];
    expect(codeOf(started(other, g), { kind: 'cboot-boot', guest: g })).toBe('ENVELOPE_AUTH');
    expect(codeOf(ready(kit.otherVolume)[0], { kind: 'cboot-boot', guest: g })).toBe('VOLUME_KEY_AUTH');
    expect(codeOf(started(keyed, g, kit.bare), { kind: 'cboot-boot', guest: g })).toBe('ENVELOPE_MISSING');
  });

  it('a changed boot image page stops at mechanism 2 verify, and the boot is NOT_STARTED', () => {
    let [w, g] = created();
    w = accept(w, { kind: 'cboot-load-key', guest: g, keyBlob: kit.keyBlob })[0];
    const pages = kit.pages.map((p, i) => (i === 1 ? { ...p, stored: p.stored.map((b, j) => (j === 9 ? b ^ 1 : b)) } : p));
    const calls = honestCalls(g, { header: kit.header, pages });
    for (const a of calls.slice(0, -2)) w = accept(w, a)[0];
    const v = step(w, { kind: 'verify', guest: g });
    expect(v.outcome.kind === 'rejected' && v.outcome.code).toBe('PLD_MISMATCH');
    expect(codeOf(v.state, { kind: 'cboot-boot', guest: g })).toBe('NOT_STARTED');
  });

  it('a keyslot or header the hypervisor rewrote before the boot does not open', () => {
    const [w, g] = ready();
    const zero = new Uint8Array(SECTOR_SIZE);
    expect(codeOf(accept(w, { kind: 'cboot-disk-write', guest: g, sector: 1, bytes: zero })[0], { kind: 'cboot-boot', guest: g })).toBe('VOLUME_KEY_AUTH');
    expect(codeOf(accept(w, { kind: 'cboot-disk-write', guest: g, sector: 0, bytes: zero })[0], { kind: 'cboot-boot', guest: g })).toBe('VOLUME_KEY_AUTH');
  });
});

describe('cboot-read, cboot-write, cboot-disk-write', () => {
  it('reads decrypt the stored sector; writes store it encrypted with the sector number as tweak', () => {
    const [w0, g] = ready();
    let w = accept(w0, { kind: 'cboot-boot', guest: g })[0];
    for (let i = 0; i < 3; i++) expect(bytesToHex(accept(w, { kind: 'cboot-read', guest: g, sector: i })[1]['data'] as Uint8Array)).toBe(bytesToHex(kit.sectors[i] ?? new Uint8Array()));
    const data = Uint8Array.from({ length: SECTOR_SIZE }, (_, i) => i & 0xff);
    w = accept(w, { kind: 'cboot-write', guest: g, sector: 2, data })[0];
    expect(bytesToHex(accept(w, { kind: 'cboot-read', guest: g, sector: 2 })[1]['data'] as Uint8Array)).toBe(bytesToHex(data));
    const hv = viewOf(w, { kind: 'hypervisor' }) as HypervisorView;
    const stored = hv.volumes[0]?.sectors[4] ?? new Uint8Array();
    expect(bytesToHex(decryptSector(PROPERTY_SUITE, kit.volumeKey, 2, stored))).toBe(bytesToHex(data));
    expect(codeOf(w, { kind: 'cboot-read', guest: g, sector: 3 })).toBe('SECTOR_OUT_OF_RANGE');
    expect(codeOf(w, { kind: 'cboot-write', guest: g, sector: 3, data })).toBe('SECTOR_OUT_OF_RANGE');
    // The hypervisor rewrites a data sector: nothing detects it; the read is not the written plaintext.
    const w2 = accept(w, { kind: 'cboot-disk-write', guest: g, sector: 4, bytes: new Uint8Array(SECTOR_SIZE) })[0];
    expect(bytesToHex(accept(w2, { kind: 'cboot-read', guest: g, sector: 2 })[1]['data'] as Uint8Array)).not.toBe(bytesToHex(data));
    expect(codeOf(w, { kind: 'cboot-disk-write', guest: g, sector: 5, bytes: new Uint8Array(SECTOR_SIZE) })).toBe('DISK_SECTOR_OUT_OF_RANGE');
  });

  it('need a mounted volume; the disk write needs a volume', () => {
    const [w, g] = ready();
    expect(codeOf(w, { kind: 'cboot-read', guest: g, sector: 0 })).toBe('NOT_MOUNTED');
    expect(codeOf(w, { kind: 'cboot-write', guest: g, sector: 0, data: new Uint8Array(SECTOR_SIZE) })).toBe('NOT_MOUNTED');
    const [c, g2] = created();
    expect(codeOf(c, { kind: 'cboot-disk-write', guest: g2, sector: 0, bytes: new Uint8Array(SECTOR_SIZE) })).toBe('NO_VOLUME');
  });
});
