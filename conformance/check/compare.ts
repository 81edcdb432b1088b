/**
 * How the checker compares the implementation with the model: outcomes field by field along the
 * outcome's schema (kind; code and requirement of a rejection; the response of an acceptance),
 * views by their wire form, and a readable diff of two views (paths and both values, long byte
 * strings shortened to a hex prefix).
 * @module
 */
import { canonicalJson } from '../../model/core/canonical-json.js';
import type { Json, ObjectType, Schema } from '../../model/core/schema.js';
import { outcomeSchemas, type ActionKind } from '../../model/platform/index.js';

/** One difference between what the model and the implementation gave. */
export interface Difference {
  /** Where: `kind`, `code`, `requirement`, `response.guest`, `$.guests[0].phase`, … */
  readonly path: string;
  /** The model's value, shown (see {@link showJson}). */
  readonly model: string;
  /** The implementation's value, shown. */
  readonly implementation: string;
}

/**
 * Compares a response field by meaning rather than by value: for a field that carries fresh
 * randomness (a nonce, a fresh key) two correct implementations give different bytes, and the
 * comparison says what must still agree (a length, a structure).
 */
export type MeaningComparison = (model: Json, implementation: Json) => boolean;

/**
 * Response fields compared by meaning, by `kind.field` (a path into the response for nested
 * fields: `kind.field.inner`). No response of the modelled mechanisms carries fresh randomness
 * yet, so the table is empty; a mechanism whose response does adds its fields here.
 */
export const RESPONSE_MEANINGS: Readonly<Record<string, MeaningComparison>> = Object.freeze({});

/** Strings longer than this that look like hex (bytes on the wire) are shown by a prefix. */
const HEX_SHOWN = 32;

/**
 * A wire value in one short line: byte strings (even-length lower-case hex) longer than 32
 * digits as their first 32 digits, `…` and the byte count; long arrays and objects cut at 200
 * characters.
 * @example
 * ```ts
 * showJson('00'.repeat(4096)); // '"00000000000000000000000000000000…" (4096 bytes)'
 * ```
 */
export function showJson(v: Json | undefined): string {
  if (v === undefined) return 'absent';
  if (typeof v === 'string' && v.length > HEX_SHOWN && v.length % 2 === 0 && /^[0-9a-f]*$/.test(v)) {
    return `"${v.slice(0, HEX_SHOWN)}…" (${v.length / 2} bytes)`;
  }
  const text = canonicalJson(shortened(v));
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}

/** `v` with its long byte strings replaced by their shown form. */
function shortened(v: Json): Json {
  if (typeof v === 'string') return v.length > HEX_SHOWN && v.length % 2 === 0 && /^[0-9a-f]*$/.test(v) ? `${v.slice(0, HEX_SHOWN)}… (${v.length / 2} bytes)` : v;
  if (Array.isArray(v)) return v.map(shortened);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shortened(x)]));
  return v;
}

