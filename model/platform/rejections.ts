/**
 * Every rejection table of the platform, merged once: the platform's own and each mechanism's.
 * Codes are keyed by mechanism; an outcome's requirement area names the mechanism whose row it is.
 * @module
 */
import { rowOf, type RejectionRow } from '../core/rejections.js';
import type { RequirementId } from '../core/outcome.js';
import { MODULES, moduleOf, type ActionKind } from './mechanisms.js';

/** One row of the merged table: a code of one module. */
export interface MergedRejection extends RejectionRow {
  readonly code: string;
  /** The module (mechanism folder, or `platform`) whose table holds it. */
  readonly mechanism: string;
}

/** Every row of every table, platform first, each table in its own order. */
export const ALL_REJECTIONS: readonly MergedRejection[] = MODULES.flatMap((m) =>
  Object.entries(m.rejections.rows).map(([code, row]) => ({ ...row, code, mechanism: m.name })),
);

/** The row a rejection's code and requirement name, if any table has it. */
export function rejectionRow(code: string, requirement: RequirementId | string): MergedRejection | undefined {
  return ALL_REJECTIONS.find((r) => r.code === code && r.requirement === requirement);
}

/**
 * The row of `code` in the table of the module that declares `kind`, or in the platform's, or
 * else in the one other table that has the code: a guard may check another mechanism's rule
 * with that mechanism's code (mechanism 7's stores refuse a write into an area under migration
 * with mechanism 9's `AREA_LOCKED`).
 */
export function rowForKind(kind: ActionKind, code: string): RejectionRow | undefined {
  const own = rowOf(moduleOf(kind).rejections.rows, code) ?? rowOf(MODULES[0].rejections.rows, code);
  if (own !== undefined) return own;
  const others = ALL_REJECTIONS.filter((r) => r.code === code);
  return others.length === 1 ? others[0] : undefined;
}

/**
 * The guards of each action kind in the order they run, with their requirements: the failure
 * priority. `MALFORMED_ACTION` (the boundary) is first for every kind.
 */
export function guardsOf(kind: ActionKind): readonly GuardOf[] {
  // Asked once per scenario by the stimulus tables at load: computed once per kind.
  let guards = GUARDS_BY_KIND.get(kind);
  if (guards === undefined) {
    guards = Object.freeze(computeGuards(kind));
    GUARDS_BY_KIND.set(kind, guards);
  }
  return guards;
}

/** One guard of a kind, with the requirement its code's row names. */
export interface GuardOf {
  readonly name: string;
  readonly code: string;
  readonly requirement: RequirementId;
}

const GUARDS_BY_KIND = new Map<ActionKind, readonly GuardOf[]>();

function computeGuards(kind: ActionKind): GuardOf[] {
  const m = moduleOf(kind);
  const guards = (m.guards as Readonly<Record<string, readonly { name: string; code: string }[]>>)[kind] ?? [];
  const boundary = { name: 'shape of an action', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' as RequirementId };
  return [
    boundary,
    ...guards.map((g) => {
      const row = rowForKind(kind, g.code);
      // Stryker disable next-line all: a test checks that every guard's code has a row
      if (row === undefined) throw new Error(`${kind}: guard ${g.name} cites ${g.code}, which no table has`);
      return { ...g, requirement: row.requirement };
    }),
  ];
}
