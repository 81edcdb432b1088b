// The generic canonical JSON encoder: every value has one spelling or a clear error with a path;
// nothing is encoded ambiguously (negative bigints, `__proto__` keys) and nothing crashes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CanonicalJsonError, canonicalJson, encodeCanonical, toJsonValue } from '../../model/core/canonical-json.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('canonical JSON: bigints', () => {
  it('spells non-negative bigints as 0x hex and negative ones as -0x hex', () => {
    expect(canonicalJson([0n, 255n, -1n, -0x1000n, (1n << 64n) - 1n])).toBe('["0x0","0xff","-0x1","-0x1000","0xffffffffffffffff"]');
  });

  it('is injective on bigints: the spelling reads back as the same value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), (n) => {
        const s = toJsonValue(n) as string;
        expect(s).toMatch(/^-?0x(0|[1-9a-f][0-9a-f]*)$/);
        const back = s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
        expect(back).toBe(n);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('canonical JSON: keys', () => {
  it('keeps a `__proto__` key as an own key, and does not change the prototype of the result', () => {
    const v = JSON.parse('{"__proto__":{"polluted":1},"a":2}') as unknown;
    const j = toJsonValue(v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(j)).toBe(Object.prototype);
    expect(Object.keys(j)).toEqual(['__proto__', 'a']);
    expect(canonicalJson(v)).toBe('{"__proto__":{"polluted":1},"a":2}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a `__proto__` key set with defineProperty survives too', () => {
    const v: Record<string, unknown> = {};
    Object.defineProperty(v, '__proto__', { value: 5, enumerable: true });
    expect(canonicalJson(v)).toBe('{"__proto__":5}');
  });

  it('two objects that differ only in a `__proto__` key have different spellings', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":1}'))).not.toBe(canonicalJson({}));
  });

  it('sorts keys and omits undefined fields', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined] })).toBe('{"b":1,"c":[null]}');
  });

  it('is independent of insertion order for any keys, `__proto__` and `constructor` included', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', ''));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.integer()), { selector: ([k]) => k }), (entries) => {
        const make = (es: readonly (readonly [string, number])[]) => {
          const o: Record<string, unknown> = {};
          for (const [k, v] of es) Object.defineProperty(o, k, { value: v, enumerable: true });
          return o;
        };
        const text = canonicalJson(make(entries));
        expect(canonicalJson(make([...entries].reverse()))).toBe(text);
        expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(entries.map(([k]) => k).sort());
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('canonical JSON: bytes', () => {
  it('spells bytes (and Buffers) as lower-case hex, like noble', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(toJsonValue(b)).toBe(bytesToHex(b));
        expect(toJsonValue(Buffer.from(b))).toBe(bytesToHex(b));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('canonical JSON: what it refuses, with a path and never a crash', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle['self'] = { again: cycle };
  const cases: [string, unknown, string, RegExp][] = [
    ['NaN', { a: [1, Number.NaN] }, '$.a[1]', /NaN is not a finite number/],
    ['Infinity', { 'a b': Number.POSITIVE_INFINITY }, '$["a b"]', /Infinity is not a finite number/],
    ['-Infinity', Number.NEGATIVE_INFINITY, '$', /finite/],
    ['a function', { f: () => 1 }, '$.f', /function/],
    ['a symbol', [Symbol('s')], '$[0]', /symbol/],
    ['a cycle', cycle, '$.self.again', /cycle/],
    ['a Map', { m: new Map([[1, 2]]) }, '$.m', /Map/],
    ['a Set', { s: new Set([1]) }, '$.s', /Set/],
    ['a Uint16Array', { u: new Uint16Array(2) }, '$.u', /Uint16Array/],
    ['an ArrayBuffer', { b: new ArrayBuffer(2) }, '$.b', /ArrayBuffer/],
  ];

  for (const [what, value, path, message] of cases) {
    it(`${what}: encodeCanonical returns the issue; canonicalJson throws a CanonicalJsonError`, () => {
      const r = encodeCanonical(value);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.path).toBe(path);
        expect(r.error.message).toMatch(message);
      }
      expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
      expect(() => canonicalJson(value)).toThrow(message);
    });
  }

  it('a getter that throws is an issue, not an exception', () => {
    const v = {};
    Object.defineProperty(v, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(encodeCanonical(v)).toEqual({ ok: false, error: { path: '$', message: 'reading the value threw: boom' } });
  });

  it('the same object twice (not a cycle) is fine', () => {
    const shared = { x: 1n };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":"0x1"},"b":[{"x":"0x1"},{"x":"0x1"}]}');
  });

  it('encodeCanonical never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true, withMap: true, withSet: true, withDate: true, withSparseArray: true }), (v) => {
        const r = encodeCanonical(v);
        if (r.ok) expect(typeof r.value).toBe('string');
        else expect(r.error.path).toMatch(/^\$/);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
