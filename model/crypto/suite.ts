/**
 * The one interface through which the model uses cryptography. Two implementations exist: the
 * default on the noble libraries (pure, audited, runs anywhere) and one on node:crypto (for speed). Both give
 * byte-identical results; the test suite proves it.
 *
 * Conventions: every function is deterministic; sizes are validated and a wrong size throws a
 * RangeError (reducers validate their input before they call the suite, so a reducer never
 * throws); an authentication failure or an invalid point is `undefined`, never an exception.
 * @module
 */

/** Hash functions the suite offers for HMAC and HKDF. */
export type HashName = 'sha256' | 'sha512';

/** Elliptic curves the suite offers for ECDH and ECDSA. */
export type CurveName = 'p256' | 'p521';

/** Bytes of one coordinate (and of a private scalar) on each curve. */
export const CURVE_FIELD_BYTES: Readonly<Record<CurveName, number>> = { p256: 32, p521: 66 };

/**
 * How ECDSA signs in both suites (noble's options): the given message digest as is, a low S, and
 * the signature as r ‖ s. With RFC 6979 nonces this makes signatures byte-identical across suites.
 */
export const ECDSA_SIGN_OPTIONS = { prehash: false, lowS: true, format: 'compact' } as const;

/** An affine curve point, each coordinate big-endian and exactly the curve's field size. */
export interface EcPoint {
  readonly x: Uint8Array;
  readonly y: Uint8Array;
}

/** AES-GCM output: ciphertext (same length as the plaintext) and a 16-byte tag. */
export interface Sealed {
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * An incremental SHA-512 value. It is immutable: `update` returns a new value and leaves the
 * old one usable, so that reducer state can hold it and stay persistent. `update` keeps no
 * reference to the bytes it is given: an implementation that hashes them later copies them first
 * (see ./lazy-digest.ts), so a caller may pass bytes it changes afterwards (the boundary's scratch
 * memory, for one).
 */
export interface DigestState {
  /** The digest so far with `data` appended; `this` is unchanged. */
  update(data: Uint8Array): DigestState;
  /** The 64-byte digest of everything appended so far; `this` is unchanged. */
  digest(): Uint8Array;
}

/** The hashes a real signature may name (the PKCS#7 digest algorithms the kernel accepts for module signatures). */
export type SignatureHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Every {@link SignatureHash}. */
export const SIGNATURE_HASHES = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const satisfies readonly SignatureHash[];

/**
 * The public key of an X.509 certificate, as a real signature format verifies with it: its DER
 * SubjectPublicKeyInfo and what kind of key that holds, RSA or ECDSA on P-256/P-384 (with the
 * SEC1 point of the BIT STRING, for a suite that does not read SubjectPublicKeyInfo).
 */
export type CertificateKey =
  | { readonly kind: 'rsa'; readonly spki: Uint8Array }
  | { readonly kind: 'ec'; readonly curve: 'p256' | 'p384'; readonly point: Uint8Array; readonly spki: Uint8Array };

/** Everything cryptographic the model needs. */
export interface CryptoSuite {
  /** `noble` or `node`, for reports and benchmarks. */
  readonly name: string;

  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /** SHA-512 of the concatenation of `parts`. */
  sha512(...parts: Uint8Array[]): Uint8Array;
  /** An empty incremental SHA-512. */
  sha512Init(): DigestState;
  /** HMAC over `data` with `key`. */
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF (RFC 5869), extract and expand, to `length` bytes. */
  hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /**
   * AES-XTS (IEEE 1619) over one data unit, ciphertext stealing included. `key` is key1 ‖ key2:
   * 32, 48 or 64 bytes (AES-128, -192, -256). `tweak` is the 16-byte tweak as given.
   * `data` is at least 16 bytes.
   */
  aesXtsEncrypt(key: Uint8Array, tweak: Uint8Array, data: Uint8Array): Uint8Array;
  /** The inverse of {@link CryptoSuite.aesXtsEncrypt}. */
  aesXtsDecrypt(key: Uint8Array, tweak: Uint8Array, data: Uint8Array): Uint8Array;

  /** AES-256-GCM with a 12-byte IV and a 16-byte tag. */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed;
  /** AES-256-GCM decryption; `undefined` when the tag does not verify. */
  aesGcmDecrypt(
    key: Uint8Array,
    iv: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | undefined;

  /** The public point of a private scalar; `undefined` when the scalar is not valid. */
  ecPublicKey(curve: CurveName, privateKey: Uint8Array): EcPoint | undefined;
  /** ECDH: the shared point's X coordinate (field size); `undefined` for an invalid point or scalar. */
  ecdh(curve: CurveName, privateKey: Uint8Array, publicKey: EcPoint): Uint8Array | undefined;
  /**
   * Deterministic ECDSA (RFC 6979) over `hash(message)`; signature r ‖ s, each field size,
   * s normalised to the lower half of the order.
   */
  ecdsaSign(curve: CurveName, hash: HashName, privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Verifies an r ‖ s ECDSA signature over `hash(message)` (any s). */
  ecdsaVerify(curve: CurveName, hash: HashName, publicKey: EcPoint, message: Uint8Array, signature: Uint8Array): boolean;
  /** The Ed25519 public key (32 bytes) of a 32-byte seed. */
  ed25519PublicKey(privateKey: Uint8Array): Uint8Array;
  /** Ed25519 signature (RFC 8032). */
  ed25519Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Ed25519 verification. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Verifies a certificate key's signature over `hash(message)`: RSA PKCS#1 v1.5 (the signature
   * exactly as long as the modulus) or ECDSA with the signature DER `SEQUENCE { r, s }` (any s).
   * False for a key that does not decode, never an exception.
   */
  certificateVerify(key: CertificateKey, hash: SignatureHash, message: Uint8Array, signature: Uint8Array): boolean;
}
