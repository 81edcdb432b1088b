/**
 * The model's cryptography: the {@link CryptoSuite} interface, its two implementations (noble,
 * the default, and node:crypto, for speed; byte-identical), generic AES-XTS, and the
 * deterministic random generator.
 * @module
 */
import { nobleSuite } from './noble-suite.js';
import { nodeSuite } from './node-suite.js';
import type { CryptoSuite } from './suite.js';

export * from './suite.js';
export * from './random.js';
export { checkXtsInput, mulAlpha, splitXtsKey, xts, type WordBlockFn, type XtsKeySchedule } from './xts.js';
export { nobleSuite, nodeSuite };

/** The suite the model uses unless told otherwise: noble (pure, audited, the same everywhere). */
export const defaultSuite: CryptoSuite = nobleSuite;

/** Names accepted by {@link suiteByName}. */
export type SuiteName = 'noble' | 'node';

/** Every suite by name. */
export const SUITES: Readonly<Record<SuiteName, CryptoSuite>> = Object.freeze({ noble: nobleSuite, node: nodeSuite });

/**
 * The suite called `name`.
 * @throws RangeError for a name that is not a suite (the argument may come from the command line)
 */
export function suiteByName(name: SuiteName): CryptoSuite {
  if (!Object.prototype.hasOwnProperty.call(SUITES, name)) {
    throw new RangeError(`unknown crypto suite ${JSON.stringify(name)}: expected "noble" or "node"`);
  }
  return SUITES[name];
}
