/**
 * A crypto suite that remembers its key agreements (and certificate signature checks). P-521 ECDH costs about 20 ms in pure
 * JavaScript, and properties and tests use a handful of fixed keys, so each agreement (and each
 * public key) is computed once; everything else runs as it is. Results are those of `base`.
 * @module
 */
import { bytesToHex } from '../model/core/bytes.js';
import type { CryptoSuite, EcPoint } from '../model/crypto/suite.js';

/**
 * Entries each memo keeps at most: a long-running user (the reference adapter under a conformance
 * campaign with generated keys) must not grow without bound. Past it the memo starts over.
 */
export const MEMO_ENTRIES = 4096;

/** `base` with ECDH, public-key derivation and certificate signature checks memoized by their inputs. */
export function memoizeKeyAgreement(base: CryptoSuite): CryptoSuite {
  const shared = new Map<string, Uint8Array | undefined>();
  const publics = new Map<string, EcPoint | undefined>();
  const verified = new Map<string, boolean>();
  const remember = <V>(memo: Map<string, V>, key: string, compute: () => V): V => {
    if (!memo.has(key)) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: starting over early or late only recomputes: same results
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(key, compute());
    }
    return memo.get(key) as V;
  };
  return {
    ...base,
    ecdh: (curve, d, pub) => remember(shared, `${curve}:${bytesToHex(d)}:${bytesToHex(pub.x)}:${bytesToHex(pub.y)}`, () => base.ecdh(curve, d, pub)),
    ecPublicKey: (curve, d) => remember(publics, `${curve}:${bytesToHex(d)}`, () => base.ecPublicKey(curve, d)),
    // RSA-4096 chains (host-key documents) verify the same few signatures over and over.
    certificateVerify: (key, hash, message, signature) =>
      remember(verified, `${key.kind}:${bytesToHex(key.spki)}:${hash}:${bytesToHex(base.sha256(message))}:${bytesToHex(signature)}`, () => base.certificateVerify(key, hash, message, signature)),
  };
}
