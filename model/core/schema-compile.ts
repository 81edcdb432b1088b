/**
 * Compiled readers of an action's fields: the boundary's hot path. {@link fieldReader} interprets
 * a schema field by field; here the same checks are written out once per action kind as straight
 * code and compiled, the way TypeBox's TypeCompiler or ajv compile theirs. The result is built as
 * one object literal of a fixed shape, so the engine keeps one hidden class per kind and the
 * read of a 4 KiB unpack costs its copy and little more (bench/dispatch.ts).
 *
 * A compiled reader answers exactly as the interpreter does, reading each property of the
 * caller's value once and in the same order: test/core/schema-compile.test.ts checks that on
 * well-formed and hostile values of every action kind. Where code cannot be compiled (a page
 * whose content security policy forbids it), the interpreter is used instead.
 * @module
 */
import { bytesLength, fieldReader, freshCopy, readValue, REFUSED, type ByteCopier, type Fields, type Schema } from './schema.js';

/** Reads a caller's value: the action as plain data, or {@link REFUSED}. */
export type Reader = (v: unknown) => Record<string, unknown> | typeof REFUSED;

/** What the generated code gets from here: nothing of it is looked up globally at run time. */
interface Env {
  readonly R: typeof REFUSED;
  readonly TWO_64: bigint;
  readonly isArray: (v: unknown) => boolean;
  readonly isSafeInteger: (v: unknown) => boolean;
  readonly bytesLength: (v: unknown) => number;
  /** Per field: its byte copier, its enum values, or its interpreted reader. */
  readonly perField: readonly unknown[];
}

/**
 * The statements that check field `i` (its value in `x{i}`) and leave what is read in `v{i}`;
 * `f{slot}` is what the code needs of the schema, from `perField`.
 */
function fieldCode(s: Schema, i: number, perField: unknown[], copier: ByteCopier): string {
  const x = `x${i}`;
  const v = `v${i}`;
  const slot = perField.length;
  const refuse = (cond: string): string => `if (${cond}) return R; const ${v} = ${x};`;
  switch (s.type) {
    case 'bytes':
      perField.push(copier);
      return `const n${i} = bytesLength(${x}); if (n${i} < 0) return R; const ${v} = f${slot}(${x}, n${i});`;
    case 'u64':
      return refuse(`typeof ${x} !== 'bigint' || ${x} < 0n || ${x} >= TWO_64`);
    case 'id':
      return refuse(`typeof ${x} !== 'number' || !isSafeInteger(${x}) || ${x} < 0`);
    case 'int':
      return refuse(`typeof ${x} !== 'number' || !isSafeInteger(${x})`);
    case 'string':
      return refuse(`typeof ${x} !== 'string'`);
    case 'bool':
      return refuse(`typeof ${x} !== 'boolean'`);
    // Stryker disable next-line ConditionalExpression: without this case an enum field is interpreted (the default): the same answers, only slower
    case 'enum':
      perField.push(s.values);
      return refuse(`typeof ${x} !== 'string' || !f${slot}.includes(${x})`);
    default:
      // Nested values (nullable, lists, objects) are rare in actions: the interpreter reads them.
      perField.push((value: unknown): unknown => readValue(s, value, copier));
      return `const ${v} = f${slot}(${x}); if (${v} === R) return R;`;
  }
}

/** The statements that read one kind's fields of `src` and return the action. */
function kindCode(kind: string, fields: Fields, copierOf: (field: string) => ByteCopier, perField: unknown[]): string[] {
  const names = Object.keys(fields);
  const checks = names.map((name, i) => `const x${i} = src[${JSON.stringify(name)}]; ${fieldCode(fields[name] as Schema, i, perField, copierOf(name))}`);
  const literal = [`kind: ${JSON.stringify(kind)}`, ...names.map((name, i) => `${JSON.stringify(name)}: v${i}`)].join(', ');
  return [...checks, `return { ${literal} };`];
}

