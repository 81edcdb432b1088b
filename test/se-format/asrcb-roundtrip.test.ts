/**
 * ASRCB for random inputs and every secret type of the reference: build → open (machine side
 * with the host private key, owner side with the customer key and host public key) gives back
 * every field; user data of every type keeps its layout, and the signed types verify; any one
 * bit flipped, or a cut, fails at a check and never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSuite as suite } from '../../model/crypto/node-suite.js';
import {
  ADD_SECRET_FLAG_DISABLE_DUMP,
  asrcbUserData,
  buildAsrcb,
  decodeAsrcb,
  openAsrcb,
  verifyUserDataSignature,
  type AsrcbBuildInput,
} from '../../model/se-format/asrcb.js';
import { deriveExtensionSecret } from '../../model/se-format/extension-secret.js';
import { plaintextPayloadSize, SECRET_TYPES, secretId, type SecretTypeInfo } from '../../model/se-format/secret-types.js';
import { USER_DATA_TYPE, type UserDataInput } from '../../model/se-format/user-data.js';
import { PROPERTY_RUNS } from '../runs.js';
import type { CustomerKey } from '../../model/se-format/header-keys.js';
import { bootTagsArb, bytesOf, CUSTOMER_KEYS, CUSTOMERS, customerChoice, flipBit, hostChoice, HOSTS } from './request-fixtures.js';

const RUNS = { numRuns: PROPERTY_RUNS };

/** A value of the right size for a type (plain text: 0 to 300 bytes, sometimes the maximum 8190). */
const valueOf = (t: SecretTypeInfo): fc.Arbitrary<Uint8Array> =>
  t.payloadSize === undefined ? fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ maxLength: 300 }) }, { weight: 1, arbitrary: bytesOf(8190) }) : bytesOf(t.payloadSize);

/** A fake RSA signer of the right size: SHA-512 of the message, repeated (the layout and order are what is tested). */
const fakeRsa = (size: number) => (message: Uint8Array): Uint8Array => {
  const d = suite.sha512(message);
  return Uint8Array.from({ length: size }, (_, i) => d[i % 64] as number);
};
const fakeRsaVerify = (size: number) => (message: Uint8Array, signature: Uint8Array): boolean => {
  const want = fakeRsa(size)(message);
  return want.length === signature.length && want.every((b, i) => b === signature[i]);
};

const userDataArb: fc.Arbitrary<UserDataInput> = fc.oneof(
  fc.constant({ type: 0 as const }),
  fc.uint8Array({ maxLength: 512 }).map((data) => ({ type: 1 as const, data })),
  fc.tuple(fc.uint8Array({ maxLength: 256 }), customerChoice).map(([data, k]) => ({ type: 2 as const, data, signingKey: (CUSTOMERS[k] as (typeof CUSTOMERS)[number]).privateKey })),
  fc.uint8Array({ maxLength: 256 }).map((data) => ({ type: 3 as const, data, sign: fakeRsa(256) })),
  fc.uint8Array({ maxLength: 128 }).map((data) => ({ type: 4 as const, data, sign: fakeRsa(384) })),
);

/** A request of one of `types` with everything else drawn. */
const caseArbOf = (types: readonly SecretTypeInfo[]) =>
  fc.constantFrom(...types).chain((type) =>
    fc.record({
      type: fc.constant(type),
      value: valueOf(type),
      name: fc.string({ maxLength: 40 }),
      iv: bytesOf(12),
      requestKey: bytesOf(32),
      customer: customerChoice,
      hosts: hostChoice,
      dump: fc.boolean(),
      bootTags: bootTagsArb,
      cuid: fc.oneof(bytesOf(16), fc.constant(new Uint8Array(16))),
      ext: fc.oneof(fc.constant({ mode: 'none' as const }), bytesOf(32).map((value) => ({ mode: 'given' as const, value })), bytesOf(32).map((cck) => ({ mode: 'derived' as const, cck }))),
      userData: userDataArb,
    }),
  );

const caseArb = caseArbOf(SECRET_TYPES);

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function inputOf(c: Case): AsrcbBuildInput {
  return {
    iv: c.iv,
    requestKey: c.requestKey,
    customer: CUSTOMER_KEYS[c.customer] as CustomerKey,
    hostKeys: c.hosts.map((h) => (HOSTS[h] as (typeof HOSTS)[number]).publicKey),
    flags: c.dump ? ADD_SECRET_FLAG_DISABLE_DUMP : 0n,
    bootTags: c.bootTags,
    cuid: c.cuid,
    secret: c.type.listable ? { type: c.type.code, value: c.value, name: c.name } : { type: c.type.code, value: c.value },
    extensionSecret: c.ext,
    userData: c.userData,
  };
}

function build(c: Case): Uint8Array {
  const r = buildAsrcb(suite, inputOf(c));
  if (!r.ok) throw new Error(`${r.error.field}: ${r.error.message}`);
  return r.value;
}

const expectedExtension = (c: Case): Uint8Array =>
  c.ext.mode === 'none' ? new Uint8Array(32) : c.ext.mode === 'given' ? c.ext.value : deriveExtensionSecret(suite, c.ext.cck, c.bootTags.headerTag);

