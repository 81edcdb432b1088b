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
import {
  addAfterLock,
  addIgnoringExtensionSecret,
  addIgnoringImageBinding,
  pckmoIgnoringPcf,
  retrieveClearKey,
  storeLeakingViews,
} from './request-controls-faults.js';
import { associateWithoutSecret, bindByNonSecureGuest, bindTakingBoundQueue, destroyKeepingQueues, resetKeepingSession, sessionLeakingViews } from './hsm-faults.js';
import { loadAcceptingDuplicates, runStartingEarly, runStuckEarly, stepStartingEarly, stepStuckEarly } from './startup-faults.js';
import { dumpIgnoringPcf, dumpReusingKeys, dumpWithPlaintextPage } from './dump-faults.js';
import { iplEnteringUnsigned, iplTrustingAnyKey } from './ipl-faults.js';
import { deployOnFailedHost, settingByHostManagerAfterImmutable, verifyAcceptingRevoked } from './shroud-faults.js';
import { executeCopyingOneRegisterTooMany, resumeApplyingNotification, resumeApplyingOutsideFootprint } from './interception-faults.js';
import { loadKeyIgnoringTag, writeSectorZeroPlain } from './cboot-faults.js';
import { finishOverFirstVersions, receiveAcceptingStale, receiveRememberingFirst, storeDuringMigration } from './migration-faults.js';

/** One faulty implementation: what is wrong with it, and a fresh instance. */
export interface FaultyImplementation {
  /** One sentence: what it does wrong. */
  readonly description: string;
  /** A fresh system (the model with the fault), named `faulty:<name>`. */
  readonly system: () => SyncSystemUnderTest;
  /** The mechanism whose properties catch it (default `image-unpack`). */
  readonly mechanism?: string;
  /**
   * The mechanism whose vectors catch it, when not that one: the vectors are filed by the module
   * that declares the handler (a fault of mechanism 9's write lock in mechanism 7's store).
   */
  readonly vectors?: string;
}

