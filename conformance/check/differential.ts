/**
 * The differential system: a {@link SystemUnderTest} that drives the implementation and the
 * model side by side. Every reset goes to both; every action is read once (by the model's own
 * boundary reader) and both sides get what was read; both outcomes are compared, and so are both
 * views of every observe. A difference throws a {@link Divergence}. The property that drives it
 * gets the model's answers: its own assertions judge the model, the comparison judges the
 * implementation.
 * @module
 */
import { types } from 'node:util';
import type { Json } from '../../model/core/schema.js';
import {
  actionFromWire,
  actionToWire,
  configToWire,
  moduleOf,
  partyToWire,
  readAction,
  type Action,
  type ActionKind,
  type Party,
  type PlatformOutcome,
  type SyncSystemUnderTest,
  type SystemUnderTest,
  type View,
  type WorldConfig,
} from '../../model/platform/index.js';
import { AdapterFailure, PartyNotModelled } from '../adapter/failures.js';
import { viewWire } from '../trace/observe.js';
import { recordedOutcome } from '../trace/recorder.js';
import { spellValue } from '../trace/value.js';
import { wireDiff, outcomeDifferences, RESPONSE_MEANINGS, type MeaningComparison } from './compare.js';
import { Divergence } from './divergence.js';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What the checker learns of an implementation across the runs of one check. */
export interface ImplementationNotes {
  /** Party kinds whose views the implementation does not model (it answered PARTY_NOT_MODELLED). */
  readonly notModelled: Set<Party['kind']>;
  /** Applies the implementation answered (with any outcome), over every run. */
  answered: number;
}

/** Fresh notes: nothing answered yet, every party modelled until the implementation says otherwise. */
export function implementationNotes(): ImplementationNotes {
  return { notModelled: new Set(), answered: 0 };
}

/** Options of {@link differentialSystem}. */
export interface DifferentialOptions {
  /** The implementation: an adapter, or an in-process system. */
  readonly implementation: SystemUnderTest;
  /** The model side, fresh for this run. */
  readonly model: SyncSystemUnderTest;
  /** Shared across the runs of one check (default: fresh). */
  readonly notes?: ImplementationNotes;
  /** Response fields compared by meaning (default {@link RESPONSE_MEANINGS}). */
  readonly meanings?: Readonly<Record<string, MeaningComparison>>;
  /**
   * The modules the implementation implements (`platform` and mechanism names, from hello);
   * default all. An action of another module is not sent: {@link NotImplemented} is thrown.
   */
  readonly implemented?: readonly string[];
}

/**
 * A run applied an action of a mechanism the implementation does not implement: the run cannot
 * be compared (the two sides would no longer hold the same state), so the checker skips it.
 */
export class NotImplemented extends Error {
  override readonly name = 'NotImplemented';

  constructor(
    readonly mechanism: string,
    readonly kind: ActionKind,
  ) {
    super(`${kind} is an action of ${mechanism}, which the implementation does not implement`);
  }
}

/** The differential system of one run, with its counters. */
export interface DifferentialSystem extends SystemUnderTest {
  /** Applies so far in this run. */
  readonly steps: number;
  /** Requests so far (resets, applies, observes). */
  readonly requests: number;
}

/** What both sides get for one input: the action read once, or a plain stand-in for a value that is not one. */
export interface ReadInput {
  /** The kind, when the input is an action. */
  readonly kind: ActionKind | undefined;
  /** The action in wire form, or `{input: spelling}` of the stand-in. */
  readonly wire: Json;
  /** A fresh value for each side (so that neither can change what the other got). */
  readonly fresh: () => unknown;
}

/**
 * The own string `kind` of a value, read from its property descriptor (no getter or Proxy trap
 * of the caller runs), or undefined.
 */
function ownKind(raw: object): string | undefined {
  if (types.isProxy(raw)) return undefined;
  const d = Object.getOwnPropertyDescriptor(raw, 'kind');
  return d !== undefined && 'value' in d && typeof d.value === 'string' ? d.value : undefined;
}

/**
 * Reads an input once. An action is read by the model's boundary and passed on as its wire form
 * decoded afresh; a value that is not an action (a wrong type, a missing field, a Proxy, a
 * throwing getter, which the wire cannot carry) is replaced by a plain stand-in that is no action
 * either: a JSON primitive as it is, an object by its own `kind` alone (`{kind}`, which lacks
 * the kind's fields), anything else by `null`. The model answers both the same way (a value that
 * is not an action is MALFORMED_ACTION whatever it is), so the implementation is held to that.
 */
export function readInput(raw: unknown): ReadInput {
  const action = readAction(raw);
  if (action !== undefined) {
    const wire = actionToWire(action);
    const fresh = (): Action => {
      const r = actionFromWire(wire);
      // Stryker disable next-line all: the wire form of an action read by the boundary always decodes
      if (!r.ok) throw new Error(`the wire form of a ${action.kind} action does not decode: ${r.error.path}: ${r.error.message}`);
      return r.value;
    };
    return { kind: action.kind, wire, fresh };
  }
  let stand: Json = null;
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean' || (typeof raw === 'number' && Number.isFinite(raw) && !Object.is(raw, -0))) stand = raw;
  else if (typeof raw === 'object') {
    const kind = ownKind(raw);
    stand = kind === undefined ? {} : { kind };
    if (readAction(stand) !== undefined) stand = {};
  }
  const spelled = spellValue(stand);
  const copy = stand;
  return { kind: undefined, wire: { input: spelled }, fresh: () => (copy !== null && typeof copy === 'object' ? { ...copy } : copy) };
}

