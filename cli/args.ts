/**
 * Argument parsing on node:util parseArgs, with errors a person can act on.
 *
 * Why parseArgs and not a CLI library (commander, citty, clipanion): each command here declares
 * its options in a few lines and writes its own help text, and what a library would add (help
 * generation, subcommand routing) is already a switch in main.ts and image.ts; the code this file
 * needs on top of parseArgs (values that start with '-', the wording of errors, number flags) a
 * library would need too. A dependency would not remove code.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

/** Option declarations, as parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parse} returns: parseArgs' typed `values` and `positionals` for `O`. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;

/** The closest option name to `name`, when it is close enough to be a typo. */
function nearest(name: string, options: Options): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of Object.keys(options)) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (short strings only). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The option declared with short name `short`, if any. */
const longOfShort = (options: Options, short: string): string | undefined => Object.keys(options).find((k) => options[k]?.short === short);

/**
 * Gives string options their value even when it starts with '-' (`--runs -1`, `--seed -5`), so
 * that the flag's own check rejects it by name instead of parseArgs calling it ambiguous: such
 * a pair becomes `--runs=-1`. A following `--long` option or a declared short option (`-h`) is
 * not taken as a value: that is a missing value.
 */
function attachDashValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)$/.exec(arg)?.[1];
    const name = long ?? (/^-([^-])$/.test(arg) ? longOfShort(options, arg.slice(1)) : undefined);
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.length > 1 && next.startsWith('-')) {
      if (next.startsWith('--') || (next.length === 2 && longOfShort(options, next.slice(1)) !== undefined)) {
        throw new UsageError(`--${name} needs a value, got the option '${next}' (write --${name}=VALUE for a value that starts with '-')`);
      }
      out.push(long === undefined ? `${arg}${next}` : `--${name}=${next}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** parseArgs' error, in one line that names the flag (parseArgs' own text spans lines and quotes oddly). */
function reword(e: unknown, options: Options, command: string | undefined): UsageError {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  const help = command === undefined ? '' : `; see 'semodel ${command} --help'`;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = quoted.replace(/^-+/, '').replace(/=.*$/, '');
    const guess = quoted.startsWith('--') ? nearest(name, options) : undefined;
    return new UsageError(`unknown option '${quoted}'${guess === undefined ? '' : ` (did you mean --${guess}?)`}${help}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`unexpected argument '${quoted}'${help}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted.replace(/ <value>$/, '').replace(/^-(\w), /, '');
    if (/argument missing/.test(message)) return new UsageError(`${flag} needs a value${help}`);
    if (/does not take an argument/.test(message)) return new UsageError(`${flag} takes no value${help}`);
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

/**
 * Parses `argv` strictly; an unknown flag (with the nearest known one), a missing value or an
 * unexpected argument is a one-line UsageError naming it. A value may start with '-'
 * (`--runs -1` reaches the flag's own check, which names the flag and the value).
 * @param command the command's name for the error's `see 'semodel COMMAND --help'` hint
 * @example
 * ```ts
 * const { values } = parse(['--runs', '10'], { runs: { type: 'string' } }, false, 'campaign');
 * parseCount('runs', values.runs, 100); // 10
 * ```
 */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = true, command?: string): Parsed<O> {
  const args = attachDashValues(argv, options);
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw reword(e, options, command);
  }
}

/** A whole non-negative number from a flag, or a UsageError naming the flag. */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a whole number, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${flag} is too large: ${value}`);
  return n;
}

/** What {@link parseU64} accepts, for help texts: `0x` and hex digits, or decimal digits. */
export const U64_SPELLING = 'hex with a 0x prefix (0xe0) or decimal (224)';

/**
 * A 64-bit unsigned number: `0x` and 1 to 16 hex digits, or decimal digits up to 2^64 − 1
 * (`224` is two hundred twenty-four, not 0x224); anything else is a UsageError naming the flag.
 */
export function parseU64(flag: string, value: string | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  const hex = /^0x([0-9a-f]{1,16})$/i.exec(value)?.[1];
  const n = hex !== undefined ? BigInt(`0x${hex}`) : /^\d+$/.test(value) ? BigInt(value) : undefined;
  if (n === undefined || n >= 1n << 64n) throw new UsageError(`--${flag} takes a 64-bit unsigned number, ${U64_SPELLING}; got '${value}'`);
  return n;
}

/**
 * The name `image build` calls {@link parseU64} by (its former name, from when a number without
 * `0x` was read as hex: `224` was 0x224). It is now the same function: `224` is decimal.
 */
export const parseHex64 = parseU64;

/**
 * The one positional argument a command takes, or a UsageError: `<command> needs <what>` when it
 * is missing, `<command> takes one <name>` when there are more.
 * @param what how the help names it (`FILE`, `IMAGE`, `FILE.itf.json`)
 * @param hint what it is, said after `needs` in parentheses
 */
export function onePositional(command: string, positionals: readonly string[], what: string, hint?: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`${command} needs ${what}${hint === undefined ? '' : ` (${hint})`}`);
  if (extra.length > 0) throw new UsageError(`${command} takes one ${what.replace(/\..*$/, '')}; unexpected '${extra[0] ?? ''}'`);
  return first;
}
