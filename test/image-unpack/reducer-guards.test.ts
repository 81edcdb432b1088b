// The firmware reducers' guards at their bounds, each with the code the specification fixes
// (spec/image-unpack.md): memory size, phase, header authentication, address range, the page
// count at verify, start of a running guest; and the tweak bookkeeping.
import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { decodeHeader, encodeHeader } from '../../model/se-format/header-codec.js';
import { openHeader, sealHeader } from '../../model/se-format/header-keys.js';
import { hostKeyFromPrivate } from '../../model/se-format/host-key.js';
import { buildImage, deriveBuildSecrets, type BuiltImage } from '../../model/se-format/image-builder.js';
import { initialWorld, MAX_GUEST_PAGES, step, type Guest, type World } from '../../model/platform/index.js';
import type { FirmwareHostKey } from '../../model/world/world.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import { testWorld } from '../world.js';

const suite = memoizeKeyAgreement(nobleSuite);

let host: FirmwareHostKey;
let image: BuiltImage;

beforeAll(() => {
  const key = hostKeyFromPrivate(suite, deriveBuildSecrets(suite, utf8ToBytes('reducer guards: host')).customer.privateKey);
  if (key === undefined) throw new Error('a derived scalar is a valid host key');
  host = key;
  const secrets = deriveBuildSecrets(suite, utf8ToBytes('reducer guards'));
  const built = buildImage(suite, { ...secrets, kernel: Uint8Array.of(1, 2, 3), hostKeys: [host.publicKey] });
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  image = built.value; // kernel (1 page) and stage3b (2 pages): NEP 3
});

/** A world whose guest 1 is in `created`. */
function created(memoryPages = image.layout.imageSize / PAGE_SIZE): World {
  const c = step(testWorld(suite, [host.privateKey]), { kind: 'create-guest', machine: 0, memoryPages });
  if (c.outcome.kind !== 'accepted') throw new Error('valid size');
  return c.state;
}

/** Guest 1 of `w`. */
function guestOf(w: World): Guest {
  const g = w.guests.get(1);
  if (g === undefined) throw new Error('no guest 1');
  return g;
}

const setHeader = (w: World, header: Uint8Array) => step(w, { kind: 'set-header', guest: 1, header });
const unpack = (w: World, a: unknown) => step(w, a);
const verify = (w: World) => step(w, { kind: 'verify', guest: 1 });
const start = (w: World) => step(w, { kind: 'start', guest: 1 });

function unpacking(header: Uint8Array = image.headerBytes, memoryPages?: number): World {
  const s = setHeader(created(memoryPages), header);
  if (s.outcome.kind !== 'accepted') throw new Error(JSON.stringify(s.outcome));
  return s.state;
}

const unpackAction = (address: bigint, i = 0) => {
  const page = image.layout.pages[i];
  if (page === undefined) throw new Error('no such page');
  return { kind: 'unpack', guest: 1, address, tweak: page.tweak, page: page.stored } as const;
};

/** All pages of the image, unpacked in order. */
function unpackedAll(guest: World): World {
  return image.layout.pages.reduce((g, p) => {
    const s = unpack(g, { kind: 'unpack', guest: 1, address: p.address, tweak: p.tweak, page: p.stored });
    if (s.outcome.kind !== 'accepted') throw new Error(JSON.stringify(s.outcome));
    return s.state;
  }, guest);
}

function verified(): World {
  const s = verify(unpackedAll(unpacking()));
  if (s.outcome.kind !== 'accepted') throw new Error(JSON.stringify(s.outcome));
  return s.state;
}

const codeOf = (s: { outcome: { kind: string; code?: string } }): string => (s.outcome.kind === 'rejected' ? (s.outcome.code ?? '') : 'accepted');

