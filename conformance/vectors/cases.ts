/**
 * The cases of the vectors, as sequences of inputs to apply after a reset: for every handler the
 * accepted path, every single failure condition, every pair of conditions that can fail
 * together, each handler in each phase, and a few long adversarial schedules.
 *
 * The failure cases are not built here: the stimulus properties
 * (properties/image-unpack/stimulus.ts) already know how to provoke each guard of each handler
 * from a state an honest hypervisor reaches. They are run once on the model with a fixed image
 * and seed, and their requests are watched: each action the property checks against a guard's
 * code (its assertion names the scenario: `<kind>: only '<guard>' fails`, `<kind>: <a> + <b>`,
 * `<kind> in <phase>`) becomes a case, after the honest actions that led to its state since the
 * last reset. The schedules come from the adversarial generator (schedules.ts) with a fixed seed.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, modelSystem, rowForKind, type ActionKind, type ModelSystem, type PlatformOutcome, type WorldConfig } from '../../model/platform/index.js';
import { CONFIG, SUITE, type TestImage } from '../../properties/image-unpack/fixtures.js';
import { arbSchedule, honestSchedule, runSchedule, type Move } from '../../properties/image-unpack/schedules.js';
import { codesByPhase, guardAlone, guardPairs, pairsOf, STIMULUS_KINDS } from '../../properties/image-unpack/stimulus.js';
import { sut, type Calls } from '../../properties/sut-calls.js';
import type { ModelProperty } from '../../properties/property.js';
import { vectorImages } from './images.js';
import { slug, type VectorResult } from './layout.js';
import { CASE_SOURCES, type CaseSource } from './sources.js';

/** The seed of the stimulus properties' choices (which candidate scenario, how many pages in `unpacking-k`). */
export const STIMULUS_SEED = 1;
/** The seed the adversarial schedules are drawn with. */
export const SCHEDULE_SEED = 8;
/** How many adversarial schedules (the longest of {@link SCHEDULE_DRAWS} draws). */
export const SCHEDULES = 4;
/** How many schedules are drawn to take the longest from. */
export const SCHEDULE_DRAWS = 400;

/** The requirement an accepted action of each kind satisfies (as the honest steps of the properties assert it). */
export const ACCEPTED_REQUIREMENT: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'create-guest': 'REQ-PLATFORM-4',
  'destroy-guest': 'REQ-PLATFORM-5',
  'set-header': 'REQ-UNPACK-4',
  unpack: 'REQ-UNPACK-11',
  verify: 'REQ-UNPACK-12',
  start: 'REQ-UNPACK-13',
};

/** One case before it is run: where it goes, what it says, and the inputs to apply after `reset(CONFIG)`. */
export interface CaseSpec {
  /** The world the case resets to before its inputs. */
  readonly config: WorldConfig;
  readonly handler: ActionKind | 'schedule';
  readonly name: string;
  readonly description: string;
  readonly flags: readonly string[];
  /** The result the case must have; checked against the model when it is exported. */
  readonly result: VectorResult;
  /** The rejection of the last step (null: accepted), when the case is about one. */
  readonly expected?: { readonly code: string; readonly requirement: RequirementId } | null;
  readonly requirements: readonly RequirementId[];
  /** What is applied, in order (actions, or the hostile values the properties make). */
  readonly inputs: readonly unknown[];
}

/** What a property asked of the model, in order. */
type Event = { readonly op: 'reset' } | { readonly op: 'apply'; readonly value: unknown; readonly outcome: PlatformOutcome } | { readonly op: 'assert'; readonly message: string };

/** Runs `calls` on `model`, answering every request, and returns the resets, applies and assertions. */
function watch(calls: Calls<unknown>, model: ModelSystem, config: WorldConfig = CONFIG): Event[] {
  const events: Event[] = [];
  let reply: unknown;
  for (;;) {
    const next = calls.next(reply);
    if (next.done === true) return events;
    const r = next.value;
    reply = undefined;
    switch (r.op) {
      case 'reset':
        if (r.config !== config) throw new Error('vectors: a property reset to another configuration than its source’s');
        model.reset(r.config);
        events.push({ op: 'reset' });
        break;
      case 'apply': {
        const outcome = model.apply(r.action);
        events.push({ op: 'apply', value: r.action, outcome });
        reply = outcome;
        break;
      }
      case 'observe':
        reply = model.observe(r.party);
        break;
      case 'assert':
        // The model is the reference: a property failing on it is a bug of the model or the property.
        if (!r.ok) throw new Error(`vectors: a property failed on the model: ${r.message}`);
        events.push({ op: 'assert', message: r.message });
        break;
    }
  }
}

const model = (): ModelSystem => modelSystem({ suite: SUITE });

