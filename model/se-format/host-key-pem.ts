/**
 * Host keys from PEM text: a P-521 private key (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`),
 * a public key (SPKI `PUBLIC KEY`) or an X.509 certificate (`CERTIFICATE`), turned into the
 * model's {@link HostKey} (66-byte values). The one PEM reader of the project: the CLI, the tests
 * and users of the conformance guide all call it. Parsing uses node:crypto (the model's node
 * suite already depends on it).
 * @module
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { equalBytes, leftPad } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { P521_COORDINATE_SIZE } from './format.js';
import { hostKeyFromPublic, type HostKey } from './host-key.js';

/** What a PEM text held. */
export type HostKeyKind = 'private key' | 'public key' | 'certificate';

/** A host key read from PEM, and what kind of block it came from. */
export type PemHostKey = HostKey & { readonly kind: HostKeyKind };

/** PEM labels, in the order they are looked for (an `EC PARAMETERS` block may come first). */
function labels(): readonly (readonly [string, HostKeyKind | 'encrypted'])[] {
  return [
    ['ENCRYPTED PRIVATE KEY', 'encrypted'],
    ['EC PRIVATE KEY', 'private key'],
    ['PRIVATE KEY', 'private key'],
    ['PUBLIC KEY', 'public key'],
    ['CERTIFICATE', 'certificate'],
  ];
}

const EXPECTED = 'a P-521 private key, public key or certificate in PEM form';

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** A base64url JWK value as a 66-byte big-endian number, or undefined if it does not fit. */
function jwkValue(v: string | undefined): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const raw = new Uint8Array(Buffer.from(v, 'base64url'));
  // Stryker disable next-line ConditionalExpression: node:crypto only yields keys on secp521r1 here, whose JWK values are never longer than 66 bytes
  return raw.length > P521_COORDINATE_SIZE ? undefined : leftPad(raw, P521_COORDINATE_SIZE);
}

function keyObjectOf(text: string): Result<{ key: KeyObject; kind: HostKeyKind }, string> {
  const found = labels().find(([label]) => text.includes(`-----BEGIN ${label}-----`));
  if (found === undefined) {
    if (text.includes('-----BEGIN ')) return err(`a PEM "${/-----BEGIN ([^-]+)-----/.exec(text)?.[1] ?? '?'}" block; expected ${EXPECTED}`);
    return err(`not a PEM file; expected ${EXPECTED}`);
  }
  const [label, kind] = found;
  if (kind === 'encrypted') return err('the private key is encrypted; give it unencrypted (PKCS#8 or SEC1 PEM)');
  try {
    if (kind === 'certificate') return ok({ key: new X509Certificate(text).publicKey, kind });
    if (kind === 'public key') return ok({ key: createPublicKey({ key: text, format: 'pem' }), kind });
    return ok({ key: createPrivateKey({ key: text, format: 'pem' }), kind });
  } catch (e) {
    return err(`cannot parse its "${label}" PEM block (${firstLine(e)})`);
  }
}

/**
 * The host key a PEM text holds: a P-521 (secp521r1) EC private key, public key or certificate.
 * The error says what is wrong (not PEM, not EC, another curve, encrypted, a scalar that does
 * not match its public point), without naming a file: callers add that.
 * @example
 * ```ts
 * const k = hostKeyFromPem(nobleSuite, readFileSync('host.pem', 'latin1'));
 * if (k.ok) k.value.phkh; // the hash a header's key slot names this host by
 * ```
 */
export function hostKeyFromPem(suite: CryptoSuite, text: string): Result<PemHostKey, string> {
  const parsed = keyObjectOf(text);
  if (!parsed.ok) return parsed;
  const { key, kind } = parsed.value;
  // Stryker disable next-line StringLiteral: a public or private KeyObject always has an asymmetricKeyType; the fallback is unreachable
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type !== 'ec') return err(`the ${kind} is not an EC key (${type.toUpperCase()}); a host key must be a P-521 (secp521r1) EC key`);
  // Stryker disable next-line StringLiteral: OpenSSL 3 names every EC curve node can load (explicit parameters are mapped to the named curve), so 'an unnamed curve' is unreachable; the message itself is asserted for prime256v1
  if (curve !== 'secp521r1') return err(`the ${kind} is an EC key on ${curve ?? 'an unnamed curve'}; a host key must be on P-521 (secp521r1)`);
  const jwk = key.export({ format: 'jwk' });
  const x = jwkValue(jwk.x);
  const y = jwkValue(jwk.y);
  // Stryker disable next-line StringLiteral: an EC KeyObject on secp521r1 always exports x and y of at most 66 bytes; the message is unreachable
  if (x === undefined || y === undefined) return err(`the ${kind} has no valid P-521 public point`);
  const publicKey: EcPoint = { x, y };
  const base = hostKeyFromPublic(suite, publicKey);
  if (kind !== 'private key') return ok({ ...base, kind });
  const privateKey = jwkValue(jwk.d);
  const derived = privateKey === undefined ? undefined : suite.ecPublicKey('p521', privateKey);
  if (privateKey === undefined || derived === undefined || !equalBytes(derived.x, x) || !equalBytes(derived.y, y)) {
    return err('the private key is not a valid P-521 scalar for its public key');
  }
  return ok({ ...base, privateKey, kind });
}