/** A faulty variant of the model: its handlers or views replaced. */
function variant(name: string, description: string, options: Pick<ModelOptions, 'handlers' | 'views'>, mechanism?: string): FaultyImplementation {
  const system = () => modelSystem({ name: `faulty:${name}`, suite: PROPERTY_SUITE, ...options });
  return mechanism === undefined ? { description, system } : { description, system, mechanism };
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
  'pckmo-ignores-pcf': variant('pckmo-ignores-pcf', "pckmo answers every key function, whatever the PCF bit of the function's family says (REQ-CTRL-20).", { handlers: { pckmo: pckmoIgnoringPcf } }, 'request-controls'),
  'add-after-lock': variant('add-after-lock', 'add-secret adds a secret to a locked store, which stays locked (REQ-CTRL-8).', { handlers: { 'add-secret': addAfterLock } }, 'request-controls'),
  'extension-secret-ignored': variant(
    'extension-secret-ignored',
    'add-secret does not check the CCK-derived extension secret that SCF bit 1 demands (REQ-CTRL-12).',
    { handlers: { 'add-secret': addIgnoringExtensionSecret } },
    'request-controls',
  ),
  'image-binding-ignored': variant(
    'image-binding-ignored',
    'add-secret adds a request bound to another image (PLD, ALD, TLD or header tag) (REQ-CTRL-13).',
    { handlers: { 'add-secret': addIgnoringImageBinding } },
    'request-controls',
  ),
  'retrieve-clear-key': variant('retrieve-clear-key', 'retrieve-secret hands a key back in the clear, as if it were plain text (REQ-CTRL-19).', { handlers: { 'retrieve-secret': retrieveClearKey } }, 'request-controls'),
  'leaks-secret-store': variant('leaks-secret-store', "the hypervisor's view shows every guest's stored secret values among the relayed responses (REQ-CTRL-22).", { views: storeLeakingViews }, 'request-controls'),
  'second-guest-binds': variant('second-guest-binds', 'ap-bind lets a second guest take a queue another guest holds: it is bound to the newcomer instead (REQ-HSM-3).', { handlers: { 'ap-bind': bindTakingBoundQueue } }, 'hsm-binding'),
  'non-secure-binds': variant('non-secure-binds', 'ap-bind binds a queue to a guest that is not running, as if it were a secure guest (REQ-HSM-2).', { handlers: { 'ap-bind': bindByNonSecureGuest } }, 'hsm-binding'),
  'leaks-session-code': variant('leaks-session-code', "the hypervisor's view shows the session code of every associated queue among the relayed responses (REQ-HSM-8).", { views: sessionLeakingViews }, 'hsm-binding'),
  'reset-keeps-session': variant('reset-keeps-session', "ap-reset releases the queue but leaves its HSM in the old guest's session: the next guest is answered in it (REQ-HSM-11).", { handlers: { 'ap-reset': resetKeepingSession } }, 'hsm-binding'),
  'destroy-keeps-queues': variant('destroy-keeps-queues', 'destroy-guest removes the guest but leaves its AP queues bound to it (REQ-HSM-12).', { handlers: { 'destroy-guest': destroyKeepingQueues } }, 'hsm-binding'),
  'associate-without-secret': variant('associate-without-secret', 'ap-associate logs in with zeros at an index that holds no association secret (REQ-HSM-6).', { handlers: { 'ap-associate': associateWithoutSecret } }, 'hsm-binding'),
  'start-before-requirement': variant(
    'start-before-requirement',
    'startup-step and startup-run start a process when any one of the resources it requires exists, not all of them (REQ-START-4).',
    { handlers: { 'startup-step': stepStartingEarly, 'startup-run': runStartingEarly } },
    'startup-order',
  ),
  'stuck-too-early': variant(
    'stuck-too-early',
    'the scheduler ends a list stuck one fetch before a full pass without a start, never trying the last entry of the pass (REQ-START-7).',
    { handlers: { 'startup-step': stepStuckEarly, 'startup-run': runStuckEarly } },
    'startup-order',
  ),
  'duplicate-starts-twice': variant('duplicate-starts-twice', 'startup-load accepts a list that names a process twice, which then starts twice (REQ-START-2).', { handlers: { 'startup-load': loadAcceptingDuplicates } }, 'startup-order'),
  'ipl-trusts-any-key': variant('ipl-trusts-any-key', 'ipl takes a signature by a key no trusted certificate names as verified: the load continues (REQ-IPL-3).', { handlers: { ipl: iplTrustingAnyKey } }, 'secure-ipl'),
  'ipl-enters-unsigned': variant('ipl-enters-unsigned', 'ipl skips the additional verification: the load continues into an unsigned kernel (REQ-IPL-4).', { handlers: { ipl: iplEnteringUnsigned } }, 'secure-ipl'),
  'accepts-revoked-hkd': variant('accepts-revoked-hkd', "shroud-verify-host takes a host-key document listed in the signing key's CRL as valid (REQ-SHROUD-2).", { handlers: { 'shroud-verify-host': verifyAcceptingRevoked } }, 'shrouded-deployment'),
  'host-manager-changes-immutable': variant('host-manager-changes-immutable', 'shroud-set-setting lets the host manager change a security setting after immutable mode (REQ-SHROUD-6).', { handlers: { 'shroud-set-setting': settingByHostManagerAfterImmutable } }, 'shrouded-deployment'),
  'deploys-on-failed-host': variant('deploys-on-failed-host', "shroud-deploy deploys on a host whose latest verification by the client failed, once an image was released there (REQ-SHROUD-3).", { handlers: { 'shroud-deploy': deployOnFailedHost } }, 'shrouded-deployment'),
  'dump-without-pcf': variant('dump-without-pcf', 'dump-init dumps a guest whose image has PCF bit 34 clear, as if the bit were set (REQ-DUMP-2).', { handlers: { 'dump-init': dumpIgnoringPcf } }, 'secure-dump'),
  'plaintext-page-in-dump': variant('plaintext-page-in-dump', "dump-storage-state writes the chunk's first encrypted page into the dump unencrypted (REQ-DUMP-8).", { handlers: { 'dump-storage-state': dumpWithPlaintextPage } }, 'secure-dump'),
  'reused-dump-key': variant('reused-dump-key', "dump-init derives a dump's keys from the guest's ID instead of drawing them: every dump of a guest has the same keys (REQ-DUMP-4).", { handlers: { 'dump-init': dumpReusingKeys } }, 'secure-dump'),
  'one-register-too-many': variant('one-register-too-many', "guest-execute copies one guest register more than the instruction's input footprint into the register save area (REQ-INTCP-4).", { handlers: { 'guest-execute': executeCopyingOneRegisterTooMany } }, 'secure-interception'),
  'result-outside-footprint': variant('result-outside-footprint', 'resume-guest applies the registers the hypervisor changed outside the output footprint instead of refusing them (REQ-INTCP-8).', { handlers: { 'resume-guest': resumeApplyingOutsideFootprint } }, 'secure-interception'),
  'notification-applies-results': variant('notification-applies-results', "resume-guest applies a notification's condition code and changed registers to the guest, as if SET PREFIX had results (REQ-INTCP-5).", { handlers: { 'resume-guest': resumeApplyingNotification } }, 'secure-interception'),
  'stale-page-version': variant('stale-page-version', 'migration-receive accepts a sending whose counter is not above the one held, replacing the latest version of the location with an older one (REQ-MIGR-8).', { handlers: { 'migration-receive': receiveAcceptingStale } }, 'migration'),
  'global-over-first-version': variant(
    'global-over-first-version',
    'migration-receive-finish verifies the global value over the first version received of each location instead of the latest (REQ-MIGR-9).',
    { handlers: { 'migration-receive': receiveRememberingFirst, 'migration-receive-finish': finishOverFirstVersions } },
    'migration',
  ),
  'write-during-migration': {
    ...variant('write-during-migration', 'guest-store lets the guest write into its memory area while it is being migrated (REQ-MIGR-5).', { handlers: { 'guest-store': storeDuringMigration } }, 'migration'),
    vectors: 'secure-interception',
  },
  'boots-with-tampered-key-blob': variant('boots-with-tampered-key-blob', "cboot-load-key takes a key blob whose slot for this machine does not unwrap, its wrapped bytes as the image key (REQ-CBOOT-3).", { handlers: { 'cboot-load-key': loadKeyIgnoringTag } }, 'confidential-boot'),
  'plaintext-volume-sector': variant('plaintext-volume-sector', 'cboot-write stores data sector 0 of the volume in plaintext (REQ-CBOOT-10).', { handlers: { 'cboot-write': writeSectorZeroPlain } }, 'confidential-boot'),
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
