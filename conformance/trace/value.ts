/**
 * A tagged JSON spelling of any JavaScript value a property hands to `apply`, for the inputs
 * that are not actions (the hostile arbitraries make wrong types, NaN, bigints, typed arrays of
 * other kinds, Proxies, throwing getters). Replaying the spelling gives a value that the
 * boundary reads exactly as it read the original, so the step has the same outcome.
 *
 * How a top-level object is recorded: not by inspecting it (a Proxy may answer each read
 * differently, and inspecting it would change what the system under test sees) but by what the
 * system under test read of it. The recorder hands the system a transparent Proxy that notes
 * the result of every read of a string key (the value, or the error the read threw), in order;
 * the spelling is that list (`$reads`; the recorder adds, after the system answered, what the
 * model's boundary would read and the system did not), and replay builds an object whose getters
 * give the same answers in the same order. Values inside it (what a field held) are spelled by their
 * type, read through the engine's intrinsic getters so that no code of the value runs:
 *
 * | JavaScript value | spelling |
 * |---|---|
 * | null, a boolean, a string, a finite number other than -0 | itself |
 * | undefined | `{"$undefined":true}` |
 * | NaN, ±Infinity, -0 | `{"$number":"NaN"}`, `"Infinity"`, `"-Infinity"`, `"-0"` |
 * | a bigint | `{"$bigint":"-12"}` (decimal) |
 * | a Uint8Array (or a subclass such as Buffer, whatever its own `length` says) | `{"$bytes":"00ff"}` |
 * | another typed array, a DataView, an ArrayBuffer | `{"$typed":{"type":"Uint16Array","bytes":"0000"}}` |
 * | an array | a JSON array of spellings |
 * | a Map, a Set | `{"$map":[[k,v],…]}`, `{"$set":[…]}` |
 * | another object | `{"$object":{"key":spelling,…}}` (own enumerable string keys) |
 * | a read that threw | `{"$throws":"message"}` |
 * | a symbol, a function | `{"$symbol":"description"}`, `{"$function":"name"}` |
 * | something that cannot be read without it throwing (a Proxy whose traps throw) | `{"$opaque":"why"}` |
 * | a top-level object, by what was read of it | `{"$reads":[["kind","unpack"],["guest",{"$throws":"getter"}]],"$array":false}` |
 * @module
 */
import { bytesToWireHex, wireHexToBytes } from '../../model/core/hex.js';
import type { Json } from '../../model/core/schema.js';

/** Where a spelling does not decode: its JSON path and why. */
export interface ValueError {
  readonly path: string;
  readonly message: string;
}

// The engine's own getters, taken once: a subclass or a Proxy cannot change what they answer.
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
function getter(proto: object, name: PropertyKey): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(proto, name)?.get;
  // Stryker disable next-line all: every supported engine has these getters
  if (get === undefined) throw new Error(`no intrinsic getter ${String(name)}`);
  return get as (this: unknown) => unknown;
}
const TA_TAG = getter(TYPED_ARRAY_PROTO, Symbol.toStringTag);
const TA_BUFFER = getter(TYPED_ARRAY_PROTO, 'buffer');
const TA_OFFSET = getter(TYPED_ARRAY_PROTO, 'byteOffset');
const TA_LENGTH = getter(TYPED_ARRAY_PROTO, 'byteLength');
const DV_BUFFER = getter(DataView.prototype, 'buffer');
const DV_OFFSET = getter(DataView.prototype, 'byteOffset');
const DV_LENGTH = getter(DataView.prototype, 'byteLength');
const AB_LENGTH = getter(ArrayBuffer.prototype, 'byteLength');
const MAP_SIZE = getter(Map.prototype, 'size');
const SET_SIZE = getter(Set.prototype, 'size');

/** Typed arrays a `$typed` spelling may name, by name. */
const TYPED_ARRAYS: Readonly<Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** Deeper values are spelled `$opaque`: nothing the arbitraries make comes close. */
const MAX_DEPTH = 32;

