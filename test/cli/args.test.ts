// Flags and their values: a negative number reaches the flag's own check (not parseArgs'
// "argument is ambiguous"), an unknown option is one balanced line, --pcf/--scf are 0x-hex or
// decimal and nothing else.
import { describe, expect, it } from 'vitest';
import { parse, parseCount, parseU64 } from '../../cli/args.js';
import { UsageError } from '../../cli/io.js';
import { isOneCleanLine, run, vec } from './cli-harness.js';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

const opts = { runs: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } as const;

describe('parse', () => {
  it('a value starting with - reaches the flag (long, short, and --flag=value)', () => {
    expect(parse(['--runs', '-1'], opts).values.runs).toBe('-1');
    expect(parse(['--runs=-1'], opts).values.runs).toBe('-1');
    expect(parse(['-o', '-x'], opts).values.out).toBe('-x');
    expect(parse(['-o', '-'], opts).values.out).toBe('-');
    expect(parse(['--runs', '5', '--json', 'pos'], opts)).toMatchObject({ values: { runs: '5', json: true }, positionals: ['pos'] });
  });

  it('arguments after -- are positionals, even when they look like options', () => {
    expect(parse(['--', '--runs', '-1'], opts).positionals).toEqual(['--runs', '-1']);
  });

  it('an option where a value should be is a missing value, named', () => {
    expect(messageOf(() => parse(['--runs', '--json'], opts))).toBe("--runs needs a value, got the option '--json' (write --runs=VALUE for a value that starts with '-')");
    expect(messageOf(() => parse(['--out', '-h'], opts))).toMatch(/^--out needs a value, got the option '-h'/);
    expect(messageOf(() => parse(['--runs'], opts, true, 'campaign'))).toBe("--runs needs a value; see 'semodel campaign --help'");
  });

  it('unknown options, values for booleans and stray positionals are one line without parseArgs wording', () => {
    expect(messageOf(() => parse(['--frob'], opts, true, 'campaign'))).toBe("unknown option '--frob'; see 'semodel campaign --help'");
    expect(messageOf(() => parse(['--run', '3'], opts))).toBe("unknown option '--run' (did you mean --runs?)");
    expect(messageOf(() => parse(['-x'], opts))).toBe("unknown option '-x'");
    expect(messageOf(() => parse(['--json=yes'], opts))).toBe('--json takes no value');
    expect(messageOf(() => parse(['extra'], opts, false))).toBe("unexpected argument 'extra'");
  });
});

describe('number flags', () => {
  it('parseCount takes whole numbers only and names the flag', () => {
    expect(parseCount('runs', '12', 1)).toBe(12);
    expect(parseCount('runs', undefined, 7)).toBe(7);
    expect(messageOf(() => parseCount('runs', '-1', 1))).toBe("--runs takes a whole number, got '-1'");
    expect(messageOf(() => parseCount('runs', '1.5', 1))).toBe("--runs takes a whole number, got '1.5'");
    expect(messageOf(() => parseCount('runs', '99999999999999999999', 1))).toMatch(/^--runs is too large/);
  });

  it('parseU64: 0x-prefixed hex or decimal, up to 2^64 - 1; 224 is decimal', () => {
    expect(parseU64('pcf', '224', 0n)).toBe(224n);
    expect(parseU64('pcf', '0xe0', 0n)).toBe(0xe0n);
    expect(parseU64('pcf', '0XE0', 0n)).toBe(0xe0n);
    expect(parseU64('pcf', '0xffffffffffffffff', 0n)).toBe(2n ** 64n - 1n);
    expect(parseU64('pcf', '18446744073709551615', 0n)).toBe(2n ** 64n - 1n);
    expect(parseU64('pcf', undefined, 5n)).toBe(5n);
    for (const bad of ['-1', 'e0', '0x', '0x10000000000000000', '18446744073709551616', '1e3', '']) {
      expect(messageOf(() => parseU64('pcf', bad, 0n)), bad).toBe(`--pcf takes a 64-bit unsigned number, hex with a 0x prefix (0xe0) or decimal (224); got '${bad}'`);
    }
  });
});

describe('through the CLI: one line, exit 2, the flag named', () => {
  const image = vec('01-nks1-pcf-default', 'image.bin');
  const key = vec('01-nks1-pcf-default', 'host-key-0.pem');
  const kernel = vec('01-nks1-pcf-default', 'kernel.bin');
  // campaign states its range too ("a whole number from 1 to ..."): the flag and the value are what count.
  const cases: [string[], string | RegExp][] = [
    [['campaign', '--runs', '-1'], /^semodel: --runs takes a whole number(?: from \d+ to \d+)?, got '-1'$/],
    [['campaign', '--seed', '-5'], /^semodel: --seed takes a whole number(?: from \d+ to \d+)?, got '-5'$/],
    [['image', 'build', '--kernel', kernel, '--host-key', key, '--pcf', '-1', '-o', '/nonexistent/x'], "semodel: --pcf takes a 64-bit unsigned number, hex with a 0x prefix (0xe0) or decimal (224); got '-1'"],
    [['image', 'verify', image, '--host-key', key, '--fast'], "semodel: unknown option '--fast'; see 'semodel image verify --help'"],
    [['image', 'inspect', image, '--hostkey', key], "semodel: unknown option '--hostkey' (did you mean --host-key?); see 'semodel image inspect --help'"],
  ];
  it.each(cases)('%j', async (argv, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r), r.err).toBe(true);
    if (typeof line === 'string') expect(r.err).toBe(line);
    else expect(r.err).toMatch(line);
    expect(r.err).not.toMatch(/ambiguous|To specify/);
    // Quotes are balanced: parseArgs' own unknown-option text ends inside a quotation.
    expect((r.err.match(/'/g) ?? []).length % 2).toBe(0);
    expect(r.out).toBe('');
  });
});
