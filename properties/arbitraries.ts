/**
 * fast-check arbitraries derived from the schemas: well-formed values of every field type and
 * every action kind, and hostile values that probe the boundary (wrong types, out-of-range
 * integers, non-finite numbers, missing fields, Proxies, throwing getters, typed arrays that lie
 * about their length, buffers from Node's shared pool). Nothing about an action's shape is
 * written here by hand: it all comes from `ACTION_SPECS`.
 * @module
 */
import fc from 'fast-check';
import type { Schema } from '../model/core/schema.js';
import { ACTION_SPECS, type Action, type ActionKind } from '../model/platform/index.js';

/** Where IDs are drawn from: small numbers, so that generated actions name things that exist. */
export interface IdPool {
  readonly guests: readonly number[];
  readonly machines: readonly number[];
  readonly adapters: readonly number[];
}

/** IDs 0-3 of everything. */
export const SMALL_IDS: IdPool = { guests: [0, 1, 2, 3], machines: [0, 1, 2], adapters: [0, 1] };

/** A well-formed value of `s`; `field` names the field (to pick the right ID pool). */
export function arbOf(s: Schema, field = '', ids: IdPool = SMALL_IDS): fc.Arbitrary<unknown> {
  switch (s.type) {
    case 'bytes':
      return s.size !== undefined
        ? fc.uint8Array({ minLength: s.size, maxLength: s.size })
        : fc.uint8Array({ maxLength: Math.min(s.max ?? 64, 256) });
    case 'u64':
      return fc.oneof(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 0n, max: 64n }).map((p) => p * 4096n),
        fc.constantFrom(0n, 4095n, 4096n, (1n << 64n) - 1n, (1n << 64n) - 4096n),
      );
    case 'id': {
      const pool = field === 'machine' ? ids.machines : field === 'adapter' ? ids.adapters : ids.guests;
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.nat() });
    }
    case 'int':
      return fc.oneof(
        fc.integer({ min: s.min ?? -1000, max: Math.min(s.max ?? 1000, 4096) }),
        fc.constantFrom(s.min ?? 0, s.max ?? 0, (s.min ?? 0) - 1, (s.max ?? 0) + 1),
        fc.integer(),
      );
    case 'string':
      return fc.string({ maxLength: s.max ?? 32 });
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...s.values);
    case 'nullable':
      return fc.option(arbOf(s.of, field, ids), { nil: null });
    case 'array':
      return fc.array(arbOf(s.of, field, ids), { maxLength: Math.min(s.max ?? 4, 4) });
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, arbOf(v, k, ids)])));
  }
}

/** A well-formed action of `kind` (values arbitrary: the handlers judge them). */
export function arbActionOf(kind: ActionKind, ids: IdPool = SMALL_IDS): fc.Arbitrary<Action> {
  const spec = ACTION_SPECS.find((x) => x.kind === kind);
  // Stryker disable next-line all: kinds come from the specs
  if (spec === undefined) throw new Error(`no spec for ${kind}`);
  const fields = Object.fromEntries(Object.entries(spec.fields).map(([k, v]) => [k, arbOf(v, k, ids)]));
  return fc.record({ kind: fc.constant(spec.kind), ...fields }) as unknown as fc.Arbitrary<Action>;
}

/** A well-formed action of any kind. */
export function arbAction(ids: IdPool = SMALL_IDS): fc.Arbitrary<Action> {
  return fc.oneof(...ACTION_SPECS.map((s) => arbActionOf(s.kind, ids)));
}

/** A value of the wrong type for `s` (never one `readValue` accepts). */
export function arbWrongType(s: Schema): fc.Arbitrary<unknown> {
  const notBytes = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.array(fc.nat(255), { maxLength: 8 }),
    fc.constant(new Uint16Array(4)),
    fc.constant(new ArrayBuffer(8)),
    fc.constant(new DataView(new ArrayBuffer(4))),
  );
  switch (s.type) {
    case 'bytes':
      return notBytes;
    case 'u64':
      return fc.oneof(
        fc.bigInt({ max: -1n }),
        fc.bigInt({ min: 1n << 64n, max: 1n << 80n }),
        fc.nat(),
        fc.string(),
        fc.constant(undefined),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1),
      );
    case 'id':
      return fc.oneof(
        fc.integer({ max: -1 }),
        fc.double({ noInteger: true }),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 1.5),
        fc.bigInt({ min: 0n, max: 10n }),
        fc.string(),
        fc.constant(undefined),
      );
    case 'int':
      return fc.oneof(
        fc.double({ noInteger: true }),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53),
        fc.bigInt({ min: 0n, max: 10n }),
        fc.constant(undefined),
      );
    case 'string':
    case 'enum':
      return fc.oneof(fc.nat(), fc.constant(undefined), fc.constant(null));
    case 'bool':
      return fc.oneof(fc.nat(), fc.string(), fc.constant(undefined));
    case 'nullable':
      return arbWrongType(s.of).filter((v) => v !== null);
    case 'array':
    case 'object':
      return fc.oneof(fc.nat(), fc.string(), fc.constant(undefined));
  }
}