/** Calls an intrinsic getter; undefined when `v` is not of its kind. */
function tryCall(get: (this: unknown) => unknown, v: unknown): unknown {
  try {
    return get.call(v);
  } catch {
    return undefined;
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The bytes of a buffer region, copied through the intrinsic slots. */
function region(buffer: unknown, offset: number, length: number): string {
  return bytesToWireHex(new Uint8Array(buffer as ArrayBuffer, offset, length).slice());
}

/** The spelling of a binary value, or undefined when `v` is none. */
function binary(v: object): Json | undefined {
  const tag = TA_TAG.call(v) as string | undefined;
  if (tag === 'Uint8Array') {
    // Through the intrinsic slots, as the boundary copies it: a lying `length` is not asked.
    return { $bytes: region(TA_BUFFER.call(v), TA_OFFSET.call(v) as number, TA_LENGTH.call(v) as number) };
  }
  if (tag !== undefined) return { $typed: { type: tag, bytes: region(TA_BUFFER.call(v), TA_OFFSET.call(v) as number, TA_LENGTH.call(v) as number) } };
  if (ArrayBuffer.isView(v)) return { $typed: { type: 'DataView', bytes: region(DV_BUFFER.call(v), DV_OFFSET.call(v) as number, DV_LENGTH.call(v) as number) } };
  const abLength = tryCall(AB_LENGTH, v);
  if (typeof abLength === 'number') return { $typed: { type: 'ArrayBuffer', bytes: region(v, 0, abLength) } };
  return undefined;
}

function spell(v: unknown, depth: number): Json {
  switch (typeof v) {
    case 'undefined':
      return { $undefined: true };
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      if (Number.isNaN(v)) return { $number: 'NaN' };
      if (v === Infinity) return { $number: 'Infinity' };
      if (v === -Infinity) return { $number: '-Infinity' };
      if (Object.is(v, -0)) return { $number: '-0' };
      return v;
    case 'bigint':
      return { $bigint: v.toString(10) };
    case 'symbol':
      return { $symbol: v.description ?? '' };
    case 'function':
      return { $function: typeof v.name === 'string' ? v.name : '' };
    case 'object':
      break;
  }
  if (v === null) return null;
  if (depth > MAX_DEPTH) return { $opaque: 'nested too deeply' };
  try {
    const b = binary(v as object);
    if (b !== undefined) return b;
    if (typeof tryCall(MAP_SIZE, v) === 'number') {
      return { $map: [...Map.prototype.entries.call(v as Map<unknown, unknown>)].map(([k, x]) => [spell(k, depth + 1), spell(x, depth + 1)]) };
    }
    if (typeof tryCall(SET_SIZE, v) === 'number') return { $set: [...Set.prototype.values.call(v as Set<unknown>)].map((x) => spell(x, depth + 1)) };
    if (Array.isArray(v)) {
      const out: Json[] = [];
      for (let i = 0; i < v.length; i++) out.push(readOne(() => (v as unknown[])[i], depth));
      return out;
    }
    const fields: Record<string, Json> = {};
    for (const key of Object.keys(v as object)) setOwn(fields, key, readOne(() => (v as Record<string, unknown>)[key], depth));
    return { $object: fields };
  } catch (e) {
    // A Proxy whose traps throw, or a revoked one: nothing of it can be read.
    return { $opaque: `reading it threw: ${messageOf(e)}` };
  }
}

/** The spelling of what one read gave: its value, or `$throws` when the read threw. */
function readOne(read: () => unknown, depth: number): Json {
  let x: unknown;
  try {
    x = read();
  } catch (e) {
    return { $throws: messageOf(e) };
  }
  return spell(x, depth + 1);
}

/** Sets an own data property: a `__proto__` key stays a key. */
function setOwn(out: Record<string, unknown>, key: string, v: unknown): void {
  Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * The spelling of a value. Never throws: what cannot be read is `$opaque`.
 * @example
 * ```ts
 * spellValue(NaN); // { $number: 'NaN' }
 * spellValue(new Uint8Array([1, 2])); // { $bytes: '0102' }
 * ```
 */
export function spellValue(v: unknown): Json {
  return spell(v, 0);
}

/** One read of a top-level object's key: what it gave, or what it threw. */
export type Read = readonly [key: string, result: { readonly value: unknown } | { readonly threw: unknown }];

/**
 * A transparent wrapper of `target` that records every read of a string key (its result or
 * the error it threw) in `reads`; every other operation goes to `target` as it would have.
 */
export function readRecorder(target: object): { readonly proxy: object; readonly reads: Read[] } {
  const reads: Read[] = [];
  const proxy = new Proxy(target, {
    get(t, key) {
      // `t` as the receiver: a getter of the target sees itself, as with a direct read.
      if (typeof key !== 'string') return Reflect.get(t, key) as unknown;
      let value: unknown;
      try {
        value = Reflect.get(t, key) as unknown;
      } catch (e) {
        reads.push([key, { threw: e }]);
        throw e;
      }
      reads.push([key, { value }]);
      return value;
    },
  });
  return { proxy, reads };
}

/** The spelling of a top-level object from what was read of it. */
export function spellReads(target: object, reads: readonly Read[]): Json {
  let isArray = false;
  try {
    isArray = Array.isArray(target);
  } catch {
    // A revoked Proxy: it reads as nothing either way.
  }
  return {
    $reads: reads.map(([key, r]): Json => [key, 'threw' in r ? { $throws: messageOf(r.threw) } : spellValue(r.value)]),
    $array: isArray,
  };
}

/** An object that throws on every operation: the replay of an `$opaque` spelling. */
function opaque(why: string): object {
  const fail = (): never => {
    throw new Error(`opaque value: ${why}`);
  };
  return new Proxy(
    {},
    { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail, getPrototypeOf: fail, set: fail, defineProperty: fail, deleteProperty: fail },
  );
}

type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ValueError };

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);

/** A property that gives `results` in turn (the last one again once they run out). */
function defineReads(out: object, key: string, results: readonly ({ value: unknown } | { threw: string })[]): void {
  let i = 0;
  Object.defineProperty(out, key, {
    enumerable: true,
    configurable: true,
    get() {
      const r = results[Math.min(i, results.length - 1)] as { value: unknown } | { threw: string };
      i++;
      if ('threw' in r) throw new Error(r.threw);
      return r.value;
    },
  });
}

/** A spelling that may also be `$throws` (a field of an object or an element of a list). */
function decodeSlot(j: unknown, path: string): { ok: true; value: { value: unknown } | { threw: string } } | { ok: false; error: ValueError } {
  if (isRecord(j) && Object.keys(j).length === 1 && '$throws' in j) {
    const m = j['$throws'];
    return typeof m === 'string' ? { ok: true, value: { threw: m } } : { ok: false, error: { path: `${path}.$throws`, message: 'expected a string' } };
  }
  const d = decode(j, path);
  return d.ok ? { ok: true, value: { value: d.value } } : d;
}

function decode(j: unknown, path: string): Decoded {
  const bad = (message: string, at = path): Decoded => ({ ok: false, error: { path: at, message } });
  if (j === null || typeof j === 'boolean' || typeof j === 'string') return { ok: true, value: j };
  if (typeof j === 'number') return Number.isFinite(j) && !Object.is(j, -0) ? { ok: true, value: j } : bad('expected a finite number');
  if (Array.isArray(j)) {
    const out: unknown[] = [];
    for (const [i, x] of j.entries()) {
      const d = decodeSlot(x, `${path}[${i}]`);
      if (!d.ok) return d;
      if ('threw' in d.value) defineReads(out, String(i), [d.value]);
      else out.push(d.value.value);
    }
    return { ok: true, value: out };
  }
  if (!isRecord(j)) return bad('expected a JSON value');
  const keys = Object.keys(j);
  const tag = keys[0];
  const only = (allowed: readonly string[]): boolean => keys.every((k) => allowed.includes(k));
  if (Object.prototype.hasOwnProperty.call(j, '$reads')) {
    if (!only(['$reads', '$array'])) return bad(`unexpected field '${keys.find((k) => k !== '$reads' && k !== '$array') ?? ''}' beside $reads`);
    const isArray = j['$array'] ?? false;
    if (typeof isArray !== 'boolean') return bad('expected true or false', `${path}.$array`);
    const list = j['$reads'];
    if (!Array.isArray(list)) return bad('expected a list of [key, value] pairs', `${path}.$reads`);
    const byKey = new Map<string, ({ value: unknown } | { threw: string })[]>();
    for (const [i, pair] of list.entries()) {
      const at = `${path}.$reads[${i}]`;
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return bad('expected a [key, value] pair with a string key', at);
      const d = decodeSlot(pair[1], `${at}[1]`);
      if (!d.ok) return d;
      byKey.set(pair[0], [...(byKey.get(pair[0]) ?? []), d.value]);
    }
    const out: object = isArray ? [] : {};
    for (const [key, results] of byKey) defineReads(out, key, results);
    return { ok: true, value: out };
  }
  if (keys.length !== 1 || tag === undefined) return bad(`expected one tag ($undefined, $number, $bigint, $bytes, …), got ${keys.length} fields`);
  const body = j[tag];
  const at = `${path}.${tag}`;
  switch (tag) {
    case '$undefined':
      return body === true ? { ok: true, value: undefined } : bad('expected true', at);
    case '$number': {
      const n = body === 'NaN' ? NaN : body === 'Infinity' ? Infinity : body === '-Infinity' ? -Infinity : body === '-0' ? -0 : undefined;
      return n === undefined ? bad('expected NaN, Infinity, -Infinity or -0', at) : { ok: true, value: n };
    }
    case '$bigint':
      return typeof body === 'string' && /^-?(0|[1-9][0-9]*)$/.test(body) ? { ok: true, value: BigInt(body) } : bad('expected decimal digits', at);
    case '$bytes': {
      const b = typeof body === 'string' ? wireHexToBytes(body) : undefined;
      return b === undefined ? bad('expected a lower-case hex string of even length', at) : { ok: true, value: b };
    }
    case '$typed': {
      if (!isRecord(body) || Object.keys(body).length !== 2 || typeof body['type'] !== 'string' || typeof body['bytes'] !== 'string') {
        return bad('expected {"type": NAME, "bytes": HEX}', at);
      }
      const bytes = wireHexToBytes(body['bytes']);
      if (bytes === undefined) return bad('expected a lower-case hex string of even length', `${at}.bytes`);
      const type = body['type'];
      const buffer = bytes.buffer as ArrayBuffer;
      if (type === 'ArrayBuffer') return { ok: true, value: buffer };
      if (type === 'DataView') return { ok: true, value: new DataView(buffer) };
      const make = Object.prototype.hasOwnProperty.call(TYPED_ARRAYS, type) ? TYPED_ARRAYS[type] : undefined;
      if (make === undefined) return bad(`unknown binary type ${JSON.stringify(type)}`, `${at}.type`);
      try {
        return { ok: true, value: new make(buffer) };
      } catch {
        return bad(`${bytes.length} bytes are not a whole number of ${type} elements`, `${at}.bytes`);
      }
    }
    case '$map':
    case '$set': {
      if (!Array.isArray(body)) return bad('expected a list', at);
      const items: unknown[] = [];
      for (const [i, x] of body.entries()) {
        if (tag === '$map') {
          if (!Array.isArray(x) || x.length !== 2) return bad('expected a [key, value] pair', `${at}[${i}]`);
          const k = decode(x[0], `${at}[${i}][0]`);
          if (!k.ok) return k;
          const v = decode(x[1], `${at}[${i}][1]`);
          if (!v.ok) return v;
          items.push([k.value, v.value]);
        } else {
          const v = decode(x, `${at}[${i}]`);
          if (!v.ok) return v;
          items.push(v.value);
        }
      }
      return { ok: true, value: tag === '$map' ? new Map(items as [unknown, unknown][]) : new Set(items) };
    }
    case '$object': {
      if (!isRecord(body)) return bad('expected an object', at);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(body)) {
        const d = decodeSlot(x, `${at}[${JSON.stringify(k)}]`);
        if (!d.ok) return d;
        if ('threw' in d.value) defineReads(out, k, [d.value]);
        else setOwn(out, k, d.value.value);
      }
      return { ok: true, value: out };
    }
    case '$symbol':
      return typeof body === 'string' ? { ok: true, value: Symbol(body) } : bad('expected a string', at);
    case '$function': {
      if (typeof body !== 'string') return bad('expected a string', at);
      const f = (): undefined => undefined;
      Object.defineProperty(f, 'name', { value: body });
      return { ok: true, value: f };
    }
    case '$opaque':
      return typeof body === 'string' ? { ok: true, value: opaque(body) } : bad('expected a string', at);
    case '$throws':
      return bad('$throws stands only for a field or an element whose read threw', at);
    default:
      return bad(`unknown tag ${JSON.stringify(tag)}`);
  }
}

/**
 * The value a spelling stands for, fresh (a new object each call), or where it does not decode.
 * @param path the JSON path of the spelling, for errors (default `$`)
 */
export function valueOfSpelling(j: unknown, path = '$'): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ValueError } {
  return decode(j, path);
}

/** The kind a top-level spelling names: the string its first read of `kind` gave, if any. */
export function spelledKind(j: Json): string | undefined {
  if (!isRecord(j) || !Array.isArray(j['$reads'])) return undefined;
  for (const pair of j['$reads'] as unknown[]) {
    if (Array.isArray(pair) && pair[0] === 'kind') return typeof pair[1] === 'string' ? pair[1] : undefined;
  }
  return undefined;
}
