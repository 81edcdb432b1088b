// The format pieces of mechanism 10: the volume's aes-xts-plain64 sector codec against IEEE 1619's
// 512-byte AES-256-XTS vectors (whose data unit numbers are the plain64 tweaks of sectors 0xff to
// 0xffffffffff), the LUKS2-style header and keyslot, the key blob (SE key slots for the image
// key) and the data-key envelope, each with its refusals.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../model/core/bytes.js';
import { hostKeyFromPrivate } from '../../model/se-format/host-key.js';
import { decodeKeyBlob, encodeKeyBlob, KEY_BLOB_FIXED_SIZE, openKeyBlob, sealKeyBlob } from '../../model/se-format/cboot-key-blob.js';
import { ENVELOPE_SIZE, openEnvelope, sealEnvelope, startsWithEnvelope } from '../../model/se-format/cboot-envelope.js';
import {
  decodeVolumeHeader,
  decryptSector,
  encryptSector,
  formatVolume,
  openKeyslot,
  SECTOR_SIZE,
  sectorTweak,
} from '../../model/se-format/luks-volume.js';
import { PROPERTY_SUITE as SUITE } from '../../properties/suite.js';
import { sharedVectors } from '../shared-vectors.js';
import { customerScalar } from '../../model/se-format/uv-request.js';
import { ADD_SECRET_VECTORS, fileIn, pemKeyIn } from '../se-format/request-vectors.js';

const bytes = (seed: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);
const scalar = (s: number): Uint8Array => {
  const d = new Uint8Array(66);
  d.set(SUITE.sha512(utf8ToBytes(`cboot format test ${s}`)), 2);
  return d;
};
const host = (s: number) => {
  const k = hostKeyFromPrivate(SUITE, scalar(s));
  if (k === undefined) throw new Error('host key');
  return k;
};

describe('aes-xts-plain64 sectors', () => {
  it('the tweak is the sector number little-endian in 16 bytes', () => {
    expect(bytesToHex(sectorTweak(0))).toBe('00'.repeat(16));
    expect(bytesToHex(sectorTweak(0x0102))).toBe(`0201${'00'.repeat(14)}`);
    expect(bytesToHex(sectorTweak(0xffffffffff))).toBe(`${'ff'.repeat(5)}${'00'.repeat(11)}`);
  });

  it('matches IEEE 1619 vectors 10 to 14 (AES-256-XTS, 512-byte units numbered 0xff to 0xffffffffff)', () => {
    const file = JSON.parse(readFileSync(`${sharedVectors('xts')}/ieee1619_vectors.json`, 'utf8')) as { vectors: { vector: number; key: string; tweak: string; ptx: string; ctx: string }[] };
    const cases = file.vectors.filter((v) => v.vector >= 10 && v.vector <= 14);
    expect(cases).toHaveLength(5);
    for (const v of cases) {
      const sector = [0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff][v.vector - 10] as number;
      expect(bytesToHex(sectorTweak(sector))).toBe(v.tweak);
      expect(bytesToHex(encryptSector(SUITE, hexToBytes(v.key), sector, hexToBytes(v.ptx)))).toBe(v.ctx);
      expect(bytesToHex(decryptSector(SUITE, hexToBytes(v.key), sector, hexToBytes(v.ctx)))).toBe(v.ptx);
    }
  });

  it('the same plaintext at two sectors gives two ciphertexts; a flipped bit changes its whole 16-byte block only', () => {
    const key = bytes(1, 64);
    const plain = bytes(2, SECTOR_SIZE);
    const c0 = encryptSector(SUITE, key, 0, plain);
    expect(bytesToHex(encryptSector(SUITE, key, 1, plain))).not.toBe(bytesToHex(c0));
    const flipped = c0.slice();
    flipped[37] = (flipped[37] ?? 0) ^ 1;
    const d = decryptSector(SUITE, key, 0, flipped);
    for (let b = 0; b < SECTOR_SIZE / 16; b++) {
      const same = bytesToHex(d.subarray(b * 16, b * 16 + 16)) === bytesToHex(plain.subarray(b * 16, b * 16 + 16));
      expect(same).toBe(b !== 2);
    }
  });
});

describe('the LUKS2-style volume', () => {
  const slotKey = bytes(3, 64);
  const volumeKey = bytes(4, 64);
  const salt = bytes(5, 32);
  const data = bytes(6, 3 * SECTOR_SIZE);
  const volume = formatVolume(SUITE, { slotKey, volumeKey, salt, data });

  it('is header, keyslot and data sectors; the keyslot opens with the slot key and no other', () => {
    expect(volume.length).toBe(5 * SECTOR_SIZE);
    const h = decodeVolumeHeader(volume);
    if (!h.ok) throw new Error(h.error);
    expect(h.value.dataSectors).toBe(3);
    const slot = volume.subarray(SECTOR_SIZE, 2 * SECTOR_SIZE);
    expect(bytesToHex(openKeyslot(SUITE, h.value, slot, slotKey) ?? new Uint8Array())).toBe(bytesToHex(volumeKey));
    expect(openKeyslot(SUITE, h.value, slot, bytes(7, 64))).toBeUndefined();
    const tampered = slot.slice();
    tampered[3] = (tampered[3] ?? 0) ^ 0x80;
    expect(openKeyslot(SUITE, h.value, tampered, slotKey)).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const stored = volume.subarray((2 + i) * SECTOR_SIZE, (3 + i) * SECTOR_SIZE);
      expect(bytesToHex(decryptSector(SUITE, volumeKey, i, stored))).toBe(bytesToHex(data.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE)));
    }
  });

  it('refuses what is not a volume: size, magic, version, cipher, sizes, offsets, count, reserved bytes', () => {
    const edit = (at: number, v: number): Uint8Array => {
      const b = volume.slice();
      b[at] = v;
      return b;
    };
    const bad: [string, Uint8Array][] = [
      ['short', volume.slice(0, 2 * SECTOR_SIZE)],
      ['ragged', volume.slice(0, volume.length - 1)],
      ['too big', new Uint8Array(259 * SECTOR_SIZE)],
      ['magic', edit(0, 0)],
      ['version', edit(7, 1)],
      ['cipher', edit(8, 0x62)],
      ['sector size', edit(0x2a, 4)],
      ['keyslot offset', edit(0x37, 2)],
      ['data offset', edit(0x3f, 3)],
      ['count', edit(0x47, 4)],
      ['reserved', edit(0x100, 1)],
    ];
    for (const [what, b] of bad) expect(decodeVolumeHeader(b).ok, what).toBe(false);
  });
});

