/**
 * The mechanisms the platform composes. Adding a mechanism touches this file only: one import
 * and one entry in {@link MECHANISMS}. Everything else (the Action union, the handler table, the
 * schema, the rejection tables, the slices of a new guest) is derived from this list.
 * @module
 */
import { secureIpl } from '../secure-ipl/index.js';
import { imageUnpack } from '../image-unpack/index.js';
import { requestControls } from '../request-controls/index.js';
import { hsmBinding } from '../hsm-binding/index.js';
import { startupOrder } from '../startup-order/index.js';
import { secureDump } from '../secure-dump/index.js';
import { secureInterception } from '../secure-interception/index.js';
import { shroudedDeployment } from '../shrouded-deployment/index.js';
import { migration } from '../migration/index.js';
import { confidentialBoot } from '../confidential-boot/index.js';
import type { ActionOfSpec, Handler, Mechanism, ResponseOfSpec } from '../world/mechanism.js';
import type { GuestSlices, World } from '../world/world.js';
import { lifecycle } from './lifecycle.js';

/** Every mechanism, in the order of the seeds. */
export const MECHANISMS = [secureIpl, imageUnpack, requestControls, hsmBinding, startupOrder, secureDump, secureInterception, shroudedDeployment, migration, confidentialBoot] as const;

/** The slices of a new guest: each mechanism's own. */
function newGuestSlices(): GuestSlices {
  return Object.assign({}, ...MECHANISMS.map((m) => m.newGuestSlices?.() ?? {})) as GuestSlices;
}

/** The world after every mechanism released what it held of a destroyed guest. */
function guestDestroyed(world: World, guest: number): World {
  let w = world;
  for (const m of MECHANISMS as readonly Pick<Mechanism, 'onGuestDestroyed'>[]) w = m.onGuestDestroyed?.(w, guest) ?? w;
  return w;
}

/** The platform's own guest lifecycle (create, destroy), first in the table. */
export const PLATFORM = lifecycle(newGuestSlices, guestDestroyed);

/** The platform and every mechanism: the modules whose handlers make up the table. */
export const MODULES = [PLATFORM, ...MECHANISMS] as const;

type KindsOf<M> = M extends Mechanism<infer S> ? S[number]['kind'] : never;
/** True when no two modules declare the same action kind. */
type Disjoint<L extends readonly unknown[]> = L extends readonly [infer H, ...infer T]
  ? [KindsOf<H> & KindsOf<T[number]>] extends [never]
    ? Disjoint<T>
    : false
  : true;
// A kind declared by two modules fails to compile here.
const disjoint: Disjoint<typeof MODULES> = true;
void disjoint;

type Spec = (typeof MODULES)[number]['actions'][number];

/** Every action of the platform. */
export type Action = ActionOfSpec<Spec>;
/** The kinds of action. */
export type ActionKind = Spec['kind'];
/** The action of one kind. */
export type ActionOf<K extends ActionKind> = ActionOfSpec<Extract<Spec, { kind: K }>>;
/** The response an accepted action of kind `K` carries. */
export type ResponseOf<K extends ActionKind> = ResponseOfSpec<Extract<Spec, { kind: K }>>;

/** The handler table type: exactly one handler per action kind. */
export type HandlerTable = { readonly [K in ActionKind]: Handler<ActionOf<K>, ResponseOf<K>> };

/** Every action spec, in module order. */
export const ACTION_SPECS: readonly Spec[] = MODULES.flatMap((m) => m.actions as readonly Spec[]);

/** Every action kind, in module order. */
export const ACTION_KINDS: readonly ActionKind[] = ACTION_SPECS.map((s) => s.kind);

/** The one handler table: a lookup by kind. */
export const HANDLERS: HandlerTable = Object.freeze(Object.assign({}, ...MODULES.map((m) => m.handlers)) as HandlerTable);

/** The module that declares an action kind. */
export function moduleOf(kind: ActionKind): (typeof MODULES)[number] {
  const m = MODULES.find((x) => x.actions.some((s) => s.kind === kind));
  // Stryker disable next-line all: every kind comes from a module
  if (m === undefined) throw new Error(`no module declares ${kind}`);
  return m;
}
