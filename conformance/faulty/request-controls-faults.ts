/**
 * Deliberately wrong implementations of mechanism 3 (metadata-gated requests): each runs the
 * model's own handler, on the world as it is or on an edited copy, and answers as an
 * implementation with one fault would. Each is caught by a request-controls property
 * (test/request-controls/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import { addSecret } from '../../model/request-controls/add-secret.js';
import type { AddSecret, Pckmo, RetrieveSecret } from '../../model/request-controls/actions.js';
import { CONTROL_BITS, PCKMO_FAMILY_BIT } from '../../model/request-controls/controls.js';
import { pckmo } from '../../model/request-controls/cpu-calls.js';
import { retrieveSecret, type RetrievedSecret } from '../../model/request-controls/store-calls.js';
import { decodeAsrcb } from '../../model/se-format/asrcb.js';
import { List } from 'immutable';
import { viewOf, type Party, type View } from '../../model/platform/views.js';
import type { Guest, World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/** `guest` with its image's PCF or SCF replaced (for the duration of one faulty call). */
function withControls(guest: Guest, controls: { pcf?: bigint; scf?: bigint }): Guest {
  return guest.image === null ? guest : { ...guest, image: { ...guest.image, ...controls } };
}

/** The state after `step`, with guest `id`'s image put back as it was in `before`. */
function restoreImage(step: Step<World, unknown>, before: World, id: number): World {
  const image = before.guests.get(id)?.image ?? null;
  return withGuest(step.state, id, (g) => ({ ...g, image }));
}

const ALL_PCKMO = Object.values(PCKMO_FAMILY_BIT).reduce((a, b) => a | b, 0n);

/** PCKMO that ignores the PCF: every family's functions are answered (REQ-CTRL-20). */
export const pckmoIgnoringPcf = (world: World, action: Pckmo): Step<World, { readonly protectedKey: Uint8Array }> => {
  const step = pckmo(world, action);
  if (!rejectedWith(step, 'PCKMO_NOT_ALLOWED')) return step;
  const open = withGuest(world, action.guest, (g) => withControls(g, { pcf: (g.image?.pcf ?? 0n) | ALL_PCKMO }));
  return { state: world, outcome: pckmo(open, action).outcome };
};

/** Add-secret that forgets the lock: a request after the lock is added, the store stays locked (REQ-CTRL-8). */
export const addAfterLock = (world: World, action: AddSecret): Step<World, Empty> => {
  const step = addSecret(world, action);
  if (!rejectedWith(step, 'STORE_LOCKED')) return step;
  const unlocked = withGuest(world, action.guest, (g) => ({ ...g, slices: { ...g.slices, secrets: { ...g.slices.secrets, locked: false } } }));
  const added = addSecret(unlocked, action);
  if (added.outcome.kind !== 'accepted') return step;
  return { state: withGuest(added.state, action.guest, (g) => ({ ...g, slices: { ...g.slices, secrets: { ...g.slices.secrets, locked: true } } })), outcome: added.outcome };
};

/** Add-secret that does not check the extension secret under SCF bit 1 (REQ-CTRL-12). */
export const addIgnoringExtensionSecret = (world: World, action: AddSecret): Step<World, Empty> => {
  const step = addSecret(world, action);
  if (!rejectedWith(step, 'EXTENSION_SECRET_MISMATCH')) return step;
  const lax = withGuest(world, action.guest, (g) => withControls(g, { scf: (g.image?.scf ?? 0n) & ~CONTROL_BITS.extensionSecret }));
  const added = addSecret(lax, action);
  return added.outcome.kind === 'accepted' ? { state: restoreImage(added, world, action.guest), outcome: added.outcome } : step;
};

/** Add-secret that does not check the image a request names: a request for another image is added (REQ-CTRL-13). */
export const addIgnoringImageBinding = (world: World, action: AddSecret): Step<World, Empty> => {
  const step = addSecret(world, action);
  if (!rejectedWith(step, 'IMAGE_MISMATCH')) return step;
  const decoded = decodeAsrcb(action.request);
  if (!decoded.ok) return step;
  const named = decoded.value.bootTags;
  // The guest's image as the request names it, for this one call. The model refused only at the
  // binding, so the extension secret had passed: SCF bit 1 is dropped for the call (its derivation
  // reads the header tag, which the call replaces).
  const lax = withGuest(world, action.guest, (g) =>
    g.image === null
      ? g
      : { ...g, image: { ...g.image, pld: named.pld, ald: named.ald, tld: named.tld, headerTag: named.headerTag, scf: g.image.scf & ~CONTROL_BITS.extensionSecret } },
  );
  const added = addSecret(lax, action);
  return added.outcome.kind === 'accepted' ? { state: restoreImage(added, world, action.guest), outcome: added.outcome } : step;
};

/** Retrieve that hands a key back in the clear, as if it were plain text (REQ-CTRL-19). */
export const retrieveClearKey = (world: World, action: RetrieveSecret): Step<World, RetrievedSecret> => {
  const step = retrieveSecret(world, action);
  if (step.outcome.kind !== 'accepted' || step.outcome.response.protectedKey.length === 0) return step;
  const stored = world.guests.get(action.guest)?.slices.secrets.secrets.find((s) => s.index === action.index);
  if (stored === undefined) return step;
  return { state: step.state, outcome: { kind: 'accepted', response: { ...step.outcome.response, plainText: stored.value.slice(), protectedKey: new Uint8Array(0) } } };
};

/** Views in which the hypervisor sees every guest's stored secret values among the relayed responses (REQ-CTRL-22). */
export function storeLeakingViews(world: World, party: Party): View | null {
  if (party.kind !== 'hypervisor') return viewOf(world, party);
  const leaked = List(world.guests.valueSeq().flatMap((g) => g.slices.secrets.secrets.map((s) => ({ guest: g.id, bytes: s.value }))));
  return viewOf({ ...world, hypervisor: { ...world.hypervisor, relayed: world.hypervisor.relayed.concat(leaked) } }, party);
}
