// The handlers of mechanism 3 on the model, branch by branch: phases, the attestation's flags and
// additional data, add-secret's effects (disable dump, update-CCK, null secrets, indices), the
// list's pages, retrieve's boundaries, PCKMO's functions and the backup target keys.
import { describe, expect, it } from 'vitest';
import { modelSystem, type ModelSystem, type PlatformOutcome } from '../../model/platform/index.js';
import { currentCck, dumpAllowed, keyKind, PCKMO_FUNCTIONS, MAX_ASSOCIATION_SECRETS, MAX_RETRIEVABLE_SECRETS } from '../../model/request-controls/index.js';
import { cpuWrappingKey } from '../../model/request-controls/firmware-values.js';
import { unwrapProtectedKey } from '../../model/request-controls/protected-key.js';
import { ADD_SECRET_FLAG_DISABLE_DUMP } from '../../model/se-format/asrcb.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { decodeSecretListPage } from '../../model/se-format/secret-list.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import type { Guest } from '../../model/world/world.js';
import { seededBytes } from '../../properties/image-unpack/fixtures.js';
import { baseImage, boot, hostHash, STIMULUS_CONFIG, withControls, type ControlledImage } from '../../properties/request-controls/fixtures.js';
import { attestationRequest, resealRequest, secretRequest } from '../../properties/request-controls/requests.js';
import { secretOf } from '../../properties/request-controls/secrets.js';
import { runSync } from '../../properties/sut-calls.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const SCF_BOTH = 0x6000000000000000n;

function setup(pcf = 0xe0n, scf = 0n, base = 0): { sut: ModelSystem; image: ControlledImage; guest: number } {
  const sut = modelSystem({ suite: PROPERTY_SUITE });
  sut.reset(STIMULUS_CONFIG);
  const image = withControls(baseImage(base), pcf, scf);
  return { sut, image, guest: runSync(boot(image), sut) };
}

const accepted = (o: PlatformOutcome): Record<string, unknown> => {
  if (o.kind !== 'accepted') throw new Error(`rejected: ${o.code}`);
  return o.response;
};
const code = (o: PlatformOutcome): string => (o.kind === 'rejected' ? o.code : 'accepted');
const guestOf = (sut: ModelSystem, id: number): Guest => sut.world.guests.get(id) as Guest;

describe('phases', () => {
  it('every request of a guest that is not running is INVALID_STATE; of no guest GUEST_NOT_FOUND', () => {
    const { sut, image } = setup();
    const created = accepted(sut.apply({ kind: 'create-guest', machine: 0, memoryPages: 16 }))['guest'] as number;
    const verified = accepted(sut.apply({ kind: 'create-guest', machine: 0, memoryPages: image.base.memoryPages }))['guest'] as number;
    sut.apply({ kind: 'set-header', guest: verified, header: image.header });
    for (const p of image.base.pages) sut.apply({ kind: 'unpack', guest: verified, address: p.address, tweak: p.tweak, page: p.stored });
    expect(code(sut.apply({ kind: 'verify', guest: verified }))).toBe('accepted');
    const { arcb } = attestationRequest({ paf: 0n, measurementKey: new Uint8Array(64), hosts: [0], seed: 1 });
    for (const guest of [created, verified, 99]) {
      const actions = [
        { kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) },
        { kind: 'add-secret', guest, request: secretRequest(image, secretOf(2, 1)) },
        { kind: 'list-secrets', guest, startIndex: 0 },
        { kind: 'lock-secrets', guest },
        { kind: 'retrieve-secret', guest, index: 0, bufferSize: 100 },
        { kind: 'pckmo', guest, function: 'aes-128', key: new Uint8Array(16) },
        { kind: 'query-backup-keys', guest },
      ];
      for (const a of actions) expect(code(sut.apply(a)), `${a.kind} of guest ${guest}`).toBe(guest === 99 ? 'GUEST_NOT_FOUND' : 'INVALID_STATE');
    }
  });
});

