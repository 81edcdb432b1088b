/**
 * How a mechanism plugs into the platform: its actions declared once as schemas, a handler per
 * action kind, its rejection table and the order of each handler's guards. The platform composes
 * the mechanisms into one handler table (model/platform/mechanisms.ts).
 * @module
 */
import type { Outcome, RequirementId, Step } from '../core/outcome.js';
import type { Rejections } from '../core/rejections.js';
import type { Fields, StaticFields } from '../core/schema.js';
import type { Guest, GuestSlices, World } from './world.js';

/** The parties of the platform: who calls an action, and whose view is observed. */
export const PARTY_KINDS = ['hypervisor', 'guest', 'owner', 'adapter', 'host-manager', 'client'] as const;

/** A party's kind. */
export type PartyKind = (typeof PARTY_KINDS)[number];

/** One action kind, declared once: its fields, its response, who calls it. */
export interface ActionSpec<K extends string = string, F extends Fields = Fields, R extends Fields = Fields> {
  readonly kind: K;
  /** One sentence for the docs. */
  readonly doc: string;
  /** The party that makes this call (on the real platform, mostly the hypervisor). */
  readonly caller: PartyKind;
  readonly fields: F;
  /** The fields of an accepted outcome's response. */
  readonly response: R;
  /** Response fields that hold fresh randomness: a conformance check compares them by meaning. */
  readonly fresh?: readonly string[];
}

/** Declares an action kind (the identity, to infer its types). */
export function defineAction<const K extends string, const F extends Fields, const R extends Fields>(spec: ActionSpec<K, F, R>): ActionSpec<K, F, R> {
  return spec;
}

/** The action value of a spec: its kind and fields. */
export type ActionOfSpec<S> = S extends ActionSpec<infer K, infer F, Fields> ? { readonly kind: K } & StaticFields<F> : never;

/** The response value of a spec. */
export type ResponseOfSpec<S> = S extends ActionSpec<string, Fields, infer R> ? StaticFields<R> : never;

/**
 * A handler: the pure transition of one action kind. Total: it never throws; a rejection names
 * its code and requirement and leaves the world as it was unless the spec records the failure.
 */
export type Handler<A, R> = (world: World, action: A) => Step<World, R>;

/** The handlers of a list of action specs: exactly one per kind. */
export type HandlersOf<S extends readonly ActionSpec[]> = {
  readonly [K in S[number]['kind']]: Handler<ActionOfSpec<Extract<S[number], { kind: K }>>, ResponseOfSpec<Extract<S[number], { kind: K }>>>;
};

/** One guard of a handler: the condition it checks (a short name the spec uses) and its code. */
export interface Guard {
  readonly name: string;
  readonly code: string;
}

/** A mechanism (or the platform's own guest lifecycle) as the platform composes it. */
export interface Mechanism<S extends readonly ActionSpec[] = readonly ActionSpec[]> {
  /** The folder name (`image-unpack`), or `platform`. */
  readonly name: string;
  /** The requirement area of its spec (`UNPACK`). */
  readonly area: string;
  readonly actions: S;
  readonly handlers: HandlersOf<S>;
  readonly rejections: Rejections;
  /**
   * For each action kind, its guards in the order they run: the failure priority of the spec.
   * `MALFORMED_ACTION` comes before all of them and is not listed.
   */
  readonly guards: { readonly [K in S[number]['kind']]: readonly Guard[] };
  /** The mechanism's slice of a newly created guest, if it keeps one. */
  readonly newGuestSlices?: () => Partial<GuestSlices>;
  /**
   * What the mechanism releases when a guest is destroyed (`destroy-guest` calls it for every
   * mechanism, the guest still in the world): the world without what it held of that guest.
   */
  readonly onGuestDestroyed?: (world: World, guest: number) => World;
}

/** Declares a mechanism (the identity, to infer and check its types). */
export function defineMechanism<const S extends readonly ActionSpec[]>(m: Mechanism<S>): Mechanism<S> {
  return m;
}

/** A transition of one guest: the guest after it and the outcome. */
export interface GuestStep<R> {
  readonly guest: Guest;
  readonly outcome: Outcome<R>;
}

/** An accepted guest step. */
export function acceptGuest<R>(guest: Guest, response: R): GuestStep<R> {
  return { guest, outcome: { kind: 'accepted', response } };
}

/** A rejected guest step; `guest` is the guest as it was, unless the failure is recorded. */
export function rejectGuest(guest: Guest, code: string, requirement: RequirementId): GuestStep<never> {
  return { guest, outcome: { kind: 'rejected', code, requirement } };
}
