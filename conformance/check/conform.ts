/**
 * The conformance check: every black-box property, and the long schedules, run with
 * fast-check's async runner against the differential system (the implementation and the model
 * side by side). It stops at the first divergence, after fast-check has shrunk it, and returns
 * the shrunk run's trace; an implementation that breaks (crash, hang, garbage) stops the check
 * with its one-line reason and the trace up to that point. Never throws for anything the
 * implementation does.
 * @module
 */
import fc from 'fast-check';
import type { ModelSystem, SystemUnderTest } from '../../model/platform/index.js';
import { COUNTEREXAMPLE_CHARS, oneLine } from '../../properties/campaign/run.js';
import { countingSystem, emptyCoverage, type Coverage } from '../../properties/campaign/coverage.js';
import { propertySeed } from '../../properties/campaign/seeds.js';
import { propertyModel, type ModelProperty } from '../../properties/property.js';
import { PropertyViolation, runAsync } from '../../properties/sut-calls.js';
import { AdapterFailure } from '../adapter/failures.js';
import type { Trace } from '../trace/format.js';
import { differentialSystem, implementationNotes, NotImplemented, type ImplementationNotes } from './differential.js';
import { Divergence } from './divergence.js';
import { recordRunPrefix } from './record.js';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** How long fast-check may go on shrinking a divergence (against an adapter each run is a session's worth of calls). */
export const SHRINK_LIMIT_MS = 30_000;
/** How many runs fast-check may try while shrinking a divergence: a bound that does not depend on the machine's speed. */
export const SHRINK_RUNS = 200;

/** Options of {@link conform}. */
export interface ConformOptions {
  readonly implementation: SystemUnderTest;
  /** The properties to run, in order (black-box ones: `modelOnly` ones are the caller's to leave out). */
  readonly properties: readonly ModelProperty<unknown>[];
  /** Runs per property (with `timeLimitMs`: at most this many). */
  readonly runs: number;
  /** The check's seed; each property's own seed is derived from it and its name, as in a campaign. */
  readonly seed: number;
  /** Stop starting runs of a property after this many milliseconds. */
  readonly timeLimitMs?: number;
  /** Stop shrinking after this many milliseconds (default {@link SHRINK_LIMIT_MS}). */
  readonly shrinkLimitMs?: number;
  /** Stop shrinking after this many runs (default {@link SHRINK_RUNS}). */
  readonly shrinkRuns?: number;
  /** A clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** The model side (default: the properties' model); a fresh one per run. */
  readonly model?: () => ModelSystem;
  /** The modules the implementation implements (`platform` and mechanisms, from hello); default all. */
  readonly implemented?: readonly string[];
  /** Told of each property as it finishes (progress). */
  readonly onProperty?: (result: ConformPropertyResult) => void;
}

/** How one property went. */
export interface ConformPropertyResult {
  readonly mechanism: string;
  readonly name: string;
  /** The property's seed. */
  readonly seed: number;
  readonly runs: number;
  readonly status: 'passed' | 'skipped' | 'diverged' | 'adapter-failed' | 'model-failed';
  /** Why it was skipped: it applies actions of a mechanism the implementation does not implement. */
  readonly reason?: string;
  /** Steps applied (shrinking included). */
  readonly steps: number;
  readonly timeMs: number;
}

/** Where the first divergence was seen, before shrinking: for the report of how fast a fault is caught. */
export interface CaughtAfter {
  /** Steps applied over the whole check until then. */
  readonly steps: number;
  /** Milliseconds since the check started. */
  readonly ms: number;
}

/** The end of a check. */
export type ConformVerdict =
  | { readonly status: 'passed' }
  | {
      readonly status: 'diverged';
      readonly property: ModelProperty<unknown>;
      readonly seed: number;
      /** fast-check's path to the shrunk counterexample. */
      readonly path?: string;
      /** The shrunk input, as fast-check prints it. */
      readonly counterexample: string;
      readonly divergence: Divergence;
      /** The shrunk run, up to the diverging request, recorded on the model. */
      readonly trace: Trace;
      readonly caughtAfter: CaughtAfter;
    }
  | {
      readonly status: 'adapter-failed';
      readonly property: ModelProperty<unknown>;
      readonly failure: AdapterFailure;
      /** The run up to the request that failed, recorded on the model. */
      readonly trace: Trace;
      /** The step of the run at which it failed. */
      readonly step: number;
    }
  | { readonly status: 'model-failed'; readonly property: ModelProperty<unknown>; readonly error: string };

/** What a check found. */
export interface ConformReport {
  readonly verdict: ConformVerdict;
  readonly properties: readonly ConformPropertyResult[];
  /** Steps and outcomes reached (counted on the model side), over every property. */
  readonly coverage: Coverage;
  /** Applies the implementation answered, over the whole check. */
  readonly answered: number;
  /** Party kinds the implementation does not model (compared by outcomes only). */
  readonly notModelled: readonly string[];
}

/** Why fast-check's remaining runs are not run. */
type Stop =
  | { readonly why: 'unimplemented'; readonly error: NotImplemented }
  | { readonly why: 'adapter'; readonly failure: AdapterFailure; readonly input: unknown; readonly requests: number; readonly step: number } | { readonly why: 'shrink-limit' };

/**
 * Runs `options.properties` in turn against the differential system of `options.implementation`
 * and a fresh model per run; stops at the first property that diverges or breaks the adapter.
 * @example
 * ```ts
 * const report = await conform({ implementation: asAsync(FAULTY['reused-tweak'].system()), properties, runs: 20, seed: 2026 });
 * report.verdict.status; // 'diverged'
 * ```
 */
export async function conform(options: ConformOptions): Promise<ConformReport> {
  const now = options.now ?? (() => performance.now());
  const model = options.model ?? propertyModel;
  const shrinkLimit = options.shrinkLimitMs ?? SHRINK_LIMIT_MS;
  const shrinkRuns = options.shrinkRuns ?? SHRINK_RUNS;
  const coverage = emptyCoverage();
  const notes = implementationNotes();
  const results: ConformPropertyResult[] = [];
  const t0 = now();
  let verdict: ConformVerdict = { status: 'passed' };
  for (const p of options.properties) {
    const r = await checkProperty(p, options, { model, now, shrinkLimit, shrinkRuns, coverage, notes, t0 });
    results.push(r.result);
    options.onProperty?.(r.result);
    if (r.verdict.status !== 'passed') {
      verdict = r.verdict;
      break;
    }
  }
  return { verdict, properties: results, coverage, answered: notes.answered, notModelled: [...notes.notModelled].sort() };
}

interface Shared {
  readonly model: () => ModelSystem;
  readonly now: () => number;
  readonly shrinkLimit: number;
  readonly shrinkRuns: number;
  readonly coverage: Coverage;
  readonly notes: ImplementationNotes;
  readonly t0: number;
}

/** One property with fast-check: its runs, shrinking on a divergence, and the verdict. */
async function checkProperty(p: ModelProperty<unknown>, options: ConformOptions, shared: Shared): Promise<{ result: ConformPropertyResult; verdict: ConformVerdict }> {
  const { now, coverage } = shared;
  const seed = propertySeed(options.seed, p.mechanism, p.name);
  const stepsBefore = coverage.steps;
  const start = now();
  const counted = countingSystem(shared.model, coverage);
  let stop: Stop | undefined;
  let firstDivergence: { at: number; caught: CaughtAfter } | undefined;
  let last: { error: Divergence; input: unknown; requests: number } | undefined;
  let shrinking = 0;

  const predicate = async (input: unknown): Promise<boolean> => {
    // Once the adapter is gone or shrinking has had its time, every further run "passes": fast-check then ends with the last failure.
    if (stop !== undefined) return true;
    if (firstDivergence !== undefined && ++shrinking > shared.shrinkRuns) {
      stop = { why: 'shrink-limit' };
      return true;
    }
    const m = counted();
    const d = differentialSystem({ implementation: options.implementation, model: m, notes: shared.notes, ...(options.implemented === undefined ? {} : { implemented: options.implemented }) });
    try {
      return (await runAsync(p.run(input, m), d)) !== false;
    } catch (e) {
      if (e instanceof NotImplemented) {
        // While shrinking a divergence, a candidate that needs a missing mechanism is no counterexample.
        if (firstDivergence !== undefined) return true;
        // Otherwise the property needs a mechanism the implementation lacks: thrown once, so that
        // fast-check stops generating runs; the property is reported skipped.
        stop = { why: 'unimplemented', error: e };
      }
      if (e instanceof AdapterFailure) {
        stop = { why: 'adapter', failure: e, input, requests: d.requests, step: d.steps };
      } else if (e instanceof Divergence) {
        const at = now();
        firstDivergence ??= { at, caught: { steps: coverage.steps, ms: Math.round(at - shared.t0) } };
        last = { error: e, input, requests: d.requests };
        if (at - firstDivergence.at > shared.shrinkLimit) stop = { why: 'shrink-limit' };
      }
      throw e;
    }
  };

  let details: fc.RunDetails<[unknown]>;
  try {
    details = await fc.check(fc.asyncProperty(p.arbitrary, predicate), {
      numRuns: options.runs,
      seed,
      ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs }),
    });
  } catch (e) {
    // fast-check itself failed (a generator threw): the model's side, not the implementation's.
    return { result: resultOf(p, seed, 0, 'model-failed', coverage.steps - stepsBefore, now() - start), verdict: { status: 'model-failed', property: p, error: messageOf(e) } };
  }
  const steps = coverage.steps - stepsBefore;
  const timeMs = now() - start;
  const stopped = stop as Stop | undefined;
  if (stopped?.why === 'unimplemented') {
    return { result: { ...resultOf(p, seed, details.numRuns, 'skipped', steps, timeMs), reason: `it applies ${stopped.error.kind}, an action of ${stopped.error.mechanism}, which the implementation does not implement` }, verdict: { status: 'passed' } };
  }
  const lastDivergence = last as { error: Divergence; input: unknown; requests: number } | undefined;
  // An adapter that breaks while a divergence is being shrunk: the divergence is the finding.
  if (stopped?.why === 'adapter' && lastDivergence === undefined) {
    const trace = recordRunPrefix(p, stopped.input, stopped.requests, { property: { mechanism: p.mechanism, name: p.name }, seed, runs: options.runs, error: stopped.failure.message }, shared.model);
    return { result: resultOf(p, seed, details.numRuns, 'adapter-failed', steps, timeMs), verdict: { status: 'adapter-failed', property: p, failure: stopped.failure, trace, step: stopped.step } };
  }
  if (!details.failed && lastDivergence === undefined) return { result: resultOf(p, seed, details.numRuns, 'passed', steps, timeMs), verdict: { status: 'passed' } };
  const caught = firstDivergence as { at: number; caught: CaughtAfter } | undefined;
  if (lastDivergence === undefined || caught === undefined) {
    const error = details.errorInstance instanceof PropertyViolation ? `the model fails ${p.mechanism}/${p.name}: ${details.errorInstance.message}` : messageOf(details.errorInstance);
    return { result: resultOf(p, seed, details.numRuns, 'model-failed', steps, timeMs), verdict: { status: 'model-failed', property: p, error } };
  }
  const { error, input, requests } = lastDivergence;
  const trace = recordRunPrefix(
    p,
    input,
    requests,
    { property: { mechanism: p.mechanism, name: p.name }, seed, ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }), runs: options.runs, error: error.message },
    shared.model,
  );
  return {
    result: resultOf(p, seed, details.numRuns, 'diverged', steps, timeMs),
    verdict: {
      status: 'diverged',
      property: p,
      seed,
      ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }),
      counterexample: oneLine(fc.stringify(input), COUNTEREXAMPLE_CHARS),
      divergence: error,
      trace,
      caughtAfter: caught.caught,
    },
  };
}

function resultOf(p: ModelProperty<unknown>, seed: number, runs: number, status: ConformPropertyResult['status'], steps: number, timeMs: number): ConformPropertyResult {
  return { mechanism: p.mechanism, name: p.name, seed, runs, status, steps, timeMs: Math.round(timeMs) };
}
