/**
 * The stimulus table of mechanism 7: every guard of every handler failed alone, from states an
 * honest guest and hypervisor reach. As in the other mechanisms' stimulus properties, the guards,
 * their order and their codes come from model data (`guardsOf(kind)`, the rejection table); what
 * this file adds is the test's own knowledge of how to make each guard's condition fail
 * ({@link CASES}). Each case starts from a reset: a running guest booted through mechanism 2 (its
 * registers and an SCCB set up for a SERVICE CALL), a guest created and not started, and for the
 * cases that need one an open interception of the running guest. A rejection changes nothing:
 * the hypervisor's and the guest's views are checked before and after.
 *
 * The run ends with a destroy of a guest whose interception is open: its block leaves the
 * hypervisor's area (REQ-INTCP-10).
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { blockInView, SCRATCH_PAGE } from './fixtures.js';
import { cast, DIAG308, honestResume, migrating, open, SCCB_ADDRESS, SCCB_LENGTH, SERVC, SPX_ALIGNED, views, zeros, type Cast } from './stimulus-world.js';

export { STIMULUS_CONFIG } from './stimulus-world.js';

/** The action kinds of the mechanism. */
export const STIMULUS_KINDS: readonly ActionKind[] = ['guest-load-registers', 'guest-store', 'guest-store-registers', 'guest-execute', 'resume-guest'];

/** One case: the guard it makes fail (its index in `guardsOf(kind)`), the state and the action. */
export interface Case {
  readonly kind: ActionKind;
  readonly guard: number;
  /** `open`: the running guest's SERVICE CALL is intercepted before the action. */
  readonly setup: 'running' | 'open';
  /** Accepted actions of the running guest before the action (its own CPU's). */
  readonly before?: (c: Cast) => readonly Record<string, unknown>[];
  readonly action: (c: Cast, handed: Uint8Array) => Record<string, unknown>;
  /** Another way the same guard fails (the vectors take the first case of each guard only): what it varies. */
  readonly also?: string;
  /** The running guest's memory is under migration (mechanism 9) when the action comes. */
  readonly migrating?: true;
}

