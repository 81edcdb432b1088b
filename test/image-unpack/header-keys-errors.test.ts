// The errors of the key slots and the header's GCM, each with its check or field and its message:
// openHeader's failures on the real header of vector 01, unwrapHeaderKey's size guards, and every
// input check of sealHeader (sizes, u64 and u32 ranges, the header size limit, host and customer keys).
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { decodeHeader, encodeHeader, type KeySlot, type SeHeader } from '../../model/se-format/header-codec.js';
import {
  keyEncryptionKey,
  openHeader,
  phkh,
  sealHeader,
  unwrapHeaderKey,
  wrapHeaderKey,
  type BuildError,
  type HeaderSealInput,
  type HostKeyPair,
  type OpenHeaderError,
} from '../../model/se-format/header-keys.js';
import { hostKeyFromPrivate } from '../../model/se-format/host-key.js';
import { deriveBuildSecrets } from '../../model/se-format/image-builder.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import { expectedOf, hostKeysOf, vectorFile } from './se-vectors.js';

/** noble, with the few P-521 key agreements of these tests computed once. */
const suite = memoizeKeyAgreement(nobleSuite);
const V01 = '01-nks1-pcf-default';
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

function openError(header: SeHeader, host: HostKeyPair): OpenHeaderError {
  const r = openHeader(suite, header, host);
  if (r.ok) throw new Error('expected openHeader to fail');
  return r.error;
}

describe('openHeader failures on the header of vector 01', () => {
  let header: SeHeader;
  let host: HostKeyPair;

  beforeAll(() => {
    const d = decodeHeader(vectorFile(V01, 'header.bin'));
    if (!d.ok) throw new Error('vector 01 does not decode');
    header = d.value;
    host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    expect(openHeader(suite, header, host).ok).toBe(true);
  });

  it("NO_KEY_SLOT: a host key that is not three 66-byte values, without a slot index", () => {
    const cases: HostKeyPair[] = [
      { privateKey: host.privateKey.subarray(1), publicKey: host.publicKey },
      { privateKey: host.privateKey, publicKey: { x: host.publicKey.x.subarray(1), y: host.publicKey.y } },
      { privateKey: host.privateKey, publicKey: { x: host.publicKey.x, y: new Uint8Array(80) } },
    ];
    for (const h of cases) {
      const e = openError(header, h);
      expect(e).toEqual({ check: 'NO_KEY_SLOT', message: expect.stringMatching(/host key is not a P-521 key pair of 66-byte values/) });
      expect('slotIndex' in e).toBe(false);
    }
  });

  it("NO_KEY_SLOT: no slot carries the host's PHKH", () => {
    const other = { ...header, keySlots: header.keySlots.map((s) => ({ ...s, phkh: s.phkh.map((b, i) => (i === 31 ? b ^ 1 : b)) })) };
    expect(openError(other, host)).toEqual({ check: 'NO_KEY_SLOT', message: expect.stringMatching(/no key slot carries this host key hash \(PHKH\)/) });
    // A PHKH field longer than 32 bytes is not the host's hash, even when it starts with it.
    const own = phkh(suite, host.publicKey);
    const longer = { ...header, keySlots: header.keySlots.map((s) => ({ ...s, phkh: Uint8Array.of(...own, 0) })) };
    expect(openError(longer, host).check).toBe('NO_KEY_SLOT');
    const same = { ...header, keySlots: header.keySlots.map((s) => ({ ...s, phkh: Uint8Array.from(own) })) };
    expect(openHeader(suite, same, host).ok).toBe(true);
  });

  it("'KEY_SLOT_AUTH': a customer public key of the wrong size is refused before ECDH, naming the slot", () => {
    const { x, y } = header.customerPublicKey;
    for (const customerPublicKey of [{ x, y: y.subarray(1) }, { x: x.subarray(2), y }, { x: new Uint8Array(0), y: new Uint8Array(0) }]) {
      expect(openError({ ...header, customerPublicKey }, host)).toEqual({
        check: 'KEY_SLOT_AUTH',
        message: expect.stringMatching(/customer public key is not a P-521 point/),
        slotIndex: 0,
      });
    }
  });

  it("'KEY_SLOT_AUTH': a customer key off the curve, and a damaged slot tag", () => {
    const x = header.customerPublicKey.x.map((b, i) => (i === 65 ? b ^ 1 : b));
    expect(openError({ ...header, customerPublicKey: { x, y: header.customerPublicKey.y } }, host)).toMatchObject({
      check: 'KEY_SLOT_AUTH',
      message: expect.stringMatching(/customer public key is not a P-521 point/),
      slotIndex: 0,
    });
    const slots = header.keySlots.map((s) => ({ ...s, wrappedKey: s.wrappedKey.map((b, i) => (i === 0 ? b ^ 0x40 : b)) }));
    expect(openError({ ...header, keySlots: slots }, host)).toEqual({
      check: 'KEY_SLOT_AUTH',
      message: expect.stringMatching(/key slot tag does not verify/),
      slotIndex: 0,
    });
  });

  it("HEADER_AUTH: an IV, tag or encrypted area of the wrong size, said so rather than a tag failure", () => {
    const shapes: SeHeader[] = [
      { ...header, iv: header.iv.subarray(0, 11) },
      { ...header, tag: header.tag.subarray(0, 12) },
      { ...header, encryptedArea: header.encryptedArea.subarray(0, 112) },
      { ...header, encryptedArea: new Uint8Array(0) },
    ];
    for (const h of shapes) {
      expect(openError(h, host)).toEqual({
        check: 'HEADER_AUTH',
        message: expect.stringMatching(/IV, tag or encrypted area has the wrong size/),
        slotIndex: 0,
      });
    }
  });

  it("HEADER_AUTH: a tag that does not verify over the AAD and the encrypted area", () => {
    const changed: SeHeader[] = [
      { ...header, tag: header.tag.map((b, i) => (i === 0 ? b ^ 1 : b)) },
      { ...header, pld: header.pld.map((b, i) => (i === 63 ? b ^ 1 : b)) },
    ];
    for (const h of changed) {
      expect(openError(h, host)).toEqual({ check: 'HEADER_AUTH', message: expect.stringMatching(/header tag does not verify/), slotIndex: 0 });
    }
  });
});

