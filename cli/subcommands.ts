/**
 * How a command with subcommands (`semodel image`, `trace`, `vectors`, `attest`, `secret`) reads
 * its first argument: none prints the help and fails (exit 2), `--help`, `-h` or `help` prints it
 * and succeeds, a known name runs that subcommand on the rest, anything else is a usage error
 * naming the subcommands there are.
 * @module
 */
import { UsageError, type Io } from './io.js';

/**
 * Runs the subcommand `argv[0]` names from `table`.
 * @example
 * ```ts
 * return runSubcommand(argv, io, 'trace', TRACE_HELP, { replay: (rest) => replay(rest, io) });
 * ```
 */
export function runSubcommand<R extends number | Promise<number>>(
  argv: readonly string[],
  io: Io,
  command: string,
  help: string,
  table: Readonly<Record<string, (rest: string[]) => R>>,
): R | number {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.out(help);
    return 2;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(help);
    return 0;
  }
  const run = Object.hasOwn(table, sub) ? table[sub] : undefined;
  if (run === undefined) throw new UsageError(`unknown ${command} command '${sub}'; one of: ${Object.keys(table).join(', ')}`);
  return run(rest);
}
