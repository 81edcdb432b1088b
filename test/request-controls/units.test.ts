// The pure parts of mechanism 3: control bits, key kinds, protected keys, firmware values, the
// mapping of the codecs' failures to the ultravisor's codes, the store's room, request opening.
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../model/core/bytes.js';
import { deriveBytes } from '../../model/crypto/random.js';
import { modelSystem } from '../../model/platform/index.js';
import { addFailureCode, hasRoom, MAX_ASSOCIATION_SECRETS, MAX_RETRIEVABLE_SECRETS } from '../../model/request-controls/add-secret.js';
import { fail, isU16, isZero, openForMachine } from '../../model/request-controls/common.js';
import { CONTROL_BITS, hasBits, msb0, PCKMO_FAMILY_BIT } from '../../model/request-controls/controls.js';
import { cpuWrappingKey, cuidOf, CUID_SIZE, WRAPPING_KEY_SIZE } from '../../model/request-controls/firmware-values.js';
import { keyKind, PCKMO_FUNCTIONS } from '../../model/request-controls/key-kinds.js';
import { DEA_WKVP_SIZE, unwrapProtectedKey, verificationPattern, WKVP_SIZE, wrapProtectedKey } from '../../model/request-controls/protected-key.js';
import { emptySecretStore, associationSecret, type SecretStore } from '../../model/request-controls/store.js';
import { currentCck, dumpAllowed } from '../../model/request-controls/index.js';
import { err, ok } from '../../model/core/result.js';
import type { RequestFailureReason } from '../../model/se-format/uv-request.js';
import { SECRET_TYPE, SECRET_TYPES } from '../../model/se-format/secret-types.js';
import type { Guest } from '../../model/world/world.js';
import { STIMULUS_CONFIG } from '../../properties/request-controls/fixtures.js';
import { PROPERTY_SUITE as suite } from '../../properties/suite.js';

const world = () => {
  const sut = modelSystem({ suite });
  sut.reset(STIMULUS_CONFIG);
  sut.apply({ kind: 'create-guest', machine: 0, memoryPages: 8 });
  sut.apply({ kind: 'create-guest', machine: 1, memoryPages: 8 });
  sut.apply({ kind: 'create-guest', machine: 0, memoryPages: 8 });
  return sut.world;
};

describe('control bits', () => {
  it('are MSB0 bits of their 64-bit fields', () => {
    expect(msb0(0)).toBe(0x8000000000000000n);
    expect(msb0(63)).toBe(1n);
    expect(CONTROL_BITS.dumpAllowed).toBe(msb0(34));
    expect(CONTROL_BITS.dumpAllowed).toBe(0x20000000n);
    expect(CONTROL_BITS.backupTargetKeys).toBe(msb0(62));
    expect(CONTROL_BITS.extensionSecret).toBe(msb0(1));
    expect(CONTROL_BITS.cckUpdate).toBe(msb0(2));
    expect(PCKMO_FAMILY_BIT).toEqual({ dea: msb0(56), aes: msb0(57), ecc: msb0(58), hmac: msb0(59) });
  });

  it('hasBits needs every bit of the mask', () => {
    expect(hasBits(0b1010n, 0b1000n)).toBe(true);
    expect(hasBits(0b1010n, 0b1010n)).toBe(true);
    expect(hasBits(0b1010n, 0b1100n)).toBe(false);
    expect(hasBits(0n, 0n)).toBe(true);
  });
});

describe('key kinds', () => {
  it('every key type of the secret table is a kind of its payload size, with a 32-byte pattern, in its family', () => {
    const keys = SECRET_TYPES.filter((t) => t.protectedKeySize !== undefined);
    expect(keys).toHaveLength(12);
    for (const t of keys) {
      for (const of of [t.code, t.name]) {
        const k = keyKind(of);
        expect(k, t.name).toEqual({
          name: t.name,
          family: t.name.startsWith('aes') ? 'aes' : t.name.startsWith('hmac') ? 'hmac' : 'ecc',
          keySize: t.payloadSize,
          patternSize: WKVP_SIZE,
          code: t.code,
        });
        expect((k?.keySize ?? 0) + (k?.patternSize ?? 0)).toBe(t.protectedKeySize);
      }
    }
  });

  it('TDEA is the DEA family, with the 24-byte pattern; plain text, association, null, update-CCK and unknowns are no kind', () => {
    expect(keyKind('tdea-128')).toEqual({ name: 'tdea-128', family: 'dea', keySize: 16, patternSize: DEA_WKVP_SIZE, code: 0x0102 });
    expect(keyKind('tdea-192')).toEqual({ name: 'tdea-192', family: 'dea', keySize: 24, patternSize: DEA_WKVP_SIZE, code: 0x0103 });
    for (const of of [SECRET_TYPE.PLAINTEXT, SECRET_TYPE.ASSOCIATION, SECRET_TYPE.NULL, SECRET_TYPE.UPDATE_CCK, 0x0b, 'dea', 'toString', 'plaintext']) expect(keyKind(of), String(of)).toBeUndefined();
    for (const fn of PCKMO_FUNCTIONS) expect(keyKind(fn)?.name).toBe(fn);
  });
});

