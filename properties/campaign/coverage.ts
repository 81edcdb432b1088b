/**
 * Coverage of a campaign: every step counted by (action kind × outcome code), and every run by the
 * lifecycle phases its guests reached. Counted by wrapping the system under test the properties
 * run against, so the properties themselves are unchanged.
 * @module
 */
import { types } from 'node:util';
import { ACTION_KINDS, ALL_REJECTIONS, GUEST_PHASES, guardsOf, moduleOf, type ModelSystem } from '../../model/platform/index.js';

/** What a campaign (or one property of it) reached. Plain data: it goes into the JSON summary. */
export interface Coverage {
  /** Platform steps taken (every `apply`). */
  steps: number;
  /** Runs: systems the property asked for (one per fast-check run, shrinking included). */
  runs: number;
  /** Steps by `kind outcome`, outcome `accepted` or a rejection code; `?` is an action with no kind. */
  readonly outcomes: Record<string, number>;
  /** Runs in which some guest reached each lifecycle phase. */
  readonly phases: Record<string, number>;
}

/** An empty coverage record. */
export function emptyCoverage(): Coverage {
  return { steps: 0, runs: 0, outcomes: {}, phases: {} };
}

/** Adds `b` into `a` (sums every count) and returns `a`. */
export function addCoverage(a: Coverage, b: Coverage): Coverage {
  a.steps += b.steps;
  a.runs += b.runs;
  for (const [k, n] of Object.entries(b.outcomes)) a.outcomes[k] = (a.outcomes[k] ?? 0) + n;
  for (const [k, n] of Object.entries(b.phases)) a.phases[k] = (a.phases[k] ?? 0) + n;
  return a;
}

/** The key of an outcome count: `kind code`. */
export function outcomeKey(kind: string, code: string): string {
  return `${kind} ${code}`;
}

/**
 * `factory`'s systems, each counting into `coverage`: the kind and outcome of every step, and at
 * the end of each step that changed the world the phases of its guests (read from the world the
 * model exposes, which costs a map walk, not a view copy). `tick`, if given, hears of every
 * 1024th step.
 * @example
 * ```ts
 * const cov = emptyCoverage();
 * runProperty(p, { numRuns: 10, seed: 1, system: countingSystem(propertyModel, cov) });
 * cov.outcomes['verify NEP_MISMATCH'];
 * ```
 */
export function countingSystem(factory: () => ModelSystem, coverage: Coverage, tick?: (coverage: Coverage) => void): () => ModelSystem {
  return () => {
    const model = factory();
    coverage.runs++;
    const reached = new Set<string>();
    let last: unknown;
    const see = (): void => {
      const w = model.world;
      if (w === last) return;
      last = w;
      for (const g of w.guests.values()) {
        if (reached.has(g.phase)) continue;
        reached.add(g.phase);
        coverage.phases[g.phase] = (coverage.phases[g.phase] ?? 0) + 1;
      }
    };
    return {
      name: model.name,
      get world() {
        return model.world;
      },
      reset(config) {
        model.reset(config);
        last = undefined;
      },
      apply(action) {
        const outcome = model.apply(action);
        const kind = kindOf(action);
        const key = outcomeKey(kind, outcome.kind === 'accepted' ? 'accepted' : outcome.code);
        coverage.steps++;
        coverage.outcomes[key] = (coverage.outcomes[key] ?? 0) + 1;
        see();
        // A progress display hears of every 1024th step: cheap enough to leave on.
        if (tick !== undefined && (coverage.steps & 1023) === 0) tick(coverage);
        return outcome;
      },
      observe: (party) => model.observe(party),
    };
  };
}

/**
 * The `kind` of an action, read without running any of its code: the hostile actions of the
 * totality property are proxies and objects with getters that throw or count their reads.
 * `?` when there is no plain string `kind`.
 */
export function kindOf(action: unknown): string {
  if (typeof action !== 'object' || action === null || types.isProxy(action)) return '?';
  const d = Object.getOwnPropertyDescriptor(action, 'kind');
  return d !== undefined && 'value' in d && typeof d.value === 'string' ? d.value : '?';
}

/** The rejection codes `coverage` reached (by any action kind), sorted. */
export function codesReached(coverage: Coverage): string[] {
  const codes = new Set<string>();
  for (const [k, n] of Object.entries(coverage.outcomes)) {
    const code = k.slice(k.indexOf(' ') + 1);
    if (n > 0 && code !== 'accepted') codes.add(code);
  }
  return [...codes].sort();
}

/**
 * The codes of the rejection tables of `modules` (the platform's and the mechanisms' tables, by
 * module name) that no step reached, as `module/CODE`, in table order.
 */
export function unreachedCodes(coverage: Coverage, modules: readonly string[]): string[] {
  const reached = new Set(codesReached(coverage));
  return ALL_REJECTIONS.filter((r) => modules.includes(r.mechanism) && !reached.has(r.code)).map((r) => `${r.mechanism}/${r.code}`);
}

/**
 * The guard outcomes (`kind CODE`, from each action kind's guard list) of the action kinds of
 * `modules` that no step reached, in guard order: finer than {@link unreachedCodes}, since one
 * code (INVALID_STATE) is the answer of several guards.
 */
export function unreachedGuards(coverage: Coverage, modules: readonly string[]): string[] {
  const out: string[] = [];
  for (const kind of ACTION_KINDS) {
    if (!modules.includes(moduleOf(kind).name)) continue;
    for (const g of guardsOf(kind)) {
      const key = outcomeKey(kind, g.code);
      if ((coverage.outcomes[key] ?? 0) === 0 && !out.includes(key)) out.push(key);
    }
  }
  return out;
}

/** The lifecycle phases no run reached, in lifecycle order. */
export function unreachedPhases(coverage: Coverage): string[] {
  return GUEST_PHASES.filter((p) => (coverage.phases[p] ?? 0) === 0);
}
