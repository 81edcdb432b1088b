/**
 * Argument parsing on node:util parseArgs, with errors a person can act on.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

/** Option declarations, as parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` strictly; an unknown flag or a missing value is a UsageError naming it. */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? String(e));
  }
}

/** A whole non-negative number from a flag, or a UsageError. */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a whole number, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${flag} is too large: ${value}`);
  return n;
}

/** A 64-bit unsigned number written in hex (with or without 0x), or a UsageError. */
export function parseHex64(flag: string, value: string | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  const digits = value.replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(digits)) throw new UsageError(`--${flag} takes a hex number of up to 64 bits, got '${value}'`);
  return BigInt(`0x${digits}`);
}
