/**
 * The guards of each hsm-binding handler, in the order they run: the failure priority that
 * spec/hsm-binding.md lists per handler. When two conditions fail at once, the one listed first
 * decides the code. `semodel requirements` checks this order against the spec, and the stimulus
 * properties check the handlers against it.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** The guards every AP instruction starts with: who issues it, and on which queue. */
const ISSUER_AND_QUEUE = [
  { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
  { name: 'a named guest is running', code: 'NOT_SECURE_GUEST' },
  { name: 'queue on the issuer machine', code: 'QUEUE_NOT_AVAILABLE' },
] as const;

/** The failed association a queue reports until a reset (vfio_ap), in the order of the two codes. */
const STICKY = [
  { name: 'no failed association (not unique)', code: 'ASSOCIATION_NOT_UNIQUE' },
  { name: 'no failed association (login)', code: 'ASSOCIATION_FAILED' },
] as const;

/** The guards of a guest's use of its bound queue (enqueue, dequeue). */
const USE = [
  ...ISSUER_AND_QUEUE,
  { name: 'not bound to another guest', code: 'BOUND_TO_OTHER' },
  { name: 'a guest uses a queue bound to it', code: 'NOT_BOUND' },
  ...STICKY,
] as const;

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const HSM_GUARDS = {
  'ap-bind': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'issuer is a secure guest', code: 'NOT_SECURE_GUEST' },
    { name: 'queue on the issuer machine', code: 'QUEUE_NOT_AVAILABLE' },
    { name: 'not bound to another guest', code: 'BOUND_TO_OTHER' },
    ...STICKY,
    { name: 'available for binding', code: 'BIND_ERROR' },
    { name: 'queue empty', code: 'QUEUE_NOT_EMPTY' },
    { name: 'bind limit', code: 'BIND_LIMIT_EXCEEDED' },
  ],
  'ap-associate': [
    { name: 'guest exists', code: 'GUEST_NOT_FOUND' },
    { name: 'issuer is a secure guest', code: 'NOT_SECURE_GUEST' },
    { name: 'queue on the issuer machine', code: 'QUEUE_NOT_AVAILABLE' },
    { name: 'not bound to another guest', code: 'BOUND_TO_OTHER' },
    { name: 'a guest uses a queue bound to it', code: 'NOT_BOUND' },
    ...STICKY,
    { name: 'available for association', code: 'NOT_AVAILABLE_FOR_ASSOCIATION' },
    { name: 'queue empty', code: 'QUEUE_NOT_EMPTY' },
    { name: 'association secret at the index', code: 'INVALID_ASSOCIATION_SECRET' },
    { name: 'secret not associated elsewhere', code: 'ASSOCIATION_NOT_UNIQUE' },
    { name: 'HSM accepts the login', code: 'ASSOCIATION_FAILED' },
  ],
  'ap-query': [...ISSUER_AND_QUEUE, { name: 'not bound to another guest (the hypervisor may query)', code: 'BOUND_TO_OTHER' }],
  'ap-reset': [...ISSUER_AND_QUEUE, { name: 'not bound to another guest (the hypervisor may reset)', code: 'BOUND_TO_OTHER' }],
  'ap-request': [...USE, { name: 'message size', code: 'MESSAGE_TOO_BIG' }, { name: 'queue not full', code: 'QUEUE_FULL' }],
  'ap-reply': [...USE, { name: 'reply waiting', code: 'NO_PENDING_REPLY' }],
} as const satisfies Record<string, readonly Guard[]>;
