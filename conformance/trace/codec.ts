/**
 * The encoder and the strict decoder of trace files. Decoding never throws: a line that is not
 * what docs/trace-format.md says is an error naming its line number (the header is line 1) and
 * the field (`outcome.code`, `views.guest:1.memory[0].bytes`).
 * @module
 */
import { fromWire, type Json, type WireError } from '../../model/core/schema.js';
import { ACTION_KINDS, actionFromWire, configFromWire, outcomeFromWire, partyFromWire, viewFromWire, type ActionKind, type Party } from '../../model/platform/index.js';
import { ABSTRACT_STATE, TRACE_FORMAT, TRACE_VERSION, type ApplyLine, type Trace, type TraceHeader, type TraceLine } from './format.js';
import { viewDigest } from './observe.js';
import { spelledKind, valueOfSpelling } from './value.js';

/** Why a trace file does not decode: the line (1 is the header), the field and what is wrong. */
export interface TraceError {
  readonly line: number;
  /** The field's path in the line (`outcome.code`), or `(line)` for the line as a whole. */
  readonly field: string;
  readonly message: string;
}

/** The error as one line of text: `line 3, field outcome.code: expected a string`. */
export function traceErrorText(e: TraceError): string {
  return `line ${e.line}, field ${e.field}: ${e.message}`;
}

/**
 * The text of a trace: the header and each line as one line of JSON.
 * @example
 * ```ts
 * const text = encodeTrace(recordPropertyRun(property, input).trace);
 * decodeTrace(text); // { ok: true, value: … } with the same header and lines
 * ```
 */
export function encodeTrace(trace: Trace): string {
  return [trace.header, ...trace.lines].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** Thrown inside the decoder only, caught by {@link decodeTrace}. */
class Bad extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);

/** The field path of a wire error under `field` (`$.guests[0]` → `view.guests[0]`). */
const under = (field: string, e: WireError | { path: string; message: string }): Bad => new Bad(`${field}${e.path.slice(1)}`, e.message);

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Bad(k, `unexpected field (allowed: ${allowed.join(', ')})`);
}

function need(o: Record<string, unknown>, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) throw new Bad(key, 'missing');
  return o[key];
}

function str(o: Record<string, unknown>, key: string): string {
  const v = need(o, key);
  if (typeof v !== 'string') throw new Bad(key, 'expected a string');
  return v;
}

function exactlyOne(o: Record<string, unknown>, keys: readonly string[]): string {
  const present = keys.filter((k) => Object.prototype.hasOwnProperty.call(o, k));
  if (present.length !== 1) throw new Bad(present[1] ?? keys[0] ?? '', `expected exactly one of ${keys.join(', ')}, got ${present.length === 0 ? 'none' : present.join(' and ')}`);
  return present[0] as string;
}

const PARTY_KEY = /^(hypervisor|host-manager|client|(guest|owner|adapter):(0|[1-9][0-9]*))$/;
const DIGEST = /^[0-9a-f]{64}$/;
const PATH = /^(0|[1-9][0-9]*)(:(0|[1-9][0-9]*))*$/;

/** The party a key names. */
function partyOfKey(key: string): Party {
  const [kind, id] = key.split(':');
  if (kind === 'guest' || kind === 'owner') return { kind, guest: Number(id) };
  if (kind === 'adapter') return { kind, adapter: Number(id) };
  return { kind: kind as 'hypervisor' | 'host-manager' | 'client' };
}

