/**
 * The pairs of the stimulus table of mechanism 7: for every two guards of a handler that can fail
 * together, a state and an action where both fail (and no other), whose outcome is the code of
 * the guard listed first; the pairs that no state combines are {@link IMPOSSIBLE_PAIRS}, each
 * with its reason. A case is built from the set of guards that must fail: each guard has its
 * own way to fail (the guest the action names, whether the interception is open, one field of the
 * action), and the ways of two guards compose, which the test checks against the pairs that
 * `buildCase` refuses.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import { pairsOf } from '../image-unpack/stimulus.js';
import { defineProperty } from '../property.js';
import { expectCode, holds, sut, type Calls } from '../sut-calls.js';
import {
  cast,
  DIAG308_R0,
  honestResume,
  migrating,
  open,
  SERVC,
  SERVC_MISALIGNED_OUTSIDE,
  SERVC_MISALIGNED_SHORT,
  SERVC_OUTSIDE,
  SERVC_SHORT,
  SPX_MISALIGNED,
  UNKNOWN,
  views,
  zeros,
  type Cast,
} from './stimulus-world.js';
import { STIMULUS_KINDS } from './stimulus.js';

const NO_GUEST = 'a guest that does not exist has no phase, registers, memory or interception: only the action itself is judged with it';
const NOT_RUNNING_NOT_OPEN = 'a guest that is not running has no interception open';
const NO_INSTRUCTION = 'a text of no instruction of the table has no operand and no subcode';
const RESET_REGISTERS = "a guest that is not running has its registers at reset (zero): its operands lie at a displacement below 4096, inside its memory";
const OUTSIDE_UNREAD = 'the length of a control block outside guest memory is never read';
const NOTHING_OPEN = 'with no interception open there is no instruction to judge results by';
const NOT_RUNNING_NOT_MIGRATING = 'a guest that is not running has no migration: one starts only on a running guest (mechanism 9)';
const SUPPRESSED = 'an exception suppresses the instruction: no data area is written, so no write lock applies';
/** The write-lock guards of mechanism 9 in this mechanism's handlers. */
const LOCKS = new Set(['bytes outside an area under migration', 'data area outside an area under migration']);

/** The pairs of guards no state lets fail together, by key (`kind: a + b`), with the reason. */
export const IMPOSSIBLE_PAIRS: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const kind of STIMULUS_KINDS) for (const p of pairsOf(kind)) {
    const reason = impossibility(kind, p.a, p.b);
    if (reason !== undefined) out[p.key] = reason;
  }
  return out;
})();

/** Why guards `a` and `b` (listed in that order) of `kind` cannot fail together, or undefined. */
function impossibility(kind: ActionKind, a: string, b: string): string | undefined {
  if (a === 'guest exists' && !(kind === 'guest-execute' && b === 'an instruction of the table')) return NO_GUEST;
  if (a === 'running' && b === 'no interception open') return NOT_RUNNING_NOT_OPEN;
  if (a === 'running' && LOCKS.has(b)) return NOT_RUNNING_NOT_MIGRATING;
  if (a === 'an exception the instruction can raise' && LOCKS.has(b)) return SUPPRESSED;
  if (kind === 'guest-execute') {
    if (a === 'running' && b === "operand's fixed part in guest memory") return RESET_REGISTERS;
    if (a === 'an instruction of the table') return NO_INSTRUCTION;
    if (a === "operand's fixed part in guest memory" && b === 'control block length') return OUTSIDE_UNREAD;
  }
  if (kind === 'resume-guest' && a === 'an interception is open') return NOTHING_OPEN;
  return undefined;
}

/** A case: which guest, whether the interception is open, and the action. */
interface Built {
  readonly guest: 'running' | 'created' | 'none';
  readonly open: boolean;
  /** The running guest's whole memory is under migration (mechanism 9). */
  readonly migrating?: boolean;
  readonly action: (c: Cast, handed: Uint8Array) => Record<string, unknown>;
}

/** The guest-execute text that fails exactly the operand guards in `f`, for a running or (`reset`) a created guest. */
function executeText(f: ReadonlySet<string>, reset: boolean): Uint8Array {
  const spec = f.has('subcode, register pair and operand alignment');
  const addr = f.has("operand's fixed part in guest memory");
  const short = f.has('control block length');
  if (f.has('an instruction of the table')) return UNKNOWN;
  if (spec && addr) return SERVC_MISALIGNED_OUTSIDE;
  if (spec && short) return SERVC_MISALIGNED_SHORT;
  if (spec) return SPX_MISALIGNED;
  if (addr) return SERVC_OUTSIDE;
  // A created guest's registers are zero: any SERVC reads an SCCB of length 0 at address 0.
  if (short) return reset ? SERVC : SERVC_SHORT;
  return reset ? DIAG308_R0 : SERVC;
}

/** The case in which exactly the guards `f` of `kind` fail (the pair's), or undefined when there is none. */
export function buildCase(kind: ActionKind, f: ReadonlySet<string>): Built | undefined {
  const built = buildUnlocked(kind, f);
  return built === undefined ? undefined : { ...built, migrating: [...LOCKS].some((l) => f.has(l)) };
}

