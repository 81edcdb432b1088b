/**
 * `step(state, action)`: the one entry point of the platform. It guards the action's shape and
 * the guest it names, then hands it to the mechanism's reducer, and puts the guest back.
 * @module
 */
import { match } from 'ts-pattern';
import { accept, reject, type Step } from '../core/outcome.js';
import { nobleSuite } from '../crypto/noble-suite.js';
import type { CryptoSuite } from '../crypto/suite.js';
import * as unpack from '../image-unpack/reducer.js';
import { UNPACK_REJECTIONS } from '../image-unpack/rejections.js';
import { isAction, type Action } from './actions.js';
import { PLATFORM_REJECTIONS, type RejectionCode } from './rejections.js';
import type { Guest, PlatformState } from './state.js';

/** What an accepted action returns to its caller: a new guest's ID, or nothing. */
export type Response = { readonly guest: number } | Record<string, never>;

/** One platform transition. */
export type PlatformStep = Step<PlatformState, Response, RejectionCode>;

function refuse(state: PlatformState, code: keyof typeof PLATFORM_REJECTIONS): PlatformStep {
  return reject(state, code, PLATFORM_REJECTIONS[code]);
}

/** Runs a guest reducer on the named guest and stores the guest it returns (also on a recorded rejection). */
function onGuest(
  state: PlatformState,
  id: number,
  reducer: (g: Guest) => Step<Guest, Record<string, never>, RejectionCode>,
): PlatformStep {
  const guest = state.guests.get(id);
  if (guest === undefined) return refuse(state, 'GUEST_NOT_FOUND');
  const s = reducer(guest);
  const next = s.state === guest ? state : { ...state, guests: state.guests.set(id, s.state) };
  return { state: next, outcome: s.outcome };
}

/**
 * Applies one action to the platform. Total: any input, even one that is not an Action at all,
 * yields a step; a rejection names its code and requirement.
 * @requirement REQ-PLATFORM-1 REQ-PLATFORM-2
 */
export function step(state: PlatformState, action: Action, suite: CryptoSuite = nobleSuite): PlatformStep {
  if (!isAction(action)) return refuse(state, 'MALFORMED_ACTION');
  return match<Action, PlatformStep>(action)
    .with({ kind: 'create-guest' }, (a) => {
      const created = unpack.createGuest(a.memoryPages);
      if ('code' in created) return reject(state, created.code, UNPACK_REJECTIONS[created.code]);
      const id = state.nextGuestId;
      const guest: Guest = { id, ...created.guest };
      return accept({ ...state, guests: state.guests.set(id, guest), nextGuestId: id + 1 }, { guest: id });
    })
    .with({ kind: 'destroy-guest' }, (a) =>
      state.guests.has(a.guest)
        ? accept({ ...state, guests: state.guests.delete(a.guest) }, {})
        : refuse(state, 'GUEST_NOT_FOUND'),
    )
    .with({ kind: 'set-header' }, (a) =>
      onGuest(state, a.guest, (g) => unpack.setHeader(g, a, state.firmware.hostKeys, suite)),
    )
    .with({ kind: 'unpack' }, (a) => onGuest(state, a.guest, (g) => unpack.unpack(g, a, suite)))
    .with({ kind: 'verify' }, (a) => onGuest(state, a.guest, (g) => unpack.verify(g)))
    .with({ kind: 'start' }, (a) => onGuest(state, a.guest, (g) => unpack.start(g)))
    .exhaustive();
}
