/**
 * Keys and arbitraries for the request-format tests: P-521 key pairs derived from seeds (valid
 * by construction), and generators of the requests' inputs.
 * @module
 */
import fc from 'fast-check';
import { equalBytes, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { deriveBuildSecrets } from '../../model/se-format/image-builder.js';
import type { HostKeyPair } from '../../model/se-format/host-key.js';
import { phkh, type CustomerKey } from '../../model/se-format/header-keys.js';
import type { AsrcbBuildInput } from '../../model/se-format/asrcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';

/** A P-521 key pair from a label (the same label, the same key). */
export function keyPair(label: string): HostKeyPair & { readonly phkh: Uint8Array } {
  const d = deriveBuildSecrets(nodeSuite, nodeSuite.sha256(utf8ToBytes(label))).customer.privateKey;
  const publicKey = nodeSuite.ecPublicKey('p521', d) as EcPoint;
  return { privateKey: d, publicKey, phkh: phkh(nodeSuite, publicKey) };
}

/** Four host keys to draw from. */
export const HOSTS = [0, 1, 2, 3].map((i) => keyPair(`host-${i}`));

/** Four customer keys to draw from. */
export const CUSTOMERS = [0, 1, 2, 3].map((i) => keyPair(`customer-${i}`));

/** Bytes of exactly `n`. */
export const bytesOf = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

/** 1 to 3 host keys from the pool, repeats allowed (a repeat gives a second slot). */
export const hostChoice = fc.array(fc.integer({ min: 0, max: HOSTS.length - 1 }), { minLength: 1, maxLength: 3 });

/**
 * Customer `i` as a builder takes it without doing ECDH: its public key and the shared X with
 * each pool host, computed once (P-521 ECDH is the cost of these tests). Builders given the
 * private scalar are tested by the vectors and the CLI.
 */
export function customerKey(i: number): CustomerKey {
  const c = CUSTOMERS[i] as (typeof CUSTOMERS)[number];
  const shared = HOSTS.map((h) => nodeSuite.ecdh('p521', c.privateKey, h.publicKey) as Uint8Array);
  const cached = (host: EcPoint): Uint8Array | undefined => {
    const at = HOSTS.findIndex((h) => equalBytes(h.publicKey.x, host.x) && equalBytes(h.publicKey.y, host.y));
    return at < 0 ? nodeSuite.ecdh('p521', c.privateKey, host) : shared[at];
  };
  return { publicKey: c.publicKey, agree: cached };
}

/** The four customers as {@link customerKey} gives them. */
export const CUSTOMER_KEYS: readonly CustomerKey[] = CUSTOMERS.map((_, i) => customerKey(i));

/** A customer key from the pool. */
export const customerChoice = fc.integer({ min: 0, max: CUSTOMERS.length - 1 });

/** The image a request binds to. */
export const bootTagsArb = fc.record({ pld: bytesOf(64), ald: bytesOf(64), tld: bytesOf(64), headerTag: bytesOf(16) });

/** A copy of `b` with bit `bit` of byte `at` flipped. */
export function flipBit(b: Uint8Array, at: number, bit: number): Uint8Array {
  const out = b.slice();
  out[at] = (out[at] ?? 0) ^ (1 << bit);
  return out;
}

/**
 * A plain add-secret request input for `host`: request key `key`, customer 0, an association
 * secret, zero boot tags and CUID, no extension secret. Tests change the field they look at.
 */
export function asrcbInputFor(host: EcPoint, key: Uint8Array): AsrcbBuildInput {
  const customer = CUSTOMERS[0] as (typeof CUSTOMERS)[number];
  return {
    iv: new Uint8Array(12).fill(1),
    requestKey: key,
    customer: { privateKey: customer.privateKey },
    hostKeys: [host],
    flags: 0n,
    bootTags: { pld: new Uint8Array(64), ald: new Uint8Array(64), tld: new Uint8Array(64), headerTag: new Uint8Array(16) },
    cuid: new Uint8Array(16),
    secret: { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32).fill(9), name: 'a' },
    extensionSecret: { mode: 'none' },
  };
}
