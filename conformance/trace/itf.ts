/**
 * Export of a trace to the Informal Trace Format (ITF, Apalache ADR-015, what Quint's `--mbt`
 * writes) and import back, so that a trace of a Quint or TLA+ model of the same platform can be
 * checked against semodel with `semodel trace replay`.
 *
 * One ITF state per reset or apply line (observe lines change nothing and are not exported).
 * Variables (docs/trace-format.md, "ITF"):
 * - `mbt::actionTaken`: the request's name: `reset`, an action kind, or `input` (not an action).
 * - `action`: a variant: `{"tag":"reset","value":CONFIG}`, `{"tag":KIND,"value":{fields}}` or
 *   `{"tag":"input","value":"<the input's spelling as JSON text>"}`.
 * - `outcome`: `{"tag":"none"}` (a reset), `accepted` (the response record), `rejected`
 *   (`{code, requirement}`), `unreadable` (JSON text), `threw` (the message).
 * - `step`: the apply step (`#bigint`); resets keep the count so far.
 * - `guests`: `#map` guest ID → `{machine, phase, memoryPages, unpackedPages, header, verifyFailure}`;
 *   `adapters`: `#map` adapter ID → `{machine, boundGuest}` (the abstract state, from views).
 * - `digests`: `#map` party key → SHA-256 hex of its view (`""` for a view that did not read).
 * Integers are `{"#bigint":"…"}` (u64 fields too, in decimal), bytes lower-case hex strings,
 * nullable values Quint's `Option` variant (`{"tag":"None","value":{"#tup":[]}}`, `{"tag":"Some","value":x}`).
 * @module
 */
import type { Json, ObjectType, Schema } from '../../model/core/schema.js';
import { t } from '../../model/core/schema.js';
import { wireHexToBytes } from '../../model/core/hex.js';
import { ACTION_KINDS, ACTION_SPECS, WORLD_CONFIG, type ActionKind } from '../../model/platform/index.js';
import { decodeTrace, encodeTrace, traceErrorText } from './codec.js';
import { ABSTRACT_STATE, TRACE_FORMAT, TRACE_VERSION, type ApplyLine, type ResetLine, type Trace, type TraceHeader, type TraceLine } from './format.js';
import { recordedKind } from './recorder.js';
import { traceWriterVersion } from './version.js';

/** The ITF variables semodel writes and reads. */
export const ITF_VARS = ['mbt::actionTaken', 'action', 'outcome', 'step', 'guests', 'adapters', 'digests'] as const;

/** ADR-015. */
export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

const big = (n: number | bigint | string): Json => ({ '#bigint': String(n) });
const NONE: Json = { tag: 'None', value: { '#tup': [] } };
const TWO_64 = 1n << 64n;

const SPEC = new Map<string, (typeof ACTION_SPECS)[number]>(ACTION_SPECS.map((s) => [s.kind, s]));
const fieldsOf = (kind: ActionKind): ObjectType => t.object((SPEC.get(kind) as (typeof ACTION_SPECS)[number]).fields);
const responseOf = (kind: ActionKind): ObjectType => t.object((SPEC.get(kind) as (typeof ACTION_SPECS)[number]).response);

/** A wire value of `s` as an ITF value. */
function toItf(s: Schema, w: Json): Json {
  switch (s.type) {
    case 'u64':
      return big(BigInt(w as string));
    case 'id':
    case 'int':
      return big(w as number);
    case 'nullable':
      return w === null ? NONE : { tag: 'Some', value: toItf(s.of, w) };
    case 'array':
      return (w as readonly Json[]).map((x) => toItf(s.of, x));
    case 'object': {
      const out: Record<string, Json> = {};
      for (const name in s.fields) out[name] = toItf(s.fields[name] as Schema, (w as Record<string, Json>)[name] as Json);
      return out;
    }
    default:
      return w;
  }
}

/** Why an ITF document does not import: the JSON path and what is wrong. */
export interface ItfError {
  readonly path: string;
  readonly message: string;
}

class Bad extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);

/** An ITF integer: `{"#bigint":"…"}`, or a JSON integer (ADR-015 allows both). */
function itfInt(j: unknown, path: string): bigint {
  if (typeof j === 'number' && Number.isSafeInteger(j)) return BigInt(j);
  if (isRecord(j) && Object.keys(j).length === 1 && typeof j['#bigint'] === 'string' && /^-?(0|[1-9][0-9]*)$/.test(j['#bigint'])) return BigInt(j['#bigint']);
  throw new Bad(path, 'expected an integer ({"#bigint": "digits"})');
}