function header(o: Record<string, unknown>): TraceHeader {
  onlyKeys(o, ['format', 'version', 'semodel', 'system', 'suite', 'config', 'property', 'seed', 'path', 'runs', 'error']);
  if (need(o, 'format') !== TRACE_FORMAT) throw new Bad('format', `expected "${TRACE_FORMAT}" (the first line must be a semodel trace header)`);
  const version = need(o, 'version');
  if (version !== TRACE_VERSION) throw new Bad('version', `version ${JSON.stringify(version)} is not one this semodel reads (${TRACE_VERSION})`);
  str(o, 'semodel');
  str(o, 'system');
  const suite = need(o, 'suite');
  if (suite !== 'noble' && suite !== 'node') throw new Bad('suite', 'expected "noble" or "node"');
  const config = configFromWire(need(o, 'config'));
  if (!config.ok) throw under('config', config.error);
  if (config.value.suite !== suite) throw new Bad('suite', `the header names ${suite}, its config ${config.value.suite}`);
  if ('property' in o) {
    const p = o['property'];
    if (!isRecord(p)) throw new Bad('property', 'expected {"mechanism": …, "name": …}');
    for (const k of Object.keys(p)) if (k !== 'mechanism' && k !== 'name') throw new Bad(`property.${k}`, 'unexpected field');
    for (const k of ['mechanism', 'name']) if (typeof p[k] !== 'string') throw new Bad(`property.${k}`, 'expected a string');
  }
  if ('seed' in o && !Number.isSafeInteger(o['seed'])) throw new Bad('seed', 'expected an integer');
  if ('path' in o && (typeof o['path'] !== 'string' || !PATH.test(o['path']))) throw new Bad('path', "expected fast-check's path: numbers joined by ':'");
  if ('runs' in o && !(Number.isSafeInteger(o['runs']) && (o['runs'] as number) >= 0)) throw new Bad('runs', 'expected a whole number');
  if ('error' in o && typeof o['error'] !== 'string') throw new Bad('error', 'expected a string');
  return o as unknown as TraceHeader;
}

function digests(o: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!('digests' in o)) return undefined;
  const d = o['digests'];
  if (!isRecord(d)) throw new Bad('digests', 'expected an object of party keys');
  for (const [k, v] of Object.entries(d)) {
    if (!PARTY_KEY.test(k)) throw new Bad(`digests.${k}`, 'not a party key (hypervisor, guest:N, owner:N, adapter:N, host-manager, client)');
    if (v !== null && (typeof v !== 'string' || !DIGEST.test(v))) throw new Bad(`digests.${k}`, 'expected 64 lower-case hex digits (SHA-256) or null');
  }
  return d;
}

function observed(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const d = digests(o);
  if ('state' in o) {
    const s = fromWire(ABSTRACT_STATE, o['state']);
    if (!s.ok) throw under('state', s.error);
  }
  return d;
}

function spelling(o: Record<string, unknown>, key: string): void {
  const r = valueOfSpelling(o[key]);
  if (!r.ok) throw under(key, r.error);
}

function threw(o: Record<string, unknown>): void {
  if ('threw' in o && typeof o['threw'] !== 'string') throw new Bad('threw', 'expected the message, a string');
}

function resetLine(o: Record<string, unknown>): void {
  onlyKeys(o, ['op', 'config', 'threw', 'digests', 'state']);
  const c = configFromWire(need(o, 'config'));
  if (!c.ok) throw under('config', c.error);
  threw(o);
  observed(o);
}

function applyLine(o: Record<string, unknown>, step: number): void {
  onlyKeys(o, ['op', 'step', 'action', 'input', 'outcome', 'unreadable', 'threw', 'digests', 'state', 'views']);
  if (need(o, 'step') !== step) throw new Bad('step', `expected ${step} (apply lines count 1, 2, 3, …)`);
  let kind: ActionKind | undefined;
  if (exactlyOne(o, ['action', 'input']) === 'action') {
    const a = actionFromWire(o['action']);
    if (!a.ok) throw under('action', a.error);
    kind = a.value.kind;
  } else {
    spelling(o, 'input');
    const named = spelledKind(o['input'] as Json);
    kind = (ACTION_KINDS as readonly string[]).includes(named ?? '') ? (named as ActionKind) : undefined;
  }
  const result = exactlyOne(o, ['outcome', 'unreadable', 'threw']);
  if (result === 'outcome') {
    const out = o['outcome'];
    if (kind === undefined && !(isRecord(out) && out['kind'] === 'rejected')) throw new Bad('outcome.kind', 'an input that names no action kind can only be rejected (or unreadable)');
    const r = outcomeFromWire(kind ?? 'verify', out);
    if (!r.ok) throw under('outcome', r.error);
  } else if (result === 'unreadable') {
    spelling(o, 'unreadable');
  } else {
    threw(o);
  }
  const d = observed(o);
  if ('views' in o) {
    const views = o['views'];
    if (!isRecord(views)) throw new Bad('views', 'expected an object of party keys');
    for (const [k, v] of Object.entries(views)) {
      if (!PARTY_KEY.test(k)) throw new Bad(`views.${k}`, 'not a party key');
      if (v !== null) {
        const r = viewFromWire(partyOfKey(k).kind, v);
        if (!r.ok) throw under(`views.${k}`, r.error);
      }
      if (d !== undefined && d[k] !== viewDigest(v as Json)) throw new Bad(`views.${k}`, `does not match digests.${k}`);
    }
  }
}