const isObject = (v: Json | undefined): v is { readonly [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The differences between two wire values, in document order, at most `limit`: for objects key
 * by key (the model's keys first), for arrays index by index (a missing element is `absent`), and
 * otherwise the values themselves.
 * @example
 * ```ts
 * wireDiff({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }); // [{ path: '$.b[1]', model: '2', implementation: '3' }]
 * ```
 */
export function wireDiff(model: Json | undefined, implementation: Json | undefined, path = '$', limit = 8): Difference[] {
  const out: Difference[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, at: string): void => {
    if (out.length >= limit) return;
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.prototype.hasOwnProperty.call(a, k))];
      for (const k of keys) walk(a[k], b[k], `${at}.${k}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const arrA = a as readonly Json[];
      const arrB = b as readonly Json[];
      for (let i = 0; i < Math.max(arrA.length, arrB.length); i++) walk(arrA[i], arrB[i], `${at}[${i}]`);
      return;
    }
    if (a === undefined && b === undefined) return;
    if (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b)) return;
    out.push({ path: at, model: showJson(a), implementation: showJson(b) });
  };
  walk(model, implementation, path);
  return out;
}

/** Compares two values of `schema` (wire forms), using `meanings` (by path) where given. */
function compareBySchema(schema: Schema, a: Json | undefined, b: Json | undefined, path: string, meanings: Readonly<Record<string, MeaningComparison>>, out: Difference[]): void {
  const meaning = meanings[path];
  if (meaning !== undefined && a !== undefined && b !== undefined) {
    if (!meaning(a, b)) out.push({ path, model: showJson(a), implementation: showJson(b) });
    return;
  }
  if (schema.type === 'object' && isObject(a) && isObject(b)) {
    for (const [name, field] of Object.entries(schema.fields)) compareBySchema(field, a[name], b[name], `${path}.${name}`, meanings, out);
    return;
  }
  if (schema.type === 'nullable' && a !== null && b !== null) {
    compareBySchema(schema.of, a, b, path, meanings, out);
    return;
  }
  out.push(...wireDiff(a, b, path, 8 - out.length));
}

/**
 * The differences between the model's outcome and the implementation's (both in wire form) for
 * an action of `kind` (undefined: an input that is not an action): the kind first; for two
 * rejections their code and requirement; for two acceptances the response, field by field along
 * the response schema, each field by value unless `meanings` (default {@link RESPONSE_MEANINGS},
 * keyed `kind.field`) compares it by meaning. Empty when they agree.
 * @example
 * ```ts
 * outcomeDifferences('verify', { kind: 'rejected', code: 'ALD_MISMATCH', requirement: 'REQ-UNPACK-12' }, { kind: 'accepted', response: {} });
 * // [{ path: 'kind', model: 'rejected ALD_MISMATCH (REQ-UNPACK-12)', implementation: 'accepted {}' }]
 * ```
 */
export function outcomeDifferences(kind: ActionKind | undefined, model: Json, implementation: Json, meanings: Readonly<Record<string, MeaningComparison>> = RESPONSE_MEANINGS): Difference[] {
  const a = model as { kind?: Json; code?: Json; requirement?: Json; response?: Json };
  const b = implementation as { kind?: Json; code?: Json; requirement?: Json; response?: Json } | null;
  if (b === null || typeof b !== 'object' || a.kind !== b.kind) return [{ path: 'kind', model: showOutcome(model), implementation: showOutcome(implementation) }];
  if (a.kind === 'rejected') {
    const out: Difference[] = [];
    if (a.code !== b.code) out.push({ path: 'code', model: showJson(a.code), implementation: showJson(b.code) });
    if (a.requirement !== b.requirement) out.push({ path: 'requirement', model: showJson(a.requirement), implementation: showJson(b.requirement) });
    return out;
  }
  const response: ObjectType | undefined = kind === undefined ? undefined : (outcomeSchemas(kind).accepted.fields['response'] as ObjectType | undefined);
  const out: Difference[] = [];
  if (response === undefined) out.push(...wireDiff(a.response, b.response, 'response'));
  else {
    // Meanings are keyed kind.field; the walk names paths response.field.
    const byPath = Object.fromEntries(Object.entries(meanings).filter(([k]) => k.startsWith(`${kind ?? ''}.`)).map(([k, f]) => [`response${k.slice((kind ?? '').length)}`, f]));
    compareBySchema(response, a.response, b.response, 'response', byPath, out);
  }
  return out;
}

/** An outcome's wire form in words: `accepted {"guest":1}`, `rejected TWEAK_REUSED (REQ-UNPACK-10)`. */
export function showOutcome(o: Json | undefined): string {
  if (o === undefined) return 'no outcome';
  const x = o as { kind?: Json; code?: Json; requirement?: Json; response?: Json } | null;
  if (x !== null && typeof x === 'object' && x.kind === 'rejected') return `rejected ${String(x.code)} (${String(x.requirement)})`;
  if (x !== null && typeof x === 'object' && x.kind === 'accepted') return `accepted ${showJson(x.response ?? null)}`;
  return `not an outcome: ${showJson(o)}`;
}