/** A Quint variant `{tag, value}`. */
function variant(j: unknown, path: string): { tag: string; value: unknown } {
  if (!isRecord(j) || typeof j['tag'] !== 'string' || !('value' in j)) throw new Bad(path, 'expected a variant {"tag": …, "value": …}');
  return { tag: j['tag'], value: j['value'] };
}

/** An ITF value of `s` as a wire value. */
function fromItf(s: Schema, j: unknown, path: string): Json {
  switch (s.type) {
    case 'bytes':
      if (typeof j !== 'string' || wireHexToBytes(j) === undefined) throw new Bad(path, 'expected a lower-case hex string of even length');
      return j;
    case 'u64': {
      const n = itfInt(j, path);
      if (n < 0n || n >= TWO_64) throw new Bad(path, 'expected an unsigned 64-bit integer');
      return `0x${n.toString(16)}`;
    }
    case 'id':
    case 'int': {
      const n = itfInt(j, path);
      const v = Number(n);
      if (!Number.isSafeInteger(v) || (s.type === 'id' && v < 0)) throw new Bad(path, s.type === 'id' ? 'expected a non-negative safe integer' : 'expected a safe integer');
      return v;
    }
    case 'string':
      if (typeof j !== 'string') throw new Bad(path, 'expected a string');
      return j;
    case 'enum':
      if (typeof j !== 'string' || !s.values.includes(j)) throw new Bad(path, `expected one of ${s.values.join(', ')}`);
      return j;
    case 'bool':
      if (typeof j !== 'boolean') throw new Bad(path, 'expected true or false');
      return j;
    case 'nullable': {
      const v = variant(j, path);
      if (v.tag === 'None') return null;
      if (v.tag === 'Some') return fromItf(s.of, v.value, `${path}.value`);
      throw new Bad(`${path}.tag`, 'expected None or Some');
    }
    case 'array':
      if (!Array.isArray(j)) throw new Bad(path, 'expected a list');
      return j.map((x, i) => fromItf(s.of, x, `${path}[${i}]`));
    case 'object': {
      if (!isRecord(j)) throw new Bad(path, 'expected a record');
      for (const k of Object.keys(j)) if (!(k in s.fields)) throw new Bad(`${path}.${k}`, 'unexpected field');
      const out: Record<string, Json> = {};
      for (const name in s.fields) {
        if (!(name in j)) throw new Bad(`${path}.${name}`, 'missing');
        out[name] = fromItf(s.fields[name] as Schema, j[name], `${path}.${name}`);
      }
      return out;
    }
  }
}

const GUEST_RECORD = ABSTRACT_STATE.fields.guests.of;
const ADAPTER_RECORD = ABSTRACT_STATE.fields.adapters.of;

/** A record without its `id` field (the key of its `#map`). */
function withoutId(s: ObjectType): ObjectType {
  const { id: _id, ...rest } = s.fields;
  void _id;
  return t.object(rest);
}

/** The ITF value of an apply line's action. */
function itfAction(l: ApplyLine): Json {
  if (l.action === undefined) return { tag: 'input', value: JSON.stringify(l.input) };
  const { kind, ...fields } = l.action as { kind: ActionKind } & Record<string, Json>;
  return { tag: kind, value: toItf(fieldsOf(kind), fields) };
}

/** The ITF value of an outcome. */
function itfOutcome(l: ResetLine | ApplyLine): Json {
  if (l.threw !== undefined) return { tag: 'threw', value: l.threw };
  if (l.op === 'reset') return { tag: 'none', value: { '#tup': [] } };
  if (l.unreadable !== undefined) return { tag: 'unreadable', value: JSON.stringify(l.unreadable) };
  const o = l.outcome as { kind: string; response?: Json; code?: string; requirement?: string };
  if (o.kind === 'rejected') return { tag: 'rejected', value: { code: o.code ?? '', requirement: o.requirement ?? '' } };
  return { tag: 'accepted', value: toItf(responseOf(recordedKind(l) as ActionKind), o.response ?? {}) };
}

/**
 * The ITF document of a trace: `#meta` (with the trace's header under `semodel`), `vars` and one
 * state per reset or apply line.
 * @example
 * ```ts
 * const itf = exportItf(trace, 'run.trace.jsonl');
 * itf.states.length; // the trace's reset and apply lines
 * ```
 */
