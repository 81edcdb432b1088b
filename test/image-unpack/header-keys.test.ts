// Key slots and the header's GCM: sealHeader and openHeader are inverses, each failure is named
// by the check that caught it, and openHeader is total on headers of any shape.
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { nobleSuite as suite } from '../../model/crypto/noble-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { decodeHeader, encodeHeader, type SeHeader } from '../../model/se-format/header-codec.js';
import {
  decodeEncryptedArea,
  encodeEncryptedArea,
  openHeader,
  phkh,
  sealHeader,
  type HeaderSealInput,
  type HostKeyPair,
} from '../../model/se-format/header-keys.js';
import { deriveBuildSecrets } from '../../model/se-format/image-builder.js';
import { expectedOf, hostKeysOf } from './se-vectors.js';

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

function hostFromSeed(seed: number): HostKeyPair {
  const privateKey = deriveBuildSecrets(suite, Uint8Array.of(seed)).customer.privateKey;
  const publicKey = suite.ecPublicKey('p521', privateKey) as EcPoint;
  return { privateKey, publicKey };
}

describe('sealHeader and openHeader', () => {
  let hosts: HostKeyPair[];
  let input: HeaderSealInput;
  let sealed: SeHeader;

  beforeAll(() => {
    hosts = [hostFromSeed(1), hostFromSeed(2), hostFromSeed(3)];
    input = {
      headerKey: fill(32, 0x11),
      iv: fill(12, 0x22),
      customer: { privateKey: deriveBuildSecrets(suite, Uint8Array.of(9)).customer.privateKey },
      hostKeys: hosts.map((h) => h.publicKey),
      pcf: 0x200000e0n,
      nep: 7n,
      pld: fill(64, 1),
      ald: fill(64, 2),
      tld: fill(64, 3),
      secrets: {
        cck: fill(32, 0x33),
        xtsKey: fill(64, 0x44),
        psw: { mask: 0x180000000n, addr: 0x1c000n },
        scf: 0x4000000000000000n,
        noi: 1,
        items: fill(32, 0x55),
      },
    };
    const s = sealHeader(suite, input);
    if (!s.ok) throw new Error(JSON.stringify(s.error));
    sealed = s.value;
  });

  it('opens with every host key, in its own slot, to the sealed secrets', () => {
    expect(sealed.nks).toBe(3);
    expect(sealed.sea).toBe(160);
    expect(sealed.phs).toBe(0x1a0 + 240 + 160 + 16);
    hosts.forEach((host, i) => {
      const o = openHeader(suite, sealed, host);
      expect(o.ok && o.value.slotIndex).toBe(i);
      expect(o.ok && bytesToHex(o.value.headerKey)).toBe(bytesToHex(input.headerKey));
      expect(o.ok && o.value.secrets).toEqual(input.secrets);
    });
  });

  it('survives encoding: the bytes decode and open too', () => {
    const d = decodeHeader(encodeHeader(sealed));
    expect(d.ok && openHeader(suite, d.value, hosts[2] as HostKeyPair).ok).toBe(true);
  });

  it('is deterministic', () => {
    const again = sealHeader(suite, input);
    expect(again.ok && encodeHeader(again.value)).toEqual(encodeHeader(sealed));
  });

  it("fails NO_KEY_SLOT for a host without a slot and for a malformed host key", () => {
    const o = openHeader(suite, sealed, hostFromSeed(4));
    expect(o.ok ? undefined : o.error.check).toBe('NO_KEY_SLOT');
    const host = hosts[0] as HostKeyPair;
    const bad = openHeader(suite, sealed, { privateKey: host.privateKey.subarray(1), publicKey: host.publicKey });
    expect(bad.ok ? undefined : bad.error.check).toBe('NO_KEY_SLOT');
  });

  it("fails 'KEY_SLOT_AUTH' for a damaged slot, naming it, and for a customer key off the curve", () => {
    const slots = sealed.keySlots.map((s, i) => (i === 1 ? { ...s, tag: s.tag.map((b, k) => (k === 0 ? b ^ 1 : b)) } : s));
    const o = openHeader(suite, { ...sealed, keySlots: slots }, hosts[1] as HostKeyPair);
    expect(o.ok ? undefined : [o.error.check, o.error.slotIndex]).toEqual(['KEY_SLOT_AUTH', 1]);
    const x = Uint8Array.from(sealed.customerPublicKey.x);
    x[65] = (x[65] ?? 0) ^ 1;
    const off = openHeader(suite, { ...sealed, customerPublicKey: { x, y: sealed.customerPublicKey.y } }, hosts[0] as HostKeyPair);
    expect(off.ok ? undefined : off.error.check).toBe('KEY_SLOT_AUTH');
  });

  it("fails HEADER_AUTH when the authenticated data, the encrypted area or the tag change", () => {
    const host = hosts[0] as HostKeyPair;
    const changed: SeHeader[] = [
      { ...sealed, pcf: sealed.pcf ^ 0x20000000n },
      { ...sealed, nep: sealed.nep + 1n },
      { ...sealed, encryptedArea: sealed.encryptedArea.map((b, i) => (i === 100 ? b ^ 0x80 : b)) },
      { ...sealed, tag: sealed.tag.map((b, i) => (i === 15 ? b ^ 1 : b)) },
    ];
    for (const h of changed) {
      const o = openHeader(suite, h, host);
      expect(o.ok ? undefined : o.error.check).toBe('HEADER_AUTH');
    }
  });

  it('never throws on a header of the wrong shape', () => {
    const host = hosts[0] as HostKeyPair;
    const shapes: SeHeader[] = [
      { ...sealed, iv: new Uint8Array(5) },
      { ...sealed, tag: new Uint8Array(0) },
      { ...sealed, encryptedArea: new Uint8Array(16) },
      { ...sealed, customerPublicKey: { x: new Uint8Array(3), y: new Uint8Array(0) } },
      { ...sealed, keySlots: sealed.keySlots.map((s) => ({ ...s, wrappedKey: s.wrappedKey.subarray(1) })) },
      { ...sealed, keySlots: [] },
    ];
    for (const h of shapes) expect(openHeader(suite, h, host).ok).toBe(false);
  });

  it('rejects bad seal input, naming the field', () => {
    const cases: [Partial<HeaderSealInput>, string][] = [
      [{ headerKey: new Uint8Array(31) }, 'headerKey'],
      [{ iv: new Uint8Array(16) }, 'iv'],
      [{ hostKeys: [] }, 'hostKeys'],
      [{ hostKeys: Array.from({ length: 96 }, () => (hosts[0] as HostKeyPair).publicKey) }, 'hostKeys'],
      [{ pcf: -1n }, 'pcf'],
      [{ secrets: { ...input.secrets, items: new Uint8Array(8) } }, 'secrets.items'],
      [{ customer: { privateKey: new Uint8Array(66) } }, 'customer.privateKey'],
      [{ customer: { publicKey: (hosts[0] as HostKeyPair).publicKey, agree: () => undefined } }, 'hostKeys[0]'],
    ];
    for (const [change, fieldName] of cases) {
      const r = sealHeader(suite, { ...input, ...change });
      expect(r.ok ? undefined : r.error.field).toBe(fieldName);
    }
  });
});

describe('key derivation details', () => {
  it('computes the PHKH of each vector host key as the header stores it', () => {
    const e = expectedOf('02-nks2-dump-cck');
    const hosts = hostKeysOf('02-nks2-dump-cck', e);
    const slots = (e['header'] as { keySlots: { phkh: string }[] }).keySlots;
    expect(hosts.map((h) => bytesToHex(phkh(suite, h.publicKey)))).toEqual(slots.map((s) => s.phkh));
  });

  it('splits and joins the encrypted area at the offsets of the format', () => {
    const plain = Uint8Array.from({ length: 144 }, (_, i) => i);
    const s = decodeEncryptedArea(plain);
    expect(s?.psw).toEqual({ mask: 0x6061626364656667n, addr: 0x68696a6b6c6d6e6fn });
    expect(s?.noi).toBe(0x78797a7b);
    expect(s?.items).toEqual(plain.subarray(128));
    expect(decodeEncryptedArea(plain.subarray(0, 127))).toBeUndefined();
    const joined = s && encodeEncryptedArea(s);
    expect(joined?.subarray(0, 124)).toEqual(plain.subarray(0, 124));
    expect(joined?.subarray(124, 128)).toEqual(new Uint8Array(4)); // reserved: written as zero
  });
});