/** {@link buildCase} but for the write lock. */
function buildUnlocked(kind: ActionKind, f: ReadonlySet<string>): Built | undefined {
  const names = guardsOf(kind).map((g) => g.name);
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
    if (f.has(names[i] ?? '') && f.has(names[j] ?? '') && impossibility(kind, names[i] ?? '', names[j] ?? '') !== undefined) return undefined;
  }
  const shape = f.has('shape of an action');
  const guest: Built['guest'] = f.has('guest exists') ? 'none' : f.has('running') ? 'created' : 'running';
  const id = (c: Cast): number => (guest === 'none' ? c.none : guest === 'created' ? c.created : c.running);
  const pending = f.has('no interception open');
  switch (kind) {
    case 'guest-load-registers':
      return { guest, open: pending, action: (c) => ({ kind, guest: id(c), registers: Array.from({ length: shape ? 17 : 1 }, () => 1n) }) };
    case 'guest-store': {
      const outside = f.has('bytes in guest memory');
      return { guest, open: pending, action: (c) => ({ kind, guest: id(c), address: BigInt(outside ? c.size - 1 : 0), bytes: shape ? [0, 0] : zeros(2) }) };
    }
    case 'guest-store-registers': {
      const outside = f.has('bytes in guest memory');
      return { guest, open: pending, action: (c) => ({ kind, guest: id(c), address: shape ? (outside ? c.size - 127 : 0) : BigInt(outside ? c.size - 127 : 0) }) };
    }
    case 'guest-execute': {
      const text = executeText(f, guest === 'created');
      return { guest, open: pending, action: (c) => ({ kind, guest: id(c), text: shape ? [...text] : text }) };
    }
    case 'resume-guest':
      return {
        guest,
        open: !f.has('an interception is open'),
        action: (c, handed) => {
          const registers = handed.slice();
          if (f.has('registers outside the output footprint unchanged')) registers[7 * 8 + 7] = (registers[7 * 8 + 7] ?? 0) ^ 1;
          return {
            ...honestResume(id(c), handed),
            ...(f.has('an exception the instruction can raise') ? { exception: 'operand' } : {}),
            ...(f.has('condition code') ? { cc: 1 } : {}),
            registers: shape ? [...registers] : registers,
            ...(f.has('data area at the output length') ? { data: zeros(17) } : {}),
          };
        },
      };
    default:
      return undefined;
  }
}

/** Runs the case of `failing` (the guards of `kind` it makes fail, in any order) from a reset; its outcome. */
export function* runBuilt(kind: ActionKind, failing: ReadonlySet<string>, seed: number): Calls<{ readonly code: string } | undefined> {
  const built = buildCase(kind, failing);
  if (built === undefined) return undefined;
  const c = yield* cast(seed);
  const handed = built.open ? yield* open(c) : zeros(128);
  if (built.migrating === true) yield* migrating(c);
  const o = yield* sut.apply(built.action(c, handed));
  return { code: o.kind === 'accepted' ? 'accepted' : o.code };
}

/** Runs the pair `a + b` of `kind`: both fail, the first decides, no view changes. */
function* runPair(kind: ActionKind, a: string, b: string, seed: number): Calls<void> {
  const built = buildCase(kind, new Set([a, b]));
  if (built === undefined) return;
  const c = yield* cast(seed);
  const handed = built.open ? yield* open(c) : zeros(128);
  if (built.migrating === true) yield* migrating(c);
  const first = guardsOf(kind).find((g) => g.name === a);
  if (first === undefined) throw new Error(`${kind} has no guard ${a}`);
  const seen = yield* views(c.running);
  const o = yield* sut.apply(built.action(c, handed));
  const setup = built.open ? 'an open interception' : 'a running guest';
  yield* expectCode(kind, o, first.code, `${kind}: ${a} + ${b}; in ${setup}, failing: ${a}, ${b}`);
  yield* holds('REQ-PLATFORM-7', (yield* views(c.running)) === seen, `${kind}: the rejection ${first.code} of '${a}' + '${b}' changed a view`);
}

/** Every requirement the first guards of the possible pairs cite. */
function pairRequirements(): RequirementId[] {
  const out = new Set<RequirementId>(['REQ-PLATFORM-7']);
  for (const kind of STIMULUS_KINDS) for (const p of pairsOf(kind)) if (!(p.key in IMPOSSIBLE_PAIRS)) out.add(guardsOf(kind).find((g) => g.name === p.a)?.requirement ?? 'REQ-PLATFORM-1');
  return [...out].sort();
}

/** Every pair of guards of every secure-interception handler that can fail together: the first listed decides. */
export const intcpGuardPairs = defineProperty({
  mechanism: 'secure-interception',
  name: 'stimulus-guard-pairs',
  requirements: pairRequirements(),
  statement:
    'For every two guards of a secure-interception handler that a state and an action can make fail together (and no other), the outcome is the code of the guard the spec lists first, with its requirement, and neither the hypervisor\'s nor the guest\'s view changes; the pairs no state combines are listed with their reason.',
  arbitrary: fc.nat({ max: 0xffff }),
  *run(seed) {
    for (const kind of STIMULUS_KINDS) for (const p of pairsOf(kind)) if (!(p.key in IMPOSSIBLE_PAIRS)) yield* runPair(kind, p.a, p.b, seed);
  },
});