describe('the key blob: the image key in SE key slots', () => {
  const h0 = host(0);
  const h1 = host(1);
  const imageKey = bytes(8, 32);
  const customer = { privateKey: scalar(9) };

  it('opens on the machine whose host key it names, at that slot, and round-trips its bytes', () => {
    const sealed = sealKeyBlob(SUITE, customer, [h1.publicKey, h0.publicKey], imageKey);
    if (!sealed.ok) throw new Error(sealed.error.message);
    expect(sealed.value.length).toBe(KEY_BLOB_FIXED_SIZE + 160);
    const blob = decodeKeyBlob(sealed.value);
    if (!blob.ok) throw new Error(blob.error);
    expect(bytesToHex(encodeKeyBlob(blob.value))).toBe(bytesToHex(sealed.value));
    const opened = openKeyBlob(SUITE, blob.value, [h0]);
    expect(opened.ok && opened.value.slotIndex === 1 && bytesToHex(opened.value.imageKey) === bytesToHex(imageKey)).toBe(true);
    expect(openKeyBlob(SUITE, blob.value, [host(2)])).toEqual({ ok: false, error: 'NO_KEY_SLOT' });
  });

  it('a changed wrapped key, tag or customer key does not unwrap; a changed frame does not decode', () => {
    const sealed = sealKeyBlob(SUITE, customer, [h0.publicKey], imageKey);
    if (!sealed.ok) throw new Error(sealed.error.message);
    const edit = (at: number): Uint8Array => {
      const b = sealed.value.slice();
      b[at] = (b[at] ?? 0) ^ 1;
      return b;
    };
    for (const at of [KEY_BLOB_FIXED_SIZE + 32, KEY_BLOB_FIXED_SIZE + 70, 0x10 + 79]) {
      const d = decodeKeyBlob(edit(at));
      if (!d.ok) throw new Error(d.error);
      expect(openKeyBlob(SUITE, d.value, [h0]), `byte ${at}`).toEqual({ ok: false, error: 'KEY_SLOT_AUTH' });
    }
    const d = decodeKeyBlob(edit(KEY_BLOB_FIXED_SIZE));
    expect(d.ok && openKeyBlob(SUITE, d.value, [h0])).toEqual({ ok: false, error: 'NO_KEY_SLOT' });
    for (const at of [0, 11, 15, 0x10]) expect(decodeKeyBlob(edit(at)).ok, `byte ${at}`).toBe(false);
    expect(decodeKeyBlob(sealed.value.slice(0, sealed.value.length - 1)).ok).toBe(false);
    expect(decodeKeyBlob(new Uint8Array(10)).ok).toBe(false);
  });

  it("wraps a key byte for byte as IBM's tools wrap a key slot (s390-tools add-secret vector asr01: customer key, host key, request key 0x17 × 32)", () => {
    const name = 'asr01-null-none-cuid-one';
    const d = customerScalar(fileIn(ADD_SECRET_VECTORS, name, 'customer-private.bin'));
    if (d === undefined) throw new Error('customer key');
    const host = pemKeyIn(ADD_SECRET_VECTORS, name, 'host-key.crt').publicKey;
    const sealed = sealKeyBlob(SUITE, { privateKey: d }, [host], fileIn(ADD_SECRET_VECTORS, name, 'request-key.bin'));
    if (!sealed.ok) throw new Error(sealed.error.message);
    const request = fileIn(ADD_SECRET_VECTORS, name, 'request.bin');
    expect(bytesToHex(sealed.value.subarray(KEY_BLOB_FIXED_SIZE))).toBe(bytesToHex(request.subarray(0x4b8, 0x4b8 + 80)));
  });

  it('refuses to seal a key of the wrong size or for no host', () => {
    expect(sealKeyBlob(SUITE, customer, [h0.publicKey], bytes(1, 16)).ok).toBe(false);
    expect(sealKeyBlob(SUITE, customer, [], imageKey).ok).toBe(false);
  });
});

describe('the data-key envelope', () => {
  it('opens under its image key only, and not once changed', () => {
    const imageKey = bytes(10, 32);
    const dataKey = bytes(11, 64);
    const env = sealEnvelope(SUITE, imageKey, bytes(12, 12), dataKey);
    expect(env.length).toBe(ENVELOPE_SIZE);
    const page = new Uint8Array(4096);
    page.set(env);
    expect(startsWithEnvelope(page)).toBe(true);
    expect(bytesToHex(openEnvelope(SUITE, imageKey, page) ?? new Uint8Array())).toBe(bytesToHex(dataKey));
    expect(openEnvelope(SUITE, bytes(13, 32), page)).toBeUndefined();
    const changed = page.slice();
    changed[30] = (changed[30] ?? 0) ^ 4;
    expect(openEnvelope(SUITE, imageKey, changed)).toBeUndefined();
    expect(startsWithEnvelope(new Uint8Array(4096))).toBe(false);
  });
});