describe('retrieve-attestation', () => {
  it('takes at most 256 bytes of user data, refuses undefined flags and the firmware state', () => {
    const { sut, guest } = setup();
    const { arcb } = attestationRequest({ paf: ATTEST_FLAG.imagePhkh, measurementKey: seededBytes(1, 64), hosts: [0], seed: 2 });
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(256) }))).toBe('accepted');
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(257) }))).toBe('ATTEST_USER_DATA_TOO_LONG');
    const fw = attestationRequest({ paf: ATTEST_FLAG.firmwareState, measurementKey: seededBytes(1, 64), hosts: [0], seed: 2 }).arcb;
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb: fw, userData: new Uint8Array(0) }))).toBe('ATTEST_UNSUPPORTED_FLAGS');
    const unknown = arcb.slice();
    unknown[0x37] = 1;
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb: unknown, userData: new Uint8Array(0) }))).toBe('ATTEST_UNSUPPORTED_FLAGS');
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb: arcb.subarray(0, 40), userData: new Uint8Array(0) }))).toBe('ATTEST_MALFORMED');
    // The slot of this machine's key (the first, at 0xE0) does not unwrap: its wrapped key changed.
    const slot = arcb.slice();
    slot[0xe0 + 40] = (slot[0xe0 + 40] ?? 0) ^ 1;
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb: slot, userData: new Uint8Array(0) }))).toBe('ATTEST_REQUEST_AUTH');
    const elsewhere = attestationRequest({ paf: 0n, measurementKey: seededBytes(1, 64), hosts: [2], seed: 2 }).arcb;
    expect(code(sut.apply({ kind: 'retrieve-attestation', guest, arcb: elsewhere, userData: new Uint8Array(0) }))).toBe('ATTEST_NO_KEY_SLOT');
  });

  it('gives the PHKH of the key that opened the image and of the key that opened the request, in flag order', () => {
    // Base image 2 has slots for host keys 2 and 1: this machine opens it with key 1.
    const { sut, guest } = setup(0xe0n, 0n, 2);
    const paf = ATTEST_FLAG.imagePhkh | ATTEST_FLAG.attestationPhkh;
    for (const [hosts, opener] of [[[1, 0], 0], [[2, 1], 1]] as const) {
      const { arcb } = attestationRequest({ paf, measurementKey: seededBytes(3, 64), hosts, seed: 4 });
      const r = accepted(sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) }));
      expect(r['additionalData']).toEqual(new Uint8Array([...hostHash(1), ...hostHash(opener)]));
    }
    const none = attestationRequest({ paf: 0n, measurementKey: seededBytes(3, 64), hosts: [0], seed: 4 }).arcb;
    expect(accepted(sut.apply({ kind: 'retrieve-attestation', guest, arcb: none, userData: new Uint8Array(0) }))['additionalData']).toEqual(new Uint8Array(0));
  });
});