describe('protected keys', () => {
  const wk = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
  const key = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);

  it('are the wrapped key and the pattern, as long as the key and the pattern, and unwrap', () => {
    const pk = wrapProtectedKey(suite, wk, 6, key, 32);
    expect(pk).toHaveLength(64);
    expect(pk?.subarray(32)).toEqual(verificationPattern(suite, wk, 32));
    expect(verificationPattern(suite, wk, 32)).toEqual(suite.hmac('sha256', wk, utf8ToBytes('semodel/request-controls/wkvp')));
    expect(verificationPattern(suite, wk, 24)).toEqual(verificationPattern(suite, wk, 32).subarray(0, 24));
    expect(pk?.subarray(0, 32)).not.toEqual(key);
    expect(unwrapProtectedKey(suite, wk, 6, pk ?? new Uint8Array(0), 32)).toEqual(key);
  });

  it('pin the tweak: kind code and key length, big-endian, then zeros', () => {
    const long = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const tweak = Uint8Array.from([0x01, 0x02, 0x01, 0x2c, ...new Array<number>(12).fill(0)]);
    expect(wrapProtectedKey(suite, wk, 0x0102, long, 24)?.subarray(0, 300)).toEqual(suite.aesXtsEncrypt(wk, tweak, long));
    const short = Uint8Array.from([0x00, 0x06, 0x00, 0x20, ...new Array<number>(12).fill(0)]);
    expect(wrapProtectedKey(suite, wk, 6, key, 32)?.subarray(0, 32)).toEqual(suite.aesXtsEncrypt(wk, short, key));
    // Another kind or another machine's key wraps the same key differently.
    expect(wrapProtectedKey(suite, wk, 7, key, 32)).not.toEqual(wrapProtectedKey(suite, wk, 6, key, 32));
    expect(wrapProtectedKey(suite, wk.map((b) => b ^ 1), 6, key, 32)).not.toEqual(wrapProtectedKey(suite, wk, 6, key, 32));
  });

  it('are undefined for keys under 16 bytes and wrapping keys of another size; unwrap checks the pattern', () => {
    expect(wrapProtectedKey(suite, wk, 6, new Uint8Array(15), 32)).toBeUndefined();
    expect(wrapProtectedKey(suite, wk, 6, new Uint8Array(16), 32)).toHaveLength(48);
    expect(wrapProtectedKey(suite, wk.subarray(0, 32), 6, key, 32)).toBeUndefined();
    const pk = wrapProtectedKey(suite, wk, 6, key, 32) ?? new Uint8Array(0);
    const bad = pk.slice();
    bad[63] = (bad[63] ?? 0) ^ 1;
    expect(unwrapProtectedKey(suite, wk, 6, bad, 32)).toBeUndefined();
    expect(unwrapProtectedKey(suite, wk, 6, pk.subarray(0, 47), 32)).toBeUndefined();
    expect(unwrapProtectedKey(suite, wk, 6, pk.subarray(0, 48), 32)).toBeUndefined();
    const sixteen = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect(unwrapProtectedKey(suite, wk, 4, wrapProtectedKey(suite, wk, 4, sixteen, 32) ?? new Uint8Array(0), 32)).toEqual(sixteen);
    expect(unwrapProtectedKey(suite, wk.subarray(0, 48), 6, pk, 32)).toBeUndefined();
    // The size checks come first: a right pattern after a key under 16 bytes, or made with a
    // wrapping key of another size, is refused without reaching the decryption.
    expect(unwrapProtectedKey(suite, wk, 6, Uint8Array.from([...new Uint8Array(15), ...verificationPattern(suite, wk, 32)]), 32)).toBeUndefined();
    const wk32 = wk.subarray(0, 32);
    expect(unwrapProtectedKey(suite, wk32, 6, Uint8Array.from([...new Uint8Array(16), ...verificationPattern(suite, wk32, 32)]), 32)).toBeUndefined();
  });
});

