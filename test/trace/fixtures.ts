/**
 * Recorded runs the trace tests share: an honest image run, a run of hostile platform actions
 * and one with reused caller buffers, each recorded once from a fixed sample of its arbitrary.
 * @module
 */
import fc from 'fast-check';
import { encodeTrace, recordPropertyRun, type RecordedRun } from '../../conformance/trace/index.js';
import { modelSystem, type ModelSystem } from '../../model/platform/index.js';
import type { ModelProperty } from '../../properties/property.js';
import { allProperties } from '../../properties/registry.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** A registered property by name. */
export function property(name: string): ModelProperty<unknown> {
  const p = allProperties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no property ${name}`);
  return p;
}

const cache = new Map<string, RecordedRun>();

/** `name`'s property recorded on the first value its arbitrary draws from `seed`. */
export function recorded(name: string, seed = 1): RecordedRun {
  const key = `${name}@${seed}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const p = property(name);
  const [input] = fc.sample(p.arbitrary, { seed, numRuns: 1 });
  const r = recordPropertyRun(p, input);
  cache.set(key, r);
  return r;
}

/** The text of a recorded run's trace. */
export const textOf = (name: string, seed = 1): string => encodeTrace(recorded(name, seed).trace);

/** The model with a verify that accepts everything: a deliberately broken implementation. */
export function brokenVerify(): ModelSystem {
  return modelSystem({ name: 'semodel with verify accepting everything', suite: PROPERTY_SUITE, handlers: { verify: (w) => ({ state: w, outcome: { kind: 'accepted', response: {} } }) } });
}

/**
 * Parsed JSON a test reads or edits freely. `any` on purpose: the tests index into trace lines
 * and ITF documents by known paths, and narrowing each step would only hide what they check.
 */
export type Loose = Record<string, any>;

/** Replaces line `n` (1-based, the header is 1) of a trace's text by `edit` of its JSON. */
export function editLine(text: string, n: number, edit: (line: Loose) => void): string {
  const rows = text.split('\n');
  const o = JSON.parse(rows[n - 1] as string) as Loose;
  edit(o);
  rows[n - 1] = JSON.stringify(o);
  return rows.join('\n');
}

/** The 1-based file line of the first trace line that satisfies `pick`. */
export function lineWhere(text: string, pick: (line: Loose) => boolean): number {
  const rows = text.split('\n');
  const i = rows.findIndex((r, j) => j > 0 && r !== '' && pick(JSON.parse(r) as Loose));
  if (i < 0) throw new Error('no such line');
  return i + 1;
}
