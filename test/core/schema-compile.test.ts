// Compiled readers (model/core/schema-compile.ts) answer exactly as the interpreter does: on
// well-formed and hostile values of every platform action kind and of a kind with a field of every
// schema type, the same result (the same plain data, or refused, or the same throw), after reading
// the same properties in the same order. Without code generation the interpreter is used.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionReader, kindReader, type KindFields, type Reader } from '../../model/core/schema-compile.js';
import { REFUSED, freshCopy, t, type Fields } from '../../model/core/schema.js';
import { ACTION_SPECS } from '../../model/platform/index.js';
import { arbHostileAction, arbNotAnAction, arbOf, arbWrongType } from '../../properties/arbitraries.js';

/** A kind with one field of each schema type, nested ones included. */
const EVERY_TYPE: Fields = {
  bytes: t.bytes({ size: 4 }),
  u64: t.u64(),
  id: t.id(),
  int: t.int(),
  string: t.string(),
  bool: t.bool(),
  enum: t.enum(['a', 'b']),
  nullable: t.nullable(t.id()),
  array: t.array(t.bytes(), { max: 3 }),
  object: t.object({ inner: t.u64() }),
};
const KINDS: readonly KindFields[] = [...ACTION_SPECS, { kind: 'every-type', fields: EVERY_TYPE }, { kind: 'no-fields', fields: {} }];

/** A well-formed value of the every-type kind, or one with a field of the wrong type or missing. */
const arbEveryType: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.record(Object.fromEntries(Object.entries(EVERY_TYPE).map(([k, s]) => [k, arbOf(s, k)]))),
    fc.constantFrom(...Object.keys(EVERY_TYPE), ''),
    fc.boolean(),
  )
  .chain(([value, name, missing]) => {
    if (name === '') return fc.constant({ kind: 'every-type', ...value });
    if (missing) {
      const out: Record<string, unknown> = { kind: 'every-type', ...value };
      delete out[name];
      return fc.constant(out);
    }
    return arbWrongType(EVERY_TYPE[name] ?? t.id()).map((v) => ({ kind: 'every-type', ...value, [name]: v }));
  });

/** What a reader answers, with the properties of the value it read, in order. */
function observe(read: (v: unknown) => unknown, value: unknown): { result: unknown; reads: string[] } {
  const reads: string[] = [];
  // Log the reads of the top-level value (a Proxy of a plain object: not a typed array, so safe).
  const logged =
    typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)
      ? new Proxy(value, {
          get(target, key, receiver) {
            reads.push(String(key));
            return Reflect.get(target, key, receiver) as unknown;
          },
        })
      : value;
  let result: unknown;
  try {
    const out = read(logged);
    result = out === REFUSED ? 'REFUSED' : out;
  } catch (e) {
    result = { threw: e instanceof Error ? e.message : String(e) };
  }
  return { result, reads };
}

