/**
 * The trace of a conformance failure: the failing run again on the model alone, through the
 * trace recorder, up to the request where the implementation diverged or failed. The property
 * makes the same requests as in the differential run, since it got the model's answers there
 * too; each input goes through the same one-time read ({@link readInput}), so the trace holds
 * exactly what both sides were given.
 * @module
 */
import type { ModelSystem, SyncSystemUnderTest } from '../../model/platform/index.js';
import { propertyModel, type ModelProperty } from '../../properties/property.js';
import { runSync } from '../../properties/sut-calls.js';
import type { FailureFields, Trace } from '../trace/format.js';
import { recordingSystem } from '../trace/recorder.js';
import { readInput } from './differential.js';

/** Thrown to stop the recorded run after its last request. */
const STOP = Symbol('stop');

/**
 * Runs `property` on `input` on a fresh model through a recorder and returns the trace of its
 * first `requests` requests (all of them when the run is shorter), with `extra` in the header.
 * @example
 * ```ts
 * const trace = recordRunPrefix(property, input, divergence.request, { property: { mechanism, name }, error: divergence.message });
 * ```
 */
export function recordRunPrefix<T>(property: ModelProperty<T>, input: T, requests: number, extra: FailureFields, model: () => ModelSystem = propertyModel): Trace {
  const m = model();
  const rec = recordingSystem(m);
  let n = 0;
  const count = (): void => {
    if (++n > requests) throw STOP;
  };
  const limited: SyncSystemUnderTest = {
    name: m.name,
    reset(config) {
      count();
      rec.system.reset(config);
    },
    apply(raw) {
      count();
      return rec.system.apply(readInput(raw).fresh());
    },
    observe(party) {
      count();
      return rec.system.observe(party);
    },
  };
  try {
    runSync(property.run(input, m), limited);
  } catch {
    // STOP, or the property's own failure: the trace so far is what is wanted either way.
  }
  return rec.trace(extra);
}
