/**
 * The check of someone else's trace (`semodel trace check`): a semodel trace file (JSON lines,
 * docs/trace-format.md) or an ITF trace (Apalache ADR-015, as Quint's `--mbt` writes it),
 * told apart by their content, replayed on the model with `replayTrace`; at the first divergence
 * the context around it: the step and its action, the trace's outcome and the model's, every
 * party whose view digest differs, and a short diff of the views the trace carries there.
 * @module
 */
import { canonicalJson } from '../../model/core/canonical-json.js';
import type { Json } from '../../model/core/schema.js';
import type { SyncSystemUnderTest } from '../../model/platform/index.js';
import { decodeTrace, traceErrorText } from '../trace/codec.js';
import type { Trace } from '../trace/format.js';
import { importItf } from '../trace/itf.js';
import { observeAll } from '../trace/observe.js';
import { recordedKind, recordedOutcome } from '../trace/recorder.js';
import { replayModel, replayTrace, type ReplayResult } from '../trace/replay.js';
import { jsonDiff } from './run.js';

/** The two formats a trace may come in. */
export type TraceFormat = 'jsonl' | 'itf';

/** A trace text read: its format and trace, or why it is not one. */
export type ParsedTrace = { readonly ok: true; readonly format: TraceFormat; readonly trace: Trace } | { readonly ok: false; readonly format: TraceFormat; readonly message: string };

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);

/**
 * Reads a trace of either format. An ITF document is one JSON object with `states`, `vars` or
 * `#meta` and no `format` (a semodel trace's first line is a header with `format`); anything
 * else is read as JSON lines.
 * @example
 * ```ts
 * const p = parseTraceText(readFileSync(file, 'utf8'));
 * if (p.ok) checkTrace(p.trace).result.exact;
 * ```
 */
export function parseTraceText(text: string): ParsedTrace {
  let doc: unknown;
  if (/^\s*\{/.test(text)) {
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
  }
  if (isRecord(doc) && !('format' in doc) && ('states' in doc || 'vars' in doc || '#meta' in doc)) {
    const r = importItf(doc);
    return r.ok ? { ok: true, format: 'itf', trace: r.value } : { ok: false, format: 'itf', message: `at ${r.error.path}: ${r.error.message}` };
  }
  const r = decodeTrace(text);
  return r.ok ? { ok: true, format: 'jsonl', trace: r.value } : { ok: false, format: 'jsonl', message: traceErrorText(r.error) };
}

/** What surrounds a divergence. */
export interface DivergenceContext {
  /** The diverging line's action (wire form) or input spelling, as JSON text (cut when long). */
  readonly action?: string;
  /** The outcome the trace records, in words. */
  readonly traceOutcome?: string;
  /** The outcome the model gave, in words. */
  readonly modelOutcome?: string;
  /** Every party whose view digest differs after the line: trace's and model's digest (cut). */
  readonly digests: readonly { readonly party: string; readonly trace: string; readonly model: string }[];
  /** Paths where the views the trace carries on that line differ from the model's. */
  readonly views: readonly string[];
}

/** A check: the replay's result and, on a divergence, its context. */
export interface TraceCheck {
  readonly result: ReplayResult;
  readonly context?: DivergenceContext;
}

const cut = (s: string, n = 120): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const digestText = (d: string | null | undefined): string => (d === undefined ? 'no such party' : d === null ? 'an unreadable view' : `${d.slice(0, 16)}…`);

/** An outcome as `recordedOutcome` gives it, in words. */
function inWords(r: { outcome?: Json; unreadable?: Json; threw?: string }): string {
  if (r.threw !== undefined) return `threw "${r.threw}"`;
  if (r.unreadable !== undefined) return `not an outcome (${cut(canonicalJson(r.unreadable), 60)})`;
  const o = r.outcome as { kind?: string; code?: string; requirement?: string; response?: Json } | undefined;
  return o?.kind === 'rejected' ? `rejected ${o.code ?? ''} (${o.requirement ?? ''})` : `accepted ${canonicalJson(o?.response ?? {})}`;
}

/**
 * Replays `trace` on the model and, at the first divergence, collects the context: the model
 * stays in the state right after the diverging line, and is observed there.
 * @example
 * ```ts
 * const c = checkTrace(trace);
 * c.result.exact ? 'ok' : c.context?.digests.map((d) => d.party);
 * ```
 */
export function checkTrace(trace: Trace): TraceCheck {
  let system: SyncSystemUnderTest | undefined;
  let last: { outcome?: unknown; threw?: string } = {};
  const result = replayTrace(trace, {
    system: (header) => {
      const model = replayModel(header);
      system = {
        name: model.name,
        reset: (c) => model.reset(c),
        apply: (a) => {
          last = {};
          try {
            const o = model.apply(a);
            last = { outcome: o };
            return o;
          } catch (e) {
            last = { threw: e instanceof Error ? e.message : String(e) };
            throw e;
          }
        },
        observe: (p) => model.observe(p),
      };
      return system;
    },
  });
  const d = result.divergence;
  if (d === undefined || system === undefined) return { result };
  const line = trace.lines[d.line - 2];
  if (line === undefined || line.op === 'observe') return { result, context: { digests: [], views: [] } };
  const seen = observeAll(system);
  const recordedDigests = line.digests;
  // Only a trace that carries digests (an ITF trace may not) is compared on them.
  const digests = recordedDigests === undefined
    ? []
    : [...new Set([...Object.keys(recordedDigests), ...Object.keys(seen.digests)])]
        .filter((k) => recordedDigests[k] !== seen.digests[k])
        .map((party) => ({ party, trace: digestText(recordedDigests[party]), model: digestText(seen.digests[party]) }));
  const views = line.op === 'apply' && line.views !== undefined
    ? Object.entries(line.views).flatMap(([party, v]) => (party in seen.views ? jsonDiff(v, seen.views[party] as Json, party, 3) : [`${party}: the model has no such party`]))
    : [];
  if (line.op === 'reset') return { result, context: { digests, views } };
  const spelled = line.action ?? line.input;
  const model = last.threw !== undefined ? { threw: last.threw } : recordedOutcome(recordedKind(line), last.outcome);
  const recorded = { ...(line.outcome === undefined ? {} : { outcome: line.outcome }), ...(line.unreadable === undefined ? {} : { unreadable: line.unreadable }), ...(line.threw === undefined ? {} : { threw: line.threw }) };
  return {
    result,
    context: {
      ...(spelled === undefined ? {} : { action: cut(canonicalJson(spelled)) }),
      traceOutcome: inWords(recorded),
      modelOutcome: inWords(model),
      digests,
      views,
    },
  };
}