function observeLine(o: Record<string, unknown>): void {
  onlyKeys(o, ['op', 'party', 'view', 'unreadable', 'threw']);
  const p = partyFromWire(need(o, 'party'));
  if (!p.ok) throw under('party', p.error);
  const result = exactlyOne(o, ['view', 'unreadable', 'threw']);
  if (result === 'view' && o['view'] !== null) {
    const v = viewFromWire(p.value.kind, o['view']);
    if (!v.ok) throw under('view', v.error);
    if ((o['view'] as { party?: unknown }).party !== p.value.kind) throw new Bad('view.party', `expected ${p.value.kind}`);
  } else if (result === 'unreadable') {
    spelling(o, 'unreadable');
  } else {
    threw(o);
  }
}

/**
 * Decodes a trace file's text, strictly: every line is checked against the format, apply lines
 * are numbered 1, 2, 3, …, and a full view must match its digest. Never throws.
 * @example
 * ```ts
 * const r = decodeTrace(readFileSync(file, 'utf8'));
 * if (!r.ok) console.error(traceErrorText(r.error)); // line 4, field outcome.code: expected a string
 * ```
 */
export function decodeTrace(text: string): { readonly ok: true; readonly value: Trace } | { readonly ok: false; readonly error: TraceError } {
  const raw = text.endsWith('\n') ? text.slice(0, -1) : text;
  const rows = raw === '' ? [] : raw.split('\n');
  if (rows.length === 0) return { ok: false, error: { line: 1, field: '(line)', message: 'the file is empty: a trace starts with a header line' } };
  let at = 0;
  try {
    let head: TraceHeader | undefined;
    const lines: TraceLine[] = [];
    let step = 0;
    for (const [i, row] of rows.entries()) {
      at = i + 1;
      if (row.trim() === '') throw new Bad('(line)', 'an empty line');
      let o: unknown;
      try {
        o = JSON.parse(row);
      } catch (e) {
        throw new Bad('(line)', `not JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (!isRecord(o)) throw new Bad('(line)', 'expected a JSON object');
      if (i === 0) {
        head = header(o);
        continue;
      }
      const op = need(o, 'op');
      if (op === 'reset') resetLine(o);
      else if (op === 'apply') applyLine(o, ++step);
      else if (op === 'observe') observeLine(o);
      else throw new Bad('op', 'expected "reset", "apply" or "observe"');
      lines.push(o as unknown as TraceLine);
    }
    return { ok: true, value: { header: head as TraceHeader, lines } };
  } catch (e) {
    // Stryker disable next-line all: only Bad is thrown inside the decoder; anything else would be a bug, still reported as one line
    if (e instanceof Bad) return { ok: false, error: { line: at, field: e.field, message: e.message } };
    return { ok: false, error: { line: at, field: '(line)', message: `cannot read the line (${e instanceof Error ? e.message : String(e)})` } };
  }
}

/** The apply lines of a trace. */
export function applyLines(trace: Trace): ApplyLine[] {
  return trace.lines.filter((l): l is ApplyLine => l.op === 'apply');
}
