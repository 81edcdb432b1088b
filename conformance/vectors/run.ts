/**
 * Running a vectors directory against a system under test (an adapter, or the model in-process):
 * for each case of `index.json`, reset to its configuration, apply each step, and compare the
 * outcome (kind, code, requirement, response) and the digest of every party's view with the
 * expected ones. Every case of the index ends up passed, failed, skipped (with the reason),
 * an error (its files are missing or unreadable) or not run (the runner stopped): nothing is
 * dropped. A system that fails (crashes, hangs, breaks the protocol) fails the case with the
 * reason and is opened again for the next case, up to a limit.
 * @module
 */
import { canonicalJson } from '../../model/core/canonical-json.js';
import type { Json } from '../../model/core/schema.js';
import { ACTION_SPECS, partyFromWire, type Party, type SystemUnderTest } from '../../model/platform/index.js';
import { AdapterFailure, PartyNotModelled } from '../adapter/failures.js';
import { viewDigest, viewWire } from '../trace/observe.js';
import { recordedOutcome } from '../trace/recorder.js';
import { readCase, readIndex, VectorsError, type ReadText, type VectorCase, type VectorExpectation } from './read.js';

/** A system the runner can use: the system under test, what it implements, and how to let it go. */
export interface RunnerSystem {
  readonly sut: SystemUnderTest;
  /** The mechanisms it implements (an adapter's `hello`); undefined: all of them. */
  readonly mechanisms?: readonly string[];
  /** Ends it; never rejects. */
  close(): Promise<void>;
}

/** What became of one case. */
export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'error' | 'not-run';

/** One case's result. */
export interface CaseResult {
  readonly path: string;
  readonly status: CaseStatus;
  /** Why it failed, was skipped, is an error or was not run. */
  readonly reason?: string;
  /** The first step that differs (failed cases). */
  readonly step?: number;
  /** What differs: `outcome`, `digests.guest:1`, `adapter`. */
  readonly field?: string;
  readonly expected?: string;
  readonly got?: string;
  /** A short diff of the view, when the case carries full views. */
  readonly diff?: readonly string[];
  /** Parties whose views the system does not model: outcomes only were compared for them. */
  readonly outcomesOnly?: readonly string[];
}

/** The result of a run. */
export interface VectorsRun {
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errors: number;
  readonly notRun: number;
  /** Times the system was opened again after it failed. */
  readonly reopened: number;
  /** Why the run stopped before the last case, if it did. */
  readonly stopped?: string;
  readonly results: readonly CaseResult[];
}

/** Options of {@link runVectors}. */
export interface RunVectorsOptions {
  /** Opens the system (again, after a failure); rejects when it cannot. */
  readonly open: () => Promise<RunnerSystem>;
  /** How many times a failed system is opened again before the run stops (default 5). */
  readonly maxReopens?: number;
  /** Told of each case's result as it is known (progress). */
  readonly onResult?: (r: CaseResult) => void;
  /** Stop at the first failed case: the rest are `not-run` (default false: run every case). */
  readonly failFast?: boolean;
}

/** The `stopped` of a run that {@link RunVectorsOptions.failFast} ended at its first failed case. */
export const FAIL_FAST_STOP = 'stopped at the first failed case (fail fast)';

/** The default of {@link RunVectorsOptions.maxReopens}. */
export const DEFAULT_MAX_REOPENS = 5;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const short = (s: string, n = 100): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The party a digest key names. */
function partyOfKey(key: string): Party | undefined {
  const [kind, id] = key.split(':');
  const json = id === undefined ? { kind } : kind === 'adapter' ? { kind, adapter: Number(id) } : { kind, guest: Number(id) };
  const p = partyFromWire(json);
  return p.ok ? p.value : undefined;
}

/** Response fields with fresh randomness, by kind: compared by presence, not by value. */
const FRESH = new Map<string, readonly string[]>(ACTION_SPECS.map((s) => [s.kind, s.fresh ?? []]));