describe('firmware values', () => {
  it('each guest has its own CUID, derived from its machine seed and its ID', () => {
    const w = world();
    const [g1, g2, g3] = [1, 2, 3].map((id) => w.guests.get(id) as Guest);
    const c = [g1, g2, g3].map((g) => cuidOf(w, g as Guest));
    expect(c[0]).toHaveLength(CUID_SIZE);
    expect(new Set(c.map(bytesToHex)).size).toBe(3);
    const seed = w.machines.get(0)?.firmware.rng.seed ?? new Uint8Array(0);
    expect(c[0]).toEqual(deriveBytes(suite, seed, 'semodel/request-controls/cuid/1', 16));
    expect(cuidOf(w, g1 as Guest)).toEqual(c[0]);
  });

  it('each machine has its own 64-byte CPU wrapping key', () => {
    const w = world();
    const k0 = cpuWrappingKey(w, 0);
    expect(k0).toHaveLength(WRAPPING_KEY_SIZE);
    expect(k0).toEqual(deriveBytes(suite, w.machines.get(0)?.firmware.rng.seed ?? new Uint8Array(0), 'semodel/request-controls/cpu-wrapping-key', 64));
    expect(cpuWrappingKey(w, 1)).not.toEqual(k0);
  });
});

describe('the codecs failures as ultravisor codes', () => {
  const f = (check: 'format' | 'key-slot' | 'request-auth' | 'secret-header' | 'extension-secret', reason: RequestFailureReason) => addFailureCode({ check, reason, message: '' });
  it('maps every check and reason', () => {
    expect(f('format', 'nks')).toBe('ADD_INVALID_HOST_KEYS');
    for (const r of ['magic', 'user-data-type', 'version'] as const) expect(f('format', r)).toBe('ADD_UNSUPPORTED_VERSION');
    expect(f('format', 'flags')).toBe('ADD_UNSUPPORTED_FLAGS');
    for (const r of ['size', 'sea', 'customer-key'] as const) expect(f('format', r)).toBe('ADD_INVALID_SIZE');
    expect(f('key-slot', 'no-slot')).toBe('ADD_NO_KEY_SLOT');
    for (const r of ['slot-unwrap', 'customer-key'] as const) expect(f('key-slot', r)).toBe('ADD_REQUEST_AUTH');
    expect(f('request-auth', 'tag')).toBe('ADD_REQUEST_AUTH');
    expect(f('secret-header', 'secret-type')).toBe('ADD_UNSUPPORTED_SECRET');
    expect(f('secret-header', 'secret-id')).toBe('ADD_UNSUPPORTED_SECRET');
    expect(f('secret-header', 'secret-length')).toBe('ADD_INVALID_SECRET_LENGTH');
    expect(f('extension-secret', 'extension-secret')).toBe('EXTENSION_SECRET_MISMATCH');
  });
});

