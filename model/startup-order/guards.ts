/**
 * The guards of each startup-order handler, in the order they run: the failure priority that
 * spec/startup-order.md lists per handler. `semodel requirements` checks this order against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** The guards of the scheduler's calls. */
const SCHEDULER = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'a list is loaded', code: 'NO_LIST' },
  { name: 'the list has not ended', code: 'LIST_FINISHED' },
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const START_GUARDS = {
  'startup-load': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'guest running', code: 'NOT_RUNNING' },
    { name: 'no list loaded', code: 'LIST_ALREADY_LOADED' },
    { name: 'list within bounds', code: 'LIST_TOO_LONG' },
    { name: 'names well formed', code: 'INVALID_NAME' },
    { name: 'process names unique', code: 'DUPLICATE_PROCESS' },
    { name: 'each resource defined once', code: 'DUPLICATE_RESOURCE' },
  ],
  'startup-step': SCHEDULER,
  'startup-run': SCHEDULER,
} as const satisfies Record<string, readonly Guard[]>;
