/**
 * Host keys: a P-521 public point, the public host key hash (PHKH) by which the firmware finds
 * its key slot in a header, and, where the holder has it, the private scalar. One type for the
 * firmware's key pairs, the owner's view of a host, and keys read from PEM files.
 * @module
 */
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { phkh } from './header-keys.js';
import { P521_COORDINATE_SIZE } from './format.js';

/** A host's P-521 key: public point and PHKH, and the private scalar where it is known. */
export interface HostKey {
  readonly publicKey: EcPoint;
  /** SHA-256 of the public key as a header stores it (PHKH). */
  readonly phkh: Uint8Array;
  /** The 66-byte private scalar: the firmware's own keys, or a private key file. */
  readonly privateKey?: Uint8Array;
}

/** A host key whose private scalar is known: what the firmware holds and what opens a slot. */
export type HostKeyPair = Required<Pick<HostKey, 'privateKey' | 'publicKey'>> & Partial<Pick<HostKey, 'phkh'>>;

/** The host key of a 66-byte P-521 private scalar; undefined when the scalar is not valid. */
export function hostKeyFromPrivate(suite: CryptoSuite, privateKey: Uint8Array): (HostKey & { readonly privateKey: Uint8Array }) | undefined {
  if (privateKey.length !== P521_COORDINATE_SIZE) return undefined;
  const publicKey = suite.ecPublicKey('p521', privateKey);
  if (publicKey === undefined) return undefined;
  return { privateKey: Uint8Array.from(privateKey), publicKey, phkh: phkh(suite, publicKey) };
}

/** The host key of a public point (66-byte coordinates). */
export function hostKeyFromPublic(suite: CryptoSuite, publicKey: EcPoint): HostKey {
  return { publicKey, phkh: phkh(suite, publicKey) };
}