/** Every case: each guard of each kind, at least once. */
export const CASES: readonly Case[] = [
  { kind: 'guest-load-registers', guard: 0, setup: 'running', action: (c) => ({ kind: 'guest-load-registers', guest: c.running, registers: Array.from({ length: 17 }, () => 0n) }) },
  { kind: 'guest-load-registers', guard: 1, setup: 'running', action: (c) => ({ kind: 'guest-load-registers', guest: c.none, registers: [1n] }) },
  { kind: 'guest-load-registers', guard: 2, setup: 'running', action: (c) => ({ kind: 'guest-load-registers', guest: c.created, registers: [1n] }) },
  { kind: 'guest-load-registers', guard: 3, setup: 'open', action: (c) => ({ kind: 'guest-load-registers', guest: c.running, registers: [1n] }) },
  { kind: 'guest-store', guard: 0, setup: 'running', action: (c) => ({ kind: 'guest-store', guest: c.running, address: 0n, bytes: 'not bytes' }) },
  { kind: 'guest-store', guard: 1, setup: 'running', action: (c) => ({ kind: 'guest-store', guest: c.none, address: 0n, bytes: zeros(2) }) },
  { kind: 'guest-store', guard: 2, setup: 'running', action: (c) => ({ kind: 'guest-store', guest: c.created, address: 0n, bytes: zeros(2) }) },
  { kind: 'guest-store', guard: 3, setup: 'open', action: (c) => ({ kind: 'guest-store', guest: c.running, address: 0n, bytes: zeros(2) }) },
  { kind: 'guest-store', guard: 4, setup: 'running', action: (c) => ({ kind: 'guest-store', guest: c.running, address: BigInt(c.size - 1), bytes: zeros(2) }) },
  { kind: 'guest-store', guard: 5, setup: 'running', migrating: true, action: (c) => ({ kind: 'guest-store', guest: c.running, address: 0n, bytes: zeros(2) }) },
  { kind: 'guest-store-registers', guard: 0, setup: 'running', action: (c) => ({ kind: 'guest-store-registers', guest: c.running, address: -1 }) },
  { kind: 'guest-store-registers', guard: 1, setup: 'running', action: (c) => ({ kind: 'guest-store-registers', guest: c.none, address: 0n }) },
  { kind: 'guest-store-registers', guard: 2, setup: 'running', action: (c) => ({ kind: 'guest-store-registers', guest: c.created, address: 0n }) },
  { kind: 'guest-store-registers', guard: 3, setup: 'open', action: (c) => ({ kind: 'guest-store-registers', guest: c.running, address: 0n }) },
  { kind: 'guest-store-registers', guard: 4, setup: 'running', action: (c) => ({ kind: 'guest-store-registers', guest: c.running, address: BigInt(c.size - 127) }) },
  { kind: 'guest-store-registers', guard: 5, setup: 'running', migrating: true, action: (c) => ({ kind: 'guest-store-registers', guest: c.running, address: 0n }) },
  { kind: 'guest-execute', guard: 0, setup: 'running', action: (c) => ({ kind: 'guest-execute', guest: c.running, text: 'b2200034' }) },
  { kind: 'guest-execute', guard: 1, setup: 'running', action: (c) => ({ kind: 'guest-execute', guest: c.none, text: SERVC }) },
  { kind: 'guest-execute', guard: 2, setup: 'running', action: (c) => ({ kind: 'guest-execute', guest: c.created, text: SERVC }) },
  { kind: 'guest-execute', guard: 3, setup: 'open', action: (c) => ({ kind: 'guest-execute', guest: c.running, text: SERVC }) },
  { kind: 'guest-execute', guard: 4, setup: 'running', action: (c) => ({ kind: 'guest-execute', guest: c.running, text: Uint8Array.of(0xb2, 0x99, 0x00, 0x00) }) },
  // A DIAG 308 subcode forbidden in secure mode (4), an odd r2 for subcode 5, a misaligned SCCB.
  {
    kind: 'guest-execute',
    guard: 5,
    setup: 'running',
    before: (c) => [{ kind: 'guest-load-registers', guest: c.running, registers: [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 4n] }],
    action: (c) => ({ kind: 'guest-execute', guest: c.running, text: DIAG308 }),
  },
  {
    kind: 'guest-execute',
    guard: 5,
    setup: 'running',
    before: (c) => [{ kind: 'guest-load-registers', guest: c.running, registers: [0n, 0n, 0n, 0n, 0n, 0n, 0n, 5n] }],
    action: (c) => ({ kind: 'guest-execute', guest: c.running, text: Uint8Array.of(0x83, 0x67, 0x03, 0x08) }),
    also: 'an odd register pair',
  },
  {
    kind: 'guest-execute',
    guard: 5,
    setup: 'running',
    before: (c) => [{ kind: 'guest-load-registers', guest: c.running, registers: [0n, 0n, 0n, 0n, BigInt(SCCB_ADDRESS + 4)] }],
    action: (c) => ({ kind: 'guest-execute', guest: c.running, text: SERVC }),
    also: 'a misaligned SCCB',
  },
  {
    kind: 'guest-execute',
    guard: 6,
    setup: 'running',
    before: (c) => [{ kind: 'guest-load-registers', guest: c.running, registers: [0n, 0n, 0n, 0n, BigInt(c.size)] }],
    action: (c) => ({ kind: 'guest-execute', guest: c.running, text: SERVC }),
  },
  {
    kind: 'guest-execute',
    guard: 7,
    setup: 'running',
    before: (c) => [{ kind: 'guest-store', guest: c.running, address: BigInt(SCCB_ADDRESS), bytes: Uint8Array.of(0, 4) }],
    action: (c) => ({ kind: 'guest-execute', guest: c.running, text: SERVC }),
  },
  { kind: 'resume-guest', guard: 0, setup: 'open', action: (c) => ({ kind: 'resume-guest', guest: c.running, cc: 0, registers: 'x', data: zeros(SCCB_LENGTH), exception: null }) },
  { kind: 'resume-guest', guard: 1, setup: 'open', action: (c, h) => honestResume(c.none, h) },
  { kind: 'resume-guest', guard: 2, setup: 'running', action: (c, h) => honestResume(c.running, h) },
  { kind: 'resume-guest', guard: 2, setup: 'running', action: (c, h) => honestResume(c.created, h), also: 'a guest that is not running' },
  { kind: 'resume-guest', guard: 3, setup: 'open', action: (c, h) => ({ ...honestResume(c.running, h), exception: 'operand' }) },
  { kind: 'resume-guest', guard: 4, setup: 'open', action: (c, h) => ({ ...honestResume(c.running, h), cc: 1 }) },
  { kind: 'resume-guest', guard: 4, setup: 'open', action: (c, h) => ({ ...honestResume(c.running, h), cc: null }), also: 'no condition code' },
  {
    kind: 'resume-guest',
    guard: 5,
    setup: 'open',
    action: (c, h) => {
      const registers = h.slice();
      registers[7 * 8 + 7] = (registers[7 * 8 + 7] ?? 0) ^ 1;
      return { ...honestResume(c.running, h), registers };
    },
  },
  { kind: 'resume-guest', guard: 6, setup: 'open', action: (c, h) => ({ ...honestResume(c.running, h), data: zeros(SCCB_LENGTH + 1) }) },
  { kind: 'resume-guest', guard: 7, setup: 'open', migrating: true, action: (c, h) => honestResume(c.running, h) },
];