describe('the store', () => {
  const secret = (index: number, type: number) => ({ index, type, id: new Uint8Array(32), value: new Uint8Array(32) });
  const store = (assoc: number, other: number): SecretStore => ({
    ...emptySecretStore(),
    secrets: [...Array.from({ length: assoc }, (_, i) => secret(i, SECRET_TYPE.ASSOCIATION)), ...Array.from({ length: other }, (_, i) => secret(assoc + i, SECRET_TYPE.AES_256))],
  });

  it('has room for each class up to its limit, and always for the types it does not keep', () => {
    expect(emptySecretStore()).toEqual({ secrets: [], requestTags: [], locked: false, dumpDisabled: false, cck: null });
    expect(hasRoom(store(MAX_ASSOCIATION_SECRETS - 1, MAX_RETRIEVABLE_SECRETS), SECRET_TYPE.ASSOCIATION)).toBe(true);
    expect(hasRoom(store(MAX_ASSOCIATION_SECRETS, 0), SECRET_TYPE.ASSOCIATION)).toBe(false);
    expect(hasRoom(store(MAX_ASSOCIATION_SECRETS, 0), SECRET_TYPE.PLAINTEXT)).toBe(true);
    expect(hasRoom(store(0, MAX_RETRIEVABLE_SECRETS - 1), SECRET_TYPE.AES_128)).toBe(true);
    expect(hasRoom(store(0, MAX_RETRIEVABLE_SECRETS), SECRET_TYPE.PLAINTEXT)).toBe(false);
    expect(hasRoom(store(0, MAX_RETRIEVABLE_SECRETS), SECRET_TYPE.ASSOCIATION)).toBe(true);
    for (const t of [SECRET_TYPE.NULL, SECRET_TYPE.UPDATE_CCK, 0x0b]) expect(hasRoom(store(MAX_ASSOCIATION_SECRETS, MAX_RETRIEVABLE_SECRETS), t)).toBe(true);
  });

  it('gives association secrets by index, and only those', () => {
    const s = store(1, 1);
    expect(associationSecret(s, 0)?.type).toBe(SECRET_TYPE.ASSOCIATION);
    expect(associationSecret(s, 1)).toBeUndefined();
    expect(associationSecret(s, 2)).toBeUndefined();
  });

  it('the CCK in force and whether dumping is allowed', () => {
    const w = world();
    const g = w.guests.get(1) as Guest;
    expect(currentCck(g)).toBeUndefined();
    expect(dumpAllowed(g)).toBe(false);
    const image = { headerBytes: new Uint8Array(0), pcf: CONTROL_BITS.dumpAllowed, scf: 0n, psw: { mask: 0n, addr: 0n }, cck: new Uint8Array(32).fill(1), pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), nep: 1n, headerTag: new Uint8Array(16), customerPublicKey: { x: new Uint8Array(66), y: new Uint8Array(66) } };
    const booted: Guest = { ...g, image };
    expect(currentCck(booted)).toEqual(image.cck);
    expect(dumpAllowed(booted)).toBe(true);
    expect(dumpAllowed({ ...booted, image: { ...image, pcf: 0n } })).toBe(false);
    const updated: Guest = { ...booted, slices: { ...booted.slices, secrets: { ...booted.slices.secrets, cck: new Uint8Array(32).fill(2), dumpDisabled: true } } };
    expect(currentCck(updated)).toEqual(new Uint8Array(32).fill(2));
    expect(dumpAllowed(updated)).toBe(false);
  });
});

describe('common helpers', () => {
  it('isU16 and isZero', () => {
    for (const n of [0, 1, 0xffff]) expect(isU16(n)).toBe(true);
    for (const n of [-1, 0x10000, 1.5, Number.NaN]) expect(isU16(n)).toBe(false);
    expect(isZero(new Uint8Array(16))).toBe(true);
    expect(isZero(Uint8Array.of(0, 0, 1))).toBe(false);
    expect(isZero(new Uint8Array(0))).toBe(true);
  });

  it('fail names the code and its requirement and keeps the guest', () => {
    const g = world().guests.get(1) as Guest;
    expect(fail(g, 'STORE_FULL')).toEqual({ guest: g, outcome: { kind: 'rejected', code: 'STORE_FULL', requirement: 'REQ-CTRL-15' } });
  });

  it('opens with the first host key a slot names: a no-slot failure tries the next, any other answer is final', () => {
    const w = world();
    const g = w.guests.get(1) as Guest;
    const hosts = w.machines.get(0)?.firmware.hostKeys ?? [];
    const tried: number[] = [];
    const noSlot = err({ check: 'key-slot' as const, reason: 'no-slot' as const, message: 'none' });
    const second = openForMachine(w, g, (h) => {
      tried.push(hosts.indexOf(h));
      return tried.length === 1 ? noSlot : ok(7);
    });
    expect(second).toEqual({ ok: true, value: { value: 7, host: hosts[1] } });
    expect(tried).toEqual([0, 1]);
    const stops: number[] = [];
    const auth = err({ check: 'key-slot' as const, reason: 'slot-unwrap' as const, message: 'bad' });
    expect(openForMachine(w, g, (h) => (stops.push(hosts.indexOf(h)), auth))).toEqual(auth);
    expect(stops).toEqual([0]);
    const format = err({ check: 'format' as const, reason: 'no-slot' as const, message: 'odd' });
    const formatTried: number[] = [];
    expect(openForMachine(w, g, (h) => (formatTried.push(hosts.indexOf(h)), format))).toEqual(format);
    expect(formatTried).toEqual([0]);
    expect(openForMachine(w, g, () => noSlot)).toEqual(noSlot);
    const keyless = { ...w, machines: w.machines.set(0, { id: 0, firmware: { ...(w.machines.get(0)?.firmware ?? { rng: { seed: new Uint8Array(0), counter: 0 }, slices: {} }), hostKeys: [] } }) };
    const none = openForMachine(keyless, g, () => ok(1));
    expect(none.ok === false && none.error).toEqual({ check: 'key-slot', reason: 'no-slot', message: 'this machine holds no host key' });
  });
});