describe('add-secret', () => {
  it('leaves the dump allowed when no request asks to disable it', () => {
    const { sut, image, guest } = setup(0xe0n | 0x20000000n, SCF_BOTH);
    for (const [i, type] of [SECRET_TYPE.NULL, SECRET_TYPE.PLAINTEXT].entries()) {
      const request = secretRequest(image, type === SECRET_TYPE.NULL ? { type, value: new Uint8Array(0), name: '' } : secretOf(type, i), { seed: 20 + i });
      expect(code(sut.apply({ kind: 'add-secret', guest, request }))).toBe('accepted');
      expect(dumpAllowed(guestOf(sut, guest))).toBe(true);
    }
    expect(guestOf(sut, guest).slices.secrets.dumpDisabled).toBe(false);
  });

  it('keeps listable secrets with the next index, a null or update-CCK secret only as a tag; disable-dump is for good', () => {
    const { sut, image, guest } = setup(0xe0n | 0x20000000n, SCF_BOTH);
    expect(dumpAllowed(guestOf(sut, guest))).toBe(true);
    const nul = secretRequest(image, { type: SECRET_TYPE.NULL, value: new Uint8Array(0), name: '' }, { flags: ADD_SECRET_FLAG_DISABLE_DUMP, seed: 1 });
    expect(code(sut.apply({ kind: 'add-secret', guest, request: nul }))).toBe('accepted');
    let store = guestOf(sut, guest).slices.secrets;
    expect(store.secrets).toHaveLength(0);
    expect(store.requestTags).toEqual([nul.slice(-16)]);
    expect(dumpAllowed(guestOf(sut, guest))).toBe(false);
    const cck = seededBytes(9, 32);
    const update = secretRequest(image, { type: SECRET_TYPE.UPDATE_CCK, value: cck, name: '' }, { seed: 2 });
    expect(code(sut.apply({ kind: 'add-secret', guest, request: update }))).toBe('accepted');
    expect(currentCck(guestOf(sut, guest))).toEqual(cck);
    const a = secretRequest(image, secretOf(SECRET_TYPE.ASSOCIATION, 3), { cck, seed: 3 });
    const p = secretRequest(image, secretOf(SECRET_TYPE.PLAINTEXT, 4, 5), { cck, seed: 4 });
    for (const request of [a, p, a]) expect(code(sut.apply({ kind: 'add-secret', guest, request }))).toBe('accepted');
    store = guestOf(sut, guest).slices.secrets;
    expect(store.secrets.map((s) => [s.index, s.type])).toEqual([
      [0, 2],
      [1, 3],
      [2, 2],
    ]);
    expect(store.requestTags).toHaveLength(5);
    expect(store.dumpDisabled).toBe(true);
    // The tag kept is a copy: the caller's buffer may change.
    a.fill(0);
    expect(guestOf(sut, guest).slices.secrets.requestTags[2]).not.toEqual(new Uint8Array(16));
  });

  it('fills each class to its limit', () => {
    const { sut, image, guest } = setup();
    const assoc = secretRequest(image, secretOf(SECRET_TYPE.ASSOCIATION, 1));
    for (let i = 0; i < MAX_ASSOCIATION_SECRETS; i++) expect(code(sut.apply({ kind: 'add-secret', guest, request: assoc }))).toBe('accepted');
    expect(code(sut.apply({ kind: 'add-secret', guest, request: assoc }))).toBe('STORE_FULL');
    const key = secretRequest(image, secretOf(SECRET_TYPE.AES_128, 2), { seed: 1 });
    for (let i = 0; i < MAX_RETRIEVABLE_SECRETS; i++) expect(code(sut.apply({ kind: 'add-secret', guest, request: key }))).toBe('accepted');
    expect(code(sut.apply({ kind: 'add-secret', guest, request: key }))).toBe('STORE_FULL');
    // A null secret takes no room.
    expect(code(sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, { type: 1, value: new Uint8Array(0), name: '' }, { seed: 5 }) }))).toBe('accepted');
    // The list: 85 in the first page (rc 0x0100, next index 85), the rest from there.
    const first = accepted(sut.apply({ kind: 'list-secrets', guest, startIndex: 0 }));
    const page = decodeSecretListPage(first['page'] as Uint8Array);
    expect(first['rc']).toBe(0x0100);
    expect(page.ok && [page.value.storedCount, page.value.totalCount, page.value.nextIndex]).toEqual([85, 88, 85]);
    const rest = accepted(sut.apply({ kind: 'list-secrets', guest, startIndex: 85 }));
    const page2 = decodeSecretListPage(rest['page'] as Uint8Array);
    expect(rest['rc']).toBe(0x0001);
    expect(page2.ok && [page2.value.storedCount, page2.value.nextIndex, page2.value.entries[0]?.index]).toEqual([3, 0, 85]);
    const beyond = accepted(sut.apply({ kind: 'list-secrets', guest, startIndex: 0xffff }));
    expect(beyond['rc']).toBe(1);
    expect(code(sut.apply({ kind: 'list-secrets', guest, startIndex: -1 }))).toBe('INVALID_INDEX');
  });

  it('refuses a reserved type, a bad length and an ID for update-CCK, resealed by the owner', () => {
    const { sut, image, guest } = setup(0xe0n, SCF_BOTH);
    const seed = 7;
    const r = secretRequest(image, { type: SECRET_TYPE.UPDATE_CCK, value: new Uint8Array(32).fill(3), name: '' }, { seed });
    const key = seededBytes(seed ^ 0x5e6f7a8b, 32);
    const at = r.length - 16 - 64 - 48;
    const edited = (edit: (aad: Uint8Array) => void) => resealRequest(r, key, { aad: edit });
    expect(code(sut.apply({ kind: 'add-secret', guest, request: edited((a) => (a[at + 3] = 0x0c)) }))).toBe('ADD_UNSUPPORTED_SECRET');
    expect(code(sut.apply({ kind: 'add-secret', guest, request: edited((a) => (a[at + 7] = 33)) }))).toBe('ADD_INVALID_SECRET_LENGTH');
    expect(code(sut.apply({ kind: 'add-secret', guest, request: edited((a) => (a[at + 40] = 1)) }))).toBe('ADD_UNSUPPORTED_SECRET');
    expect(code(sut.apply({ kind: 'add-secret', guest, request: r }))).toBe('accepted');
  });
});

