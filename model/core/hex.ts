/**
 * Hex for the wire form, table-driven: a 4 KiB page is encoded on every traced step, where
 * noble's general `bytesToHex` (one string concatenation per byte) would dominate the step.
 * Encoding writes two ASCII digits per byte through a 256-entry table of 16-bit pairs and lets
 * the runtime's TextDecoder build the string; decoding reads char codes through a 128-entry table.
 * @module
 */

const DIGITS = '0123456789abcdef';
let pairs: Uint16Array | undefined;
let values: Int8Array | undefined;
const decoder = new TextDecoder('latin1');

/** The two ASCII digits of each byte as one u16 in the platform's byte order. */
function pairTable(): Uint16Array {
  if (pairs !== undefined) return pairs;
  const table = new Uint16Array(256);
  const probe = new Uint8Array(new Uint16Array([1]).buffer);
  // Stryker disable next-line ConditionalExpression: the test machines are little-endian, where the probe is always 1; a big-endian run would tell the branches apart
  const little = probe[0] === 1;
  // Stryker disable next-line EqualityOperator: with `<=`, the extra write to table[256] is out of bounds, which a typed array ignores
  for (let b = 0; b < 256; b++) {
    const hi = DIGITS.charCodeAt(b >> 4);
    const lo = DIGITS.charCodeAt(b & 15);
    table[b] = little ? hi | (lo << 8) : (hi << 8) | lo;
  }
  pairs = table;
  return table;
}

/** The value of each lower-case hex digit's char code, -1 for anything else. */
function valueTable(): Int8Array {
  if (values !== undefined) return values;
  const table = new Int8Array(128).fill(-1);
  // Stryker disable next-line EqualityOperator: with `<=`, DIGITS.charCodeAt(16) is NaN and table[NaN] = 16 is ignored by a typed array
  for (let i = 0; i < 16; i++) table[DIGITS.charCodeAt(i)] = i;
  values = table;
  return table;
}

/** Lower-case hex of `b`. */
export function bytesToWireHex(b: Uint8Array): string {
  const table = pairTable();
  const out = new Uint16Array(b.length);
  // Stryker disable next-line EqualityOperator: with `<=`, the write to out[b.length] is out of bounds, which a typed array ignores
  for (let i = 0; i < b.length; i++) out[i] = table[b[i] as number] as number;
  return decoder.decode(out);
}

/** The bytes of a lower-case hex string of even length; undefined for anything else. */
export function wireHexToBytes(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0) return undefined;
  const table = valueTable();
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = table[s.charCodeAt(2 * i)] ?? -1;
    const lo = table[s.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}