describe('compiled and interpreted readers agree', () => {
  // Made inside each test (not at collection), so that a mutation run sees the code generator run per test.
  const readers = (): { compiled: Reader; interpreted: Reader } => ({
    compiled: actionReader(KINDS, () => freshCopy, true),
    interpreted: actionReader(KINDS, () => freshCopy, false),
  });

  it('on hostile and well-formed values of every kind, and on values that are not actions', () => {
    const { compiled, interpreted } = readers();
    fc.assert(
      // Each reader gets its own copy of the value: a Proxy that answers differently on each read
      // keeps count, so the same seed makes the value twice.
      fc.property(fc.integer(), (seed) => {
        const arb = fc.oneof(arbHostileAction(), arbEveryType, arbNotAnAction);
        const [one, two] = [fc.sample(arb, { numRuns: 1, seed })[0], fc.sample(arb, { numRuns: 1, seed })[0]];
        expect(observe(compiled, one)).toEqual(observe(interpreted, two));
      }),
      { numRuns: 1000 },
    );
  });

  it('on every edge value in every field of every kind', () => {
    const { compiled, interpreted } = readers();
    const edges: readonly unknown[] = [
      -1, -0, 0, 1, 1.5, -1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53) + 1, -(2 ** 53), Number.NaN, Infinity, -Infinity,
      -1n, 0n, 1n, (1n << 64n) - 1n, 1n << 64n, '', 'a', 'b', 'c', true, false, null, undefined, [], {},
      new Uint8Array(0), new Uint8Array(4), new Uint16Array(2), new Int8Array(4), Buffer.from([1, 2, 3, 4]), [new Uint8Array(1)], { inner: 1n },
    ];
    for (const k of KINDS) {
      const [base] = fc.sample(fc.record(Object.fromEntries(Object.entries(k.fields).map(([n, s]) => [n, arbOf(s, n)]))), { numRuns: 1, seed: 9 });
      for (const name of Object.keys(k.fields)) {
        for (const edge of edges) {
          const value = { kind: k.kind, ...base, [name]: edge };
          expect(observe(compiled, value), `${k.kind}.${name} = ${String(edge)}`).toEqual(observe(interpreted, value));
        }
      }
    }
  });

  it('the compiled reader is the one in use (a generator bug would otherwise hide behind the interpreter)', () => {
    const { compiled, interpreted } = readers();
    expect(compiled.name).toBe('read');
    expect(interpreted.name).not.toBe('read');
    expect(kindReader('verify', { guest: t.id() }).name).toBe('read');
    expect(kindReader('verify', { guest: t.id() }, () => freshCopy, false).name).not.toBe('read');
    expect(actionReader(KINDS).name).toBe('read');
    // A kind without fields: an object, and nothing else, is one.
    for (const read of [compiled, interpreted]) {
      expect(read({ kind: 'no-fields' })).toEqual({ kind: 'no-fields' });
      for (const v of [null, 1, 'no-fields', [], [{ kind: 'no-fields' }]]) expect(read(v)).toBe(REFUSED);
    }
    // The same of one kind's reader alone, compiled and interpreted: no outer check stands before it.
    for (const compile of [true, false]) {
      const read = kindReader('no-fields', {}, () => freshCopy, compile);
      expect(read({})).toEqual({ kind: 'no-fields' });
      for (const v of [null, undefined, 1, 'no-fields', true, [], [{}]]) expect(read(v), `${String(compile)}: ${JSON.stringify(v)}`).toBe(REFUSED);
    }
  });

  it('read every field of a well-formed action once, in the order of its schema, after the kind', () => {
    const { compiled } = readers();
    for (const spec of ACTION_SPECS) {
      const [value] = fc.sample(fc.record(Object.fromEntries(Object.entries(spec.fields).map(([k, s]) => [k, arbOf(s, k)]))), { numRuns: 1, seed: 5 });
      const { result, reads } = observe(compiled, { kind: spec.kind, ...value });
      expect(result).toEqual({ kind: spec.kind, ...value });
      expect(reads).toEqual(['kind', ...Object.keys(spec.fields)]);
    }
  });

  it('copy byte fields with the copier of their field, never hand the caller’s array through', () => {
    const copied: string[] = [];
    const read = actionReader(KINDS, (kind, field) => (v, n) => {
      copied.push(`${kind}.${field}`);
      return freshCopy(v, n);
    });
    const page = new Uint8Array(4096).fill(7);
    const tweak = new Uint8Array(16).fill(1);
    const out = read({ kind: 'unpack', guest: 1, address: 0n, tweak, page }) as Record<string, unknown>;
    expect(copied).toEqual(['unpack.tweak', 'unpack.page']);
    expect(out['page']).toEqual(page);
    expect(out['page']).not.toBe(page);
    expect(out['tweak']).not.toBe(tweak);
  });
});

describe('where code cannot be generated', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('kindReader and actionReader interpret, with the same answers', () => {
    vi.stubGlobal('Function', function forbidden() {
      throw new EvalError('code generation from strings disallowed');
    });
    const read = kindReader('verify', { guest: t.id() });
    expect(read({ guest: 1 })).toEqual({ kind: 'verify', guest: 1 });
    expect(read({ guest: -1 })).toBe(REFUSED);
    expect(read([1])).toBe(REFUSED);
    const any = actionReader(KINDS);
    expect(any({ kind: 'verify', guest: 2 })).toEqual({ kind: 'verify', guest: 2 });
    expect(any({ kind: 'nope', guest: 2 })).toBe(REFUSED);
    expect(any({ kind: 7 })).toBe(REFUSED);
    expect(any(null)).toBe(REFUSED);
  });

  it('any other failure to compile is a bug of the generator, and is thrown, not interpreted', () => {
    vi.stubGlobal('Function', function broken() {
      throw new SyntaxError('Unexpected token');
    });
    expect(() => kindReader('verify', { guest: t.id() })).toThrow(SyntaxError);
    expect(() => actionReader(KINDS)).toThrow(SyntaxError);
    // Asked to interpret, it never compiles.
    expect(kindReader('verify', { guest: t.id() }, () => freshCopy, false)({ guest: 1 })).toEqual({ kind: 'verify', guest: 1 });
  });
});