describe('unwrapHeaderKey', () => {
  const kek = fill(32, 0x5a);
  const headerKey = fill(32, 0xc3);

  it('unwraps a slot wrapped under its KEK, and nothing under another KEK', () => {
    const slot: KeySlot = { phkh: new Uint8Array(32), ...wrapHeaderKey(suite, kek, headerKey) };
    expect(unwrapHeaderKey(suite, kek, slot)).toEqual(headerKey);
    expect(unwrapHeaderKey(suite, fill(32, 0x5b), slot)).toBeUndefined();
  });

  it('refuses, without throwing, a KEK other than 32 bytes and a tag other than 16', () => {
    const slot: KeySlot = { phkh: new Uint8Array(32), ...wrapHeaderKey(suite, kek, headerKey) };
    expect(unwrapHeaderKey(suite, kek.subarray(0, 16), slot)).toBeUndefined();
    expect(unwrapHeaderKey(suite, new Uint8Array(33), slot)).toBeUndefined();
    expect(unwrapHeaderKey(suite, kek, { ...slot, tag: slot.tag.subarray(0, 12) })).toBeUndefined();
  });

  it('refuses a wrapped key other than 32 bytes even when its tag verifies', () => {
    const short: KeySlot = { phkh: new Uint8Array(32), ...wrapHeaderKey(suite, kek, headerKey.subarray(0, 16)) };
    expect(short.wrappedKey.length).toBe(16);
    expect(unwrapHeaderKey(suite, kek, short)).toBeUndefined();
  });
});

describe('hostKeyFromPrivate', () => {
  it('gives the public key and PHKH of a 66-byte scalar, and nothing for another size or an invalid scalar', () => {
    const host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    const k = hostKeyFromPrivate(suite, host.privateKey);
    expect(k && bytesToHex(k.phkh)).toBe(bytesToHex(phkh(suite, host.publicKey)));
    expect(hostKeyFromPrivate(suite, host.privateKey.subarray(1))).toBeUndefined();
    expect(hostKeyFromPrivate(suite, Uint8Array.of(0, ...host.privateKey))).toBeUndefined();
    expect(hostKeyFromPrivate(suite, new Uint8Array(66))).toBeUndefined();
  });
});

