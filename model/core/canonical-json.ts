/**
 * A generic canonical JSON spelling of plain model values (no schema needed), for digests and
 * for scanning what a party saw: bytes as lower-case hex strings, bigints as `0x` hex strings
 * (negative ones as `-0x…`), object keys in sorted order, no whitespace. The schema-driven wire
 * form of actions, outcomes and views is `model/platform/wire.ts`; this encoder is for values
 * that have no schema, and it never guesses: what it cannot spell faithfully is an error that
 * names the path, never a crash and never a silent loss.
 * @module
 */
import { bytesToWireHex } from './hex.js';
import { err, ok, type Result } from './result.js';

/** A value after canonical conversion: plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Why a value has no canonical JSON: where it is (`$.a[2]`) and what it is. */
export interface CanonicalJsonIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown by {@link toJsonValue} and {@link canonicalJson}; {@link encodeCanonical} returns it instead. */
export class CanonicalJsonError extends TypeError {
  override readonly name = 'CanonicalJsonError';
  constructor(readonly issue: CanonicalJsonIssue) {
    super(`canonical JSON: ${issue.message} at ${issue.path}`);
  }
}

/** Sets `out[key] = v` as an own data property: a `__proto__` key stays a key, never a prototype. */
function setOwn(out: { [key: string]: Json }, key: string, v: Json): void {
  Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A property access that can be read as JSON: `.a` or `["a b"]`. */
function child(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function convert(value: unknown, path: string, ancestors: Set<object>): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return bytesToWireHex(value);
  switch (typeof value) {
    case 'bigint':
      // The sign in front of the prefix: `0x-5` would read as neither JSON text nor a number.
      return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError({ path, message: `${value} is not a finite number` });
      return value;
    case 'boolean':
    case 'string':
      return value;
    case 'object': {
      // Containers that JSON would silently flatten to `{}` or to index keys.
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Map || value instanceof Set) {
        const what = value instanceof Map ? 'Map' : value instanceof Set ? 'Set' : (value.constructor?.name ?? 'binary view');
        throw new CanonicalJsonError({ path, message: `cannot encode a ${what} (only Uint8Array bytes)` });
      }
      if (ancestors.has(value)) throw new CanonicalJsonError({ path, message: 'the value contains itself (a cycle)' });
      ancestors.add(value);
      try {
        if (Array.isArray(value)) return value.map((x: unknown, i) => convert(x, `${path}[${i}]`, ancestors));
        const out: { [key: string]: Json } = {};
        for (const key of Object.keys(value).sort()) {
          const v = (value as Record<string, unknown>)[key];
          if (v !== undefined) setOwn(out, key, convert(v, child(path, key), ancestors));
        }
        return out;
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      throw new CanonicalJsonError({ path, message: `cannot encode a ${typeof value}` });
  }
}

/**
 * Converts a model value (plain data with bytes and bigints) to plain JSON.
 * @throws CanonicalJsonError for a non-finite number, a function, a symbol, a cycle, or a
 * container JSON cannot carry (Map, Set, typed arrays other than Uint8Array)
 */
export function toJsonValue(value: unknown): Json {
  return convert(value, '$', new Set());
}

/**
 * The canonical JSON text of a model value.
 * @throws CanonicalJsonError as {@link toJsonValue}
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}

/** The canonical JSON text of a value, or why it has none: never throws for any input. */
export function encodeCanonical(value: unknown): Result<string, CanonicalJsonIssue> {
  try {
    return ok(canonicalJson(value));
  } catch (e) {
    if (e instanceof CanonicalJsonError) return err(e.issue);
    // A getter or Proxy trap of the value threw while it was read.
    return err({ path: '$', message: `reading the value threw: ${e instanceof Error ? e.message : String(e)}` });
  }
}
