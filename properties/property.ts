/**
 * Properties as data: each is a value naming its mechanism, the requirements it checks, an
 * arbitrary and a predicate, so that the test suite, the campaign CLI and later the conformance
 * checker all run the same properties.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../model/core/outcome.js';
import { modelSystem, type ModelSystem } from '../model/platform/index.js';
import { PROPERTY_SUITE } from './suite.js';
import { runSync, type Calls, type RunRecorder } from './sut-calls.js';

/** The ten mechanisms, by folder name, in the order of the seeds. */
export const MECHANISMS = [
  'secure-ipl',
  'image-unpack',
  'request-controls',
  'hsm-binding',
  'startup-order',
  'secure-dump',
  'secure-interception',
  'shrouded-deployment',
  'migration',
  'confidential-boot',
] as const;

/** A mechanism's folder name. */
export type MechanismName = (typeof MECHANISMS)[number];

/** True when `name` is one of the ten mechanisms. */
export function isMechanismName(name: string): name is MechanismName {
  return (MECHANISMS as readonly string[]).includes(name);
}

/**
 * A property. `run` is a generator over the system under test (see `sut-calls.ts`): it resets
 * the system, applies actions, observes views and asserts, so that it runs against the model
 * and any other implementation alike. A property that needs the model's internals says so with
 * `modelOnly`; it gets the model itself as `model` and the conformance checker skips it.
 * Properties must be pure functions of their input: fast-check replays them while shrinking.
 */
export interface ModelProperty<T = unknown> {
  readonly mechanism: MechanismName | 'platform';
  /** Short kebab-case name, unique within the mechanism. */
  readonly name: string;
  /** The requirements this property asserts (a test checks that it really asserts each). */
  readonly requirements: readonly RequirementId[];
  /** One sentence: what must hold. */
  readonly statement: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** True when `run` reads the model's internals through `model`. */
  readonly modelOnly?: boolean;
  // Method syntax on purpose: it lets a ModelProperty<T> stand in a list of ModelProperty<unknown>
  // (the registry), while each property stays typed over its own input.
  run(input: T, model: ModelSystem | undefined): Calls<boolean | void>;
}

/** Declares a property; the identity function, there to infer `T` and to read well. */
export function defineProperty<T>(p: ModelProperty<T>): ModelProperty<T> {
  return p;
}

/** The result of running one property. */
export interface PropertyRun {
  readonly mechanism: MechanismName | 'platform';
  readonly name: string;
  readonly requirements: readonly RequirementId[];
  readonly runs: number;
  readonly status: 'passed' | 'failed';
  /** The seed of the run, to replay it. */
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample, to replay it. */
  readonly path?: string;
  readonly timeMs: number;
  /** The shrunk failing input and the error, when the property failed. */
  readonly counterexample?: string;
  readonly error?: string;
}

/** Options of {@link runProperty}. */
export interface RunOptions {
  readonly numRuns: number;
  readonly seed: number;
  /** Clock for the report only; the property itself never reads it. Defaults to a zero clock. */
  readonly now?: () => number;
  /** The model to run against (default: {@link propertyModel}); a fresh one per run. */
  readonly system?: () => ModelSystem;
  /** Told of every requirement the runs assert. */
  readonly recorder?: RunRecorder;
  /**
   * Stop starting new runs after this many milliseconds (fast-check's `interruptAfterTimeLimit`):
   * `numRuns` is then an upper bound and the result reports the runs done. An interrupted check
   * that found no failure passed.
   */
  readonly timeLimitMs?: number;
}

/** The model the properties run against by default: noble with its key agreements remembered. */
export function propertyModel(): ModelSystem {
  return modelSystem({ suite: PROPERTY_SUITE });
}

/** The fast-check predicate of a property over fresh systems from `system`. */
export function predicateOf<T>(p: ModelProperty<T>, system: () => ModelSystem = propertyModel, recorder?: RunRecorder): (input: T) => boolean {
  return (input) => {
    const model = system();
    return runSync(p.run(input, model), model, recorder) !== false;
  };
}

/** Runs a property with fast-check and reports the result instead of throwing. */
export function runProperty<T>(p: ModelProperty<T>, options: RunOptions): PropertyRun {
  const now = options.now ?? (() => 0);
  const t0 = now();
  const details = fc.check(fc.property(p.arbitrary, predicateOf(p, options.system, options.recorder)), {
    numRuns: options.numRuns,
    seed: options.seed,
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs }),
  });
  const base = {
    mechanism: p.mechanism,
    name: p.name,
    requirements: p.requirements,
    runs: details.numRuns,
    seed: options.seed,
    timeMs: now() - t0,
  };
  if (!details.failed) return { ...base, status: 'passed' };
  return {
    ...base,
    status: 'failed',
    ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }),
    counterexample: fc.stringify(details.counterexample),
    error: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
  };
}
