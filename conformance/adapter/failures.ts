/**
 * What can go wrong with an implementation behind the adapter protocol: an {@link AdapterFailure}
 * (the adapter cannot be used any more: it crashed, hung, wrote garbage, broke the protocol or
 * answered an error), and {@link PartyNotModelled} (a defined answer: the implementation has no
 * view for that party, and the checker compares outcomes only).
 * @module
 */
import type { Party } from '../../model/platform/index.js';

/** How an adapter failed. */
export type AdapterFailureKind =
  /** The command could not be started (no such program, not executable, empty command). */
  | 'spawn'
  /** The process ended with a non-zero status or by a signal. */
  | 'crash'
  /** The process ended with status 0, or closed its stdout, before the session was over. */
  | 'exit'
  /** No answer within the per-call timeout. */
  | 'timeout'
  /** A line of stdout that is not JSON. */
  | 'garbage'
  /** JSON that breaks the protocol: not a response, a wrong id, a result that does not decode. */
  | 'protocol'
  /** A JSON-RPC error answer (other than PARTY_NOT_MODELLED to observe). */
  | 'error';

/** Where in the session a failure happened. */
export interface FailureContext {
  /** The method of the request that was waiting, if any. */
  readonly method?: string;
  /** The apply step (1, 2, 3, … counted over the session), for apply. */
  readonly step?: number;
  /** The JSON-RPC error code, for kind `error`. */
  readonly code?: number;
  /** The last lines the adapter wrote to stderr. */
  readonly stderr?: readonly string[];
}

/** Texts longer than this are cut in failure messages, so that a message stays one readable line. */
const MAX_MESSAGE = 400;

/** One line: line breaks become spaces, long texts are cut with an ellipsis. */
export function oneLine(text: string, max = MAX_MESSAGE): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The implementation behind an adapter failed; the adapter was stopped and every later call
 * rejects with this same failure.
 * @example
 * ```ts
 * try {
 *   await sut.apply(action);
 * } catch (e) {
 *   if (e instanceof AdapterFailure) console.log(e.kind, e.message); // 'timeout', 'no answer to apply (step 3) within 10000 ms'
 * }
 * ```
 */
export class AdapterFailure extends Error {
  override readonly name = 'AdapterFailure';
  /** The method of the request that was waiting, if any. */
  readonly method: string | undefined;
  /** The apply step, for apply. */
  readonly step: number | undefined;
  /** The JSON-RPC error code, for kind `error`. */
  readonly code: number | undefined;
  /** The last lines the adapter wrote to stderr when it failed. */
  readonly stderr: readonly string[];

  constructor(
    readonly kind: AdapterFailureKind,
    message: string,
    context: FailureContext = {},
  ) {
    super(oneLine(message));
    this.method = context.method;
    this.step = context.step;
    this.code = context.code;
    this.stderr = context.stderr ?? [];
  }
}

/**
 * The implementation answered `observe` with the error PARTY_NOT_MODELLED: it has no view of this
 * party. Not a failure: the adapter stays usable, and the checker compares outcomes only.
 */
export class PartyNotModelled extends Error {
  override readonly name = 'PartyNotModelled';

  constructor(
    readonly party: Party,
    message = `the implementation does not model the view of party ${party.kind}`,
  ) {
    super(oneLine(message));
  }
}