describe('ASRCB round trips, every secret type', () => {
  // One property per type, so that every type is drawn whatever the run count.
  it.each(SECRET_TYPES.map((t) => [t.name, t] as const))('%s: build → open from the machine side and the owner side gives back every field', (_, type) => {
    fc.assert(
      fc.property(caseArbOf([type]), (c) => {
        const bytes = build(c);
        const payloadSize = c.type.payloadSize ?? plaintextPayloadSize(c.value.length);
        expect(bytes.length).toBe(0x4b8 + 80 * c.hosts.length + c.type.headerSize + payloadSize + 32 + 16);
        const host = HOSTS[c.hosts[0] as number] as (typeof HOSTS)[number];
        const customer = CUSTOMERS[c.customer] as (typeof CUSTOMERS)[number];
        const openers = [
          { kind: 'host' as const, host },
          { kind: 'owner' as const, customerPrivateKey: customer.privateKey, hostPublicKey: host.publicKey },
        ];
        for (const opener of openers) {
          const o = openAsrcb(suite, bytes, opener, { expectedExtensionSecret: expectedExtension(c) });
          expect(o.ok).toBe(true);
          if (!o.ok) return;
          const a = o.value.asrcb;
          expect(o.value.slotIndex).toBe(0);
          expect(o.value.secret).toEqual(c.value);
          expect(o.value.extensionSecret).toEqual(expectedExtension(c));
          expect(a.secretHeader).toEqual({
            type: c.type.code,
            length: payloadSize,
            ...(c.type.headerSize === 48 ? { id: c.type.listable ? secretId(suite, c.name) : new Uint8Array(32) } : {}),
            size: c.type.headerSize,
          });
          expect(a.flags).toBe(c.dump ? ADD_SECRET_FLAG_DISABLE_DUMP : 0n);
          expect(a.bootTags).toEqual(c.bootTags);
          expect(a.cuid).toEqual(c.cuid);
          expect(a.header.iv).toEqual(c.iv);
          expect(a.header.nks).toBe(c.hosts.length);
          expect(a.keySlots.map((s) => s.phkh)).toEqual(c.hosts.map((h) => HOSTS[h]?.phkh));
          expect(a.customerPublicKey).toEqual(customer.publicKey);
          expect(a.userDataType).toBe(c.userData.type);
          const data = asrcbUserData(a);
          if (c.userData.type !== 0) expect(data.subarray(0, c.userData.data.length)).toEqual(c.userData.data);
          expect(data.subarray(c.userData.type === 0 ? 0 : c.userData.data.length).every((b) => b === 0)).toBe(true);
        }
      }),
      { numRuns: Math.max(3, Math.ceil(PROPERTY_RUNS / SECRET_TYPES.length)) },
    );
  });

  it('signed user data verifies with its key, and fails with another or once any bit of the request changes', () => {
    const signed = caseArb.filter((c) => c.userData.type >= 2);
    fc.assert(
      fc.property(signed, fc.nat(), fc.integer({ min: 0, max: 7 }), (c, at, bit) => {
        const bytes = build(c);
        const ud = c.userData;
        const right =
          ud.type === USER_DATA_TYPE.ECDSA_P521 ? { publicKey: suite.ecPublicKey('p521', ud.signingKey) as never } : { verify: fakeRsaVerify(ud.type === 3 ? 256 : 384) };
        expect(verifyUserDataSignature(suite, bytes, right)).toBe(true);
        const wrong =
          ud.type === USER_DATA_TYPE.ECDSA_P521 ? { publicKey: (CUSTOMERS.find((k) => k.privateKey !== ud.signingKey) as (typeof CUSTOMERS)[number]).publicKey } : { verify: () => false };
        expect(verifyUserDataSignature(suite, bytes, wrong)).toBe(false);
        // A change outside the tag and the signature area breaks the signature.
        const where = at % (bytes.length - 16);
        const sigStart = 0x218 + (ud.type === 4 ? 0x80 : 0x100);
        fc.pre(where < sigStart || where >= 0x218 + 512);
        expect(verifyUserDataSignature(suite, flipBit(bytes, where, bit), right)).toBe(false);
      }),
      { numRuns: Math.max(20, PROPERTY_RUNS / 4) },
    );
  });

  it('any one bit flipped fails at a named check, never throws', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (c, at, bit) => {
        const bytes = build(c);
        const flipped = flipBit(bytes, at % bytes.length, bit);
        const host = HOSTS[c.hosts[0] as number] as (typeof HOSTS)[number];
        const r = openAsrcb(suite, flipped, { kind: 'host', host }, { expectedExtensionSecret: expectedExtension(c) });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(['format', 'key-slot', 'request-auth', 'secret-header', 'extension-secret']).toContain(r.error.check);
      }),
      RUNS,
    );
  });

  it('a cut or extended request is a format failure, never a throw; random bytes never throw', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.uint8Array({ maxLength: 1500 }), (c, cut, random) => {
        const bytes = build(c);
        const r = openAsrcb(suite, bytes.subarray(0, cut % bytes.length), { kind: 'request-key', requestKey: c.requestKey });
        expect(r.ok ? undefined : r.error.check).toBe('format');
        const long = openAsrcb(suite, new Uint8Array([...bytes, 0]), { kind: 'request-key', requestKey: c.requestKey });
        expect(long.ok ? undefined : long.error.check).toBe('format');
        expect(() => decodeAsrcb(random)).not.toThrow();
        expect(openAsrcb(suite, random, { kind: 'request-key', requestKey: c.requestKey }).ok).toBe(false);
      }),
      RUNS,
    );
  });
});
