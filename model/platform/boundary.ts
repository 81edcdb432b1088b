/**
 * The platform's boundary (REQ-PLATFORM-1, REQ-PLATFORM-6): an action from a caller is read once,
 * field by field as its schema declares, into fresh plain data. Bytes are copied, so nothing in
 * the world aliases caller memory; anything that is not an action (a wrong type, a missing field,
 * a negative or too large address, a Proxy, a throwing getter, a typed array that lies about its
 * length) is `undefined`, which `step` answers with `MALFORMED_ACTION`.
 * @module
 */
import { readFields, REFUSED, type Fields } from '../core/schema.js';
import { ACTION_SPECS, type Action } from './mechanisms.js';

/** Each kind's fields, by kind. */
const FIELDS_BY_KIND: ReadonlyMap<string, Fields> = new Map(ACTION_SPECS.map((s) => [s.kind, s.fields]));

/**
 * The action `raw` describes, as fresh plain data, or `undefined` when it is not an action.
 * Reads each property of `raw` once; never throws.
 */
export function readAction(raw: unknown): Action | undefined {
  try {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const kind: unknown = (raw as { readonly kind?: unknown }).kind;
    if (typeof kind !== 'string') return undefined;
    const fields = FIELDS_BY_KIND.get(kind);
    if (fields === undefined) return undefined;
    const out = readFields(fields, raw, { kind });
    return out === REFUSED ? undefined : (out as unknown as Action);
  } catch {
    // A getter or Proxy trap of the caller threw while being read: not an action.
    return undefined;
  }
}
