/**
 * The AP queue and its HSM as pure functions: the bind state the TAPQ reports, the release that
 * a reset or a destroy makes, the HSM's login (its session code) and the HSM's replies.
 * @module
 */
import { concatBytes, u32be, utf8ToBytes } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { Adapter, World } from '../world/world.js';

/** The bind states of TAPQ GR2's bs field (drivers/s390/crypto/ap_bus.h). */
export const BIND_STATE = {
  /** Bound and associated, or a bound accelerator. */
  usable: 0,
  /** Bound, not associated: usable without secure keys. */
  usableNoSecureKey: 1,
  availableForBinding: 2,
  /** A failed association, until a reset. */
  unusable: 3,
} as const;

/** The most queues one guest may hold bound at once (the model's bind limit). */
export const MAX_BOUND_QUEUES = 2;

/** The most replies that wait on one queue (the model's queue depth). */
export const QUEUE_DEPTH = 4;

/** The label the HSM's session codes are derived under. */
const SESSION_LABEL = utf8ToBytes('semodel/hsm/session');

/** The bind state (bs) of `adapter`, as TAPQ reports it. */
export function bindState(adapter: Adapter): number {
  if (adapter.boundGuest === null) return BIND_STATE.availableForBinding;
  if (adapter.associationFailure !== null) return BIND_STATE.unusable;
  // An accelerator has no secure keys: bound, it is usable.
  if (adapter.associationIndex !== null || adapter.type === 'accelerator') return BIND_STATE.usable;
  return BIND_STATE.usableNoSecureKey;
}

/** True when the queue's type can be bound (`ap_q_supports_bind`): EP11 and accelerator. */
export function bindable(adapter: Adapter): boolean {
  return adapter.type !== 'cca';
}

/**
 * The queue released: not bound, not associated, no failure, no reply waiting, and the HSM's
 * session ended (it forgets the code, and so does the firmware). The HSM's login count stays.
 */
export function released(adapter: Adapter): Adapter {
  return {
    ...adapter,
    boundGuest: null,
    associationIndex: null,
    associationFailure: null,
    replies: [],
    hsm: { ...adapter.hsm, session: null },
  };
}

/** `world` with every queue bound to `guest` released (REQ-HSM-12). */
export function releaseGuest(world: World, guest: number): World {
  let adapters = world.adapters;
  for (const a of world.adapters.values()) if (a.boundGuest === guest) adapters = adapters.set(a.id, released(a));
  return adapters === world.adapters ? world : { ...world, adapters };
}

/** How many queues `guest` holds bound. */
export function boundCount(world: World, guest: number): number {
  let n = 0;
  for (const a of world.adapters.values()) if (a.boundGuest === guest) n++;
  return n;
}

/**
 * The session code the HSM answers a login with: HMAC-SHA-256 under its master key over
 * `"semodel/hsm/session" ‖ u32 login number ‖ association secret`. The login number is the HSM's
 * count of logins before this one, so that no two logins share a code.
 */
export function sessionCode(suite: CryptoSuite, masterKey: Uint8Array, login: number, secret: Uint8Array): Uint8Array {
  return suite.hmac('sha256', masterKey, concatBytes(SESSION_LABEL, u32be(login), secret));
}

/**
 * The HSM's reply to `message`: in a session, HMAC-SHA-256 under the session code (an answer
 * only that session gives); without one, SHA-256 of the message (a clear-key answer).
 */
export function replyOf(suite: CryptoSuite, session: Uint8Array | null, message: Uint8Array): Uint8Array {
  return session === null ? suite.sha256(message) : suite.hmac('sha256', session, message);
}