/** An outcome in words. */
function describe(o: Json | undefined): string {
  const x = o as { kind?: string; code?: string; requirement?: string; response?: Json } | undefined;
  if (x?.kind === 'accepted') return `accepted ${short(canonicalJson(x.response ?? {}), 80)}`;
  if (x?.kind === 'rejected') return `rejected ${x.code ?? ''} (${x.requirement ?? ''})`;
  return 'no outcome';
}

/** Whether two outcomes (wire forms) agree: kind, code, requirement, and the response (fresh fields by presence). */
function sameOutcome(kind: string | undefined, want: Json, got: Json): boolean {
  const w = want as { kind: string; code?: string; requirement?: string; response?: Record<string, Json> };
  const g = got as typeof w;
  if (w.kind !== g.kind) return false;
  if (w.kind === 'rejected') return w.code === g.code && w.requirement === g.requirement;
  const fresh = FRESH.get(kind ?? '') ?? [];
  const strip = (r: Record<string, Json> | undefined): Json =>
    Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, fresh.includes(k) ? typeof v : v]));
  return canonicalJson(strip(w.response)) === canonicalJson(strip(g.response));
}

/** Up to `max` paths where two JSON values differ, with both values. */
export function jsonDiff(want: Json, got: Json, at = '', max = 4): string[] {
  const out: string[] = [];
  const walk = (w: Json, g: Json, p: string): void => {
    if (out.length >= max) return;
    if (Array.isArray(w) && Array.isArray(g)) {
      if (w.length !== g.length) out.push(`${p}: expected ${w.length} entries, got ${g.length}`);
      for (let i = 0; i < Math.min(w.length, g.length); i++) walk(w[i] as Json, g[i] as Json, `${p}[${i}]`);
      return;
    }
    if (w !== null && g !== null && typeof w === 'object' && typeof g === 'object' && !Array.isArray(w) && !Array.isArray(g)) {
      const wo = w as Record<string, Json>;
      const go = g as Record<string, Json>;
      for (const k of new Set([...Object.keys(wo), ...Object.keys(go)])) {
        if (!(k in go)) out.push(`${p}.${k}: missing`);
        else if (!(k in wo)) out.push(`${p}.${k}: unexpected`);
        else walk(wo[k] as Json, go[k] as Json, `${p}.${k}`);
        if (out.length >= max) return;
      }
      return;
    }
    if (canonicalJson(w) !== canonicalJson(g)) out.push(`${p}: expected ${short(canonicalJson(w), 40)}, got ${short(canonicalJson(g), 40)}`);
  };
  walk(want, got, at);
  return out;
}

/** Raised inside a case when the system itself failed (not a difference). */
class SystemFailed extends Error {}

/** Runs one readable case on `sys`; a failure of the system is thrown as {@link SystemFailed}. */
async function runCase(sys: RunnerSystem, c: VectorCase): Promise<CaseResult> {
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof PartyNotModelled) throw e;
      throw new SystemFailed(`${what}: ${e instanceof AdapterFailure ? `${e.kind}: ${e.message}` : messageOf(e)}`);
    }
  };
  const notModelled = new Set<string>();
  await call('reset', () => sys.sut.reset(c.config));
  for (const [i, s] of c.steps.entries()) {
    const want = c.expected[i] as VectorExpectation;
    const answer = await call(`apply (step ${s.step})`, () => sys.sut.apply(s.input()));
    const got = recordedOutcome(s.kind, answer);
    const base = { path: c.path, status: 'failed' as const, step: s.step };
    if (!('outcome' in got)) {
      return { ...base, field: 'outcome', reason: `step ${s.step}: the answer is not an outcome`, expected: describe(want.outcome), got: `not an outcome: ${short(canonicalJson(got.unreadable), 80)}` };
    }
    if (!sameOutcome(s.kind, want.outcome, got.outcome)) {
      return { ...base, field: 'outcome', reason: `step ${s.step}: the outcome differs`, expected: describe(want.outcome), got: describe(got.outcome) };
    }
    for (const [key, digest] of Object.entries(want.digests)) {
      if (notModelled.has(key)) continue;
      const party = partyOfKey(key);
      if (party === undefined) continue;
      let view: unknown;
      try {
        view = await call(`observe ${key} (step ${s.step})`, () => sys.sut.observe(party));
      } catch (e) {
        if (!(e instanceof PartyNotModelled)) throw e;
        notModelled.add(key);
        continue;
      }
      const w = viewWire(view);
      const mine = w === undefined || (w !== null && (w as { party?: unknown }).party !== party.kind) ? undefined : w;
      const d = mine === undefined ? 'an unreadable view' : viewDigest(mine);
      if (d !== digest) {
        const full = want.views?.[key];
        const diff = full !== undefined && mine !== undefined ? jsonDiff(full, mine, key) : undefined;
        return {
          ...base,
          field: `digests.${key}`,
          reason: `step ${s.step}: the view of ${key} differs`,
          expected: `${digest.slice(0, 16)}…`,
          got: mine === undefined ? d : mine === null ? 'no such party (null)' : `${d.slice(0, 16)}…`,
          ...(diff === undefined ? {} : { diff }),
        };
      }
    }
  }
  return { path: c.path, status: 'passed', ...(notModelled.size === 0 ? {} : { outcomesOnly: [...notModelled].sort() }) };
}

