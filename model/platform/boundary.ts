/**
 * The platform's boundary (REQ-PLATFORM-1, REQ-PLATFORM-6): an action from a caller is read once,
 * field by field as its schema declares, into plain data. Anything that is not an action (a wrong
 * type, a missing field, a negative or too large address, a Proxy, a throwing getter) is
 * `undefined`, which `step` answers with `MALFORMED_ACTION`. A typed array is measured through
 * the intrinsic `length`, so a subclass that lies about its length cannot change what is read.
 *
 * Byte fields are copied, before any guard runs, into scratch memory: each byte field of each
 * action kind has its own, which the next action of that kind reuses. Copying there costs a
 * memcpy (about 0.1 µs for a page) where a fresh allocation costs about 2 µs, so an action
 * refused by an early guard stays cheap. Nothing of the caller is read after this point, so the
 * caller may rewrite its buffers at any time. What a handler keeps in the world it first copies
 * out of the scratch memory with {@link keep}: the world never aliases caller memory, nor the
 * boundary's.
 * @module
 */
import { freshCopy, REFUSED, type ByteCopier } from '../core/schema.js';
import { actionReader } from '../core/schema-compile.js';
import { ACTION_SPECS, type Action } from './mechanisms.js';

/**
 * The longest field kept in scratch memory: 1 MiB. A longer one (a fuzzer's, never a well-formed
 * one) gets a fresh copy, so that scratch memory stays small.
 */
export const MAX_SCRATCH_BYTES = 1024 * 1024;

/**
 * A copier into one field's scratch memory, made when the platform module loads with room for
 * `capacity` bytes (a well-formed value's length). The view handed out is made again only when
 * the length changes: an action kind's field has the same length step after step, and making a
 * view costs about as much as copying a page into it.
 */
export function scratchCopier(capacity = 0): ByteCopier {
  let buffer = new Uint8Array(capacity);
  let view = buffer.subarray(0, capacity);
  return (v, length) => {
    if (length !== view.length) {
      // Stryker disable next-line EqualityOperator: a field of exactly 1 MiB in scratch memory or fresh is the same bytes
      if (length > MAX_SCRATCH_BYTES) return freshCopy(v, length);
      // Stryker disable next-line EqualityOperator: growing also when the field fits exactly only allocates more
      if (length > buffer.length) buffer = new Uint8Array(2 * length);
      view = buffer.subarray(0, length);
    }
    // `set` with a typed-array source copies through the internal slots: no getter of the caller runs.
    view.set(v);
    return view;
  };
}

/**
 * Scratch copiers by kind and field: each top-level byte field of each kind has memory of its own.
 * Bytes inside a list or an object (secure IPL's certificates and components) are copied fresh:
 * one scratch buffer per field would hand every element the same memory, the last one's bytes.
 */
const COPIERS: ReadonlyMap<string, ByteCopier> = new Map(
  ACTION_SPECS.flatMap((s) =>
    Object.entries(s.fields)
      .filter(([, f]) => f.type === 'bytes')
      .map(([name, f]): [string, ByteCopier] => [`${s.kind}.${name}`, scratchCopier(f.type === 'bytes' ? Math.min(f.size ?? f.max ?? 0, MAX_SCRATCH_BYTES) : 0)]),
  ),
);

/** The reader of every action kind, compiled once. */
const READ = actionReader(ACTION_SPECS, (kind, field) => COPIERS.get(`${kind}.${field}`) ?? freshCopy);

/**
 * The action `raw` describes, as plain data whose byte fields are scratch copies valid until the
 * next action of the same kind, or `undefined` when it is not an action. Reads each property of
 * `raw` once; never throws.
 */
export function readAction(raw: unknown): Action | undefined {
  try {
    const out = READ(raw);
    return out === REFUSED ? undefined : (out as unknown as Action);
    // Stryker disable next-line BlockStatement: an empty catch falls off the end of the function, which returns undefined as well
  } catch {
    // A getter or Proxy trap of the caller threw while being read: not an action.
    return undefined;
  }
}
