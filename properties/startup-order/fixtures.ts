/**
 * The world of the startup-order properties: the dump properties' machines and image (a guest
 * booted honestly to `running`, the state a boot image runs in), and what a guest sees of its
 * startup list.
 * @module
 */
import type { GuestView, WorldConfig } from '../../model/platform/index.js';
import type { Entry } from '../../model/startup-order/index.js';
import { DUMP_CONFIG, dumpImage, runningGuest } from '../secure-dump/fixtures.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';

/** The configuration every startup-order property resets to. */
export const START_CONFIG: WorldConfig = DUMP_CONFIG;

/** The guest's view of its startup list. */
export type StartupView = NonNullable<GuestView['startup']>;

/** A list to load: entries and the resources the boot provides. */
export interface StartupList {
  readonly entries: readonly Entry[];
  readonly provided: readonly string[];
}

/** Starts over and boots one guest to `running`; its ID. */
export function* bootedGuest(): Calls<number> {
  yield* sut.reset(START_CONFIG);
  const image = dumpImage(true, 0);
  return yield* runningGuest(image, image.minPages);
}

/** Boots a guest and loads `list` into it (accepted, for `requirement`); the guest's ID. */
export function* loadedGuest(list: StartupList, requirement: 'REQ-START-1' | 'REQ-START-2' = 'REQ-START-1'): Calls<number> {
  const guest = yield* bootedGuest();
  yield* expectAccepted(requirement, 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), 'load the list');
  return guest;
}

/** What `guest` sees of its startup list: null when it has none, or there is no such guest. */
export function* startupOf(guest: number): Calls<StartupView | null> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  return v !== null && v.party === 'guest' ? v.startup : null;
}

/** A response field of an accepted outcome, or undefined. */
export function field(o: { kind: string; response?: unknown }, name: string): unknown {
  return o.kind === 'accepted' ? (o.response as Record<string, unknown>)[name] : undefined;
}
