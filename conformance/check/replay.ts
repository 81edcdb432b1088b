/**
 * `conform replay`: a trace's requests applied again to an implementation and the model side by
 * side, through the differential system, to see whether a saved divergence still reproduces.
 * The trace supplies the schedule only; the model's answers are the reference, as in the check.
 * @module
 */
import { actionFromWire, configFromWire, partyFromWire, type SyncSystemUnderTest, type SystemUnderTest } from '../../model/platform/index.js';
import { AdapterFailure } from '../adapter/failures.js';
import type { Trace } from '../trace/format.js';
import { replayModel } from '../trace/replay.js';
import { valueOfSpelling } from '../trace/value.js';
import { differentialSystem, implementationNotes } from './differential.js';
import { Divergence } from './divergence.js';

/** What a replay against an implementation found. */
export type ConformReplayResult =
  | { readonly status: 'agrees'; readonly steps: number; readonly requests: number; readonly notModelled: readonly string[] }
  | { readonly status: 'diverged'; readonly divergence: Divergence; readonly notModelled: readonly string[] }
  | { readonly status: 'adapter-failed'; readonly failure: AdapterFailure; readonly step: number; readonly answered: number }
  | { readonly status: 'unusable'; readonly line: number; readonly message: string };

/**
 * Applies every request of `trace` to `implementation` and the model (default: the trace
 * replay's model, with the header's suite) and reports the first divergence, or that there is
 * none. A trace whose first line is not a reset starts from the header's configuration.
 * @example
 * ```ts
 * const r = await replayAgainst(decoded, await openAdapter(command));
 * r.status; // 'diverged' while the implementation still has the fault
 * ```
 */
export async function replayAgainst(trace: Trace, implementation: SystemUnderTest, model?: SyncSystemUnderTest): Promise<ConformReplayResult> {
  const notes = implementationNotes();
  const d = differentialSystem({ implementation, model: model ?? replayModel(trace.header), notes });
  const notModelled = (): string[] => [...notes.notModelled].sort();
  try {
    if (trace.lines[0]?.op !== 'reset') {
      const c = configFromWire(trace.header.config);
      if (!c.ok) return { status: 'unusable', line: 1, message: `the header's configuration does not decode at ${c.error.path}: ${c.error.message}` };
      await d.reset(c.value);
    }
    for (const [i, line] of trace.lines.entries()) {
      if (line.op === 'reset') {
        const c = configFromWire(line.config);
        if (!c.ok) return { status: 'unusable', line: i + 2, message: `the configuration does not decode at ${c.error.path}: ${c.error.message}` };
        await d.reset(c.value);
      } else if (line.op === 'apply') {
        let value: unknown;
        if (line.action !== undefined) {
          const a = actionFromWire(line.action);
          if (!a.ok) return { status: 'unusable', line: i + 2, message: `the action does not decode at ${a.error.path}: ${a.error.message}` };
          value = a.value;
        } else {
          const v = valueOfSpelling(line.input);
          if (!v.ok) return { status: 'unusable', line: i + 2, message: `the input's spelling does not decode at ${v.error.path}: ${v.error.message}` };
          value = v.value;
        }
        await d.apply(value);
      } else {
        const p = partyFromWire(line.party);
        if (!p.ok) return { status: 'unusable', line: i + 2, message: `the party does not decode at ${p.error.path}: ${p.error.message}` };
        await d.observe(p.value);
      }
    }
  } catch (e) {
    if (e instanceof Divergence) return { status: 'diverged', divergence: e, notModelled: notModelled() };
    if (e instanceof AdapterFailure) return { status: 'adapter-failed', failure: e, step: d.steps, answered: notes.answered };
    return { status: 'unusable', line: 0, message: e instanceof Error ? e.message : String(e) };
  }
  return { status: 'agrees', steps: d.steps, requests: d.requests, notModelled: notModelled() };
}