/** A scenario label of the stimulus properties, and what it says. */
interface Label {
  readonly kind: ActionKind;
  readonly label: string;
  /** single: one guard; pair: two guards, the first decides; phase: the honest action in a phase. */
  readonly type: 'single' | 'pair' | 'phase';
  readonly guards: readonly string[];
}

/** The labels the stimulus properties of `kinds` give their scenarios (see image-unpack/stimulus.ts SINGLES, PAIRS, BY_PHASE). */
function labels(kinds: readonly ActionKind[]): Label[] {
  return kinds.flatMap((kind): Label[] => [
    ...guardsOf(kind).map((g): Label => ({ kind, label: `${kind}: only '${g.name}' fails`, type: 'single', guards: [g.name] })),
    ...pairsOf(kind).map((p): Label => ({ kind, label: p.key, type: 'pair', guards: [p.a, p.b] })),
  ]);
}

/** A scenario the stimulus property checked: its label, state and failing guards, and the inputs that reach and provoke it. */
interface Watched {
  readonly kind: ActionKind;
  readonly type: Label['type'];
  readonly guards: readonly string[];
  readonly setup: string;
  readonly failing: readonly string[];
  readonly inputs: readonly unknown[];
}

const MESSAGE = /^; in ([^,]+), failing: (.*)\): expected /;

/**
 * The scenarios of a stimulus property run: each apply whose next assertion is the property's
 * check of a scenario's code, with the applies since the last reset that were not such checks
 * (the honest prefix; rejected checks change nothing but a verify failure, which the property
 * provokes only on a guest of its own, after a reset).
 */
function scenarios(events: readonly Event[], known: readonly Label[], kinds: readonly ActionKind[]): Watched[] {
  const out: Watched[] = [];
  let prefix: unknown[] = [];
  let last: { readonly value: unknown } | undefined;
  for (const e of events) {
    if (e.op === 'reset') {
      prefix = [];
      last = undefined;
    } else if (e.op === 'apply') {
      if (last !== undefined) prefix.push(last.value);
      last = { value: e.value };
    } else if (last !== undefined) {
      const w = scenarioOf(e.message, known, kinds);
      if (w === undefined) continue;
      out.push({ ...w, inputs: [...prefix, last.value] });
      last = undefined;
    }
  }
  return out;
}

/** The scenario an assertion message of `expectCode` names, if it names one. */
function scenarioOf(message: string, known: readonly Label[], kinds: readonly ActionKind[]): Omit<Watched, 'inputs'> | undefined {
  for (const l of known) {
    const head = `${l.kind} (${l.label}`;
    if (!message.startsWith(head)) continue;
    const m = MESSAGE.exec(message.slice(head.length));
    if (m === null) continue;
    const failing = guardList(l.kind, m[2] ?? '');
    return { kind: l.kind, type: l.type, guards: l.guards, setup: m[1] ?? '', failing };
  }
  const phase = /^(\S+) \(\1 in ([^;]+); in \2, failing: (.*)\): expected /.exec(message);
  if (phase === null || !kinds.includes(phase[1] as ActionKind)) return undefined;
  const kind = phase[1] as ActionKind;
  return { kind, type: 'phase', guards: [], setup: phase[2] ?? '', failing: guardList(kind, phase[3] ?? '') };
}

/**
 * The guard names of `kind` in a `, `-joined list. A guard's name may hold `, ` itself
 * ('magic, user-data type, version'), so the list is read against the names, longest first.
 */
function guardList(kind: ActionKind, text: string): string[] {
  const names = guardsOf(kind)
    .map((g) => g.name)
    .sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let rest = text;
  while (rest !== '') {
    const name = names.find((n) => rest === n || rest.startsWith(`${n}, `));
    if (name === undefined) throw new Error(`vectors: ${kind} has no guard at '${rest}'`);
    out.push(name);
    rest = rest.slice(Math.min(rest.length, name.length + 2));
  }
  return out;
}

/** The guard of `kind` named `name`. */
function guard(kind: ActionKind, name: string): { readonly name: string; readonly code: string; readonly requirement: RequirementId } {
  const g = guardsOf(kind).find((x) => x.name === name);
  if (g === undefined) throw new Error(`vectors: ${kind} has no guard '${name}'`);
  return g;
}

