/**
 * Replay of a trace on the model (or another synchronous system): every line's request again,
 * on a fresh system started from the header, comparing each answer with the recorded one.
 * @module
 */
import { canonicalJson } from '../../model/core/canonical-json.js';
import type { Json } from '../../model/core/schema.js';
import { SUITES } from '../../model/crypto/index.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { actionFromWire, configFromWire, modelSystem, partyFromWire, type ModelSystem, type SyncSystemUnderTest } from '../../model/platform/index.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import type { ApplyLine, Digests, ObserveLine, ResetLine, Trace, TraceHeader } from './format.js';
import { observeAll, partyKey, viewWire } from './observe.js';
import { recordedKind, recordedOutcome } from './recorder.js';
import { valueOfSpelling } from './value.js';

/** Where a replay first differs from the trace. */
export interface Divergence {
  /** The apply step (null for a reset or observe line). */
  readonly step: number | null;
  /** The line of the file (the header is line 1). */
  readonly line: number;
  /** The request of that line: `reset`, `apply verify`, `observe guest:1`, … */
  readonly request: string;
  /** What differs: `outcome`, `digests.guest:1`, `parties`, `state`, `view`. */
  readonly field: string;
  readonly expected: string;
  readonly got: string;
}

/** The result of a replay. */
export interface ReplayResult {
  /** True when every line replayed as recorded. */
  readonly exact: boolean;
  /** Lines replayed (after the header), up to and including a divergence. */
  readonly lines: number;
  /** Apply steps replayed. */
  readonly steps: number;
  readonly divergence?: Divergence;
}

/** Options of {@link replayTrace}. */
export interface ReplayOptions {
  /** The system to replay on (default: the model, computing with the header's suite). */
  readonly system?: (header: TraceHeader) => SyncSystemUnderTest;
}

/** The suites replay computes with, their key agreements remembered (made once). */
const MEMOIZED = new Map<string, CryptoSuite>();
const memoized = (name: 'noble' | 'node'): CryptoSuite => {
  const hit = MEMOIZED.get(name) ?? memoizeKeyAgreement(SUITES[name]);
  MEMOIZED.set(name, hit);
  return hit;
};

/**
 * The model a trace replays on by default: each reset starts a model computing with the suite
 * its configuration names (the header's, for the first), with its key agreements remembered.
 */
