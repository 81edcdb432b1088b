/**
 * What each party sees of the platform: `viewOf(state, party)`. Confidentiality properties are
 * stated over these projections: no secret of a guest may appear in the hypervisor's view.
 * @module
 */
import { match } from 'ts-pattern';
import type { GuestPhase, VerifyCheck } from '../image-unpack/state.js';
import type { Guest, PlatformState } from './state.js';

/** A party of the platform. */
export type Party =
  | { readonly kind: 'hypervisor' }
  | { readonly kind: 'guest'; readonly guest: number }
  | { readonly kind: 'owner'; readonly guest: number };

/** The hypervisor's view of one guest: everything outside the trust boundary. */
export interface HypervisorGuestView {
  readonly id: number;
  readonly memoryPages: number;
  readonly phase: GuestPhase;
  /** The header it handed over (ciphertext and public fields), once accepted. */
  readonly header: Uint8Array | undefined;
  /** How many pages were unpacked (their contents are secure memory and not shown). */
  readonly unpackedPages: number;
}

/** The hypervisor's view of the platform. */
export interface HypervisorView {
  readonly party: 'hypervisor';
  readonly guests: readonly HypervisorGuestView[];
}

/** A guest's view of itself: its own secure memory. */
export interface GuestView {
  readonly party: 'guest';
  readonly id: number;
  readonly phase: GuestPhase;
  /** Secure memory, page number and plaintext, in ascending page order. */
  readonly memory: readonly { readonly page: number; readonly bytes: Uint8Array }[];
}

/** The owner's view of its guest: whether it runs, or which check stopped it. */
export interface OwnerView {
  readonly party: 'owner';
  readonly id: number;
  readonly phase: GuestPhase;
  readonly verifyFailure: VerifyCheck | undefined;
}

/** The view of a party; undefined for a guest or owner of a guest that does not exist. */
export type View = HypervisorView | GuestView | OwnerView;

function hypervisorGuest(g: Guest): HypervisorGuestView {
  return {
    id: g.id,
    memoryPages: g.memoryPages,
    phase: g.phase,
    header: g.image?.headerBytes,
    unpackedPages: g.memory.size,
  };
}

/** The projection of `state` that `party` can see. */
export function viewOf(state: PlatformState, party: Party): View | undefined {
  return match<Party, View | undefined>(party)
    .with({ kind: 'hypervisor' }, () => ({
      party: 'hypervisor',
      guests: [...state.guests.values()].map(hypervisorGuest),
    }))
    .with({ kind: 'guest' }, (p) => {
      const g = state.guests.get(p.guest);
      if (g === undefined) return undefined;
      const memory = [...g.memory.entries()]
        .sort(([a], [b]) => a - b)
        .map(([page, bytes]) => ({ page, bytes }));
      return { party: 'guest', id: g.id, phase: g.phase, memory };
    })
    .with({ kind: 'owner' }, (p) => {
      const g = state.guests.get(p.guest);
      if (g === undefined) return undefined;
      return { party: 'owner', id: g.id, phase: g.phase, verifyFailure: g.verifyFailure };
    })
    .exhaustive();
}
