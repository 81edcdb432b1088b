/**
 * Reading a vectors directory strictly: `index.json` and each case's files, every field checked
 * (the schemas of layout.ts for `meta.json` and `index.json`, the wire decoders for
 * configurations, actions and outcomes, the spelling decoder for hostile inputs). Files come
 * through a reader function, so the runner needs no file system of its own. A problem is a
 * {@link VectorsError} naming the file, the line and the field.
 * @module
 */
import { fromWire, type Json } from '../../model/core/schema.js';
import { ACTION_KINDS, actionFromWire, configFromWire, outcomeFromWire, type ActionKind, type WorldConfig } from '../../model/platform/index.js';
import { spelledKind, valueOfSpelling } from '../trace/value.js';
import { CASE_FILES, VECTOR_INDEX, VECTOR_META, VECTORS_FORMAT, VECTORS_VERSION, type IndexEntry, type VectorIndex, type VectorMeta } from './layout.js';

/** A file of the directory is missing or not what docs/vectors.md says. */
export class VectorsError extends Error {
  override readonly name = 'VectorsError';
}

/** Reads a file of the directory by its relative path (`index.json`, `platform/create-guest/accepted/meta.json`); throws when it cannot. */
export type ReadText = (relativePath: string) => string;

/** One step of a case, ready to apply. */
export interface VectorStep {
  readonly step: number;
  /** The kind the input names (its action's kind, or the kind its spelling read), if any. */
  readonly kind: ActionKind | undefined;
  /** A fresh copy of the input: the action, or the value the spelling stands for. */
  readonly input: () => unknown;
}

/** What one step must give. */
export interface VectorExpectation {
  readonly step: number;
  /** The outcome in wire form. */
  readonly outcome: Json;
  /** Party key → SHA-256 hex of its view's canonical JSON. */
  readonly digests: Readonly<Record<string, string>>;
  /** Full views by party key, when the case carries them. */
  readonly views: Readonly<Record<string, Json>> | undefined;
}

/** A case, read and checked. */
export interface VectorCase {
  readonly path: string;
  readonly meta: VectorMeta;
  readonly config: WorldConfig;
  readonly steps: readonly VectorStep[];
  readonly expected: readonly VectorExpectation[];
}

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const DIGEST = /^[0-9a-f]{64}$/;
const PARTY_KEY = /^(hypervisor|host-manager|client|(guest|owner|adapter):(0|[1-9][0-9]*))$/;

function text(read: ReadText, file: string): string {
  try {
    return read(file);
  } catch (e) {
    throw new VectorsError(`${file}: ${messageOf(e)}`);
  }
}

function json(read: ReadText, file: string): unknown {
  const t = text(read, file);
  try {
    return JSON.parse(t) as unknown;
  } catch (e) {
    throw new VectorsError(`${file}: not JSON (${messageOf(e)})`);
  }
}