describe('REQ-PLATFORM-4: create-guest', () => {
  it('accepts 1 to 2^26 pages; other integers are INVALID_MEMORY_SIZE, non-integers MALFORMED_ACTION', () => {
    expect(MAX_GUEST_PAGES).toBe(2 ** 26);
    const w = testWorld(suite, [host.privateKey]);
    const create = (memoryPages: number) => step(w, { kind: 'create-guest', machine: 0, memoryPages });
    expect(create(1).outcome).toEqual({ kind: 'accepted', response: { guest: 1 } });
    expect(create(2 ** 26).state.guests.get(1)).toMatchObject({ memoryPages: 2 ** 26, phase: 'created', machine: 0 });
    for (const bad of [0, -1, 2 ** 26 + 1]) expect(codeOf(create(bad)), String(bad)).toBe('INVALID_MEMORY_SIZE');
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(codeOf(create(bad)), String(bad)).toBe('MALFORMED_ACTION');
    expect(codeOf(step(w, { kind: 'create-guest', machine: 7, memoryPages: 1 }))).toBe('MACHINE_NOT_FOUND');
  });
});

describe('REQ-UNPACK-2 and -13: each call in its phase', () => {
  it('unpack and verify need the unpacking phase', () => {
    const page = unpackAction(image.layout.pages[0]?.address ?? 0n);
    for (const g of [created(), verified()]) {
      expect(codeOf(unpack(g, page)), guestOf(g).phase).toBe('INVALID_STATE');
      expect(codeOf(verify(g)), guestOf(g).phase).toBe('INVALID_STATE');
    }
    const failed = verify(unpacking()).state; // nothing unpacked: PLD differs
    expect(guestOf(failed).phase).toBe('verify-failed');
    expect([codeOf(unpack(failed, page)), codeOf(verify(failed))]).toEqual(['INVALID_STATE', 'INVALID_STATE']);
  });

  it('start: INVALID_STATE once running, NOT_VERIFIED before a successful verify', () => {
    const running = start(verified());
    expect([codeOf(running), guestOf(running.state).phase]).toEqual(['accepted', 'running']);
    expect(codeOf(start(running.state))).toBe('INVALID_STATE');
    expect(codeOf(start(created()))).toBe('NOT_VERIFIED');
    expect(codeOf(start(unpacking()))).toBe('NOT_VERIFIED');
  });
});

describe('REQ-UNPACK-5: the header authenticates', () => {
  it('a header whose tag does not verify is HEADER_AUTH, not a key slot failure', () => {
    const header = Uint8Array.from(image.headerBytes);
    header[header.length - 1] = (header[header.length - 1] ?? 0) ^ 1; // the last byte of the tag
    const s = setHeader(created(), header);
    expect(codeOf(s)).toBe('HEADER_AUTH');
    expect(guestOf(s.state).phase).toBe('created');
  });
});

describe('REQ-UNPACK-4: a key slot for this machine', () => {
  it('a host key that is not a 66-byte P-521 scalar cannot be configured', () => {
    const r = initialWorld({ suite: 'noble', machines: [{ id: 0, hostKeys: [host.privateKey.subarray(1)], seed: new Uint8Array(1) }], adapters: [] });
    expect(r).toEqual({ ok: false, error: { path: '$.machines[0].hostKeys[0]', message: 'not a valid P-521 private scalar of 66 bytes' } });
  });

  it('a slot that names this host but whose wrapped key does not verify is KEY_SLOT_AUTH, not NO_KEY_SLOT', () => {
    const decoded = decodeHeader(image.headerBytes);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.error));
    const slot = decoded.value.keySlots[0]!;
    const wrappedKey = Uint8Array.from(slot.wrappedKey);
    wrappedKey[0] = (wrappedKey[0] ?? 0) ^ 1;
    const header = encodeHeader({ ...decoded.value, keySlots: [{ ...slot, wrappedKey }] });
    const s = setHeader(created(), header);
    expect(codeOf(s)).toBe('KEY_SLOT_AUTH');
    expect(guestOf(s.state).phase).toBe('created');
  });
});

