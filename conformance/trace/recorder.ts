/**
 * The trace recorder: a {@link SyncSystemUnderTest} that passes every request to the system it
 * wraps and writes a trace line for it, and {@link recordPropertyRun}, which runs one property on
 * one input through it.
 * @module
 */
import { readValue, REFUSED, toWire, type Json } from '../../model/core/schema.js';
import {
  ACTION_KINDS,
  ACTION_SPECS,
  actionToWire,
  configToWire,
  outcomeFromWire,
  outcomeSchemas,
  partyFromWire,
  partyToWire,
  readAction,
  WORLD_CONFIG,
  type ActionKind,
  type ModelSystem,
  type SyncSystemUnderTest,
  type WorldConfig,
} from '../../model/platform/index.js';
import { propertyModel, type ModelProperty } from '../../properties/property.js';
import { PropertyViolation, runSync } from '../../properties/sut-calls.js';
import { CHECKPOINT_EVERY, TRACE_FORMAT, TRACE_VERSION, type ApplyLine, type FailureFields, type Trace, type TraceLine } from './format.js';
import { observeAll, viewWire, type Observation } from './observe.js';
import { readRecorder, spelledKind, spellReads, spellValue, valueOfSpelling, type Read } from './value.js';
import { traceWriterVersion } from './version.js';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The configuration with no machines, for a header of a run that never reset. */
const EMPTY_CONFIG: WorldConfig = { suite: 'noble', machines: [], adapters: [] };

/** What an apply line records of what was passed: the action it reads as, or the spelling. */
export function recordedInput(spelled: Json): { readonly action: Json } | { readonly input: Json } {
  const replayed = valueOfSpelling(spelled);
  // The model's own boundary judges whether the recorded reads make an action.
  const action = replayed.ok ? readAction(replayed.value) : undefined;
  return action === undefined ? { input: spelled } : { action: actionToWire(action) };
}

/**
 * The wire form of an outcome a system returned for an action of `kind` (undefined: the input
 * names no kind), or, when it is no outcome of that kind, its spelling as `unreadable`.
 */
export function recordedOutcome(kind: ActionKind | undefined, outcome: unknown): { readonly outcome: Json } | { readonly unreadable: Json } {
  try {
    const o = outcome as { kind?: unknown };
    const s = outcomeSchemas(kind ?? 'verify');
    const schema = o.kind === 'accepted' && kind !== undefined ? s.accepted : o.kind === 'rejected' ? s.rejected : undefined;
    const read = schema === undefined ? REFUSED : readValue(schema, outcome);
    if (schema !== undefined && read !== REFUSED) {
      const wire = toWire(schema, read as never);
      if (outcomeFromWire(kind ?? 'verify', wire).ok) return { outcome: wire };
    }
  } catch {
    // A getter of the answer threw: spelled below.
  }
  return { unreadable: spellValue(outcome) };
}

/** The action kind a recorded input names (an action's kind, or the kind its spelling read), if any. */
export function recordedKind(recorded: { readonly action?: Json; readonly input?: Json }): ActionKind | undefined {
  const k = recorded.action !== undefined ? (recorded.action as { kind: string }).kind : recorded.input === undefined ? undefined : spelledKind(recorded.input);
  return (ACTION_KINDS as readonly string[]).includes(k ?? '') ? (k as ActionKind) : undefined;
}

/**
 * Adds to `reads` what the model's boundary reads of an action that the system did not read
 * (a system may answer before reading every field): `kind`, then the fields of that kind. Read
 * after the system has answered, so what the system itself saw is unchanged; replay then gives
 * the model the whole action, not only the part this system looked at.
 */
function completeReads(proxy: object, reads: readonly Read[]): void {
  const read = new Set(reads.map(([key]) => key));
  const readOnce = (key: string): unknown => {
    if (read.has(key)) return reads.find(([k]) => k === key)?.[1];
    read.add(key);
    try {
      return { value: (proxy as Record<string, unknown>)[key] };
    } catch (e) {
      return { threw: e };
    }
  };
  const kind = readOnce('kind') as { value?: unknown } | undefined;
  const spec = ACTION_SPECS.find((s) => s.kind === kind?.value);
  if (spec !== undefined) for (const field of Object.keys(spec.fields)) readOnce(field);
}

/** A recording wrapper of a system under test. */
export interface TraceRecorder {
  /** The wrapper: pass it wherever the wrapped system would go. */
  readonly system: SyncSystemUnderTest;
  /** The trace so far, with `extra` in its header; the last apply line gets the full views. */
  trace(extra?: FailureFields): Trace;
}

/** Options of {@link recordingSystem}. */
export interface RecorderOptions {
  /** Full views on apply lines whose step is a multiple of this (default {@link CHECKPOINT_EVERY}). */
  readonly checkpointEvery?: number;
}

/**
 * Wraps `inner` so that every reset, apply and observe is recorded as a trace line; after each
 * reset and apply it observes every party (for the digests and the abstract state). Answers are
 * the inner system's, and so are its exceptions (recorded as `threw`, then rethrown).
 * @example
 * ```ts
 * const rec = recordingSystem(modelSystem());
 * rec.system.reset(config);
 * rec.system.apply({ kind: 'create-guest', machine: 0, memoryPages: 4 });
 * encodeTrace(rec.trace()); // header, reset line, apply line
 * ```
 */
