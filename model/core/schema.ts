/**
 * Actions, responses, views and configurations as data: a small schema language whose values
 * say, once, what each field is. From a schema come its TypeScript type ({@link Static}), the
 * boundary reader that checks a caller's value and copies it into fresh plain data
 * ({@link readValue}), the canonical wire form and its decoder ({@link toWire},
 * {@link fromWire}), and JSON Schema draft 2020-12 ({@link jsonSchemaOf}). The arbitraries
 * (well-formed and hostile) are derived from the same values in `properties/`.
 *
 * Why not TypeBox or valibot: the model needs two things neither gives as is, a reader that
 * copies bytes while it checks (so that no state aliases caller memory) and a wire form for
 * bytes and 64-bit integers; the part of a schema library the model uses fits in this file.
 * @module
 */
import { bytesToWireHex, wireHexToBytes } from './hex.js';

/** Bytes, copied at the boundary. `size` or `max` describe a well-formed value (docs, arbitraries). */
export interface BytesType {
  readonly type: 'bytes';
  /** The length a well-formed value has, when there is one. */
  readonly size?: number;
  /** The longest well-formed value, when the length varies. */
  readonly max?: number;
  readonly doc?: string;
}
/** An unsigned 64-bit integer (a bigint in 0..2^64-1); on the wire `0x` and lower-case hex. */
export interface U64Type {
  readonly type: 'u64';
  readonly doc?: string;
}
/** An identifier: a safe integer (0..2^53-1); which IDs exist is the reducers' to judge. */
export interface IdType {
  readonly type: 'id';
  readonly doc?: string;
}
/** A safe integer; `min`/`max` describe well-formed values, the reducers judge the range. */
export interface IntType {
  readonly type: 'int';
  readonly min?: number;
  readonly max?: number;
  readonly doc?: string;
}
/** A string. */
export interface StringType {
  readonly type: 'string';
  readonly max?: number;
  readonly doc?: string;
}
/** A boolean. */
export interface BoolType {
  readonly type: 'bool';
  readonly doc?: string;
}
/** One of a fixed list of strings. */
export interface EnumType<V extends string = string> {
  readonly type: 'enum';
  readonly values: readonly V[];
  readonly doc?: string;
}
/** A value or null (on the wire: null). */
export interface NullableType<T extends Schema = Schema> {
  readonly type: 'nullable';
  readonly of: T;
  readonly doc?: string;
}
/** A list. */
export interface ArrayType<T extends Schema = Schema> {
  readonly type: 'array';
  readonly of: T;
  readonly max?: number;
  readonly doc?: string;
}
/** Fields of an object: each is required (use {@link NullableType} for "may be absent"). */
export type Fields = { readonly [name: string]: Schema };
/** An object with exactly these fields. */
export interface ObjectType<F extends Fields = Fields> {
  readonly type: 'object';
  readonly fields: F;
  readonly doc?: string;
}

/** Any schema. */
export type Schema = BytesType | U64Type | IdType | IntType | StringType | BoolType | EnumType | NullableType | ArrayType | ObjectType;

/** The TypeScript type of the values a schema describes (`unknown` for the wide `Schema` itself). */
export type Static<S> = Schema extends S ? unknown : StaticOf<S>;

type StaticOf<S> = S extends BytesType
  ? Uint8Array
  : S extends U64Type
    ? bigint
    : S extends IdType | IntType
      ? number
      : S extends StringType
        ? string
        : S extends BoolType
          ? boolean
          : S extends EnumType<infer V>
            ? V
            : S extends NullableType<infer T>
              ? Static<T> | null
              : S extends ArrayType<infer T>
                ? readonly Static<T>[]
                : S extends ObjectType<infer F>
                  ? StaticFields<F>
                  : never;

/** The type of an object with fields `F`. */
export type StaticFields<F extends Fields> = { readonly [K in keyof F]: Static<F[K]> };

