/**
 * One vocabulary per failure. Each mechanism (and the platform) declares one rejection table: a
 * row per code with the requirement that produces it, the name tools print for the check
 * (`semodel image verify`), the real platform's return code where one exists, and whether the
 * failure is recorded in the state. Codes are keyed by mechanism, so two mechanisms may each
 * have an `INVALID_STATE`; an outcome names its code and requirement, and the requirement's area
 * tells the mechanism.
 * @module
 */
import type { RequirementId } from './outcome.js';

/** One code of a rejection table. */
export interface RejectionRow {
  readonly requirement: RequirementId;
  /** The name tools report for the check that failed (kebab-case). */
  readonly check: string;
  /** The real platform's return code for this failure, where one is known (e.g. UV rc `0x0108`). */
  readonly platformRc?: string;
  /** True when the spec records this failure in the state (a rejection that changes it). */
  readonly recorded?: boolean;
  /** One line: when the code is returned. */
  readonly when: string;
}

/** A mechanism's table: code → row, in the spec's priority order. */
export type RejectionTable = { readonly [code: string]: RejectionRow };

/** A rejection table of one mechanism (folder name) or of the platform. */
export interface Rejections<T extends RejectionTable = RejectionTable> {
  readonly mechanism: string;
  readonly rows: T;
}

/** Declares a mechanism's rejection table (the identity, to infer the codes). */
export function defineRejections<const T extends RejectionTable>(mechanism: string, rows: T): Rejections<T> {
  return { mechanism, rows };
}

/** The row of `code` in `table`, if it has one (own properties only). */
export function rowOf(table: RejectionTable, code: string): RejectionRow | undefined {
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}