export function recordingSystem(inner: SyncSystemUnderTest, options: RecorderOptions = {}): TraceRecorder {
  const every = options.checkpointEvery ?? CHECKPOINT_EVERY;
  const lines: TraceLine[] = [];
  let config: Json | undefined;
  let step = 0;
  let last: { index: number; views: Observation['views'] } | undefined;

  const observedFields = (o: Observation): { digests: Observation['digests']; state?: Json } =>
    o.state === undefined ? { digests: o.digests } : { digests: o.digests, state: o.state };

  const system: SyncSystemUnderTest = {
    name: inner.name,
    reset(c) {
      let wire: Json;
      try {
        const read = readValue(WORLD_CONFIG, c);
        if (read === REFUSED) throw new TypeError('not a WorldConfig');
        wire = configToWire(read);
      } catch (e) {
        throw new TypeError(`the trace recorder can record only a configuration (WORLD_CONFIG): ${messageOf(e)}`);
      }
      config ??= wire;
      try {
        inner.reset(c);
      } catch (e) {
        lines.push({ op: 'reset', config: wire, threw: messageOf(e), ...observedFields(observeAll(inner)) });
        throw e;
      }
      lines.push({ op: 'reset', config: wire, ...observedFields(observeAll(inner)) });
    },
    apply(raw) {
      step++;
      const watched = typeof raw === 'object' && raw !== null ? readRecorder(raw) : undefined;
      let answer: { ok: true; outcome: unknown } | { ok: false; error: unknown };
      try {
        answer = { ok: true, outcome: inner.apply(watched?.proxy ?? raw) };
      } catch (e) {
        answer = { ok: false, error: e };
      }
      if (watched !== undefined) completeReads(watched.proxy, watched.reads);
      // Spelled now, before the caller may rewrite its buffers.
      const recorded = recordedInput(watched === undefined ? spellValue(raw) : spellReads(raw as object, watched.reads));
      const result = answer.ok ? recordedOutcome(recordedKind(recorded), answer.outcome) : { threw: messageOf(answer.error) };
      const seen = observeAll(inner);
      const line: ApplyLine = { op: 'apply', step, ...recorded, ...result, ...observedFields(seen), ...(step % every === 0 ? { views: seen.views } : {}) };
      lines.push(line);
      last = { index: lines.length - 1, views: seen.views };
      if (!answer.ok) throw answer.error;
      return answer.outcome as ReturnType<SyncSystemUnderTest['apply']>;
    },
    observe(party) {
      let p: Json;
      try {
        p = partyToWire(party);
        if (!partyFromWire(p).ok) throw new TypeError('not a party');
      } catch (e) {
        throw new TypeError(`the trace recorder can record only a party (PARTY): ${messageOf(e)}`);
      }
      let view: ReturnType<SyncSystemUnderTest['observe']>;
      try {
        view = inner.observe(party);
      } catch (e) {
        lines.push({ op: 'observe', party: p, threw: messageOf(e) });
        throw e;
      }
      const w = viewWire(view);
      lines.push(w === undefined || (w !== null && (w as { party?: unknown }).party !== party.kind) ? { op: 'observe', party: p, unreadable: spellValue(view) } : { op: 'observe', party: p, view: w });
      return view;
    },
  };

  return {
    system,
    trace(extra = {}) {
      const out = [...lines];
      if (last !== undefined) {
        const l = out[last.index] as ApplyLine;
        if (l.views === undefined) out[last.index] = { ...l, views: last.views };
      }
      const c = config ?? configToWire(EMPTY_CONFIG);
      return {
        header: {
          format: TRACE_FORMAT,
          version: TRACE_VERSION,
          semodel: traceWriterVersion(),
          system: inner.name,
          suite: (c as { suite: 'noble' | 'node' }).suite,
          config: c,
          ...extra,
        },
        lines: out,
      };
    },
  };
}

/** One property run on one input, recorded. */
export interface RecordedRun {
  readonly trace: Trace;
  /** True when the property failed on this input (returned false or threw). */
  readonly failed: boolean;
  /** The error, when it failed. */
  readonly error?: string;
  /** The assertion that failed, when it was one. */
  readonly violation?: { readonly requirement: string; readonly message: string };
}

/** Options of {@link recordPropertyRun}. */
export interface RecordOptions extends RecorderOptions {
  /** The model to run on (default: the properties' model); a fresh one for this run. */
  readonly system?: () => ModelSystem;
}

/**
 * Runs `property` on `input` once, through a recorder, and returns the trace (its header names
 * the property, and the error when it failed) and whether it failed.
 * @example
 * ```ts
 * const r = recordPropertyRun(platformTotal, input);
 * r.failed; // false
 * writeFileSync('run.trace.jsonl', encodeTrace(r.trace));
 * ```
 */
export function recordPropertyRun<T>(property: ModelProperty<T>, input: T, options: RecordOptions = {}): RecordedRun {
  const model = (options.system ?? propertyModel)();
  const rec = recordingSystem(model, options);
  let failure: { error: string; violation?: { requirement: string; message: string } } | undefined;
  try {
    if (runSync(property.run(input, model), rec.system) === false) failure = { error: 'the property returned false' };
  } catch (e) {
    failure = e instanceof PropertyViolation ? { error: e.message, violation: { requirement: e.requirement, message: e.message.slice(e.requirement.length + 2) } } : { error: messageOf(e) };
  }
  const property_ = { mechanism: property.mechanism, name: property.name };
  const trace = rec.trace(failure === undefined ? { property: property_ } : { property: property_, error: failure.error });
  return failure === undefined ? { trace, failed: false } : { trace, failed: true, ...failure };
}