export function exportItf(trace: Trace, source = 'semodel trace'): { '#meta': Json; vars: string[]; states: Json[] } {
  const lines = trace.lines.filter((l): l is ResetLine | ApplyLine => l.op !== 'observe');
  const withState = lines.every((l) => l.state !== undefined);
  const withDigests = lines.every((l) => l.digests !== undefined);
  const vars = ITF_VARS.filter((v) => ((v === 'guests' || v === 'adapters') && !withState ? false : v === 'digests' ? withDigests : true));
  let step = 0;
  const states = lines.map((l, index): Json => {
    if (l.op === 'apply') step = l.step;
    const taken = l.op === 'reset' ? 'reset' : l.action === undefined ? 'input' : (l.action as { kind: string }).kind;
    const state: Record<string, Json> = {
      '#meta': { index },
      'mbt::actionTaken': taken,
      action: l.op === 'reset' ? { tag: 'reset', value: toItf(WORLD_CONFIG, l.config) } : itfAction(l),
      outcome: itfOutcome(l),
      step: big(step),
    };
    if (withState) {
      const s = l.state as { guests: (Record<string, Json> & { id: number })[]; adapters: (Record<string, Json> & { id: number })[] };
      state['guests'] = { '#map': s.guests.map(({ id, ...g }) => [big(id), toItf(withoutId(GUEST_RECORD), g)]) };
      state['adapters'] = { '#map': s.adapters.map(({ id, ...a }) => [big(id), toItf(withoutId(ADAPTER_RECORD), a)]) };
    }
    if (withDigests) state['digests'] = { '#map': Object.entries(l.digests ?? {}).map(([k, d]) => [k, d ?? '']) };
    return state;
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_DESCRIPTION,
      source,
      description: `Exported by semodel ${traceWriterVersion()} from a semodel trace: one state per reset or apply line`,
      semodel: trace.header as unknown as Json,
    },
    vars: [...vars],
    states,
  };
}

/** The entries of an ITF `#map`. */
function mapEntries(j: unknown, path: string): [unknown, unknown][] {
  if (!isRecord(j) || !Array.isArray(j['#map'])) throw new Bad(path, 'expected a map {"#map": [[key, value], …]}');
  return (j['#map'] as unknown[]).map((e, i) => {
    if (!Array.isArray(e) || e.length !== 2) throw new Bad(`${path}.#map[${i}]`, 'expected a [key, value] pair');
    return [e[0], e[1]];
  });
}

/** The text of a JSON-text value (`input`, `unreadable`). */
function jsonText(j: unknown, path: string): Json {
  if (typeof j !== 'string') throw new Bad(path, 'expected JSON text in a string');
  try {
    return JSON.parse(j) as Json;
  } catch {
    throw new Bad(path, 'expected JSON text in a string');
  }
}

function importState(s: unknown, path: string, step: number): TraceLine {
  if (!isRecord(s)) throw new Bad(path, 'expected a state record');
  for (const v of ['action', 'outcome']) if (!(v in s)) throw new Bad(`${path}.${v}`, 'missing: semodel reads the variables action and outcome');
  const action = variant(s['action'], `${path}.action`);
  const outcome = variant(s['outcome'], `${path}.outcome`);
  const observed: { digests?: Record<string, string | null>; state?: Json } = {};
  if ('digests' in s) {
    const d: Record<string, string | null> = {};
    for (const [i, [k, v]] of mapEntries(s['digests'], `${path}.digests`).entries()) {
      if (typeof k !== 'string' || typeof v !== 'string') throw new Bad(`${path}.digests.#map[${i}]`, 'expected a [party key, hex digest] pair of strings');
      d[k] = v === '' ? null : v;
    }
    observed.digests = d;
  }
  if ('guests' in s || 'adapters' in s) {
    const entries = (v: string, record: ObjectType) =>
      mapEntries(s[v], `${path}.${v}`)
        .map(([k, x], i) => ({ id: Number(itfInt(k, `${path}.${v}.#map[${i}][0]`)), ...(fromItf(withoutId(record), x, `${path}.${v}.#map[${i}][1]`) as Record<string, Json>) }))
        .sort((a, b) => a.id - b.id);
    observed.state = { guests: entries('guests', GUEST_RECORD), adapters: entries('adapters', ADAPTER_RECORD) };
  }
  const threw = outcome.tag === 'threw' ? { threw: typeof outcome.value === 'string' ? outcome.value : String(outcome.value) } : {};
  if (action.tag === 'reset') {
    if (outcome.tag !== 'none' && outcome.tag !== 'threw') throw new Bad(`${path}.outcome.tag`, 'a reset has the outcome none or threw');
    return { op: 'reset', config: fromItf(WORLD_CONFIG, action.value, `${path}.action.value`), ...threw, ...observed };
  }
  let recorded: { action: Json } | { input: Json };
  if (action.tag === 'input') recorded = { input: jsonText(action.value, `${path}.action.value`) };
  else if ((ACTION_KINDS as readonly string[]).includes(action.tag)) {
    const kind = action.tag as ActionKind;
    recorded = { action: { kind, ...(fromItf(fieldsOf(kind), action.value, `${path}.action.value`) as Record<string, Json>) } };
  } else throw new Bad(`${path}.action.tag`, `expected reset, input or an action kind (${ACTION_KINDS.join(', ')})`);
  let result: { outcome: Json } | { unreadable: Json } | { threw: string };
  const at = `${path}.outcome.value`;
  switch (outcome.tag) {
    case 'accepted': {
      const kind = recordedKind(recorded);
      if (kind === undefined) throw new Bad(`${path}.outcome.tag`, 'an input that names no action kind cannot be accepted');
      result = { outcome: { kind: 'accepted', response: fromItf(responseOf(kind), outcome.value, at) } };
      break;
    }
    case 'rejected':
      result = { outcome: { kind: 'rejected', ...(fromItf(t.object({ code: t.string(), requirement: t.string() }), outcome.value, at) as Record<string, Json>) } };
      break;
    case 'unreadable':
      result = { unreadable: jsonText(outcome.value, at) };
      break;
    case 'threw':
      result = threw as { threw: string };
      break;
    default:
      throw new Bad(`${path}.outcome.tag`, 'expected accepted, rejected, unreadable or threw');
  }
  return { op: 'apply', step, ...recorded, ...result, ...observed };
}

