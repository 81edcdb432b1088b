/**
 * The one canonical JSON spelling of actions, outcomes and views, so that a run can be written
 * as a trace and compared with another implementation's run in any language:
 * bytes as lower-case hex strings, bigints (integers that may exceed 2^53) as `0x` hex strings,
 * object keys in sorted order, no whitespace.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';

/** A value after canonical conversion: plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Converts a model value (plain data with bytes and bigints) to plain JSON. */
export function toJsonValue(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return bytesToHex(value);
  switch (typeof value) {
    case 'bigint':
      return `0x${value.toString(16)}`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a finite number`);
      return value;
    case 'boolean':
    case 'string':
      return value;
    case 'object': {
      if (Array.isArray(value)) return value.map(toJsonValue);
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value).sort()) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = toJsonValue(v);
      }
      return out;
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode a ${typeof value}`);
  }
}

/** The canonical JSON text of a model value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}
