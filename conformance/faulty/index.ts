/**
 * Deliberately wrong implementations of mechanism 2 (incremental image decryption), each a
 * small change to the model: the proof that the conformance checker catches what it should.
 * `semodel adapter --faulty NAME` serves one behind the adapter protocol; the tests run
 * `semodel conform` against each and check that it is caught.
 * @module
 */
import { modelSystem, type ModelOptions, type SyncSystemUnderTest } from '../../model/platform/index.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { setHeaderWithForeignKeys } from './header-faults.js';
import { startAfterFailedVerify, startWithoutVerify, verifyFailureNotRecorded, verifyIgnoringAld } from './lifecycle-faults.js';
import { unpackAcceptingReusedTweak, unpackAcceptingSecondPage, unpackTweakBeforeAddress } from './unpack-faults.js';
import { leakingViews } from './view-faults.js';

/** One faulty implementation: what is wrong with it, and a fresh instance. */
export interface FaultyImplementation {
  /** One sentence: what it does wrong. */
  readonly description: string;
  /** A fresh system (the model with the fault), named `faulty:<name>`. */
  readonly system: () => SyncSystemUnderTest;
}

/** A faulty variant of the model: its handlers or views replaced. */
function variant(name: string, description: string, options: Pick<ModelOptions, 'handlers' | 'views'>): FaultyImplementation {
  return { description, system: () => modelSystem({ name: `faulty:${name}`, suite: PROPERTY_SUITE, ...options }) };
}

/**
 * The faulty implementations by name.
 * @example
 * ```ts
 * const sut = FAULTY['reused-tweak']?.system();
 * // conform against asAsync(sut): a Divergence at the unpack that reuses a tweak
 * ```
 */
export const FAULTY: Readonly<Record<string, FaultyImplementation>> = Object.freeze({
  'reused-tweak': variant('reused-tweak', 'unpack accepts a page whose tweak this guest already used (REQ-UNPACK-10).', {
    handlers: { unpack: unpackAcceptingReusedTweak },
  }),
  'start-without-verify': variant('start-without-verify', 'start runs a guest that is still created or unpacking, without an accepted verify (REQ-UNPACK-13).', {
    handlers: { start: startWithoutVerify },
  }),
  'start-after-failed-verify': variant('start-after-failed-verify', 'start runs a guest whose verify failed (REQ-UNPACK-12, REQ-UNPACK-13).', {
    handlers: { start: startAfterFailedVerify },
  }),
  'ignores-ald': variant('ignores-ald', 'verify does not compare the ALD: pages at other addresses verify when PLD, TLD and count match (REQ-UNPACK-12).', {
    handlers: { verify: verifyIgnoringAld },
  }),
  'second-page-at-address': variant('second-page-at-address', 'unpack accepts a second page at an address already unpacked, overwriting the first (REQ-UNPACK-9).', {
    handlers: { unpack: unpackAcceptingSecondPage },
  }),
  'tweak-before-address': variant(
    'tweak-before-address',
    'unpack checks the tweak before the address: a replayed page answers TWEAK_REUSED instead of ADDRESS_ALREADY_UNPACKED (guard order of REQ-UNPACK-9 and -10).',
    { handlers: { unpack: unpackTweakBeforeAddress } },
  ),
  'leaks-plaintext-page': variant('leaks-plaintext-page', "the hypervisor's view shows one decrypted page of secure memory among the non-secure pages (REQ-UNPACK-14).", {
    views: leakingViews,
  }),
  'foreign-key-slot': variant('foreign-key-slot', "set-header accepts a header whose key slots name only another machine's host key, as if it held that key (REQ-UNPACK-4).", {
    handlers: { 'set-header': setHeaderWithForeignKeys },
  }),
  'verify-failure-not-final': variant('verify-failure-not-final', 'a failed verify is not recorded: the guest stays unpacking and may verify again (REQ-UNPACK-12).', {
    handlers: { verify: verifyFailureNotRecorded },
  }),
});

/** The names of the faulty implementations, in registry order. */
export const FAULTY_NAMES: readonly string[] = Object.keys(FAULTY);

/** The faulty implementation `name`, or undefined. */
export function faultyImplementation(name: string): FaultyImplementation | undefined {
  return Object.prototype.hasOwnProperty.call(FAULTY, name) ? FAULTY[name] : undefined;
}

/** `NAME  description` lines, for `--faulty list` and help texts. */
export function faultyList(): string {
  const width = Math.max(...FAULTY_NAMES.map((n) => n.length));
  return FAULTY_NAMES.map((n) => `${n.padEnd(width)}  ${FAULTY[n]?.description ?? ''}`).join('\n');
}
