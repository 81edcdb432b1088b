/**
 * The guest lifecycle as data: for each module, the transitions its handlers take, each a phase
 * before, an action kind, a phase after, and whether the step was accepted or a rejection the
 * spec records. The site draws each mechanism's state diagram from this table; a test runs every
 * vector case on the model and checks that the transitions it observes are exactly these.
 * @module
 */
import { GUEST_PHASES, type GuestPhase } from '../world/world.js';

/** A phase, or `none` for a guest that does not exist (before create, after destroy). */
export type LifecyclePhase = GuestPhase | 'none';

/** One lifecycle transition. */
export interface Transition {
  /** The module (mechanism folder, or `platform`) that declares the action kind. */
  readonly module: string;
  readonly from: LifecyclePhase;
  readonly action: string;
  readonly to: LifecyclePhase;
  /** `accepted`, or `recorded`: a rejection the spec records in the state. */
  readonly outcome: 'accepted' | 'recorded';
}

/** `module`'s transitions from a compact list: `[from, action, to, outcome?]`. */
function table(module: string, rows: readonly (readonly [LifecyclePhase, string, LifecyclePhase, ('accepted' | 'recorded')?])[]): Transition[] {
  return rows.map(([from, action, to, outcome]) => ({ module, from, action, to, outcome: outcome ?? 'accepted' }));
}

/** The declared transitions of every module that has a lifecycle table, by module name. */
export const TRANSITIONS: Readonly<Record<string, readonly Transition[]>> = {
  'platform': table('platform', [
    ['none', 'create-guest', 'created'],
    // A guest is destroyed in any phase (the vectors destroy created and running guests).
    ...GUEST_PHASES.map((p) => [p, 'destroy-guest', 'none'] as const),
  ]),
  'image-unpack': table('image-unpack', [
    ['created', 'set-header', 'unpacking'],
    ['unpacking', 'unpack', 'unpacking'],
    ['unpacking', 'verify', 'verified'],
    ['unpacking', 'verify', 'verify-failed', 'recorded'],
    ['verified', 'start', 'running'],
  ]),
  'request-controls': table('request-controls', [
    ['running', 'add-secret', 'running'],
    ['running', 'list-secrets', 'running'],
    ['running', 'lock-secrets', 'running'],
    ['running', 'pckmo', 'running'],
    ['running', 'query-backup-keys', 'running'],
    ['running', 'retrieve-attestation', 'running'],
    ['running', 'retrieve-secret', 'running'],
  ]),
  'hsm-binding': table('hsm-binding', [
    ['created', 'ap-query', 'created'],
    ['created', 'ap-request', 'created'],
    ['created', 'ap-reset', 'created'],
    ['running', 'ap-associate', 'running'],
    ['running', 'ap-bind', 'running'],
    ['running', 'ap-query', 'running'],
    ['running', 'ap-reply', 'running'],
    ['running', 'ap-request', 'running'],
    ['running', 'ap-reset', 'running'],
  ]),
  'startup-order': table('startup-order', [
    ['running', 'startup-load', 'running'],
    ['running', 'startup-run', 'running'],
    ['running', 'startup-step', 'running'],
  ]),
  'secure-dump': table('secure-dump', [
    ['running', 'dump-complete', 'running'],
    ['running', 'dump-cpu', 'running'],
    ['running', 'dump-init', 'running'],
    ['running', 'dump-storage-state', 'running'],
  ]),
  'secure-interception': table('secure-interception', [
    ['running', 'guest-execute', 'running'],
    ['running', 'guest-load-registers', 'running'],
    ['running', 'guest-store-registers', 'running'],
    ['running', 'guest-store', 'running'],
    ['running', 'resume-guest', 'running'],
  ]),
  'migration': table('migration', [
    ['running', 'export-page', 'running'],
    ['running', 'import-page', 'running'],
    ['running', 'migration-abandon', 'running'],
    ['running', 'migration-finish', 'migrated'],
    ['running', 'migration-send', 'running'],
    ['running', 'migration-start', 'running'],
    ['unpacking', 'migration-receive-finish', 'running'],
    ['unpacking', 'migration-receive-finish', 'verify-failed', 'recorded'],
    ['unpacking', 'migration-receive-start', 'unpacking'],
    ['unpacking', 'migration-receive', 'unpacking'],
    ['unpacking', 'migration-receive', 'verify-failed', 'recorded'],
  ]),
  'confidential-boot': table('confidential-boot', [
    ['created', 'cboot-load-key', 'created'],
    ...(['created', 'unpacking', 'verified', 'running'] as const).flatMap((p) => [[p, 'cboot-attach-volume', p] as const, [p, 'cboot-disk-write', p] as const]),
    ['running', 'cboot-boot', 'running'],
    ['running', 'cboot-read', 'running'],
    ['running', 'cboot-write', 'running'],
  ]),
};
