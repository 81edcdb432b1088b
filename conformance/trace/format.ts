/**
 * The semodel trace format (docs/trace-format.md): JSON lines, a header line and then one line
 * per request a run made of the system under test (reset, apply, observe), in order. Lines hold
 * wire forms (model/platform/wire.ts), so a trace is plain JSON that any implementation can read.
 * @module
 */
import { t, type Json } from '../../model/core/schema.js';
import { VIEW } from '../../model/platform/views.js';

/** The `format` of every header. */
export const TRACE_FORMAT = 'semodel-trace';
/** The format version this code writes and reads. */
export const TRACE_VERSION = 1;
/** Apply lines whose step is a multiple of this carry the full views of every party (checkpoints). */
export const CHECKPOINT_EVERY = 16;

const hvGuest = VIEW.hypervisor.fields.guests.of.fields;

/**
 * The small abstract state recorded after each reset and apply (and exported to ITF): what the
 * hypervisor's view shows of each guest and adapter, and the owner's verify failure. It is
 * derived from views only, so it is the same for any implementation.
 */
export const ABSTRACT_STATE = t.object({
  guests: t.array(
    t.object({
      id: t.id(),
      machine: t.id(),
      phase: hvGuest.phase,
      memoryPages: t.int(),
      unpackedPages: t.int(),
      header: t.bool('whether a header was accepted (the hypervisor view shows it)'),
      verifyFailure: VIEW.owner.fields.verifyFailure,
    }),
  ),
  adapters: t.array(t.object({ id: t.id(), machine: t.id(), boundGuest: t.nullable(t.id()) })),
});

/** The property and fast-check replay data of a campaign failure, in a header. */
export interface FailureFields {
  /** The property that failed. */
  readonly property?: { readonly mechanism: string; readonly name: string };
  /** fast-check's seed of the run. */
  readonly seed?: number;
  /** fast-check's path to the shrunk counterexample. */
  readonly path?: string;
  /** The runs of the campaign's run (fast-check's `numRuns` for the replay). */
  readonly runs?: number;
  /** The error the property failed with. */
  readonly error?: string;
}

/** The first line of a trace. */
export interface TraceHeader extends FailureFields {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  /** The semodel version that wrote it. */
  readonly semodel: string;
  /** The name of the system under test that was recorded. */
  readonly system: string;
  /** The crypto suite's name (the config's `suite`). */
  readonly suite: 'noble' | 'node';
  /** The configuration the run starts from, in wire form. */
  readonly config: Json;
}

/** Party key (`hypervisor`, `guest:1`, `owner:1`, `adapter:0`, `host-manager`, `client`) → SHA-256 hex of its view, or null when the view did not read as a view. */
export type Digests = Readonly<Record<string, string | null>>;

/** What a reset or apply left behind: digests of every party's view and the abstract state. */
export interface Observed {
  readonly digests?: Digests;
  /** {@link ABSTRACT_STATE} in wire form. */
  readonly state?: Json;
}

/** `reset(config)`. */
export interface ResetLine extends Observed {
  readonly op: 'reset';
  readonly config: Json;
  /** The message, when the system threw. */
  readonly threw?: string;
}

/** `apply(action)` and what it gave. */
export interface ApplyLine extends Observed {
  readonly op: 'apply';
  /** 1, 2, 3, …: the apply lines of the trace, counted across resets. */
  readonly step: number;
  /** The action in wire form, when what the system read is an action. */
  readonly action?: Json;
  /** Otherwise what was passed, spelled by `value.ts` (replays to a value read the same way). */
  readonly input?: Json;
  /** The outcome in wire form. */
  readonly outcome?: Json;
  /** What came back, spelled by `value.ts`, when it was not an outcome of that kind. */
  readonly unreadable?: Json;
  /** The message, when the system threw. */
  readonly threw?: string;
  /** Full views by party key (wire form or null), at checkpoints and on the last apply line. */
  readonly views?: Readonly<Record<string, Json>>;
}

/** `observe(party)` and the view. */
export interface ObserveLine {
  readonly op: 'observe';
  readonly party: Json;
  /** The view in wire form, or null for a party that does not exist. */
  readonly view?: Json;
  readonly unreadable?: Json;
  readonly threw?: string;
}

/** A line after the header. */
export type TraceLine = ResetLine | ApplyLine | ObserveLine;

/** A whole trace. */
export interface Trace {
  readonly header: TraceHeader;
  readonly lines: readonly TraceLine[];
}