export function replayModel(header: TraceHeader): SyncSystemUnderTest {
  let model: ModelSystem = modelSystem({ suite: memoized(header.suite), name: 'semodel' });
  return {
    name: 'semodel',
    reset(config) {
      const suite = (config as { suite?: unknown }).suite;
      model = modelSystem({ suite: memoized(suite === 'node' ? 'node' : 'noble'), name: 'semodel' });
      model.reset(config);
    },
    apply: (action) => model.apply(action),
    observe: (party) => model.observe(party),
  };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A recorded or replayed answer, in words. */
function show(r: { outcome?: Json; unreadable?: Json; threw?: string }): string {
  if (r.threw !== undefined) return `threw "${r.threw}"`;
  if (r.unreadable !== undefined) return `an answer that is not an outcome (${canonicalJson(r.unreadable).slice(0, 80)})`;
  const o = r.outcome as { kind: string; code?: string; requirement?: string; response?: Json };
  return o.kind === 'rejected' ? `rejected ${o.code ?? ''} (${o.requirement ?? ''})` : `accepted ${canonicalJson(o.response ?? {})}`;
}

const short = (d: string | null | undefined): string => (d === undefined ? 'no such party' : d === null ? 'an unreadable view' : `${d.slice(0, 16)}…`);

/** The first difference between recorded and replayed digests, or undefined. */
function digestDifference(want: Digests, got: Digests): { field: string; expected: string; got: string } | undefined {
  const wantKeys = Object.keys(want);
  const gotKeys = Object.keys(got);
  if (wantKeys.join(' ') !== gotKeys.join(' ')) return { field: 'parties', expected: wantKeys.join(' '), got: gotKeys.join(' ') };
  for (const k of wantKeys) if (want[k] !== got[k]) return { field: `digests.${k}`, expected: short(want[k]), got: short(got[k]) };
  return undefined;
}

/**
 * Replays `trace` and reports the first line whose answer, view digests or abstract state
 * differ, or that it replays exactly. A run starts from the header's configuration unless its
 * first line is a reset. Never throws: what the replayed system throws is compared with `threw`.
 * @example
 * ```ts
 * const r = replayTrace(decoded);
 * r.exact ? 'replays exactly' : `step ${r.divergence?.step}: ${r.divergence?.field}`;
 * ```
 */
export function replayTrace(trace: Trace, options: ReplayOptions = {}): ReplayResult {
  const sut = (options.system ?? replayModel)(trace.header);
  let steps = 0;
  const diverged = (i: number, step: number | null, request: string, d: { field: string; expected: string; got: string }): ReplayResult => ({
    exact: false,
    lines: i + 1,
    steps,
    divergence: { step, line: i + 2, request, ...d },
  });
  if (trace.lines[0]?.op !== 'reset') {
    const c = configFromWire(trace.header.config);
    try {
      if (c.ok) sut.reset(c.value);
    } catch (e) {
      return diverged(-1, null, 'reset', { field: 'header.config', expected: 'a configuration the model starts from', got: `threw "${messageOf(e)}"` });
    }
  }
  for (const [i, line] of trace.lines.entries()) {
    if (line.op === 'reset') {
      const d = replayReset(sut, line);
      if (d !== undefined) return diverged(i, null, 'reset', d);
    } else if (line.op === 'apply') {
      steps++;
      const kind = line.action === undefined ? 'input' : (line.action as { kind: string }).kind;
      const d = replayApply(sut, line);
      if (d !== undefined) return diverged(i, line.step, `apply ${kind}`, d);
    } else {
      const d = replayObserve(sut, line);
      const p = partyFromWire(line.party);
      if (d !== undefined) return diverged(i, null, `observe ${p.ok ? partyKey(p.value) : canonicalJson(line.party)}`, d);
    }
  }
  return { exact: true, lines: trace.lines.length, steps };
}

type Difference = { field: string; expected: string; got: string } | undefined;

/** Compares what a reset or apply left behind. */
function afterwards(sut: SyncSystemUnderTest, line: ResetLine | ApplyLine): Difference {
  if (line.digests === undefined && line.state === undefined) return undefined;
  const seen = observeAll(sut);
  if (line.digests !== undefined) {
    const d = digestDifference(line.digests, seen.digests);
    if (d !== undefined) return d;
  }
  if (line.state !== undefined) {
    const want = canonicalJson(line.state);
    const got = seen.state === undefined ? 'none' : canonicalJson(seen.state);
    if (want !== got) return { field: 'state', expected: want, got };
  }
  return undefined;
}

function replayReset(sut: SyncSystemUnderTest, line: ResetLine): Difference {
  const c = configFromWire(line.config);
  let threw: string | undefined;
  try {
    if (c.ok) sut.reset(c.value);
  } catch (e) {
    threw = messageOf(e);
  }
  if ((threw === undefined) !== (line.threw === undefined)) {
    return { field: 'threw', expected: line.threw === undefined ? 'a reset' : `threw "${line.threw}"`, got: threw === undefined ? 'a reset' : `threw "${threw}"` };
  }
  return afterwards(sut, line);
}

function replayApply(sut: SyncSystemUnderTest, line: ApplyLine): Difference {
  let value: unknown;
  if (line.action !== undefined) {
    const a = actionFromWire(line.action);
    value = a.ok ? a.value : undefined;
  } else {
    const v = valueOfSpelling(line.input);
    value = v.ok ? v.value : undefined;
  }
  let got: { outcome?: Json; unreadable?: Json; threw?: string };
  try {
    const o = sut.apply(value);
    // Spelled the way the recorder spells it, with the kind the line names.
    got = recordedOutcome(recordedKind(line), o);
  } catch (e) {
    got = { threw: messageOf(e) };
  }
  const want = { ...(line.outcome === undefined ? {} : { outcome: line.outcome }), ...(line.unreadable === undefined ? {} : { unreadable: line.unreadable }), ...(line.threw === undefined ? {} : { threw: line.threw }) };
  if (canonicalJson(want) !== canonicalJson(got)) return { field: 'outcome', expected: show(want), got: show(got) };
  return afterwards(sut, line);
}

function replayObserve(sut: SyncSystemUnderTest, line: ObserveLine): Difference {
  const p = partyFromWire(line.party);
  let got: { view?: Json; unreadable?: Json; threw?: string };
  try {
    const v = p.ok ? sut.observe(p.value) : null;
    const w = viewWire(v);
    got = w === undefined ? { unreadable: null } : { view: w };
  } catch (e) {
    got = { threw: messageOf(e) };
  }
  const want = line.threw !== undefined ? { threw: line.threw } : line.unreadable !== undefined ? { unreadable: null } : { view: line.view ?? null };
  if (canonicalJson(want) !== canonicalJson(got)) {
    const describe = (x: typeof got): string => (x.threw !== undefined ? `threw "${x.threw}"` : x.unreadable !== undefined ? 'an unreadable view' : `view ${canonicalJson(x.view ?? null).slice(0, 60)}…`);
    return { field: 'view', expected: describe(want), got: describe(got) };
  }
  return undefined;
}
