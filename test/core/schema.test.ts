// The schema language: the boundary reader checks and copies (no byte of the result is the
// caller's), refuses everything that is not a value of the schema, and the JSON Schema and
// type names follow the schemas' shapes.
import { describe, expect, it } from 'vitest';
import {
  MAX_FIELD_BYTES,
  REFUSED,
  copyBytes,
  jsonSchemaOf,
  readValue,
  t,
  typeName,
  type Schema,
} from '../../model/core/schema.js';

describe('readValue copies', () => {
  it('bytes: a fresh Uint8Array of the same contents that later writes to the source do not reach', () => {
    const src = Uint8Array.of(1, 2, 3);
    const got = readValue(t.bytes(), src);
    if (got === REFUSED) throw new Error('refused');
    expect(got).toEqual(Uint8Array.of(1, 2, 3));
    expect(got).not.toBe(src);
    expect(got.buffer).not.toBe(src.buffer);
    src[0] = 9;
    expect(got[0]).toBe(1);
  });

  it('a Buffer from the shared pool and a view at an offset become plain Uint8Arrays of their own', () => {
    const pooled = Buffer.from([5, 6, 7]);
    const got = copyBytes(pooled);
    if (got === REFUSED) throw new Error('refused');
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
    expect([got.byteOffset, got.buffer.byteLength]).toEqual([0, 3]);
    const big = Uint8Array.from({ length: 10 }, (_, i) => i);
    expect(copyBytes(big.subarray(4, 6))).toEqual(Uint8Array.of(4, 5));
  });

  it('a subclass that lies about its length is read through the intrinsic getters', () => {
    class Liar extends Uint8Array {
      override get length(): number {
        throw new Error('length read');
      }
    }
    const liar = new Liar(4);
    liar.set([1, 2, 3, 4]);
    expect(copyBytes(liar)).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('objects: only the schema\'s fields, each read once, into a fresh plain object', () => {
    const s = t.object({ a: t.id(), b: t.array(t.bytes()) });
    let reads = 0;
    const src = {
      get a() {
        reads++;
        return 1;
      },
      b: [Uint8Array.of(1)],
      extra: 'dropped',
    };
    const got = readValue(s, src);
    if (got === REFUSED) throw new Error('refused');
    expect(got).toEqual({ a: 1, b: [Uint8Array.of(1)] });
    expect(reads).toBe(1);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(got.b).not.toBe(src.b);
    expect(got.b[0]).not.toBe(src.b[0]);
  });

  it('a throwing getter throws out of readValue (the platform boundary turns it into MALFORMED_ACTION)', () => {
    const src = {};
    Object.defineProperty(src, 'a', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => readValue(t.object({ a: t.id() }), src)).toThrow('boom');
  });
});

describe('readValue refuses', () => {
  const cases: [string, Schema, unknown][] = [
    ['a negative u64', t.u64(), -1n],
    ['2^64 as a u64', t.u64(), 1n << 64n],
    ['a number as a u64', t.u64(), 4096],
    ['a string as a u64', t.u64(), '0x1000'],
    ['NaN as an ID', t.id(), Number.NaN],
    ['Infinity as an ID', t.id(), Number.POSITIVE_INFINITY],
    ['a non-integer ID', t.id(), 1.5],
    ['a negative ID', t.id(), -1],
    ['2^53 as an ID', t.id(), 2 ** 53],
    ['a bigint as an ID', t.id(), 1n],
    ['-Infinity as an int', t.int(), Number.NEGATIVE_INFINITY],
    ['a non-integer int', t.int(), 0.5],
    ['a number as a string', t.string(), 1],
    ['a string as a bool', t.bool(), 'true'],
    ['a value not in the enum', t.enum(['a', 'b']), 'c'],
    ['undefined where null is allowed', t.nullable(t.id()), undefined],
    ['an object as an array', t.array(t.id()), { length: 0 }],
    ['an array longer than its max', t.array(t.id(), { max: 2 }), [1, 2, 3]],
    ['an array with a bad element', t.array(t.id()), [1, -1]],
    ['a missing field', t.object({ a: t.id(), b: t.id() }), { a: 1 }],
    ['an array as an object', t.object({}), []],
    ['null as an object', t.object({}), null],
    ['an array of numbers as bytes', t.bytes(), [1, 2]],
    ['a Uint16Array as bytes', t.bytes(), new Uint16Array(2)],
    ['an Int8Array as bytes', t.bytes(), new Int8Array(2)],
    ['a Uint8ClampedArray as bytes', t.bytes(), new Uint8ClampedArray(2)],
    ['an ArrayBuffer as bytes', t.bytes(), new ArrayBuffer(2)],
    ['a DataView as bytes', t.bytes(), new DataView(new ArrayBuffer(2))],
    ['a Proxy of a Uint8Array as bytes', t.bytes(), new Proxy(new Uint8Array(2), {})],
    ['a string as bytes', t.bytes(), '0000'],
    ['bytes over 16 MiB', t.bytes(), new Uint8Array(MAX_FIELD_BYTES + 1)],
  ];
  for (const [what, s, v] of cases) {
    it(what, () => expect(readValue(s, v)).toBe(REFUSED));
  }

  it('accepts the bounds: 0 and 2^64-1, ID 0 and 2^53-1, negative ints, null, exactly 16 MiB', () => {
    expect(readValue(t.u64(), 0n)).toBe(0n);
    expect(readValue(t.u64(), (1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
    expect(readValue(t.id(), 0)).toBe(0);
    expect(readValue(t.id(), Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(readValue(t.int(), -5)).toBe(-5);
    expect(readValue(t.nullable(t.id()), null)).toBeNull();
    expect((readValue(t.bytes(), new Uint8Array(MAX_FIELD_BYTES)) as Uint8Array).length).toBe(MAX_FIELD_BYTES);
    // A size describes well-formed values; the handler judges the length.
    expect(readValue(t.bytes({ size: 16 }), new Uint8Array(3))).toEqual(new Uint8Array(3));
  });
});

describe('jsonSchemaOf', () => {
  it('bytes: lower-case hex of even length up to 16 MiB; the well-formed size is said in the description', () => {
    expect(jsonSchemaOf(t.bytes())).toEqual({ type: 'string', pattern: '^([0-9a-f]{2})*$', maxLength: 2 * MAX_FIELD_BYTES });
    expect(jsonSchemaOf(t.bytes({ max: 64 }))).toEqual({ type: 'string', pattern: '^([0-9a-f]{2})*$', maxLength: 2 * MAX_FIELD_BYTES, description: 'well-formed: at most 64 bytes' });
    expect(jsonSchemaOf(t.bytes({ size: 16, doc: 'tweak' }))).toEqual({ type: 'string', pattern: '^([0-9a-f]{2})*$', maxLength: 2 * MAX_FIELD_BYTES, description: 'tweak; well-formed: 16 bytes' });
  });

  it('int: any safe integer on the wire; the well-formed range is said in the description', () => {
    const wire = { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
    expect(jsonSchemaOf(t.int())).toEqual(wire);
    expect(jsonSchemaOf(t.int({ doc: 'a count' }))).toEqual({ ...wire, description: 'a count' });
    expect(jsonSchemaOf(t.int({ min: 0, max: 65535, doc: 'an index' }))).toEqual({ ...wire, description: 'an index; well-formed: 0 to 65535' });
    expect(jsonSchemaOf(t.int({ min: 1 }))).toEqual({ ...wire, description: 'well-formed: at least 1' });
    expect(jsonSchemaOf(t.int({ max: -2 }))).toEqual({ ...wire, description: 'well-formed: at most -2' });
  });

  it('u64: the wire pattern, which accepts exactly the canonical spellings', () => {
    const s = jsonSchemaOf(t.u64());
    expect(s['type']).toBe('string');
    const re = new RegExp(s['pattern'] as string);
    for (const ok of ['0x0', '0x1', '0x1000', '0xffffffffffffffff']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['0x', '0x00', '0x01', '0xA', '0X1', '1', '-0x1', '0x10000000000000000']) expect(re.test(bad), bad).toBe(false);
  });

  it('integers, strings, booleans, enums, nullable, arrays', () => {
    expect(jsonSchemaOf(t.id())).toEqual({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
    expect(jsonSchemaOf(t.int())).toEqual({ type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    expect(jsonSchemaOf(t.string())).toEqual({ type: 'string' });
    expect(jsonSchemaOf(t.bool('b'))).toEqual({ type: 'boolean', description: 'b' });
    expect(jsonSchemaOf(t.enum(['x', 'y']))).toEqual({ enum: ['x', 'y'] });
    expect(jsonSchemaOf(t.nullable(t.id()))).toEqual({ anyOf: [{ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { type: 'null' }] });
    expect(jsonSchemaOf(t.array(t.bool()))).toEqual({ type: 'array', items: { type: 'boolean' } });
  });

  it('objects: every field required, no other field, in the schema\'s order', () => {
    const s = jsonSchemaOf(t.object({ z: t.id(), a: t.bool() }, 'thing'));
    expect(s).toEqual({
      type: 'object',
      properties: { z: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, a: { type: 'boolean' } },
      required: ['z', 'a'],
      additionalProperties: false,
      description: 'thing',
    });
    expect(Object.keys(s['properties'] as object)).toEqual(['z', 'a']);
  });
});

describe('typeName', () => {
  it('names each wire type as the docs print it', () => {
    const table: [Schema, string][] = [
      [t.bytes(), 'bytes'],
      [t.bytes({ size: 16 }), 'bytes[16]'],
      [t.bytes({ max: 8192 }), 'bytes[≤8192]'],
      [t.u64(), 'u64'],
      [t.id(), 'id'],
      [t.int(), 'int'],
      [t.string(), 'string'],
      [t.bool(), 'bool'],
      [t.enum(['a', 'b']), '"a" | "b"'],
      [t.nullable(t.bytes()), 'bytes | null'],
      [t.array(t.bytes({ size: 66 })), 'bytes[66][]'],
      [t.object({}), 'object'],
      [t.array(t.object({})), 'object[]'],
    ];
    for (const [s, name] of table) expect(typeName(s)).toBe(name);
  });
});
