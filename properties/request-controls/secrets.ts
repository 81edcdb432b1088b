/**
 * Secrets an owner adds, drawn over every listable type of the reference: association secrets,
 * plain text of any length up to a few hundred bytes, and every key type with a key of its size.
 * Values come from a seeded generator: full entropy, cheap to draw and to shrink.
 * @module
 */
import fc from 'fast-check';
import { SECRET_TYPE, SECRET_TYPES, type SecretTypeInfo } from '../../model/se-format/secret-types.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import type { SecretSpec } from './requests.js';

/** The key types: those that come back as protected keys. */
export const KEY_TYPES: readonly SecretTypeInfo[] = SECRET_TYPES.filter((t) => t.protectedKeySize !== undefined);

/** A secret of type `code` whose value derives from `seed` (plain text: `length` bytes). */
export function secretOf(code: number, seed: number, length = 24): SecretSpec {
  const t = SECRET_TYPES.find((x) => x.code === code);
  const size = t?.payloadSize ?? length;
  return { type: code, value: seededBytes(seed, size), name: `secret ${code} ${seed}` };
}

/** A key secret of any key type. */
export const arbKeySecret: fc.Arbitrary<SecretSpec> = fc.record({ t: fc.constantFrom(...KEY_TYPES), seed: fc.nat() }).map(({ t, seed }) => secretOf(t.code, seed));

/** A listable secret of any type: association, plain text (0 to 300 bytes), or a key. */
export const arbSecret: fc.Arbitrary<SecretSpec> = fc.oneof(
  fc.nat().map((seed) => secretOf(SECRET_TYPE.ASSOCIATION, seed)),
  fc.record({ seed: fc.nat(), length: fc.nat(300) }).map(({ seed, length }) => secretOf(SECRET_TYPE.PLAINTEXT, seed, length)),
  arbKeySecret,
);