/** Compiles `body` (the reader of `src`) with `Env`; undefined where code cannot be compiled. */
function compileReader(body: readonly string[], perField: readonly unknown[]): Reader | undefined {
  const env: Env = { R: REFUSED, TWO_64: 1n << 64n, isArray: Array.isArray, isSafeInteger: Number.isSafeInteger, bytesLength, perField };
  const lines = [
    `const { R, TWO_64, isArray, isSafeInteger, bytesLength, perField } = env;`,
    ...perField.map((_, i) => `const f${i} = perField[${i}];`),
    `return function read(src) {`,
    `if (typeof src !== 'object' || src === null || isArray(src)) return R;`,
    ...body,
    `};`,
  ];
  // Stryker disable next-line StringLiteral: every generated statement ends in ';' or a brace: joined with or without a separator, the same program
  const source = lines.join('\n');
  try {
    // The source is made from schemas alone (names as JSON string literals); no caller's value reaches it.
    const make = new Function('env', source) as (env: Env) => Reader;
    return make(env);
  } catch (e) {
    // Code generation is forbidden here (a content security policy, or node's
    // --disallow-code-generation-from-strings: an EvalError): the caller interprets instead. Any
    // other error is a bug of this generator, and must not hide behind the interpreter.
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}

/** The interpreted reader of one kind: the reference the compiled one is tested against. */
function interpretedKindReader(kind: string, fields: Fields, copierOf: (field: string) => ByteCopier): Reader {
  const names = Object.keys(fields);
  const readers = names.map((name) => fieldReader({ [name]: fields[name] as Schema }));
  const copiers = names.map(copierOf);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
    const out: Record<string, unknown> = { kind };
    for (let i = 0; i < names.length; i++) {
      if ((readers[i] as ReturnType<typeof fieldReader>)(v, out, copiers[i] as ByteCopier) === REFUSED) return REFUSED;
    }
    return out;
  };
}

/**
 * The reader of one action kind: checks a caller's value against `fields` and returns
 * `{ kind, ...fields }` as plain data, byte fields copied by `copierOf(field)`, or
 * {@link REFUSED}. Like the interpreter, it may throw when the caller's value runs code (a
 * throwing getter, a Proxy trap); the platform's boundary catches that.
 * @param compile false to use the interpreter (the reference the compiled form is tested against)
 * @example
 * ```ts
 * const read = kindReader('verify', { guest: t.id() });
 * read({ guest: 1 }); // { kind: 'verify', guest: 1 }
 * read({ guest: -1 }); // REFUSED
 * ```
 */
export function kindReader(kind: string, fields: Fields, copierOf: (field: string) => ByteCopier = () => freshCopy, compile = true): Reader {
  // Stryker disable next-line ArrayDeclaration: an extra first entry only shifts the slots the generated code names, consistently
  const perField: unknown[] = [];
  const compiled = compile ? compileReader(kindCode(kind, fields, copierOf, perField), perField) : undefined;
  return compiled ?? interpretedKindReader(kind, fields, copierOf);
}

/** One action kind as {@link actionReader} needs it. */
export interface KindFields {
  readonly kind: string;
  readonly fields: Fields;
}

/**
 * The reader of any of `kinds`: reads `kind` of a caller's value, then that kind's fields as
 * {@link kindReader} does, in one compiled function (a `switch` on the kind); {@link REFUSED}
 * for anything that is not an object with one of these kinds.
 * @param compile false to use the interpreter
 */
export function actionReader(
  kinds: readonly KindFields[],
  copierOf: (kind: string, field: string) => ByteCopier = () => freshCopy,
  compile = true,
): Reader {
  // Stryker disable next-line ArrayDeclaration: an extra first entry only shifts the slots the generated code names, consistently
  const perField: unknown[] = [];
  /** The switch over the kinds, each case the statements of its kind. */
  const body = (): string[] => [
    `switch (src.kind) {`,
    // Stryker disable next-line StringLiteral: every generated statement ends in ';' or a brace: joined with or without a separator, the same program
    ...kinds.map((k) => `case ${JSON.stringify(k.kind)}: { ${kindCode(k.kind, k.fields, (f) => copierOf(k.kind, f), perField).join(' ')} }`),
    `default: return R;`,
    `}`,
  ];
  const compiled = compile ? compileReader(body(), perField) : undefined;
  if (compiled !== undefined) return compiled;
  const byKind = new Map(kinds.map((k) => [k.kind, interpretedKindReader(k.kind, k.fields, (f) => copierOf(k.kind, f))]));
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
    const kind: unknown = (v as { readonly kind?: unknown }).kind;
    const read = typeof kind === 'string' ? byKind.get(kind) : undefined;
    return read === undefined ? REFUSED : read(v);
  };
}
