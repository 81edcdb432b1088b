/**
 * Confidentiality of incremental image decryption: no schedule makes secure memory, a key or
 * the encrypted area's contents (CCK, image key, PSW, SCF) appear in the hypervisor's view or
 * in any response it receives, in any encoding.
 *
 * The check is a scan, not a lookup of known fields: every byte string reachable in a view or a
 * response (typed arrays, hex, base64 and decimal strings, arrays of small numbers, numbers and
 * bigints as u64, the u64s of one object side by side) is searched for any 16-byte window of any
 * secret, at any offset. A window that also occurs in bytes the hypervisor itself supplied (a
 * header, a stored page, a tweak) proves nothing and is ignored: zero padding, for one.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex, u64be } from '../../model/core/bytes.js';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { arbCase, arbEncryptedCase, type TestImage } from './fixtures.js';
import { runSchedule } from './schedules.js';

/** A byte string the hypervisor was shown, and where. */
export interface Observed {
  readonly bytes: Uint8Array;
  readonly where: string;
  /**
   * True for numbers read as u64s (one, or the u64s of one object side by side). Such strings are
   * low in entropy (small counters, IDs), so they are searched only for the secrets that are
   * numbers themselves (PSW, SCF): a page's zero padding around a small value would match them by chance.
   */
  readonly words?: true;
}

const U64_LIMIT = 1n << 64n;
const HEX = /^(?:0x)?[0-9a-fA-F]+$/;
const DECIMAL = /^[0-9]+$/;
const DECIMAL_LIST = /^\[?\s*[0-9]{1,3}(?:\s*[,;\s]\s*[0-9]{1,3})+\s*\]?$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function asU64(v: bigint): Uint8Array | undefined {
  return v >= 0n && v < U64_LIMIT ? u64be(v) : undefined;
}

/** The byte strings a string may encode: itself, hex, a decimal number, a list of decimals, base64, JSON. */
function stringEncodings(s: string): Uint8Array[] {
  const out: Uint8Array[] = [Uint8Array.from(Buffer.from(s, 'utf8')), Uint8Array.from(Buffer.from(s, 'latin1'))];
  if (HEX.test(s)) {
    const digits = s.startsWith('0x') ? s.slice(2) : s;
    out.push(Uint8Array.from(Buffer.from(digits.length % 2 === 0 ? digits : `0${digits}`, 'hex')));
    const v = asU64(BigInt(`0x${digits}`));
    if (v !== undefined) out.push(v);
  }
  if (DECIMAL.test(s)) {
    const v = asU64(BigInt(s));
    if (v !== undefined) out.push(v);
  }
  if (DECIMAL_LIST.test(s)) {
    const nums = (s.match(/[0-9]+/g) ?? []).map(Number);
    if (nums.every((n) => n <= 255)) out.push(Uint8Array.from(nums));
  }
  if (s.length >= 12 && BASE64.test(s)) {
    out.push(Uint8Array.from(Buffer.from(s, 'base64')), Uint8Array.from(Buffer.from(s, 'base64url')));
  }
  const t = s.trim();
  if ((t.startsWith('{') || t.startsWith('[')) && t.length > 1) {
    try {
      const parsed: unknown = JSON.parse(t);
      out.push(...collectBytes(parsed, '').map((o) => o.bytes));
    } catch {
      // not JSON: its other encodings are enough
    }
  }
  return out;
}

/**
 * Every byte string reachable in `value`, in every encoding a view or response may use, each
 * with the path where it was found.
 */
export function collectBytes(value: unknown, where: string, out: Observed[] = [], seen: Set<object> = new Set()): Observed[] {
  const push = (bytes: Uint8Array | undefined, at: string = where) => {
    if (bytes !== undefined && bytes.length > 0) out.push({ bytes, where: at });
  };
  const pushWords = (bytes: Uint8Array | undefined) => {
    if (bytes !== undefined && bytes.length > 0) out.push({ bytes, where, words: true });
  };
  if (typeof value === 'string') {
    for (const b of stringEncodings(value)) push(b);
    return out;
  }
  if (typeof value === 'bigint') {
    pushWords(asU64(value));
    return out;
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) pushWords(u64be(BigInt(value)));
    return out;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
    return out;
  }
  if (value instanceof ArrayBuffer) {
    push(new Uint8Array(value).slice());
    return out;
  }
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].map(([k, v], i): [string, unknown] => [String(i), [k, v]])
      : value instanceof Set
        ? [...value].map((v, i): [string, unknown] => [String(i), v])
        : Array.isArray(value)
          ? value.map((v, i): [string, unknown] => [String(i), v])
          : Object.keys(value).map((k): [string, unknown] => [k, (value as Record<string, unknown>)[k]]);
  const values = entries.map(([, v]) => v);
  // An array of small numbers is a byte string.
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255)) {
    push(Uint8Array.from(value as number[]));
    return out;
  }
  // The u64s of one object side by side: a PSW shown as { mask, addr } is its 16 bytes.
  const words = values.flatMap((v) => (typeof v === 'bigint' ? [asU64(v)] : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? [u64be(BigInt(v))] : []));
  if (words.length > 1) pushWords(Buffer.concat(words.filter((w): w is Uint8Array => w !== undefined)));
  if (!Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set)) {
    for (const k of Object.keys(value)) for (const b of stringEncodings(k)) push(b, `${where}{key ${k.slice(0, 24)}}`);
  }
  for (const [k, v] of entries) collectBytes(v, `${where}.${k}`, out, seen);
  return out;
}

/** A secret byte string, the window size to search it by, and a name for reports. */
export interface Secret {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly window: number;
  /** A number (PSW, SCF): also searched for among numbers read as u64s. */
  readonly number?: true;
}