describe('REQ-UNPACK-7: the address is a page of this guest', () => {
  it('accepts the first and last page, refuses the end of memory; a negative address is not an action', () => {
    const g = unpacking(image.headerBytes, 8);
    expect(codeOf(unpack(g, unpackAction(0n)))).toBe('accepted');
    expect(codeOf(unpack(g, unpackAction(7n * 4096n)))).toBe('accepted');
    expect(codeOf(unpack(g, unpackAction(8n * 4096n)))).toBe('ADDRESS_OUT_OF_RANGE');
    expect(codeOf(unpack(g, unpackAction(8n * 4096n + 1n)))).toBe('ADDRESS_NOT_ALIGNED');
    expect(codeOf(unpack(g, unpackAction(-4096n)))).toBe('MALFORMED_ACTION');
    expect(codeOf(unpack(g, unpackAction(1n << 64n)))).toBe('MALFORMED_ACTION');
    expect(codeOf(unpack(g, unpackAction((1n << 64n) - 4096n)))).toBe('ADDRESS_OUT_OF_RANGE');
  });

  it('sees the low bits of addresses a number cannot hold exactly (2^53 and above)', () => {
    const g = unpacking(image.headerBytes, 8);
    // Each of these rounds to an aligned number: only its bigint shows the offset in its page.
    for (const address of [(1n << 53n) + 1n, (1n << 60n) + 1n, (1n << 64n) - 1n, (1n << 63n) + 2048n]) {
      expect(codeOf(unpack(g, unpackAction(address)))).toBe('ADDRESS_NOT_ALIGNED');
    }
    for (const address of [1n << 53n, (1n << 53n) - 4096n, 1n << 63n]) {
      expect(codeOf(unpack(g, unpackAction(address)))).toBe('ADDRESS_OUT_OF_RANGE');
    }
    // Just below 2^53 the number is exact: an offset of one byte shows.
    expect(codeOf(unpack(g, unpackAction((1n << 53n) - 4095n)))).toBe('ADDRESS_NOT_ALIGNED');
  });
});

describe('REQ-UNPACK-10: each tweak once', () => {
  it('tells tweaks apart by every byte, the last one too', () => {
    const a = new Uint8Array(16);
    const b = Uint8Array.from(a);
    b[15] = 1;
    const g = unpacking();
    const first = unpack(g, { kind: 'unpack', guest: 1, address: 0n, tweak: a, page: new Uint8Array(PAGE_SIZE) });
    const second = unpack(first.state, { kind: 'unpack', guest: 1, address: 4096n, tweak: b, page: new Uint8Array(PAGE_SIZE) });
    const again = unpack(second.state, { kind: 'unpack', guest: 1, address: 8192n, tweak: b, page: new Uint8Array(PAGE_SIZE) });
    expect([codeOf(first), codeOf(second), codeOf(again)]).toEqual(['accepted', 'accepted', 'TWEAK_REUSED']);
  });
});

describe('REQ-UNPACK-12: verify compares the page count last', () => {
  it('is NEP_MISMATCH when PLD, ALD and TLD match but the header names another page count', () => {
    const opened = openHeader(suite, image.header, host);
    if (!opened.ok) throw new Error('opens');
    const h = image.header;
    const sealed = sealHeader(suite, {
      headerKey: opened.value.headerKey,
      iv: h.iv,
      // ECDH is symmetric: the host's private key gives the customer's shared secret.
      customer: { publicKey: h.customerPublicKey, agree: () => suite.ecdh('p521', host.privateKey, h.customerPublicKey) },
      hostKeys: [host.publicKey],
      pcf: h.pcf,
      nep: h.nep + 1n,
      pld: h.pld,
      ald: h.ald,
      tld: h.tld,
      secrets: opened.value.secrets,
    });
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.error));
    const s = verify(unpackedAll(unpacking(encodeHeader(sealed.value))));
    const g = guestOf(s.state);
    expect([codeOf(s), g.phase, g.slices.unpack.verifyFailure]).toEqual(['NEP_MISMATCH', 'verify-failed', 'nep']);
  });
});
