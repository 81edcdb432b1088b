/**
 * The default crypto suite, built on @noble/ciphers, @noble/curves and @noble/hashes: pure
 * JavaScript, audited, the same on every host. @noble/ciphers has no XTS; it is built here on
 * noble's AES core (see ./xts.ts). noble has no RSA: `certificateVerify` of an RSA key (the
 * appended signatures of secure IPL) is delegated to node:crypto; ECDSA stays noble's.
 * @module
 */
import { gcm, unsafe } from '@noble/ciphers/aes.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { equalBytes } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';
import { concatBytes } from '@noble/hashes/utils.js';
import {
  CURVE_FIELD_BYTES,
  ECDSA_SIGN_OPTIONS,
  type CryptoSuite,
  type CurveName,
  type EcPoint,
  type HashName,
  type Sealed,
  type SignatureHash,
} from './suite.js';
import { lazyDigest, type MutableHash } from './lazy-digest.js';
import { splitXtsKey, xts, type WordBlockFn, type XtsKeySchedule } from './xts.js';

const HASHES = { sha256, sha512 } as const;
const CURVES = { p256, p521 } as const;
const SIGNATURE_HASHES_NOBLE = { sha1, sha224, sha256, sha384, sha512 } as const satisfies Record<SignatureHash, unknown>;
const SIGNATURE_CURVES = { p256, p384 } as const;

// noble has no RSA: RSA PKCS#1 v1.5 verification is delegated to node:crypto, loaded on first
// use (a builtin module, so the suite still loads without it where RSA is never verified).
const requireNode = createRequire(import.meta.url);
let nodeCrypto: typeof NodeCrypto | undefined;

/** RSA PKCS#1 v1.5 verification through node:crypto (see above); false for a key that does not decode. */
function rsaVerify(spki: Uint8Array, hash: SignatureHash, message: Uint8Array, signature: Uint8Array): boolean {
  nodeCrypto ??= requireNode('node:crypto') as typeof NodeCrypto;
  try {
    const key = nodeCrypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    // The kernel (and OpenSSL) take only a signature exactly as long as the modulus.
    if (key.asymmetricKeyType !== 'rsa' || signature.length !== Math.ceil(bits / 8)) return false;
    return nodeCrypto.verify(hash, message, key, signature);
  } catch {
    return false; // a SubjectPublicKeyInfo node cannot read
  }
}

type NobleSha512 = ReturnType<typeof sha512.create>;

/** noble's incremental SHA-512 driven by the immutable {@link lazyDigest}. */
const NOBLE_SHA512: MutableHash<NobleSha512> = {
  create: () => sha512.create(),
  copy: (h) => h.clone(),
  // A method, not an arrow in the literal: its body runs per call, where mutation testing can reach it.
  update(h, data) {
    h.update(data);
  },
  finish: (h) => h.digest(),
};

function wordFn(xk: Uint32Array, direction: 'encrypt' | 'decrypt'): WordBlockFn {
  const f = direction === 'encrypt' ? unsafe.encrypt : unsafe.decrypt;
  return (w, i) => {
    const r = f(xk, w[i] ?? 0, w[i + 1] ?? 0, w[i + 2] ?? 0, w[i + 3] ?? 0);
    w[i] = r.s0;
    w[i + 1] = r.s1;
    w[i + 2] = r.s2;
    w[i + 3] = r.s3;
  };
}

// Expanding an AES key costs about as much as a few blocks; XTS over 4 KiB pages re-uses the same
// key for every page of an image, so the schedules of the last key are kept.
let cachedKey: Uint8Array | undefined;
let cachedSchedules: { enc: XtsKeySchedule; dec: XtsKeySchedule } | undefined;

function schedules(key: Uint8Array): { enc: XtsKeySchedule; dec: XtsKeySchedule } {
  // Stryker disable next-line ConditionalExpression: a cache that never hits only recomputes the schedules of the same key: same output
  if (cachedSchedules && cachedKey && equalBytes(cachedKey, key)) return cachedSchedules;
  const [k1, k2] = splitXtsKey(key);
  const tweak = wordFn(unsafe.expandKeyLE(k2), 'encrypt');
  const s = {
    enc: { data: wordFn(unsafe.expandKeyLE(k1), 'encrypt'), tweak },
    dec: { data: wordFn(unsafe.expandKeyDecLE(k1), 'decrypt'), tweak },
  };
  cachedKey = Uint8Array.from(key);
  cachedSchedules = s;
  return s;
}

function point(curve: CurveName, p: EcPoint): Uint8Array {
  const n = CURVE_FIELD_BYTES[curve];
  if (p.x.length !== n || p.y.length !== n) {
    throw new RangeError(`${curve} point coordinates must be ${n} bytes each`);
  }
  return concatBytes(Uint8Array.of(4), p.x, p.y);
}

