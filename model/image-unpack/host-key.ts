/**
 * The firmware's host keys: a P-521 private scalar, its public point, and the public host key
 * hash (PHKH) by which the firmware finds its key slot in a header.
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import { phkh } from './header-keys.js';
import type { HostKey } from './state.js';

/** The host key of a 66-byte P-521 private scalar; undefined when the scalar is not valid. */
export function hostKeyFromPrivate(suite: CryptoSuite, privateKey: Uint8Array): HostKey | undefined {
  if (privateKey.length !== 66) return undefined;
  const publicKey = suite.ecPublicKey('p521', privateKey);
  if (publicKey === undefined) return undefined;
  return { privateKey: Uint8Array.from(privateKey), publicKey, phkh: phkh(suite, publicKey) };
}
