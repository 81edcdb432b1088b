/**
 * The crypto suite properties run the model on: noble, with its few key agreements remembered
 * (P-521 ECDH costs about 10 ms in pure JavaScript and the properties use a handful of fixed keys).
 * @module
 */
import { nobleSuite } from '../model/crypto/noble-suite.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import { memoizeKeyAgreement } from './memoized-suite.js';

/** noble, with ECDH and public-key derivation memoized (same name, same results). */
export const PROPERTY_SUITE: CryptoSuite = memoizeKeyAgreement(nobleSuite);