describe('retrieve-secret', () => {
  it('answers plain text as stored and a key as this machine\'s protected key, into a buffer that holds it', () => {
    const { sut, image, guest } = setup();
    const text = secretOf(SECRET_TYPE.PLAINTEXT, 5, 40);
    const key = secretOf(SECRET_TYPE.EC_P521, 6);
    expect(code(sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 0x2000 }))).toBe('STORE_EMPTY');
    for (const [i, s] of [text, key].entries()) sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, s, { seed: i }) });
    expect(code(sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 47 }))).toBe('BUFFER_TOO_SMALL');
    const plain = accepted(sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 48 }));
    expect(plain['type']).toBe(3);
    expect((plain['plainText'] as Uint8Array).subarray(0, 42)).toEqual(Uint8Array.from([0, 40, ...text.value]));
    (plain['plainText'] as Uint8Array).fill(0xee);
    expect((accepted(sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 48 }))['plainText'] as Uint8Array)[2]).toBe(text.value[0]);
    expect(code(sut.apply({ kind: 'retrieve-secret', guest, index: 1, bufferSize: 111 }))).toBe('BUFFER_TOO_SMALL');
    const pk = accepted(sut.apply({ kind: 'retrieve-secret', guest, index: 1, bufferSize: 112 }))['protectedKey'] as Uint8Array;
    expect(unwrapProtectedKey(PROPERTY_SUITE, cpuWrappingKey(sut.world, 0), SECRET_TYPE.EC_P521, pk, 32)).toEqual(key.value);
    expect(code(sut.apply({ kind: 'retrieve-secret', guest, index: 2, bufferSize: 0x2000 }))).toBe('NO_SECRET_AT_INDEX');
    expect(code(sut.apply({ kind: 'retrieve-secret', guest, index: -1, bufferSize: 0x2000 }))).toBe('INVALID_INDEX');
  });
});

