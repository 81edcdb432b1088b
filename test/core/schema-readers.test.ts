// The schema readers case by case (model/core/schema.ts): readValue of each scalar type on
// values of the type and of other types, the array bound, readFields and fieldReader on what is
// not a plain object, and fromWire's exact path and message for each wire type.
import { describe, expect, it } from 'vitest';
import { REFUSED, fieldReader, freshCopy, fromWire, readFields, readValue, t, type Schema } from '../../model/core/schema.js';

const OTHERS: readonly unknown[] = [undefined, null, 0, 1.5, -1, 'x', '', true, false, 1n, [], {}, Uint8Array.of(1)];

describe('readValue by type', () => {
  const cases: [string, Schema, readonly unknown[]][] = [
    ['int', t.int(), [0, -1, -5, 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]],
    ['id', t.id(), [0, 7]],
    ['string', t.string(), ['', 'x', 'hello']],
    ['bool', t.bool(), [true, false]],
    ['enum', t.enum(['a', 'b']), ['a', 'b']],
  ];
  for (const [name, schema, good] of cases) {
    it(`${name}: accepts its values, refuses every other`, () => {
      for (const v of good) expect(readValue(schema, v)).toBe(v);
      for (const v of OTHERS) if (!good.includes(v)) expect(readValue(schema, v)).toBe(REFUSED);
    });
  }

  it('int refuses fractions, infinities and NaN', () => {
    for (const v of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(readValue(t.int(), v)).toBe(REFUSED);
  });

  it('enum refuses strings outside its values', () => {
    expect(readValue(t.enum(['a', 'b']), 'c')).toBe(REFUSED);
    expect(readValue(t.enum(['a', 'b']), 'A')).toBe(REFUSED);
  });

  it('nullable: null, or a value of the inner type', () => {
    const s = t.nullable(t.string());
    expect(readValue(s, null)).toBeNull();
    expect(readValue(s, 'x')).toBe('x');
    expect(readValue(s, 3)).toBe(REFUSED);
    expect(readValue(s, undefined)).toBe(REFUSED);
  });

  it('array: up to its max, each element read', () => {
    const s = t.array(t.int(), { max: 3 });
    expect(readValue(s, [])).toEqual([]);
    expect(readValue(s, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(readValue(s, [1, 2, 3, 4])).toBe(REFUSED);
    expect(readValue(s, [1, 'x'])).toBe(REFUSED);
    expect(readValue(s, { length: 1, 0: 1 })).toBe(REFUSED);
    expect(readValue(t.array(t.bool(), { max: 0 }), [])).toEqual([]);
    expect(readValue(t.array(t.bool(), { max: 0 }), [true])).toBe(REFUSED);
  });
});

describe('readFields and fieldReader read only plain objects', () => {
  const notObjects: readonly unknown[] = [null, undefined, 0, 'a', true, [], Object.assign([], { a: 1 })];

  it('readFields', () => {
    for (const v of notObjects) {
      expect(readFields({}, v, {})).toBe(REFUSED);
      expect(readFields({ a: t.nullable(t.int()) }, v, {}, freshCopy)).toBe(REFUSED);
    }
    expect(readFields({ a: t.int() }, { a: 1, b: 2 }, {})).toEqual({ a: 1 });
    expect(readFields({}, {}, { kept: true })).toEqual({ kept: true });
  });

  it('fieldReader', () => {
    const empty = fieldReader({});
    const one = fieldReader({ a: t.int() });
    for (const v of notObjects) {
      expect(empty(v, {}, freshCopy)).toBe(REFUSED);
      expect(one(v, {}, freshCopy)).toBe(REFUSED);
    }
    expect(empty({}, { kind: 'x' }, freshCopy)).toEqual({ kind: 'x' });
    expect(one({ a: 4 }, { kind: 'x' }, freshCopy)).toEqual({ kind: 'x', a: 4 });
    expect(one({ a: 'no' }, {}, freshCopy)).toBe(REFUSED);
  });
});

describe('fromWire names the path and what was expected', () => {
  const bad = (path: string, message: string) => ({ ok: false, error: { path, message } });
  it('for each wire type', () => {
    expect(fromWire(t.int(), 'x')).toEqual(bad('$', 'expected a safe integer'));
    expect(fromWire(t.int(), 1.5)).toEqual(bad('$', 'expected a safe integer'));
    expect(fromWire(t.int(), -3)).toEqual({ ok: true, value: -3 });
    expect(fromWire(t.id(), -3)).toEqual(bad('$', 'expected a non-negative safe integer'));
    expect(fromWire(t.string(), 3)).toEqual(bad('$', 'expected a string'));
    expect(fromWire(t.string(), 'x')).toEqual({ ok: true, value: 'x' });
    expect(fromWire(t.bool(), 'true')).toEqual(bad('$', 'expected true or false'));
    expect(fromWire(t.bool(), false)).toEqual({ ok: true, value: false });
    expect(fromWire(t.enum(['a', 'b']), 'c')).toEqual(bad('$', 'expected one of a, b'));
    expect(fromWire(t.bytes(), 3)).toEqual(bad('$', 'expected a lower-case hex string'));
    expect(fromWire(t.bytes(), 'abc')).toEqual(bad('$', 'expected a lower-case hex string of even length'));
    expect(fromWire(t.u64(), '0x01')).toEqual(bad('$', "expected '0x' and up to 16 lower-case hex digits without leading zeros"));
    expect(fromWire(t.array(t.int()), { 0: 1 })).toEqual(bad('$', 'expected an array'));
    expect(fromWire(t.array(t.int()), [1, 'x'])).toEqual(bad('$[1]', 'expected a safe integer'));
    expect(fromWire(t.nullable(t.int()), null)).toEqual({ ok: true, value: null });
    expect(fromWire(t.nullable(t.int()), 'x')).toEqual(bad('$', 'expected a safe integer'));
  });

  it('for objects: not an object, an unexpected field, a missing field, a bad field', () => {
    const s = t.object({ a: t.int(), b: t.string() });
    for (const j of [null, [], [1, 'x'], 'a', 3, true]) expect(fromWire(s, j)).toEqual(bad('$', 'expected an object'));
    expect(fromWire(t.object({}), [])).toEqual(bad('$', 'expected an object'));
    expect(fromWire(t.object({}), null)).toEqual(bad('$', 'expected an object'));
    expect(fromWire(s, { a: 1, b: 'x', c: 2 })).toEqual(bad('$', "unexpected field 'c'"));
    expect(fromWire(s, { a: 1 })).toEqual(bad('$', "missing field 'b'"));
    expect(fromWire(s, { a: 'x', b: 'y' })).toEqual(bad('$.a', 'expected a safe integer'));
    expect(fromWire(s, { a: 1, b: 'y' })).toEqual({ ok: true, value: { a: 1, b: 'y' } });
  });
});
