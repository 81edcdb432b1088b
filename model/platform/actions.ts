/**
 * The one Action union of the platform: every call any party can make, as plain data.
 * The hypervisor is the adversary: it may submit any of these, in any order, with any arguments.
 * @module
 */
import type { UnpackAction } from '../image-unpack/actions.js';

export type { CreateGuest, DestroyGuest, SetHeader, Start, Unpack, Verify } from '../image-unpack/actions.js';

/** Every action of the platform. */
export type Action = UnpackAction;

/** The kinds of action, for dispatch tables and reports. */
export type ActionKind = Action['kind'];

/** Every action kind, in the order the specification introduces them. */
export const ACTION_KINDS = [
  'create-guest',
  'set-header',
  'unpack',
  'verify',
  'start',
  'destroy-guest',
] as const satisfies readonly ActionKind[];

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * True when `a` has the shape of an Action: a known kind and fields of the right types.
 * Values (lengths, ranges, states) are the reducers' to judge; this only guards the types, so
 * that actions read from traces or produced by a fuzzer can be stepped without a crash.
 */
export function isAction(a: unknown): a is Action {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  switch (r['kind']) {
    case 'create-guest':
      return typeof r['memoryPages'] === 'number';
    case 'destroy-guest':
    case 'verify':
    case 'start':
      return isId(r['guest']);
    case 'set-header':
      return isId(r['guest']) && isBytes(r['header']);
    case 'unpack':
      return isId(r['guest']) && typeof r['address'] === 'bigint' && isBytes(r['tweak']) && isBytes(r['page']);
    default:
      return false;
  }
}
