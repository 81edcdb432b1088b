/**
 * How a property talks to a system under test, written once for synchronous and asynchronous
 * systems alike: a black-box property is a generator function that yields requests
 * (`yield* sut.apply(action)`), and a driver answers them, at once for the model
 * ({@link runSync}: no promise per step) or awaiting an adapter ({@link runAsync}).
 *
 * Assertions go through the same channel (`yield* expectCode(...)`, `yield* holds(...)`), so a
 * run records which requirements the property really asserted: the requirements trace counts a
 * property for a requirement only when the property asserts that requirement's codes or rule.
 * @module
 */
import type { RequirementId } from '../model/core/outcome.js';
import { rowForKind, type ActionKind, type PlatformOutcome, type Party, type SystemUnderTest, type SyncSystemUnderTest, type View, type WorldConfig } from '../model/platform/index.js';

/** A request a property makes of the system under test, or an assertion it records. */
export type SutRequest =
  | { readonly op: 'reset'; readonly config: WorldConfig }
  | { readonly op: 'apply'; readonly action: unknown }
  | { readonly op: 'observe'; readonly party: Party }
  | { readonly op: 'assert'; readonly requirement: RequirementId; readonly ok: boolean; readonly message: string };

/** A sequence of requests ending in a value of type `R`. */
export type Calls<R> = Generator<SutRequest, R, unknown>;

/** The calls a property makes. */
export const sut = {
  /** Starts the system over from `config`. */
  *reset(config: WorldConfig): Calls<void> {
    yield { op: 'reset', config };
  },
  /** Applies one action and returns its outcome. */
  *apply(action: unknown): Calls<PlatformOutcome> {
    return (yield { op: 'apply', action }) as PlatformOutcome;
  },
  /** Observes a party's view. */
  *observe(party: Party): Calls<View | null> {
    return (yield { op: 'observe', party }) as View | null;
  },
};

/** An assertion failed: the requirement it checks and what went wrong. */
export class PropertyViolation extends Error {
  constructor(
    readonly requirement: RequirementId,
    message: string,
  ) {
    super(`${requirement}: ${message}`);
    this.name = 'PropertyViolation';
  }
}

/** Asserts that `ok` holds, for `requirement`; a failure stops the run with a {@link PropertyViolation}. */
export function* holds(requirement: RequirementId, ok: boolean, message: string): Calls<void> {
  yield { op: 'assert', requirement, ok, message };
}

/** Observers of a run: which requirements it asserted (for the trace). */
export interface RunRecorder {
  asserted(requirement: RequirementId): void;
}

/**
 * Answers one request: the system's reply (a promise for an asynchronous system), or, for an
 * assertion, its record (a failed one throws).
 */
function answer(r: SutRequest, system: SyncSystemUnderTest | SystemUnderTest, recorder: RunRecorder | undefined): unknown {
  switch (r.op) {
    case 'reset':
      return system.reset(r.config);
    case 'apply':
      return system.apply(r.action);
    case 'observe':
      return system.observe(r.party);
    case 'assert':
      recorder?.asserted(r.requirement);
      if (!r.ok) throw new PropertyViolation(r.requirement, r.message);
      return undefined;
  }
}

/** Runs `calls` against a synchronous system and returns its result. */
export function runSync<R>(calls: Calls<R>, system: SyncSystemUnderTest, recorder?: RunRecorder): R {
  let reply: unknown;
  for (;;) {
    const next = calls.next(reply);
    if (next.done === true) return next.value;
    reply = answer(next.value, system, recorder);
  }
}

/** Runs `calls` against an asynchronous system and returns its result. */
export async function runAsync<R>(calls: Calls<R>, system: SystemUnderTest, recorder?: RunRecorder): Promise<R> {
  let reply: unknown;
  for (;;) {
    const next = calls.next(reply);
    if (next.done === true) return next.value;
    reply = await answer(next.value, system, recorder);
  }
}

/**
 * Asserts that `outcome` (of an action of `kind`) is the rejection `code` with the requirement
 * the model's rejection table gives it; records that requirement.
 */
export function* expectCode(kind: ActionKind, outcome: PlatformOutcome, code: string, context = ''): Calls<void> {
  const row = rowForKind(kind, code);
  // Stryker disable next-line all: properties name codes of the tables
  if (row === undefined) throw new Error(`${kind}: no rejection table has ${code}`);
  const where = context === '' ? kind : `${kind} (${context})`;
  const got = outcome.kind === 'accepted' ? 'accepted' : `${outcome.code} (${outcome.requirement})`;
  const ok = outcome.kind === 'rejected' && outcome.code === code && outcome.requirement === row.requirement;
  yield* holds(row.requirement, ok, `${where}: expected ${code} (${row.requirement}), got ${got}`);
}

/** Asserts that `outcome` is accepted, for `requirement`. */
export function* expectAccepted(requirement: RequirementId, kind: ActionKind, outcome: PlatformOutcome, context = ''): Calls<void> {
  const where = context === '' ? kind : `${kind} (${context})`;
  const got = outcome.kind === 'accepted' ? 'accepted' : `${outcome.code} (${outcome.requirement})`;
  yield* holds(requirement, outcome.kind === 'accepted', `${where}: expected accepted, got ${got}`);
}