/** Runs one case: its state, its action, the code of its guard, and no view changed. */
function* runCase(k: Case, seed: number): Calls<void> {
  const c = yield* cast(seed);
  for (const a of k.before?.(c) ?? []) yield* expectAccepted('REQ-INTCP-1', a['kind'] as ActionKind, yield* sut.apply(a), `before ${k.kind}`);
  const handed = k.setup === 'open' ? yield* open(c) : zeros(128);
  if (k.migrating === true) yield* migrating(c);
  const g = guardsOf(k.kind)[k.guard];
  if (g === undefined) throw new Error(`${k.kind} has no guard ${k.guard}`);
  const seen = yield* views(c.running);
  const o = yield* sut.apply(k.action(c, handed));
  const setup = k.setup === 'open' ? 'an open interception' : 'a running guest';
  const context = k.also === undefined ? `${k.kind}: only '${g.name}' fails; in ${setup}, failing: ${g.name}` : `${k.kind}: '${g.name}' fails by ${k.also}, in ${setup}`;
  yield* expectCode(k.kind, o, g.code, context);
  const after = yield* views(c.running);
  yield* holds('REQ-PLATFORM-7', after === seen, `${k.kind}: the rejection ${g.code} changed a view`);
}

/** REQ-INTCP-10: a destroyed guest's open interception leaves the hypervisor's area. */
function* destroyOpen(seed: number): Calls<void> {
  const c = yield* cast(seed);
  yield* open(c);
  const o = yield* sut.apply({ kind: 'destroy-guest', guest: c.running });
  yield* expectAccepted('REQ-PLATFORM-5', 'destroy-guest', o, 'destroy an intercepted guest');
  const { count } = yield* blockInView(c.running);
  yield* holds('REQ-INTCP-10', count === 0, `the destroyed guest's interception block is still in the hypervisor's view (${count})`);
  const again = yield* sut.apply({ kind: 'resume-guest', guest: c.running, cc: 0, registers: zeros(128), data: zeros(SCCB_LENGTH), exception: null });
  yield* expectCode('resume-guest', again, 'GUEST_NOT_FOUND', 'resume a destroyed guest');
}

/** Every requirement the cases' guards cite, and those the run asserts besides. */
function requirementsOfCases(): RequirementId[] {
  const out = new Set<RequirementId>(['REQ-PLATFORM-7', 'REQ-INTCP-10']);
  for (const k of CASES) {
    const g = guardsOf(k.kind)[k.guard];
    if (g !== undefined) out.add(g.requirement);
  }
  return [...out].sort();
}

/** Every guard of every secure-interception handler, failed alone, gives its code and changes nothing. */
export const intcpGuardAlone = defineProperty({
  mechanism: 'secure-interception',
  name: 'stimulus-each-guard',
  requirements: requirementsOfCases(),
  statement:
    "For every guard of every secure-interception handler, in a state an honest guest and hypervisor reach where only that guard's condition fails (a malformed action, a guest that does not exist or does not run, a CPU stopped in an interception, an unknown instruction, a forbidden DIAG 308 subcode, an odd register pair, a misaligned or out-of-memory operand, a short control block, a resume with no interception open, an exception the instruction cannot raise, a condition code, register or data length outside the output footprint): the outcome is that guard's code with its requirement, and neither the hypervisor's nor the guest's view changes. A destroyed guest's open interception leaves the hypervisor's view.",
  arbitrary: fc.nat({ max: 0xffff }),
  *run(seed) {
    for (const k of CASES) yield* runCase(k, seed);
    yield* destroyOpen(seed);
  },
});

/** For each kind, calls from a reset whose every step is accepted and whose last step is that kind (the vectors' accepted cases). */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      const c = yield* cast(0);
      if (kind === 'guest-execute') return void (yield* open(c));
      if (kind === 'resume-guest') {
        const handed = yield* open(c);
        yield* expectAccepted('REQ-INTCP-9', kind, yield* sut.apply(honestResume(c.running, handed)), 'the honest resume');
        // Then a notification (SET PREFIX), resumed with a condition code and a changed register:
        // accepted and ignored, so the guest's view after it shows any result applied (REQ-INTCP-5).
        yield* expectAccepted('REQ-INTCP-2', 'guest-execute', yield* sut.apply({ kind: 'guest-execute', guest: c.running, text: SPX_ALIGNED }), 'SET PREFIX');
        const { block } = yield* blockInView(c.running);
        const registers = Uint8Array.from(block?.registers ?? zeros(128));
        registers[15] = (registers[15] ?? 0) ^ 0xff;
        return yield* expectAccepted('REQ-INTCP-5', kind, yield* sut.apply({ kind, guest: c.running, cc: 2, registers, data: zeros(0), exception: null }), 'the notification resumed with results');
      }
      const a =
        kind === 'guest-load-registers'
          ? { kind, guest: c.running, registers: [7n, 8n] }
          : kind === 'guest-store'
            ? { kind, guest: c.running, address: BigInt(SCRATCH_PAGE * PAGE_SIZE), bytes: Uint8Array.of(1, 2, 3) }
            : { kind, guest: c.running, address: BigInt(SCRATCH_PAGE * PAGE_SIZE) };
      yield* expectAccepted('REQ-INTCP-1', kind, yield* sut.apply(a), `accepted path of ${kind}`);
    },
  ]),
);
