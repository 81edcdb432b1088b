/**
 * The reducer contract: every transition is a pure function `(state, action) => Step`.
 *
 * A Step carries the next state and an Outcome. An accepted outcome carries the response the
 * caller sees; a rejected one carries a rejection code from the specification and the ID of the
 * requirement that rejected the action. Reducers never throw: bad input is a rejection.
 * @module
 */

/** A requirement identifier of the specification, such as `REQ-UNPACK-3`. */
export type RequirementId = `REQ-${string}-${number}`;

/** An accepted action: the response that its caller sees. */
export interface Accepted<R> {
  readonly kind: 'accepted';
  readonly response: R;
}

/** A rejected action: the code the specification fixes and the requirement that produced it. */
export interface Rejected<C extends string = string> {
  readonly kind: 'rejected';
  readonly code: C;
  readonly requirement: RequirementId;
}

/** What the caller of a reducer learns about its action. */
export type Outcome<R, C extends string = string> = Accepted<R> | Rejected<C>;

/** One transition: the next state and the outcome of the action. */
export interface Step<S, R = unknown, C extends string = string> {
  readonly state: S;
  readonly outcome: Outcome<R, C>;
}

/** Builds an accepted step. */
export function accept<S, R>(state: S, response: R): Step<S, R, never> {
  return { state, outcome: { kind: 'accepted', response } };
}

/**
 * Builds a rejected step. The state passed in is the state after the rejection: the state as it
 * was, unless the specification says that the failure is recorded.
 */
export function reject<S, C extends string>(
  state: S,
  code: C,
  requirement: RequirementId,
): Step<S, never, C> {
  return { state, outcome: { kind: 'rejected', code, requirement } };
}

/** True when the step's action was accepted. */
export function isAccepted<S, R, C extends string>(
  step: Step<S, R, C>,
): step is Step<S, R, C> & { outcome: Accepted<R> } {
  return step.outcome.kind === 'accepted';
}