/** The case of a watched scenario. */
function failureCase(w: Watched, config: WorldConfig): CaseSpec {
  const first = guard(w.kind, w.failing[0] ?? '');
  const recorded = rowForKind(w.kind, first.code)?.recorded === true;
  const requirements = [first.requirement, ...(recorded ? [] : (['REQ-PLATFORM-7'] as const))];
  const flags = w.failing.map(slug);
  const fails = `failing: ${w.failing.map((g) => `'${g}'`).join(', ')}`;
  const expect = `expected ${first.code} (${first.requirement})${recorded ? ', recorded' : ', and no view changes'}`;
  const common = { config, handler: w.kind, flags, result: 'invalid' as const, expected: { code: first.code, requirement: first.requirement }, requirements: [...new Set(requirements)].sort() };
  switch (w.type) {
    case 'single':
      return { ...common, name: `only-${slug(w.guards[0] ?? '')}`, description: `${w.kind} in ${w.setup} where only '${w.guards[0] ?? ''}' fails: ${expect}.`, inputs: w.inputs };
    case 'pair':
      return {
        ...common,
        name: `pair-${slug(w.guards[0] ?? '')}--${slug(w.guards[1] ?? '')}`,
        description: `${w.kind} in ${w.setup} where '${w.guards[0] ?? ''}' and '${w.guards[1] ?? ''}' fail together (${fails}): the guard listed first decides, ${expect}.`,
        inputs: w.inputs,
      };
    case 'phase':
      return { ...common, name: `in-${slug(w.setup)}`, description: `${w.kind} as the honest schedule sends it, in ${w.setup} (${fails}): ${expect}.`, inputs: w.inputs };
  }
}

/** The applies of `calls` run on a fresh model. */
function inputsOf(calls: Calls<unknown>, config: WorldConfig = CONFIG): { readonly value: unknown; readonly outcome: PlatformOutcome }[] {
  return watch(calls, model(), config).flatMap((e) => (e.op === 'apply' ? [e] : []));
}

/** The accepted case of `kind`: every step of `calls` (which end in an accepted call of `kind`) is accepted. */
function acceptedCaseOf(source: CaseSource, kind: ActionKind, calls: () => Calls<unknown>): CaseSpec {
  const inputs = inputsOf(calls(), source.config);
  const refused = inputs.find((i) => i.outcome.kind !== 'accepted');
  if (refused !== undefined) throw new Error(`vectors: the accepted path of ${kind} has a refused step`);
  const last = inputs[inputs.length - 1]?.value as { kind?: string } | undefined;
  if (last?.kind !== kind) throw new Error(`vectors: the accepted path of ${kind} does not end in ${kind}`);
  const reqs = new Set<RequirementId>();
  for (const i of inputs) {
    const k = (i.value as { kind: ActionKind }).kind;
    const r = source.acceptedRequirement[k] ?? ACCEPTED_REQUIREMENT[k];
    if (r !== undefined) reqs.add(r);
  }
  return {
    config: source.config,
    handler: kind,
    name: 'accepted',
    description: `a path up to ${kind}: every step is accepted (${inputs.length} steps).`,
    flags: ['accepted'],
    result: 'valid',
    expected: null,
    requirements: [...reqs].sort(),
    inputs: inputs.map((i) => i.value),
  };
}

/** The accepted and failure cases of a mechanism's source. */
function sourceCases(source: CaseSource): CaseSpec[] {
  const known = labels(source.kinds);
  const watched = source.stimuli.flatMap((run) => scenarios(watch(run(), model(), source.config), known, source.kinds));
  const key = (w: Watched): string => `${w.kind}|${w.setup}|${w.failing.join(',')}`;
  const targeted = new Set(watched.filter((w) => w.type !== 'phase').map(key));
  const failures = watched.filter((w) => w.type !== 'phase' || !targeted.has(key(w))).map((w) => failureCase(w, source.config));
  return source.kinds.flatMap((kind) => {
    const path = source.accepted[kind];
    return [...(path === undefined ? [] : [acceptedCaseOf(source, kind, path)]), ...failures.filter((c) => c.handler === kind)];
  });
}

/** The honest schedule of the own image up to the first accepted action of `kind`, and a destroy after start. */
function acceptedCase(kind: ActionKind, own: TestImage): CaseSpec {
  const honest = honestSchedule(own.pages.length);
  const upTo: Readonly<Partial<Record<ActionKind, number>>> = {
    'create-guest': 0,
    'set-header': 1,
    unpack: 2,
    verify: honest.length - 1,
    start: honest.length,
    'destroy-guest': honest.length,
  };
  const moves = honest.slice(0, upTo[kind] ?? 0);
  const inputs = inputsOf(
    (function* () {
      const r = yield* runSchedule(own, own, moves);
      if (kind === 'destroy-guest') yield* sut.apply({ kind: 'destroy-guest', guest: r.guest });
    })(),
  );
  const kinds = new Set(inputs.map((i) => (i.value as { kind: ActionKind }).kind));
  return {
    config: CONFIG,
    handler: kind,
    name: 'accepted',
    description: `the honest path up to ${kind}: every step is accepted (${inputs.length} steps).`,
    flags: ['accepted'],
    result: 'valid',
    expected: null,
    requirements: [...kinds].flatMap((k) => ACCEPTED_REQUIREMENT[k] ?? []).sort(),
    inputs: inputs.map((i) => i.value),
  };
}

