/**
 * The canonical wire form of everything that crosses the platform's interface: actions,
 * outcomes, views, parties and the configuration, derived from their schemas (see
 * `model/core/schema.ts`: bytes as lower-case hex, u64 as `0x` hex, keys in schema order). Each
 * decoder is the exact inverse of its encoder and rejects what it cannot read, naming the path.
 * JSON Schema (draft 2020-12) of every message comes from the same schemas.
 * @module
 */
import { fromWire, jsonSchemaOf, t, toWire, type Json, type ObjectType, type Schema, type WireResult } from '../core/schema.js';
import { WORLD_CONFIG, type WorldConfig } from '../world/config.js';
import { ACTION_SPECS, type Action, type ActionKind } from './mechanisms.js';
import type { PlatformOutcome } from './step.js';
import { PARTY, VIEW, type Party, type View } from './views.js';

const SPEC_BY_KIND = new Map<string, (typeof ACTION_SPECS)[number]>(ACTION_SPECS.map((s) => [s.kind, s]));

/** The schema of an action kind's wire form: `kind` first, then its fields. */
export function actionSchema(kind: ActionKind): ObjectType {
  const spec = SPEC_BY_KIND.get(kind);
  // Stryker disable next-line all: ActionKind is exactly the kinds of the specs
  if (spec === undefined) throw new Error(`unknown action kind ${kind}`);
  return t.object({ kind: t.enum([spec.kind]), ...spec.fields }, spec.doc);
}

/** The schema of an outcome of an action kind. */
export function outcomeSchemas(kind: ActionKind): { accepted: ObjectType; rejected: ObjectType } {
  const spec = SPEC_BY_KIND.get(kind);
  // Stryker disable next-line all: ActionKind is exactly the kinds of the specs
  if (spec === undefined) throw new Error(`unknown action kind ${kind}`);
  return {
    accepted: t.object({ kind: t.enum(['accepted'] as const), response: t.object(spec.response) }),
    rejected: t.object({ kind: t.enum(['rejected'] as const), code: t.string(), requirement: t.string() }),
  };
}

/** An action in wire form. */
export function actionToWire(action: Action): Json {
  return toWire(actionSchema(action.kind), action as never);
}

/** Decodes an action's wire form. */
export function actionFromWire(json: unknown): WireResult<Action> {
  const kind = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>)['kind'] : undefined;
  if (typeof kind !== 'string' || !SPEC_BY_KIND.has(kind)) return { ok: false, error: { path: '$.kind', message: `unknown action kind ${JSON.stringify(kind)}` } };
  return fromWire(actionSchema(kind as ActionKind), json) as WireResult<Action>;
}

/** An outcome of an action of `kind`, in wire form. */
export function outcomeToWire(kind: ActionKind, outcome: PlatformOutcome): Json {
  const s = outcomeSchemas(kind);
  return outcome.kind === 'accepted' ? toWire(s.accepted, outcome as never) : toWire(s.rejected, outcome as never);
}

/** Decodes the wire form of an outcome of an action of `kind`. */
export function outcomeFromWire(kind: ActionKind, json: unknown): WireResult<PlatformOutcome> {
  const s = outcomeSchemas(kind);
  const k = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['kind'] : undefined;
  if (k === 'accepted') return fromWire(s.accepted, json) as WireResult<PlatformOutcome>;
  const r = fromWire(s.rejected, json);
  if (!r.ok) return r;
  if (!/^REQ-[A-Z]+-[0-9]+$/.test((r.value as { requirement: string }).requirement)) {
    return { ok: false, error: { path: '$.requirement', message: 'expected a requirement ID REQ-AREA-n' } };
  }
  return r as unknown as WireResult<PlatformOutcome>;
}

/** A party in wire form. */
export function partyToWire(party: Party): Json {
  return toWire(PARTY[party.kind] as Schema, party as never);
}

/** Decodes a party. */
export function partyFromWire(json: unknown): WireResult<Party> {
  const kind = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['kind'] : undefined;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(PARTY, kind)) {
    return { ok: false, error: { path: '$.kind', message: `unknown party ${JSON.stringify(kind)}` } };
  }
  return fromWire(PARTY[kind as Party['kind']] as Schema, json) as WireResult<Party>;
}

/** A view in wire form. */
export function viewToWire(view: View): Json {
  return toWire(VIEW[view.party] as Schema, view as never);
}

/** Decodes the view of a party kind. */
export function viewFromWire(party: Party['kind'], json: unknown): WireResult<View> {
  return fromWire(VIEW[party] as Schema, json) as WireResult<View>;
}

/** A configuration in wire form. */
export function configToWire(config: WorldConfig): Json {
  return toWire(WORLD_CONFIG, config);
}

/** Decodes a configuration. */
export function configFromWire(json: unknown): WireResult<WorldConfig> {
  return fromWire(WORLD_CONFIG, json);
}

/**
 * One `accepted` branch per distinct response shape, titled by the kinds that share it, so that
 * exactly one branch of the `oneOf` matches any accepted outcome.
 */
function acceptedBranches(kinds: readonly ActionKind[]): Record<string, Json>[] {
  const byShape = new Map<string, { schema: Record<string, Json>; kinds: string[] }>();
  for (const k of kinds) {
    const schema = jsonSchemaOf(outcomeSchemas(k).accepted);
    const key = JSON.stringify(schema);
    const entry = byShape.get(key) ?? { schema, kinds: [] };
    entry.kinds.push(k);
    byShape.set(key, entry);
  }
  return [...byShape.values()].map((e) => ({ ...e.schema, title: `accepted ${e.kinds.join(', ')}` }));
}

/**
 * JSON Schema (draft 2020-12) documents of the interface: one per message family, each a
 * `oneOf` over its variants.
 */
export function jsonSchemas(): Record<'action' | 'outcome' | 'party' | 'view' | 'config', Record<string, Json>> {
  const doc = (id: string, title: string, body: Record<string, Json>): Record<string, Json> => ({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://semodel.dev/schema/${id}.json`,
    title,
    ...body,
  });
  const kinds = ACTION_SPECS.map((s) => s.kind as ActionKind);
  return {
    action: doc('action', 'An action of the platform (wire form)', { oneOf: kinds.map((k) => jsonSchemaOf(actionSchema(k))) }),
    outcome: doc('outcome', 'The outcome of an action (wire form); the response follows the action kind', {
      oneOf: [...acceptedBranches(kinds), { ...jsonSchemaOf(outcomeSchemas('verify').rejected), title: 'rejected' }],
    }),
    party: doc('party', 'A party whose view is observed', { oneOf: Object.values(PARTY).map((s) => jsonSchemaOf(s)) }),
    view: doc('view', "A party's view (wire form)", { oneOf: Object.values(VIEW).map((s) => jsonSchemaOf(s)) }),
    config: doc('config', 'A world configuration (wire form)', jsonSchemaOf(WORLD_CONFIG)),
  };
}