/** A Uint8Array whose own `length` (and `byteLength`) lie or throw: the boundary must not ask it. */
function liarBytes(bytes: Uint8Array, how: 'throw' | 'lie'): Uint8Array {
  class Liar extends Uint8Array {
    override get length(): number {
      if (how === 'throw') throw new Error('length read');
      return 4096;
    }
    override get byteLength(): number {
      if (how === 'throw') throw new Error('byteLength read');
      return 4096;
    }
  }
  const out = new Liar(bytes.length);
  out.set(bytes);
  return out;
}

/** A Proxy of `target` whose every trap throws, or answers differently on each read. */
function trapped(target: object, how: 'throw' | 'flip'): object {
  let reads = 0;
  return new Proxy(target, {
    get(t, key, receiver) {
      // fast-check itself asks generated values for its clone hook; only the platform meets the traps.
      if (key === fc.cloneMethod || key === fc.toStringMethod || key === fc.asyncToStringMethod) return undefined;
      if (how === 'throw') throw new Error(`trap: ${String(key)}`);
      reads++;
      const v: unknown = Reflect.get(t, key, receiver);
      return reads % 2 === 0 && key !== 'kind' ? undefined : v;
    },
    has(_t, key) {
      if (key === fc.cloneMethod || key === fc.toStringMethod || key === fc.asyncToStringMethod) return false;
      if (how === 'throw') throw new Error('trap: has');
      return true;
    },
    ownKeys() {
      if (how === 'throw') throw new Error('trap: ownKeys');
      return Reflect.ownKeys(target);
    },
  });
}

/** An object whose field `name` is a getter that throws. */
function throwingGetter(action: object, name: string): object {
  const out: Record<string, unknown> = { ...action };
  Object.defineProperty(out, name, {
    enumerable: true,
    get() {
      throw new Error(`getter ${name}`);
    },
  });
  return out;
}

/**
 * A hostile action: one field of a well-formed action of `kind` made wrong (wrong type, out of
 * range, missing, a throwing getter, a lying typed array), or the whole value a Proxy, or not an
 * action at all. Every one must be answered, most with `MALFORMED_ACTION`; a lying typed array
 * is read through its intrinsic length and may be well-formed.
 */
export function arbHostileActionOf(kind: ActionKind, ids: IdPool = SMALL_IDS): fc.Arbitrary<unknown> {
  const spec = ACTION_SPECS.find((x) => x.kind === kind);
  // Stryker disable next-line all: kinds come from the specs
  if (spec === undefined) throw new Error(`no spec for ${kind}`);
  const specFields: Readonly<Record<string, Schema>> = spec.fields;
  const names = Object.keys(specFields);
  const base = arbActionOf(kind, ids) as fc.Arbitrary<Record<string, unknown>>;
  const pick = fc.nat(Math.max(0, names.length - 1)).map((i) => names[i] ?? 'kind');
  const variants: fc.Arbitrary<unknown>[] = [
    fc.tuple(base, pick).chain(([a, name]) => arbWrongType(specFields[name] as Schema).map((v) => ({ ...a, [name]: v }))),
    fc.tuple(base, pick).map(([a, name]) => {
      const out = { ...a };
      delete out[name];
      return out;
    }),
    fc.tuple(base, pick).map(([a, name]) => throwingGetter(a, name)),
    fc.tuple(base, fc.constantFrom<'throw' | 'flip'>('throw', 'flip')).map(([a, how]) => trapped(a, how)),
    base.map((a) => ({ ...a, kind: `${kind}-not` })),
    base.map((a) => Object.assign(Object.create(a) as object, {})),
  ];
  const byteFields = names.filter((n) => specFields[n]?.type === 'bytes');
  if (byteFields.length > 0) {
    const field = fc.constantFrom(...byteFields);
    variants.push(
      fc.tuple(base, field, fc.constantFrom<'throw' | 'lie'>('throw', 'lie')).map(([a, name, how]) => ({ ...a, [name]: liarBytes(a[name] as Uint8Array, how) })),
      // A Buffer slice from Node's 8 KiB pool: a view into memory shared with other buffers.
      fc.tuple(base, field).map(([a, name]) => ({ ...a, [name]: Buffer.from(a[name] as Uint8Array) })),
      fc.tuple(base, field).map(([a, name]) => ({ ...a, [name]: trapped(a[name] as Uint8Array, 'throw') })),
    );
  }
  return fc.oneof(...variants);
}

/** Something that is not an action at all. */
export const arbNotAnAction: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true, withMap: true, withSet: true }),
  fc.constantFrom(null, undefined, 0, '', [], {}, { kind: null }, { kind: 'unpack' }, { kind: '__proto__' }, { kind: 'constructor' }),
);

/** A hostile action of any kind, or not an action at all. */
export function arbHostileAction(ids: IdPool = SMALL_IDS): fc.Arbitrary<unknown> {
  return fc.oneof(...ACTION_SPECS.map((s) => arbHostileActionOf(s.kind, ids)), arbNotAnAction);
}
