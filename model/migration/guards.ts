/**
 * The guards of each migration handler, in the order they run: the failure priority that
 * spec/migration.md lists per handler. `semodel requirements` checks this order against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

const EXISTS = { name: 'guest exists', code: 'GUEST_NOT_FOUND' } as const;
/** The guards of the source's calls during a migration. */
const SENDING = [EXISTS, { name: 'a migration is in progress', code: 'NO_MIGRATION' }] as const;
/** The guards of the target's calls during a migration. */
const RECEIVING = [EXISTS, { name: 'the guest is receivable', code: 'NOT_RECEIVABLE' }, { name: 'a migration is being received', code: 'NO_RECEIVE' }] as const;
/** The guards export and import start with. */
const PAGING = [EXISTS, { name: 'guest running', code: 'NOT_RUNNING' }, { name: 'page inside guest memory', code: 'PAGE_OUT_OF_RANGE' }] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const MIGR_GUARDS = {
  'migration-start': [
    EXISTS,
    { name: 'guest running', code: 'NOT_RUNNING' },
    { name: 'no migration in progress', code: 'MIGRATION_IN_PROGRESS' },
    { name: 'area inside guest memory', code: 'AREA_OUT_OF_RANGE' },
    { name: 'no page of the area exported', code: 'AREA_PAGED_OUT' },
  ],
  'migration-send': [...SENDING, { name: 'location in the area', code: 'LOCATION_OUT_OF_AREA' }],
  'migration-finish': [...SENDING, { name: 'every location sent', code: 'NOT_ALL_SENT' }],
  'migration-abandon': [...SENDING],
  'migration-receive-start': [
    EXISTS,
    { name: 'the guest is receivable', code: 'NOT_RECEIVABLE' },
    { name: 'no migration being received', code: 'RECEIVE_IN_PROGRESS' },
    { name: 'area inside guest memory', code: 'AREA_OUT_OF_RANGE' },
    { name: 'nonce not received before on this machine', code: 'MIGRATION_REPLAYED' },
  ],
  'migration-receive': [
    ...RECEIVING,
    { name: 'location in the area', code: 'LOCATION_OUT_OF_AREA' },
    { name: 'counter above the one held', code: 'STALE_VERSION' },
    { name: 'page integrity value', code: 'PAGE_INTEGRITY_FAILED' },
  ],
  'migration-receive-finish': [...RECEIVING, { name: 'every location received', code: 'NOT_ALL_RECEIVED' }, { name: 'global integrity value', code: 'GLOBAL_MISMATCH' }],
  'export-page': [...PAGING, { name: 'page not exported', code: 'PAGE_EXPORTED' }, { name: 'page not in an area under migration', code: 'AREA_LOCKED' }],
  'import-page': [...PAGING, { name: 'page exported', code: 'PAGE_NOT_EXPORTED' }, { name: 'integrity value of the last export', code: 'IMPORT_INTEGRITY_FAILED' }],
} as const satisfies Record<string, readonly Guard[]>;