/**
 * A semodel trace from an ITF document that uses semodel's variable names (`action` and
 * `outcome`; `digests`, `guests` and `adapters` when present are checked too). The header is the
 * one `#meta.semodel` carries, or one made from the first state's reset. Never throws.
 * @example
 * ```ts
 * const r = importItf(JSON.parse(readFileSync('run.itf.json', 'utf8')));
 * if (r.ok) replayTrace(r.value).exact;
 * ```
 */
export function importItf(doc: unknown): { readonly ok: true; readonly value: Trace } | { readonly ok: false; readonly error: ItfError } {
  try {
    if (!isRecord(doc)) throw new Bad('$', 'expected an ITF document {"#meta": …, "vars": […], "states": […]}');
    const vars = doc['vars'];
    if (!Array.isArray(vars) || !vars.every((v) => typeof v === 'string')) throw new Bad('$.vars', 'expected a list of variable names');
    for (const v of ['action', 'outcome']) if (!vars.includes(v)) throw new Bad('$.vars', `has no variable ${v}: semodel imports traces with its variable names (${ITF_VARS.join(', ')})`);
    const states = doc['states'];
    if (!Array.isArray(states)) throw new Bad('$.states', 'expected a list of states');
    let step = 0;
    const lines = states.map((s, i) => {
      const isApply = isRecord(s) && isRecord(s['action']) && s['action']['tag'] !== 'reset';
      return importState(s, `$.states[${i}]`, isApply ? ++step : step);
    });
    const meta = isRecord(doc['#meta']) ? doc['#meta'] : {};
    let header: TraceHeader;
    if (isRecord(meta['semodel'])) header = meta['semodel'] as unknown as TraceHeader;
    else {
      const first = lines[0];
      if (first?.op !== 'reset') throw new Bad('$.states[0].action', 'the first state must be a reset (it gives the configuration) when #meta carries no semodel header');
      header = { format: TRACE_FORMAT, version: TRACE_VERSION, semodel: traceWriterVersion(), system: 'itf', suite: (first.config as { suite: 'noble' | 'node' }).suite, config: first.config };
    }
    // The trace must also be one the strict decoder reads.
    const decoded = decodeTrace(encodeTrace({ header, lines }));
    if (!decoded.ok) {
      const where = decoded.error.line === 1 ? '$.#meta.semodel' : `$.states[${decoded.error.line - 2}]`;
      throw new Bad(where, `as a semodel trace, ${traceErrorText(decoded.error)}`);
    }
    return { ok: true, value: decoded.value };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, error: { path: e.path, message: e.message } };
    return { ok: false, error: { path: '$', message: `cannot read the document (${e instanceof Error ? e.message : String(e)})` } };
  }
}
