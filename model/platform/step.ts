/**
 * `step(world, action)`: the one entry point of the platform. It reads the action at the
 * boundary (a copy, REQ-PLATFORM-1) and hands it to the handler of its kind: one table lookup.
 * @module
 */
import type { Outcome, Step } from '../core/outcome.js';
import { refusePlatform } from '../world/guests.js';
import type { Handler } from '../world/mechanism.js';
import type { World } from '../world/world.js';
import { readAction } from './boundary.js';
import { HANDLERS, type Action, type HandlerTable } from './mechanisms.js';

/** What any action returns when accepted: the response of its kind. */
export type Response = { readonly [field: string]: unknown };

/** One platform transition. */
export type PlatformStep = Step<World, Response>;

/** An outcome of the platform. */
export type PlatformOutcome = Outcome<Response>;

/** A step function over a handler table (the model's own, or one with handlers replaced). */
export type StepFn = (world: World, action: unknown) => PlatformStep;

/** A step function that dispatches through `table`. */
export function stepWith(table: HandlerTable): StepFn {
  // The table is typed per kind; at run time the boundary has matched action and kind.
  const handlers = table as unknown as Readonly<Record<string, Handler<Action, Response>>>;
  return (world, raw) => {
    const action = readAction(raw);
    // REQ-PLATFORM-1: the action has the shape of an action
    if (action === undefined) return refusePlatform(world, 'MALFORMED_ACTION');
    return (handlers[action.kind] as Handler<Action, Response>)(world, action);
  };
}

/**
 * Applies one action to the world. Total: any input, even one that is not an action at all,
 * yields a step; a rejection names its code and requirement. The caller's value is read once
 * and copied; the caller may change or reuse its buffers afterwards.
 * @requirement REQ-PLATFORM-1 REQ-PLATFORM-6 REQ-PLATFORM-7
 * @example
 * ```ts
 * const world = initialWorld(config);
 * const s = step(world, { kind: 'create-guest', machine: 0, memoryPages: 16 });
 * s.outcome; // { kind: 'accepted', response: { guest: 1 } }
 * ```
 */
export const step: StepFn = stepWith(HANDLERS);