describe('phkh', () => {
  it('hashes each coordinate as the header stores it: left-padded to 80 bytes, or its last 80 bytes', () => {
    const x = Uint8Array.from({ length: 66 }, (_, i) => i + 1);
    const y = Uint8Array.from({ length: 66 }, (_, i) => 200 - i);
    const stored = (c: Uint8Array): Uint8Array => {
      const out = new Uint8Array(80);
      out.set(c, 80 - c.length);
      return out;
    };
    expect(phkh(suite, { x, y })).toEqual(suite.sha256(stored(x), stored(y)));
    const long = Uint8Array.from({ length: 82 }, (_, i) => 0xff - i);
    expect(phkh(suite, { x: long, y })).toEqual(suite.sha256(long.subarray(2), stored(y)));
    expect(phkh(suite, { x, y: long })).toEqual(phkh(suite, { x, y: long.subarray(2) }));
  });
});

describe('sealHeader input errors', () => {
  let host: HostKeyPair;
  let input: HeaderSealInput;

  beforeAll(() => {
    host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    input = {
      headerKey: fill(32, 0x11),
      iv: fill(12, 0x22),
      customer: { privateKey: deriveBuildSecrets(suite, Uint8Array.of(9)).customer.privateKey },
      hostKeys: [host.publicKey],
      pcf: 0xe0n,
      nep: 7n,
      pld: fill(64, 1),
      ald: fill(64, 2),
      tld: fill(64, 3),
      secrets: {
        cck: fill(32, 0x33),
        xtsKey: fill(64, 0x44),
        psw: { mask: 0x180000000n, addr: 0x1c000n },
        scf: 0n,
        noi: 0,
        items: new Uint8Array(0),
      },
    };
  });

  function sealError(change: Partial<HeaderSealInput>): BuildError {
    const r = sealHeader(suite, { ...input, ...change });
    if (r.ok) throw new Error(`expected sealHeader to fail for ${Object.keys(change).join(', ')}`);
    return r.error;
  }

  const secretsWith = (s: Partial<HeaderSealInput['secrets']>): Partial<HeaderSealInput> => ({ secrets: { ...input.secrets, ...s } });

  it('names a bytes field of the wrong size, with the expected and the actual size', () => {
    const cases: [Partial<HeaderSealInput>, string, number, number][] = [
      [{ headerKey: new Uint8Array(16) }, 'headerKey', 32, 16],
      [{ iv: new Uint8Array(16) }, 'iv', 12, 16],
      [{ pld: new Uint8Array(32) }, 'pld', 64, 32],
      [{ ald: new Uint8Array(65) }, 'ald', 64, 65],
      [{ tld: new Uint8Array(0) }, 'tld', 64, 0],
      [secretsWith({ cck: new Uint8Array(31) }), 'secrets.cck', 32, 31],
      [secretsWith({ xtsKey: new Uint8Array(32) }), 'secrets.xtsKey', 64, 32],
    ];
    for (const [change, field, size, got] of cases) {
      expect(sealError(change)).toEqual({ field, message: `must be ${size} bytes, got ${got}` });
    }
  });

  it('names a u64 out of range, negative or 2^64', () => {
    const cases: [Partial<HeaderSealInput>, string][] = [
      [{ pcf: 1n << 64n }, 'pcf'],
      [{ nep: -1n }, 'nep'],
      [{ nep: 1n << 64n }, 'nep'],
      [secretsWith({ psw: { mask: 1n << 64n, addr: 0n } }), 'secrets.psw.mask'],
      [secretsWith({ psw: { mask: 0n, addr: -1n } }), 'secrets.psw.addr'],
      [secretsWith({ scf: 1n << 64n }), 'secrets.scf'],
    ];
    for (const [change, field] of cases) expect(sealError(change)).toEqual({ field, message: 'must be a u64' });
  });

  it('names an NOI that is not a u32', () => {
    for (const noi of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(sealError(secretsWith({ noi }))).toEqual({ field: 'secrets.noi', message: 'must be a u32' });
    }
  });

  it('seals and opens the largest u64 and u32 values', () => {
    const max = (1n << 64n) - 1n;
    const r = sealHeader(suite, { ...input, pcf: max, nep: max, ...secretsWith({ psw: { mask: max, addr: max }, scf: max, noi: 0xffffffff }) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect([r.value.pcf, r.value.nep]).toEqual([max, max]);
    const o = openHeader(suite, r.value, host);
    expect(o.ok && o.value.secrets).toEqual({ ...input.secrets, psw: { mask: max, addr: max }, scf: max, noi: 0xffffffff });
  });

  it('refuses items that are not whole 16-byte blocks, and an image without host keys', () => {
    expect(sealError(secretsWith({ items: new Uint8Array(24) }))).toEqual({ field: 'secrets.items', message: 'must be a multiple of 16 bytes' });
    expect(sealError({ hostKeys: [] })).toEqual({ field: 'hostKeys', message: 'an image needs at least one host key' });
  });

  it('accepts a header of exactly 8192 bytes and refuses one 16 bytes larger, counting the items', () => {
    // 0x1A0 + 80 + (128 + 7552) + 16 = 8192
    const full = sealHeader(suite, { ...input, ...secretsWith({ items: fill(7552, 0x66) }) });
    if (!full.ok) throw new Error(JSON.stringify(full.error));
    expect(full.value.phs).toBe(8192);
    expect(encodeHeader(full.value).length).toBe(8192);
    expect(decodeHeader(encodeHeader(full.value)).ok).toBe(true);
    expect(sealError(secretsWith({ items: fill(7568, 0x66) }))).toEqual({ field: 'hostKeys', message: 'the header would be 8208 bytes, more than 8192' });
    // 96 slots: 0x1A0 + 7680 + 128 + 16 = 8240
    expect(sealError({ hostKeys: Array.from({ length: 96 }, () => host.publicKey) })).toEqual({
      field: 'hostKeys',
      message: 'the header would be 8240 bytes, more than 8192',
    });
  });

  it('names the first host key whose coordinates are not 66 bytes', () => {
    const { x, y } = host.publicKey;
    const cases: [EcPoint[], string][] = [
      [[{ x: x.subarray(1), y }], 'hostKeys[0]'],
      [[{ x, y: Uint8Array.of(0, ...y) }], 'hostKeys[0]'],
      [[host.publicKey, { x, y: y.subarray(1) }], 'hostKeys[1]'],
      [[host.publicKey, { x: new Uint8Array(0), y: new Uint8Array(0) }, { x, y: y.subarray(2) }], 'hostKeys[1]'],
    ];
    for (const [hostKeys, field] of cases) expect(sealError({ hostKeys })).toEqual({ field, message: 'coordinates must be 66 bytes each' });
  });

  it('names a host key that is not a P-521 point', () => {
    const x = host.publicKey.x.map((b, i) => (i === 65 ? b ^ 1 : b));
    expect(sealError({ hostKeys: [host.publicKey, { x, y: host.publicKey.y }] })).toEqual({
      field: 'hostKeys[1]',
      message: expect.stringMatching(/no 66-byte ECDH shared secret with this host key/),
    });
  });

  it('refuses a customer private key that is not a valid 66-byte scalar', () => {
    for (const privateKey of [new Uint8Array(66), fill(66, 0xff), fill(65, 1), fill(67, 1), new Uint8Array(0)]) {
      expect(sealError({ customer: { privateKey } })).toEqual({ field: 'customer.privateKey', message: 'not a valid 66-byte P-521 scalar' });
    }
  });

  it('refuses a customer public key of the wrong size, and an agreement that gives no 66-byte secret', () => {
    const { x, y } = host.publicKey;
    const agree = (): Uint8Array => new Uint8Array(66).fill(7);
    for (const publicKey of [{ x: x.subarray(1), y }, { x, y: y.subarray(1) }]) {
      expect(sealError({ customer: { publicKey, agree } })).toEqual({ field: 'customer.publicKey', message: 'coordinates must be 66 bytes each' });
    }
    for (const secret of [undefined, new Uint8Array(65), new Uint8Array(80)]) {
      expect(sealError({ customer: { publicKey: host.publicKey, agree: () => secret } })).toEqual({
        field: 'hostKeys[0]',
        message: 'no 66-byte ECDH shared secret with this host key (not a P-521 point?)',
      });
    }
  });

  it('seals with an agreement function: the slot opens with the KEK of the secret it returns', () => {
    const secret = fill(66, 7);
    const r = sealHeader(suite, { ...input, customer: { publicKey: host.publicKey, agree: () => secret } });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const slot = r.value.keySlots[0] as KeySlot;
    expect(unwrapHeaderKey(suite, keyEncryptionKey(suite, secret), slot)).toEqual(input.headerKey);
    expect(r.value.customerPublicKey).toEqual(host.publicKey);
  });
});