/** The constructors of schema values, grouped so that a schema reads as a declaration. */
export const t = {
  bytes: (o: Omit<BytesType, 'type'> = {}): BytesType => ({ type: 'bytes', ...o }),
  u64: (doc?: string): U64Type => (doc === undefined ? { type: 'u64' } : { type: 'u64', doc }),
  id: (doc?: string): IdType => (doc === undefined ? { type: 'id' } : { type: 'id', doc }),
  int: (o: Omit<IntType, 'type'> = {}): IntType => ({ type: 'int', ...o }),
  string: (o: Omit<StringType, 'type'> = {}): StringType => ({ type: 'string', ...o }),
  bool: (doc?: string): BoolType => (doc === undefined ? { type: 'bool' } : { type: 'bool', doc }),
  enum: <const V extends string>(values: readonly V[], doc?: string): EnumType<V> =>
    doc === undefined ? { type: 'enum', values } : { type: 'enum', values, doc },
  nullable: <T extends Schema>(of: T, doc?: string): NullableType<T> =>
    doc === undefined ? { type: 'nullable', of } : { type: 'nullable', of, doc },
  array: <T extends Schema>(of: T, o: { max?: number; doc?: string } = {}): ArrayType<T> => ({ type: 'array', of, ...o }),
  object: <const F extends Fields>(fields: F, doc?: string): ObjectType<F> =>
    doc === undefined ? { type: 'object', fields } : { type: 'object', fields, doc },
} as const;

/** The longest byte string any field may hold at the boundary (REQ-PLATFORM-1): 16 MiB. */
export const MAX_FIELD_BYTES = 16 * 1024 * 1024;

/** 2^64, the bound of a u64. */
const TWO_64 = 1n << 64n;

/** Marks a value the reader refused; never a valid value of any schema. */
export const REFUSED: unique symbol = Symbol('refused');

// The intrinsic getters of every typed array, taken once: a subclass or an own property cannot
// redefine what they answer, so reading a length or a kind never runs the caller's code.
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(name: PropertyKey): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, name)?.get;
  // Stryker disable next-line all: every engine the package supports has these getters
  if (get === undefined) throw new Error(`typed arrays have no ${String(name)} getter`);
  return get as (this: unknown) => unknown;
}
const TAG = intrinsicGetter(Symbol.toStringTag);
const LENGTH = intrinsicGetter('length');

/**
 * The length of a caller's Uint8Array (or a subclass, such as a Buffer from Node's shared pool),
 * read through the intrinsic getters, or -1 for anything else or a length over
 * {@link MAX_FIELD_BYTES}. A Proxy is not a typed array: `ArrayBuffer.isView` sees through it.
 */
export function bytesLength(v: unknown): number {
  if (!ArrayBuffer.isView(v) || TAG.call(v) !== 'Uint8Array') return -1;
  const length = LENGTH.call(v) as number;
  return length > MAX_FIELD_BYTES ? -1 : length;
}

/** Copies a caller's byte field (already measured by {@link bytesLength}) into fresh memory. */
export type ByteCopier = (v: Uint8Array, length: number) => Uint8Array;

/** Copies into a new Uint8Array of its own. */
export const freshCopy: ByteCopier = (v, length) => {
  const out = new Uint8Array(length);
  // `set` with a typed-array source copies through the internal slots: no getter of the caller runs.
  out.set(v);
  return out;
};

/** A fresh copy of a caller's Uint8Array, or {@link REFUSED} for anything else. */
export function copyBytes(v: unknown, copier: ByteCopier = freshCopy): Uint8Array | typeof REFUSED {
  const length = bytesLength(v);
  return length < 0 ? REFUSED : copier(v as Uint8Array, length);
}

/**
 * Checks a caller's value against `schema` and returns a copy made only of plain data
 * (objects, arrays, Uint8Arrays from `copier`, primitives), or {@link REFUSED}. Each property is read
 * exactly once. It may throw when the value runs code (a throwing getter, a Proxy trap); the
 * platform's boundary catches that (see `readAction`).
 */
export function readValue<S extends Schema>(schema: S, v: unknown, copier: ByteCopier = freshCopy): Static<S> | typeof REFUSED {
  return read(schema, v, copier) as Static<S> | typeof REFUSED;
}

function read(s: Schema, v: unknown, copier: ByteCopier): unknown {
  switch (s.type) {
    case 'bytes':
      return copyBytes(v, copier);
    case 'u64':
      return typeof v === 'bigint' && v >= 0n && v < TWO_64 ? v : REFUSED;
    case 'id':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : REFUSED;
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : REFUSED;
    case 'string':
      return typeof v === 'string' ? v : REFUSED;
    case 'bool':
      return typeof v === 'boolean' ? v : REFUSED;
    case 'enum':
      return typeof v === 'string' && s.values.includes(v) ? v : REFUSED;
    case 'nullable':
      return v === null ? null : read(s.of, v, copier);
    case 'array': {
      if (!Array.isArray(v)) return REFUSED;
      const n = v.length;
      if (n > (s.max ?? MAX_FIELD_BYTES)) return REFUSED;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const x = read(s.of, v[i], copier);
        if (x === REFUSED) return REFUSED;
        out.push(x);
      }
      return out;
    }
    case 'object':
      return readFields(s.fields, v, {}, copier);
  }
}