/** The `SCHEDULES` longest of a fixed sample of adversarial schedules, in the order drawn. */
function adversarial(own: TestImage, foreign: TestImage): { readonly moves: Move[]; readonly draw: number }[] {
  const drawn = fc.sample(arbSchedule(own.pages.length, foreign.pages.length), { seed: SCHEDULE_SEED, numRuns: SCHEDULE_DRAWS });
  const longest = drawn
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.length - a.s.length || a.i - b.i)
    .slice(0, SCHEDULES)
    .sort((a, b) => a.i - b.i);
  return longest.map((x) => ({ moves: x.s, draw: x.i + 1 }));
}

/** A schedule as a case: every step pinned, flagged with the codes it reaches. */
function scheduleCase(moves: readonly Move[], n: number, draw: number, own: TestImage, foreign: TestImage): CaseSpec {
  const steps = inputsOf(runSchedule(own, foreign, moves));
  const codes = [...new Set(steps.flatMap((s) => (s.outcome.kind === 'rejected' ? [s.outcome.code] : [])))];
  const reqs = new Set<RequirementId>();
  for (const s of steps) {
    const r = s.outcome.kind === 'rejected' ? s.outcome.requirement : ACCEPTED_REQUIREMENT[(s.value as { kind: ActionKind }).kind];
    if (r !== undefined) reqs.add(r);
  }
  const last = steps[steps.length - 1]?.outcome;
  const accepted = steps.filter((s) => s.outcome.kind === 'accepted').length;
  return {
    config: CONFIG,
    handler: 'schedule',
    name: `schedule-${n}`,
    description: `an adversarial schedule of the hypervisor (seed ${SCHEDULE_SEED}, draw ${draw} of ${SCHEDULE_DRAWS}) over an image of ${own.pages.length} pages and a foreign one of ${foreign.pages.length}: ${steps.length} steps, ${accepted} accepted; every outcome and view is pinned.`,
    flags: ['adversarial-schedule', ...codes],
    result: last?.kind === 'accepted' ? 'valid' : 'invalid',
    expected: last === undefined || last.kind === 'accepted' ? null : { code: last.code, requirement: last.requirement },
    requirements: [...reqs].sort(),
    inputs: steps.map((s) => s.value),
  };
}

/** The stimulus property runs the cases are taken from. */
const STIMULI: readonly ModelProperty<[TestImage, number]>[] = [guardAlone, guardPairs, codesByPhase];

/**
 * Every case (of `mechanisms`' folders, default all), deterministic: same inputs on every run and machine.
 * @example
 * ```ts
 * const cases = allCases();
 * cases.filter((c) => c.handler === 'unpack').map((c) => c.name); // ['accepted', 'only-shape-of-an-action', …]
 * ```
 */
export function allCases(mechanisms?: readonly string[]): CaseSpec[] {
  const wanted = (m: string): boolean => mechanisms === undefined || mechanisms.includes(m);
  const sources = CASE_SOURCES.filter((s) => wanted(s.mechanism));
  // Image-unpack's stimuli also give the platform's lifecycle cases.
  if (!wanted('image-unpack') && !wanted('platform')) return sources.flatMap(sourceCases);
  const { own, foreign, long } = vectorImages();
  const known = labels(STIMULUS_KINDS);
  const watched = STIMULI.flatMap((p) => scenarios(watch(p.run([own, STIMULUS_SEED], undefined), model()), known, STIMULUS_KINDS));
  // A phase case in the same state with the same failing guards as a single or pair case adds nothing.
  const key = (w: Watched): string => `${w.kind}|${w.setup}|${w.failing.join(',')}`;
  const targeted = new Set(watched.filter((w) => w.type !== 'phase').map(key));
  const failures = watched.filter((w) => w.type !== 'phase' || !targeted.has(key(w))).map((w) => failureCase(w, CONFIG));
  const kinds = [...new Set([...STIMULUS_KINDS, ...(Object.keys(ACCEPTED_REQUIREMENT) as ActionKind[])])];
  const byKind = kinds.flatMap((kind) => [acceptedCase(kind, own), ...failures.filter((c) => c.handler === kind)]);
  const schedules = wanted('image-unpack') ? adversarial(long, foreign).map((a, i) => scheduleCase(a.moves, i + 1, a.draw, long, foreign)) : [];
  return [...byKind, ...schedules, ...sources.flatMap(sourceCases)];
}
