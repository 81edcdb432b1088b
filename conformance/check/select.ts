/**
 * Which properties a conformance check runs against an implementation: the black-box properties
 * of the platform and of the mechanisms it implements (by `hello`), then the long schedules;
 * every other property is listed as skipped with its reason.
 * @module
 */
import type { ModelProperty } from '../../properties/property.js';
import { allProperties } from '../../properties/registry.js';
import { CONFORMANCE_SCHEDULES } from './schedules.js';

/** A property the check does not run, and why. */
export interface SkippedProperty {
  readonly mechanism: string;
  readonly name: string;
  readonly reason: string;
}

/** The properties to run and those skipped. */
export interface Selection {
  readonly run: readonly ModelProperty<unknown>[];
  readonly skipped: readonly SkippedProperty[];
}

/**
 * The selection for an implementation of `implemented` mechanisms (the platform's own actions
 * always), narrowed to `only` mechanisms when that is not empty.
 * @example
 * ```ts
 * selectConformance(['image-unpack'], []).skipped; // the modelOnly properties, each with its reason
 * ```
 */
export function selectConformance(implemented: readonly string[], only: readonly string[]): Selection {
  const all: readonly ModelProperty<unknown>[] = [...allProperties, ...(CONFORMANCE_SCHEDULES as readonly ModelProperty<unknown>[])];
  const run: ModelProperty<unknown>[] = [];
  const skipped: SkippedProperty[] = [];
  for (const p of all) {
    const skip = (reason: string): void => void skipped.push({ mechanism: p.mechanism, name: p.name, reason });
    if (only.length > 0 && !only.includes(p.mechanism)) skip(`not selected (--mechanism ${only.join(', ')})`);
    else if (p.modelOnly === true) skip("model-only: it reads the model's internals");
    else if (p.mechanism !== 'platform' && !implemented.includes(p.mechanism)) skip(`the implementation does not implement ${p.mechanism}`);
    else run.push(p);
  }
  return { run, skipped };
}