/** Reads the fields of `v` into `out` (each once), or {@link REFUSED}. */
export function readFields(
  fields: Fields,
  v: unknown,
  out: Record<string, unknown>,
  copier: ByteCopier = freshCopy,
): Record<string, unknown> | typeof REFUSED {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
  const src = v as Record<string, unknown>;
  for (const name in fields) {
    const x = read(fields[name] as Schema, src[name], copier);
    if (x === REFUSED) return REFUSED;
    out[name] = x;
  }
  return out;
}

/**
 * {@link readFields} for one fixed set of fields, prepared once: the field names and their
 * schemas in arrays, so that reading an action on the hot path is a plain loop (no `for in`).
 */
export function fieldReader(fields: Fields): (v: unknown, out: Record<string, unknown>, copier: ByteCopier) => Record<string, unknown> | typeof REFUSED {
  const names = Object.keys(fields);
  const schemas = names.map((n) => fields[n] as Schema);
  const n = names.length;
  return (v, out, copier) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
    const src = v as Record<string, unknown>;
    for (let i = 0; i < n; i++) {
      const name = names[i] as string;
      const x = read(schemas[i] as Schema, src[name], copier);
      if (x === REFUSED) return REFUSED;
      out[name] = x;
    }
    return out;
  };
}

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * The canonical wire form of a value of `schema`: bytes as lower-case hex, u64 as `0x` and
 * lower-case hex without leading zeros, object keys in the schema's order, null for null.
 * The value must be one `readValue` accepts (the model's own values always are).
 */
export function toWire<S extends Schema>(schema: S, value: Static<S>): Json {
  return wire(schema, value as unknown);
}

function wire(s: Schema, v: unknown): Json {
  switch (s.type) {
    case 'bytes':
      return bytesToWireHex(v as Uint8Array);
    case 'u64':
      return `0x${(v as bigint).toString(16)}`;
    case 'id':
    case 'int':
    case 'string':
    case 'bool':
    case 'enum':
      return v as Json;
    case 'nullable':
      return v === null ? null : wire(s.of, v);
    case 'array':
      return (v as readonly unknown[]).map((x) => wire(s.of, x));
    case 'object': {
      const out: Record<string, Json> = {};
      const src = v as Record<string, unknown>;
      for (const name in s.fields) out[name] = wire(s.fields[name] as Schema, src[name]);
      return out;
    }
  }
}

/** Why a wire value did not decode: the path of the field and what was expected. */
export interface WireError {
  readonly path: string;
  readonly message: string;
}

/** Decodes a wire value of `schema`, the exact inverse of {@link toWire}. */
export function fromWire<S extends Schema>(schema: S, json: unknown): WireResult<Static<S>> {
  const errors: WireError[] = [];
  const value = unwire(schema, json, '$', errors);
  const first = errors[0];
  return (first === undefined ? { ok: true, value } : { ok: false, error: first }) as WireResult<Static<S>>;
}

/** A decoded wire value, or why it did not decode. */
export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

const U64_WIRE = /^0x(0|[1-9a-f][0-9a-f]{0,15})$/;

function unwire(s: Schema, j: unknown, path: string, errors: WireError[]): unknown {
  const bad = (message: string): undefined => {
    errors.push({ path, message });
    return undefined;
  };
  switch (s.type) {
    case 'bytes': {
      if (typeof j !== 'string') return bad('expected a lower-case hex string');
      const b = wireHexToBytes(j);
      return b ?? bad('expected a lower-case hex string of even length');
    }
    case 'u64':
      return typeof j === 'string' && U64_WIRE.test(j) ? BigInt(j) : bad("expected '0x' and up to 16 lower-case hex digits without leading zeros");
    case 'id':
      return typeof j === 'number' && Number.isSafeInteger(j) && j >= 0 ? j : bad('expected a non-negative safe integer');
    case 'int':
      return typeof j === 'number' && Number.isSafeInteger(j) ? j : bad('expected a safe integer');
    case 'string':
      return typeof j === 'string' ? j : bad('expected a string');
    case 'bool':
      return typeof j === 'boolean' ? j : bad('expected true or false');
    case 'enum':
      return typeof j === 'string' && s.values.includes(j) ? j : bad(`expected one of ${s.values.join(', ')}`);
    case 'nullable':
      return j === null ? null : unwire(s.of, j, path, errors);
    case 'array':
      if (!Array.isArray(j)) return bad('expected an array');
      return j.map((x, i) => unwire(s.of, x, `${path}[${i}]`, errors));
    case 'object': {
      if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('expected an object');
      const src = j as Record<string, unknown>;
      for (const key of Object.keys(src)) if (!Object.prototype.hasOwnProperty.call(s.fields, key)) return bad(`unexpected field '${key}'`);
      const out: Record<string, unknown> = {};
      for (const name in s.fields) {
        if (!Object.prototype.hasOwnProperty.call(src, name)) return bad(`missing field '${name}'`);
        out[name] = unwire(s.fields[name] as Schema, src[name], `${path}.${name}`, errors);
      }
      return out;
    }
  }
}

/** JSON Schema (draft 2020-12) of the wire form of `schema`. */
export function jsonSchemaOf(s: Schema): Record<string, Json> {
  const doc = s.doc === undefined ? {} : { description: s.doc };
  switch (s.type) {
    case 'bytes': {
      // The wire carries any byte string the boundary reads (a wrong length is the handlers' to
      // refuse, with their own code); the well-formed length is said in words.
      const wellFormed = s.size !== undefined ? `well-formed: ${s.size} bytes` : s.max !== undefined ? `well-formed: at most ${s.max} bytes` : undefined;
      const description = [s.doc, wellFormed].filter((x) => x !== undefined).join('; ');
      return { type: 'string', pattern: '^([0-9a-f]{2})*$', maxLength: 2 * MAX_FIELD_BYTES, ...(description === '' ? {} : { description }) };
    }
    case 'u64':
      return { type: 'string', pattern: U64_WIRE.source, ...doc };
    case 'id':
      return { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...doc };
    case 'int': {
      // As with bytes: the wire carries any safe integer (the reducers judge the range, with their
      // own codes); the well-formed range is said in words.
      const description = [s.doc, intRange(s)].filter((x) => x !== undefined).join('; ');
      return { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...(description === '' ? {} : { description }) };
    }
    case 'string':
      return { type: 'string', ...doc };
    case 'bool':
      return { type: 'boolean', ...doc };
    case 'enum':
      return { enum: [...s.values], ...doc };
    case 'nullable':
      return { anyOf: [jsonSchemaOf(s.of), { type: 'null' }], ...doc };
    case 'array':
      return { type: 'array', items: jsonSchemaOf(s.of), ...doc };
    case 'object': {
      const properties: Record<string, Json> = {};
      for (const name in s.fields) properties[name] = jsonSchemaOf(s.fields[name] as Schema);
      return { type: 'object', properties, required: Object.keys(s.fields), additionalProperties: false, ...doc };
    }
  }
}

/** The well-formed range of an integer field in words, when it declares one. */
function intRange(s: IntType): string | undefined {
  if (s.min !== undefined && s.max !== undefined) return `well-formed: ${s.min} to ${s.max}`;
  if (s.min !== undefined) return `well-formed: at least ${s.min}`;
  return s.max === undefined ? undefined : `well-formed: at most ${s.max}`;
}

/** A short description of a field's wire type, for the generated docs (`bytes[16]`, `u64`, …). */
export function typeName(s: Schema): string {
  switch (s.type) {
    case 'bytes':
      return s.size !== undefined ? `bytes[${s.size}]` : s.max !== undefined ? `bytes[≤${s.max}]` : 'bytes';
    case 'enum':
      return s.values.map((v) => `"${v}"`).join(' | ');
    case 'nullable':
      return `${typeName(s.of)} | null`;
    case 'array':
      return `${typeName(s.of)}[]`;
    // Stryker disable next-line ConditionalExpression: without its own case an object falls to the default, which returns s.type, that is 'object' as well
    case 'object':
      return 'object';
    default:
      return s.type;
  }
}