describe('pckmo and backup target keys', () => {
  it('wraps a key of each function by its family bit, of the function\'s length', () => {
    const { sut, guest } = setup(0xf0n);
    for (const fn of PCKMO_FUNCTIONS) {
      const kind = keyKind(fn);
      const size = kind?.keySize ?? 0;
      const pk = accepted(sut.apply({ kind: 'pckmo', guest, function: fn, key: seededBytes(size, size) }))['protectedKey'] as Uint8Array;
      expect(pk, fn).toHaveLength(size + (kind?.patternSize ?? 0));
      expect(code(sut.apply({ kind: 'pckmo', guest, function: fn, key: seededBytes(size, size + 1) }))).toBe('PCKMO_KEY_LENGTH');
    }
    for (const [pcf, allowed] of [
      [0x80n, 'tdea-128'],
      [0x40n, 'aes-xts-256'],
      [0x20n, 'ed448'],
      [0x10n, 'hmac-sha-512'],
    ] as const) {
      const s = setup(pcf);
      for (const fn of PCKMO_FUNCTIONS) {
        const size = keyKind(fn)?.keySize ?? 0;
        const family = keyKind(fn)?.family === keyKind(allowed)?.family;
        expect(code(s.sut.apply({ kind: 'pckmo', guest: s.guest, function: fn, key: new Uint8Array(size) })), `${fn} under PCF 0x${pcf.toString(16)}`).toBe(family ? 'accepted' : 'PCKMO_NOT_ALLOWED');
      }
    }
  });

  it('answers the hashes of the host keys after the first, under PCF bit 62 only', () => {
    const { sut, guest } = setup(0x02n);
    const hashes = accepted(sut.apply({ kind: 'query-backup-keys', guest }))['hashes'] as Uint8Array[];
    expect(hashes).toEqual([hostHash(1)]);
    // The hashes are copies: the caller may change them.
    hashes[0]?.fill(0);
    expect(accepted(sut.apply({ kind: 'query-backup-keys', guest }))['hashes']).toEqual([hostHash(1)]);
    const off = setup(0xfdn);
    expect(code(off.sut.apply({ kind: 'query-backup-keys', guest: off.guest }))).toBe('BACKUP_KEYS_NOT_ALLOWED');
    // Machine 1 holds one host key: no backup target key.
    const image = withControls(baseImage(2), 0x02n, 0n);
    const g = accepted(sut.apply({ kind: 'create-guest', machine: 1, memoryPages: image.base.memoryPages }))['guest'] as number;
    for (const a of [
      { kind: 'set-header', guest: g, header: image.header },
      ...image.base.pages.map((p) => ({ kind: 'unpack', guest: g, address: p.address, tweak: p.tweak, page: p.stored })),
      { kind: 'verify', guest: g },
      { kind: 'start', guest: g },
    ])
      expect(code(sut.apply(a))).toBe('accepted');
    expect(accepted(sut.apply({ kind: 'query-backup-keys', guest: g }))['hashes']).toEqual([]);
  });
});

describe('totality on a running guest', () => {
  it('any bytes, and any prefix or extension of a valid request, are refused without a throw', async () => {
    const fc = (await import('fast-check')).default;
    const { sut, image, guest } = setup(0xf2n, SCF_BOTH);
    const valid = secretRequest(image, secretOf(SECRET_TYPE.AES_256, 1));
    const { arcb } = attestationRequest({ paf: ATTEST_FLAG.nonce, measurementKey: seededBytes(1, 64), nonce: seededBytes(2, 16), hosts: [0], seed: 3 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1600 }), fc.nat(valid.length - 1), fc.nat(arcb.length - 1), fc.uint8Array({ minLength: 1, maxLength: 40 }), (junk, cut, acut, tail) => {
        for (const request of [junk, valid.subarray(0, cut), Uint8Array.from([...valid, ...tail])]) expect(sut.apply({ kind: 'add-secret', guest, request }).kind).toBe('rejected');
        for (const a of [junk, arcb.subarray(0, acut), Uint8Array.from([...arcb, ...tail])]) expect(sut.apply({ kind: 'retrieve-attestation', guest, arcb: a, userData: junk.subarray(0, 256) }).kind).toBe('rejected');
      }),
      { numRuns: 100 },
    );
    expect(guestOf(sut, guest).slices.secrets.secrets).toHaveLength(0);
  });
});