/** The JSON objects of a JSON-lines file, one per line, numbered from 1. */
function jsonLines(read: ReadText, file: string): Record<string, unknown>[] {
  const t = text(read, file);
  const rows = (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n');
  return rows.map((row, i) => {
    let o: unknown;
    try {
      o = JSON.parse(row);
    } catch (e) {
      throw new VectorsError(`${file}: line ${i + 1}: not JSON (${messageOf(e)})`);
    }
    if (!isRecord(o)) throw new VectorsError(`${file}: line ${i + 1}: expected a JSON object`);
    return o;
  });
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new VectorsError(`${where}: unexpected field '${k}' (allowed: ${allowed.join(', ')})`);
}

function checkFormat(v: { format: string; version: number }, file: string): void {
  if (v.version !== VECTORS_VERSION) throw new VectorsError(`${file}: layout version ${v.version}; this semodel reads ${VECTORS_FORMAT} version ${VECTORS_VERSION}`);
}

/**
 * The directory's `index.json`, checked: the schema, the version, and no case listed twice.
 * @example
 * ```ts
 * const index = readIndex((p) => readFileSync(path.join(dir, p), 'utf8'));
 * index.cases.length;
 * ```
 */
export function readIndex(read: ReadText): VectorIndex {
  const r = fromWire(VECTOR_INDEX, json(read, 'index.json'));
  if (!r.ok) throw new VectorsError(`index.json: at ${r.error.path}: ${r.error.message}`);
  checkFormat(r.value, 'index.json');
  const seen = new Set<string>();
  for (const c of r.value.cases) {
    if (seen.has(c.path)) throw new VectorsError(`index.json: case ${c.path} is listed twice`);
    seen.add(c.path);
    if (c.path !== `${c.mechanism}/${c.handler}/${c.case}` || c.path.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      throw new VectorsError(`index.json: case path ${JSON.stringify(c.path)} is not <mechanism>/<handler>/<case> of its entry`);
    }
  }
  return r.value;
}

function stepOf(o: Record<string, unknown>, n: number, where: string): VectorStep {
  onlyKeys(o, ['step', 'action', 'input'], where);
  if (o['step'] !== n) throw new VectorsError(`${where}: field step: expected ${n}`);
  if ('action' in o === 'input' in o) throw new VectorsError(`${where}: expected exactly one of action and input`);
  if ('action' in o) {
    const a = actionFromWire(o['action']);
    if (!a.ok) throw new VectorsError(`${where}: field action${a.error.path.slice(1)}: ${a.error.message}`);
    // Decoded again for each use: every application gets buffers of its own.
    return { step: n, kind: a.value.kind, input: () => (actionFromWire(o['action']) as { value: unknown }).value };
  }
  const spelled = o['input'] as Json;
  const v = valueOfSpelling(spelled, 'input');
  if (!v.ok) throw new VectorsError(`${where}: field ${v.error.path}: ${v.error.message}`);
  const named = spelledKind(spelled);
  const kind = (ACTION_KINDS as readonly string[]).includes(named ?? '') ? (named as ActionKind) : undefined;
  return { step: n, kind, input: () => (valueOfSpelling(spelled) as { value: unknown }).value };
}

function expectationOf(o: Record<string, unknown>, n: number, kind: ActionKind | undefined, where: string): VectorExpectation {
  onlyKeys(o, ['step', 'outcome', 'digests', 'state', 'views'], where);
  if (o['step'] !== n) throw new VectorsError(`${where}: field step: expected ${n}`);
  const out = outcomeFromWire(kind ?? 'verify', o['outcome']);
  if (!out.ok) throw new VectorsError(`${where}: field outcome${out.error.path.slice(1)}: ${out.error.message}`);
  const d = o['digests'];
  if (!isRecord(d)) throw new VectorsError(`${where}: field digests: expected an object of party keys`);
  for (const [k, v] of Object.entries(d)) {
    if (!PARTY_KEY.test(k)) throw new VectorsError(`${where}: field digests.${k}: not a party key`);
    if (typeof v !== 'string' || !DIGEST.test(v)) throw new VectorsError(`${where}: field digests.${k}: expected 64 lower-case hex digits`);
  }
  const views = o['views'];
  if (views !== undefined && !isRecord(views)) throw new VectorsError(`${where}: field views: expected an object of party keys`);
  return { step: n, outcome: o['outcome'] as Json, digests: d as Record<string, string>, views: views as Record<string, Json> | undefined };
}

/**
 * One case of the index, read and checked: its four files, every line, and that meta.json
 * agrees with the index and the number of steps.
 */
export function readCase(read: ReadText, entry: IndexEntry): VectorCase {
  const at = (f: (typeof CASE_FILES)[number]): string => `${entry.path}/${f}`;
  const config = configFromWire(json(read, at('config.json')));
  if (!config.ok) throw new VectorsError(`${at('config.json')}: at ${config.error.path}: ${config.error.message}`);
  const meta = fromWire(VECTOR_META, json(read, at('meta.json')));
  if (!meta.ok) throw new VectorsError(`${at('meta.json')}: at ${meta.error.path}: ${meta.error.message}`);
  checkFormat(meta.value, at('meta.json'));
  for (const f of ['mechanism', 'handler', 'case', 'result'] as const) {
    if (meta.value[f] !== entry[f]) throw new VectorsError(`${at('meta.json')}: ${f} is ${JSON.stringify(meta.value[f])}, index.json says ${JSON.stringify(entry[f])}`);
  }
  const steps = jsonLines(read, at('steps.jsonl')).map((o, i) => stepOf(o, i + 1, `${at('steps.jsonl')}: line ${i + 1}`));
  const rows = jsonLines(read, at('expected.jsonl'));
  if (rows.length !== steps.length || steps.length !== meta.value.steps) {
    throw new VectorsError(`${entry.path}: ${steps.length} steps, ${rows.length} expected lines, meta.json says ${meta.value.steps}`);
  }
  const expected = rows.map((o, i) => expectationOf(o, i + 1, steps[i]?.kind, `${at('expected.jsonl')}: line ${i + 1}`));
  return { path: entry.path, meta: meta.value, config: config.value, steps, expected };
}
