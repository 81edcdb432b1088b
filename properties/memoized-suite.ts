/**
 * A crypto suite that remembers its key agreements. P-521 ECDH costs about 20 ms in pure
 * JavaScript, and properties and tests use a handful of fixed keys, so each agreement (and each
 * public key) is computed once; everything else runs as it is. Results are those of `base`.
 * @module
 */
import { bytesToHex } from '../model/core/bytes.js';
import type { CryptoSuite, EcPoint } from '../model/crypto/suite.js';

/** `base` with ECDH and public-key derivation memoized by their inputs. */
export function memoizeKeyAgreement(base: CryptoSuite): CryptoSuite {
  const shared = new Map<string, Uint8Array | undefined>();
  const publics = new Map<string, EcPoint | undefined>();
  return {
    ...base,
    ecdh(curve, d, pub) {
      const key = `${curve}:${bytesToHex(d)}:${bytesToHex(pub.x)}:${bytesToHex(pub.y)}`;
      if (!shared.has(key)) shared.set(key, base.ecdh(curve, d, pub));
      return shared.get(key);
    },
    ecPublicKey(curve, d) {
      const key = `${curve}:${bytesToHex(d)}`;
      if (!publics.has(key)) publics.set(key, base.ecPublicKey(curve, d));
      return publics.get(key);
    },
  };
}