function checkScalar(curve: CurveName, d: Uint8Array): void {
  const n = CURVE_FIELD_BYTES[curve];
  if (d.length !== n) throw new RangeError(`${curve} private key must be ${n} bytes, got ${d.length}`);
}

/**
 * HKDF's output limit, 255 × HashLen (RFC 5869 §2.3), checked here so that an out-of-range length
 * is a RangeError with the node suite's message (noble's own check throws a plain Error).
 */
function checkHkdfLength(hash: HashName, length: number): void {
  const max = 255 * HASHES[hash].outputLen;
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new RangeError(`HKDF-${hash} length must be 0..${max}, got ${length}`);
  }
}

function checkGcm(key: Uint8Array, iv: Uint8Array): void {
  if (key.length !== 32) throw new RangeError(`AES-256-GCM key must be 32 bytes, got ${key.length}`);
  if (iv.length !== 12) throw new RangeError(`AES-GCM IV must be 12 bytes, got ${iv.length}`);
}

/** The suite on @noble: the model's default. */
export const nobleSuite: CryptoSuite = {
  name: 'noble',
  sha256: (...parts) => sha256(concatBytes(...parts)),
  sha512: (...parts) => sha512(concatBytes(...parts)),
  sha512Init: () => lazyDigest(NOBLE_SHA512),
  hmac: (hash: HashName, key, data) => hmac(HASHES[hash], key, data),
  hkdf(hash: HashName, ikm, salt, info, length) {
    checkHkdfLength(hash, length);
    return hkdf(HASHES[hash], ikm, salt, info, length);
  },

  aesXtsEncrypt: (key, tweak, data) => xts(true, schedules(key).enc, tweak, data),
  aesXtsDecrypt: (key, tweak, data) => xts(false, schedules(key).dec, tweak, data),

  aesGcmEncrypt(key, iv, plaintext, aad): Sealed {
    checkGcm(key, iv);
    const out = gcm(key, iv, aad).encrypt(plaintext);
    return { ciphertext: out.slice(0, plaintext.length), tag: out.slice(plaintext.length) };
  },
  aesGcmDecrypt(key, iv, ciphertext, tag, aad) {
    checkGcm(key, iv);
    if (tag.length !== 16) throw new RangeError(`AES-GCM tag must be 16 bytes, got ${tag.length}`);
    try {
      return gcm(key, iv, aad).decrypt(concatBytes(ciphertext, tag));
    } catch {
      // noble signals a tag mismatch by throwing; the suite's contract is undefined
    }
    return undefined;
  },

  ecPublicKey(curve, privateKey) {
    checkScalar(curve, privateKey);
    if (!CURVES[curve].utils.isValidSecretKey(privateKey)) return undefined;
    const pub = CURVES[curve].getPublicKey(privateKey, false);
    const n = CURVE_FIELD_BYTES[curve];
    return { x: pub.slice(1, 1 + n), y: pub.slice(1 + n) };
  },
  ecdh(curve, privateKey, publicKey) {
    checkScalar(curve, privateKey);
    const pub = point(curve, publicKey);
    if (!CURVES[curve].utils.isValidSecretKey(privateKey) || !CURVES[curve].utils.isValidPublicKey(pub, false)) {
      return undefined;
    }
    return CURVES[curve].getSharedSecret(privateKey, pub, true).slice(1);
  },
  ecdsaSign(curve, hash, privateKey, message) {
    checkScalar(curve, privateKey);
    const digest = HASHES[hash](message);
    return CURVES[curve].sign(digest, privateKey, ECDSA_SIGN_OPTIONS);
  },
  ecdsaVerify(curve, hash, publicKey, message, signature) {
    // Stryker disable next-line ConditionalExpression: noble's compact decoding throws on any other length, and the catch below returns false
    if (signature.length !== 2 * CURVE_FIELD_BYTES[curve]) return false;
    try {
      const digest = HASHES[hash](message);
      return CURVES[curve].verify(signature, digest, point(curve, publicKey), {
        prehash: false,
        lowS: false,
        format: 'compact',
      });
    } catch {
      return false; // malformed point or signature encoding
    }
  },
  ed25519PublicKey: (privateKey) => ed25519.getPublicKey(privateKey),
  ed25519Sign: (privateKey, message) => ed25519.sign(message, privateKey),
  ed25519Verify(publicKey, message, signature) {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
  certificateVerify(key, hash, message, signature) {
    if (key.kind === 'rsa') return rsaVerify(key.spki, hash, message, signature);
    try {
      const digest = SIGNATURE_HASHES_NOBLE[hash](message);
      return SIGNATURE_CURVES[key.curve].verify(signature, digest, key.point, { prehash: false, lowS: false, format: 'der' });
    } catch {
      return false; // a point off the curve or a signature that is not DER
    }
  },
};
