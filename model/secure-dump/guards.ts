/**
 * The guards of each secure-dump handler, in the order they run: the failure priority that
 * spec/secure-dump.md lists per handler. `semodel requirements` checks this order against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** The guards of the calls made during a dump. */
const DURING = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'a dump is in progress', code: 'NO_DUMP' },
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const DUMP_GUARDS = {
  'dump-init': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'guest running', code: 'NOT_RUNNING' },
    { name: 'PCF bit 34 set', code: 'DUMP_NOT_PERMITTED' },
    { name: 'no disable-dump request', code: 'DUMP_DISABLED' },
    { name: 'no dump in progress', code: 'DUMP_IN_PROGRESS' },
  ],
  'dump-storage-state': [...DURING, { name: 'address 1 MiB aligned', code: 'ADDRESS_NOT_ALIGNED' }, { name: 'address inside guest memory', code: 'ADDRESS_OUT_OF_RANGE' }],
  'dump-cpu': [...DURING, { name: 'CPU exists', code: 'CPU_NOT_FOUND' }],
  'dump-complete': [...DURING],
} as const satisfies Record<string, readonly Guard[]>;