/**
 * A system under test that drives `implementation` and `model` side by side and throws a
 * {@link Divergence} at the first difference. An {@link AdapterFailure} of the implementation
 * passes through unchanged (the adapter is unusable); any other error it throws is a divergence
 * (the platform answers every input). A {@link PartyNotModelled} answer is noted in `notes`, and
 * from then on views of that party kind are the model's alone. An action of a module the
 * implementation does not implement throws {@link NotImplemented} before either side sees it.
 * @example
 * ```ts
 * const d = differentialSystem({ implementation: await openAdapter('python3 adapter.py'), model: propertyModel() });
 * await runAsync(property.run(input, undefined), d); // throws Divergence where they differ
 * ```
 */
export function differentialSystem(options: DifferentialOptions): DifferentialSystem {
  const { implementation, model } = options;
  const notes = options.notes ?? implementationNotes();
  const meanings = options.meanings ?? RESPONSE_MEANINGS;
  let steps = 0;
  let requests = 0;

  /** Calls the implementation; its errors other than AdapterFailure become a thrown answer. */
  const ask = async <T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; threw: string; error: unknown }> => {
    try {
      return { ok: true, value: await call() };
    } catch (e) {
      if (e instanceof AdapterFailure) throw e;
      return { ok: false, threw: messageOf(e), error: e };
    }
  };

  return {
    name: `${implementation.name} against ${model.name}`,
    get steps() {
      return steps;
    },
    get requests() {
      return requests;
    },
    async reset(config: WorldConfig) {
      requests++;
      model.reset(config);
      const r = await ask(() => implementation.reset(config));
      if (!r.ok) {
        throw new Divergence({ about: 'outcome', step: steps, request: requests, action: { reset: configToWire(config) }, model: { kind: 'reset' }, implementation: { threw: r.threw }, differences: [{ path: 'reset', model: 'a reset', implementation: `threw "${r.threw}"` }] });
      }
    },
    async apply(raw: unknown): Promise<PlatformOutcome> {
      requests++;
      steps++;
      const input = readInput(raw);
      const module = input.kind === undefined ? undefined : moduleOf(input.kind).name;
      if (input.kind !== undefined && module !== undefined && options.implemented !== undefined && !options.implemented.includes(module)) {
        throw new NotImplemented(module, input.kind);
      }
      const mine = model.apply(input.fresh());
      const theirs = await ask(() => implementation.apply(input.fresh()));
      notes.answered++;
      const kind = input.kind ?? 'verify';
      const modelWire = recordedOutcome(kind, mine);
      const want: Json = 'outcome' in modelWire ? modelWire.outcome : { unreadable: modelWire.unreadable };
      let got: Json;
      let differences;
      if (!theirs.ok) {
        got = { threw: theirs.threw };
        differences = [{ path: 'kind', model: 'an outcome', implementation: `threw "${theirs.threw}"` }];
      } else {
        const w = recordedOutcome(input.kind, theirs.value);
        got = 'outcome' in w ? w.outcome : { unreadable: w.unreadable };
        differences = 'outcome' in w ? outcomeDifferences(input.kind, want, got, meanings) : [{ path: 'kind', model: 'an outcome', implementation: 'an answer that is not an outcome' }];
      }
      if (differences.length > 0) throw new Divergence({ about: 'outcome', step: steps, request: requests, action: input.wire, model: want, implementation: got, differences });
      return mine;
    },
    async observe(party: Party): Promise<View | null> {
      requests++;
      const mine = model.observe(party);
      if (notes.notModelled.has(party.kind)) return mine;
      const theirs = await ask(() => implementation.observe(party));
      if (!theirs.ok && theirs.error instanceof PartyNotModelled) {
        notes.notModelled.add(party.kind);
        return mine;
      }
      const want = viewWire(mine) ?? null;
      let got: Json;
      let differences;
      if (!theirs.ok) {
        got = { threw: theirs.threw };
        differences = [{ path: '$', model: mine === null ? 'no such party' : 'a view', implementation: `threw "${theirs.threw}"` }];
      } else {
        const w = viewWire(theirs.value);
        const readable = w !== undefined && (w === null || (w as { party?: Json }).party === party.kind);
        got = readable ? w : { unreadable: spellValue(theirs.value) };
        differences = readable ? wireDiff(want, w) : [{ path: '$', model: mine === null ? 'no such party' : 'a view', implementation: `an answer that is not a ${party.kind} view` }];
      }
      if (differences.length > 0) throw new Divergence({ about: 'view', step: steps, request: requests, party: partyToWire(party), model: want, implementation: got, differences });
      return mine;
    },
  };
}