/** What must never reach the hypervisor of `image` (named with `label`). */
export function secretsOf(image: TestImage, label: string): Secret[] {
  const [headerKey, xtsKey, cck] = image.secrets;
  const out: Secret[] = [
    { name: `${label} header key`, bytes: headerKey ?? new Uint8Array(0), window: 16 },
    { name: `${label} image key`, bytes: xtsKey ?? new Uint8Array(0), window: 16 },
    { name: `${label} CCK`, bytes: cck ?? new Uint8Array(0), window: 16 },
    { name: `${label} encrypted area`, bytes: image.encryptedArea, window: 16 },
    { name: `${label} PSW`, bytes: image.psw, window: 16, number: true },
    { name: `${label} SCF`, bytes: u64be(image.scf), window: 8, number: true },
  ];
  // Plaintext is a secret only when the owner encrypted the image (PCF bit 35 clear).
  if (image.encrypted) for (const [page, bytes] of image.plaintext) out.push({ name: `${label} plaintext page ${page}`, bytes, window: 16 });
  return out;
}

/** The byte fields of an action: what the hypervisor itself supplied. */
export function suppliedBy(action: Action): Uint8Array[] {
  switch (action.kind) {
    case 'set-header':
      return [action.header];
    case 'unpack':
      return [action.tweak, action.page];
    default:
      return [];
  }
}

/** A leak: which secret, at which offset, where the hypervisor saw it. */
export interface Leak {
  readonly secret: string;
  readonly offset: number;
  readonly where: string;
}

/**
 * The first window of a secret that occurs in an observed byte string and not in any supplied
 * one, or undefined.
 */
export function findLeak(secrets: readonly Secret[], observed: readonly Observed[], supplied: readonly Uint8Array[]): Leak | undefined {
  return (
    leakIn(secrets, observed.filter((o) => o.words !== true), supplied) ??
    leakIn(secrets.filter((s) => s.number === true), observed.filter((o) => o.words === true), supplied)
  );
}

function leakIn(secrets: readonly Secret[], observed: readonly Observed[], supplied: readonly Uint8Array[]): Leak | undefined {
  const suppliedBufs = supplied.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const isSupplied = (w: Uint8Array): boolean => suppliedBufs.some((s) => s.indexOf(w) >= 0);
  // Observed strings the hypervisor handed in itself (its header, as the view shows it) carry nothing.
  const distinct = new Map<string, Observed>();
  for (const o of observed) {
    const key = bytesToHex(o.bytes);
    if (!distinct.has(key)) distinct.set(key, o);
  }
  const fresh = [...distinct.values()].filter((o) => !isSupplied(o.bytes));
  for (const window of new Set(secrets.map((s) => s.window))) {
    // Index the observed windows of this size by their first four bytes, then by their hex.
    const byHex = new Map<string, string>();
    const firsts = new Set<number>();
    for (const o of fresh) {
      const b = Buffer.from(o.bytes.buffer, o.bytes.byteOffset, o.bytes.byteLength);
      for (let i = 0; i + window <= b.length; i++) {
        const hex = b.toString('hex', i, i + window);
        if (!byHex.has(hex)) byHex.set(hex, `${o.where}[${i}]`);
        firsts.add(b.readUInt32BE(i));
      }
    }
    if (byHex.size === 0) continue;
    const excluded = new Set<string>();
    for (const s of secrets) {
      if (s.window !== window) continue;
      const b = Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
      for (let i = 0; i + window <= b.length; i++) {
        if (!firsts.has(b.readUInt32BE(i))) continue;
        const hex = b.toString('hex', i, i + window);
        const where = byHex.get(hex);
        if (where === undefined || excluded.has(hex)) continue;
        if (isSupplied(b.subarray(i, i + window))) {
          excluded.add(hex);
          continue;
        }
        return { secret: s.name, offset: i, where };
      }
    }
  }
  return undefined;
}

/** REQ-UNPACK-14: no secret reaches the hypervisor, in any encoding. */
export const hypervisorViewConfidential = defineProperty({
  mechanism: 'image-unpack',
  name: 'hypervisor-view-confidential',
  requirements: ['REQ-UNPACK-14'],
  statement:
    "For any schedule over two images, no 16-byte window of an encrypted image's plaintext (any page, any offset), of the header key, image key or CCK, or of the encrypted area (PSW, SCF), appears in any encoding in the hypervisor's view after any step or in any response, unless the hypervisor supplied those bytes itself.",
  // Mostly encrypted images, whose plaintext is secret; sometimes one stored in plaintext.
  arbitrary: fc.oneof({ weight: 4, arbitrary: arbEncryptedCase }, { weight: 1, arbitrary: arbCase }),
  *run({ image, foreign, schedule }) {
    const observed: Observed[] = [];
    const supplied: Uint8Array[] = [image.header, foreign.header, ...image.pages.flatMap((p) => [p.stored, p.tweak]), ...foreign.pages.flatMap((p) => [p.stored, p.tweak])];
    const run = yield* runSchedule(image, foreign, schedule, function* (t) {
      supplied.push(...suppliedBy(t.action));
      collectBytes(t.outcome, `response to ${t.action.kind}`, observed);
      collectBytes(yield* sut.observe({ kind: 'hypervisor' }), `view after ${t.action.kind}`, observed);
    });
    collectBytes(run.created, 'response to create-guest', observed);
    const leak = findLeak([...secretsOf(image, 'own'), ...secretsOf(foreign, 'foreign')], observed, supplied);
    const what = leak === undefined ? '' : `${leak.secret} (bytes ${leak.offset}..${leak.offset + 16}) reached the hypervisor: ${leak.where}`;
    yield* holds('REQ-UNPACK-14', leak === undefined, what);
  },
});
