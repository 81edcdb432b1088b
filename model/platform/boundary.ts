/**
 * The platform's boundary (REQ-PLATFORM-1, REQ-PLATFORM-6): an action from a caller is read once,
 * field by field as its schema declares, into plain data. Anything that is not an action (a wrong
 * type, a missing field, a negative or too large address, a Proxy, a throwing getter) is
 * `undefined`, which `step` answers with `MALFORMED_ACTION`. A typed array is measured through
 * the intrinsic `length`, so a subclass that lies about its length cannot change what is read.
 *
 * Byte fields are copied, before any guard runs, into the boundary's arena: scratch memory that
 * holds the bytes of the action being stepped and is reused by the next step. Copying there costs
 * a memcpy (about 0.1 µs for a page) where a fresh allocation costs about 2 µs, so an action
 * refused by an early guard stays cheap. Nothing of the caller is read after this point, so the
 * caller may rewrite its buffers at any time. What a handler keeps in the world it first copies
 * out of the arena with {@link keep}: the world never aliases caller memory, nor the arena.
 * @module
 */
import { fieldReader, REFUSED, type ByteCopier } from '../core/schema.js';
import { ACTION_SPECS, type Action } from './mechanisms.js';

/** Each kind's field reader, by kind. */
const READER_BY_KIND: ReadonlyMap<string, ReturnType<typeof fieldReader>> = new Map(ACTION_SPECS.map((s) => [s.kind, fieldReader(s.fields)]));

/** The arena's initial size: a header and a page fit with room to spare. */
const ARENA_BYTES = 64 * 1024;

let arena = new ArrayBuffer(ARENA_BYTES);
let used = 0;
/**
 * Views of the arena by (offset, length), made once: an action kind lays out its fields the same
 * way every time, and making a view costs more than copying a page into it.
 */
let views = new Map<number, Uint8Array>();
const MAX_VIEWS = 256;

/** Copies a field into the arena (growing it when a field does not fit). */
const intoArena: ByteCopier = (v, length) => {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: growing also when the field fits exactly (>=) or always (true) only allocates more; never growing (false, <=) is killed by test/platform/boundary-arena.test.ts
  if (used + length > arena.byteLength) {
    // Views already handed out for this action keep the old buffer alive; it is never reused.
    arena = new ArrayBuffer(Math.max(ARENA_BYTES, 2 * (used + length)));
    views = new Map();
    used = 0;
  }
  // Stryker disable next-line ArithmeticOperator: `- length` still gives distinct keys for distinct (offset, length) with length < 2^24, a cache key only; `/` (offset-only keys) is killed by test/platform/boundary-arena.test.ts
  const key = used * 0x100_0001 + length;
  let out = views.get(key);
  // Stryker disable next-line ConditionalExpression: making a fresh view every time gives the same bytes, only slower
  if (out === undefined) {
    // A fuzzer's fields of every length would grow the cache without bound: start it over.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the cache starts over changes only memory and speed, never the bytes a view holds
    if (views.size >= MAX_VIEWS) views = new Map();
    out = new Uint8Array(arena, used, length);
    views.set(key, out);
  }
  out.set(v);
  // Keep each field 8-byte aligned.
  used += (length + 7) & ~7;
  return out;
};

/**
 * The action `raw` describes, as plain data whose byte fields are arena copies valid until the
 * next call, or `undefined` when it is not an action. Reads each property of `raw` once; never
 * throws.
 */
export function readAction(raw: unknown): Action | undefined {
  used = 0;
  try {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: without this early return, reading `kind` of null or undefined throws into the catch, a primitive has no string kind, and the field reader refuses a function: undefined in every case
    if (typeof raw !== 'object' || raw === null) return undefined;
    const kind: unknown = (raw as { readonly kind?: unknown }).kind;
    if (typeof kind !== 'string') return undefined;
    const reader = READER_BY_KIND.get(kind);
    if (reader === undefined) return undefined;
    const out = reader(raw, { kind }, intoArena);
    return out === REFUSED ? undefined : (out as unknown as Action);
    // Stryker disable next-line BlockStatement: an empty catch falls off the end of the function, which returns undefined as well
  } catch {
    // A getter or Proxy trap of the caller threw while being read: not an action.
    return undefined;
  }
}