/**
 * Runs every case of the directory that `read` reads. Rejects with a {@link VectorsError} when
 * `index.json` is unusable, and with the opener's error when the system cannot be opened at
 * all; every other problem is a case's result.
 * @example
 * ```ts
 * const read = (p: string) => readFileSync(path.join(dir, p), 'utf8');
 * const r = await runVectors(read, { open: async () => ({ sut: asAsync(modelSystem()), close: async () => {} }) });
 * r.failed; // 0
 * ```
 */
export async function runVectors(read: ReadText, options: RunVectorsOptions): Promise<VectorsRun> {
  const index = readIndex(read);
  const max = options.maxReopens ?? DEFAULT_MAX_REOPENS;
  let sys: RunnerSystem | undefined = await options.open();
  let reopened = 0;
  let stopped: string | undefined;
  const results: CaseResult[] = [];
  const report = (r: CaseResult): void => {
    results.push(r);
    options.onResult?.(r);
  };
  for (const entry of index.cases) {
    if (sys === undefined) {
      report({ path: entry.path, status: 'not-run', reason: stopped ?? 'the system could not be used' });
      continue;
    }
    let c: VectorCase;
    try {
      c = readCase(read, entry);
    } catch (e) {
      report({ path: entry.path, status: 'error', reason: e instanceof VectorsError ? e.message : `cannot read the case (${messageOf(e)})` });
      continue;
    }
    const missing = sys.mechanisms === undefined ? [] : c.meta.requires.filter((m) => !(sys as RunnerSystem).mechanisms?.includes(m));
    if (missing.length > 0) {
      report({ path: entry.path, status: 'skipped', reason: `mechanism ${missing.join(', ')} not implemented (the system implements: ${sys.mechanisms?.join(', ') || 'none'})` });
      continue;
    }
    let result: CaseResult;
    try {
      result = await runCase(sys, c);
    } catch (e) {
      // Only a failure of the system reaches here (runCase answers every difference itself).
      report({ path: entry.path, status: 'failed', field: 'system', reason: `the system failed: ${messageOf(e)}` });
      await sys.close();
      sys = undefined;
      if (reopened >= max) {
        stopped = `stopped: the system failed ${reopened + 1} times (at most ${max} reopenings)`;
        continue;
      }
      reopened++;
      try {
        sys = await options.open();
      } catch (o) {
        stopped = `stopped: the system could not be opened again (${messageOf(o)})`;
      }
      continue;
    }
    report(result);
    if (options.failFast === true && result.status === 'failed') {
      stopped = FAIL_FAST_STOP;
      await sys.close();
      sys = undefined;
    }
  }
  await sys?.close();
  const count = (s: CaseStatus): number => results.filter((r) => r.status === s).length;
  return {
    cases: results.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    errors: count('error'),
    notRun: count('not-run'),
    reopened,
    ...(stopped === undefined ? {} : { stopped }),
    results,
  };
}
