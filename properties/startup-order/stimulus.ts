/**
 * The stimulus of mechanism 5: every guard of every startup call failed alone, and every pair of
 * guards that can fail together, from states an honest guest reaches, each answered with the code
 * of the first failing guard in `guardsOf` order; and a rejection changes nothing any party of the
 * guest sees (REQ-PLATFORM-7). The scenarios are built from the guard names: a list defect per
 * list guard, a state per state guard; the codes, requirements and order come from the model's tables.
 * @module
 */
import fc from 'fast-check';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import type { Entry } from '../../model/startup-order/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { createdGuest } from '../image-unpack/schedules.js';
import { MACHINE } from '../image-unpack/fixtures.js';
import { dumpImage, runningGuest } from '../secure-dump/fixtures.js';
import { snapshot } from '../views.js';
import { START_CONFIG, type StartupList } from './fixtures.js';
import { withDefect, type Defect } from './lists.js';

/** The startup calls, in the order of the spec. */
export const STIMULUS_KINDS: readonly ActionKind[] = ['startup-load', 'startup-step', 'startup-run'];

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = START_CONFIG;

/** The guest of a scenario: missing, created (not running), running without a list, with a running list, with an ended list. */
type Role = 'missing' | 'created' | 'booted' | 'loaded' | 'ended';

const SHAPE = 'shape of an action';
const EXISTS = 'guest exists';

/** The guard a state fails, by role; the list guards fail by a defect of the loaded list. */
const ROLE_OF: Readonly<Record<string, Role>> = { [EXISTS]: 'missing', 'guest running': 'created', 'no list loaded': 'loaded', 'a list is loaded': 'booted', 'the list has not ended': 'ended' };
const DEFECT_OF: Readonly<Record<string, Defect>> = {
  'list within bounds': 'too-long',
  'names well formed': 'bad-name',
  'process names unique': 'duplicate-process',
  'each resource defined once': 'duplicate-resource',
};

/**
 * The pairs of guards no reachable state lets fail together, by their key (`kind: a + b`), and why.
 */
export const START_IMPOSSIBLE: Readonly<Record<string, string>> = {
  'startup-load: guest exists + guest running': 'a guest that does not exist has no phase',
  'startup-load: guest exists + no list loaded': 'a guest that does not exist has no list',
  'startup-load: guest running + no list loaded': 'a list loads only into a running guest, which stays running',
  'startup-step: guest exists + the list has not ended': 'a guest that does not exist has no list to end',
  'startup-step: a list is loaded + the list has not ended': 'a list that was never loaded has not run',
  'startup-run: guest exists + the list has not ended': 'a guest that does not exist has no list to end',
  'startup-run: a list is loaded + the list has not ended': 'a list that was never loaded has not run',
};

/** One scenario: a call by the guest of a role, the guards it makes fail (in order), and the pair it stands for. */
interface Scenario {
  readonly kind: ActionKind;
  readonly role: Role;
  readonly failing: readonly string[];
  readonly pair?: readonly [string, string];
}

/** The scenario in which the guards `names` fail. */
function scenarioOf(kind: ActionKind, names: readonly string[], pair?: readonly [string, string]): Scenario {
  const state = names.find((n) => n in ROLE_OF);
  const role: Role = state === undefined ? (kind === 'startup-load' ? 'booted' : 'loaded') : (ROLE_OF[state] as Role);
  const ordered = guardsOf(kind).map((g) => g.name).filter((n) => names.includes(n));
  return pair === undefined ? { kind, role, failing: ordered } : { kind, role, failing: ordered, pair };
}

/** Every single-guard scenario and every possible pair, from the guard lists. */
function scenarios(): readonly Scenario[] {
  return STIMULUS_KINDS.flatMap((kind) => {
    const names = guardsOf(kind).map((g) => g.name);
    const singles = names.map((n) => scenarioOf(kind, [n]));
    const pairs = names.flatMap((a, i) => names.slice(i + 1).filter((b) => !(`${kind}: ${a} + ${b}` in START_IMPOSSIBLE)).map((b) => scenarioOf(kind, [a, b], [a, b])));
    return [...singles, ...pairs];
  });
}

/** The scenarios, computed once. */
function allScenarios(): readonly Scenario[] {
  cache ??= scenarios();
  return cache;
}
let cache: readonly Scenario[] | undefined;

/** The labels of the scenarios (single guards and pairs), in scenario order. */
export function scenarioLabels(): readonly string[] {
  return allScenarios().map(labelOf);
}

/** The label of a scenario, as the vectors read it. */
function labelOf(s: Scenario): string {
  return s.pair === undefined ? `${s.kind}: only '${s.failing[0] ?? ''}' fails` : `${s.kind}: ${s.pair[0]} + ${s.pair[1]}`;
}

/** The code of the first failing guard in `guardsOf` order. */
function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of its kind
  if (g === undefined) throw new Error(`${s.kind}: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

/** The small well-formed list of variant `v`: b needs a; c, in some variants, needs b. */
function baseList(v: number): StartupList {
  const entries: Entry[] = [
    { name: 'a', defines: 'r:a', requires: v % 2 === 0 ? [] : ['dev'] },
    { name: 'b', defines: 'r:b', requires: ['r:a'] },
  ];
  if (v % 3 !== 0) entries.push({ name: 'c', defines: 'r:c', requires: ['r:b'] });
  return { entries, provided: v % 2 === 0 ? [] : ['dev'] };
}

/** The action of a scenario for `guest`. */
function actionOf(s: Scenario, guest: number, v: number): Record<string, unknown> {
  const id = s.failing.includes(SHAPE) ? String(guest) : guest;
  if (s.kind !== 'startup-load') return { kind: s.kind, guest: id };
  // The defects in an order that keeps each: too-long pads the list last.
  const defects = s.failing.flatMap((n) => (n in DEFECT_OF ? [DEFECT_OF[n] as Defect] : [])).reverse();
  const list = defects.reduce((l, d) => withDefect(l, d, v), baseList(v));
  return { kind: s.kind, guest: id, entries: list.entries, provided: list.provided };
}

/** Starts over and makes the guest of `role`; its ID. */
function* setUp(role: Role, v: number): Calls<number> {
  yield* sut.reset(STIMULUS_CONFIG);
  if (role === 'missing') return 1_000_000;
  const image = dumpImage(true, 0);
  if (role === 'created') return createdGuest(yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.minPages }));
  const guest = yield* runningGuest(image, image.minPages);
  if (role === 'booted') return guest;
  const list = baseList(v);
  yield* expectAccepted('REQ-START-1', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), `the ${role} guest`);
  if (role === 'ended') yield* expectAccepted('REQ-START-3', 'startup-run', yield* sut.apply({ kind: 'startup-run', guest }), 'end the list');
  return guest;
}

/** REQ-START-1 to REQ-START-3: each guard alone and every pair that can fail together, with its code; rejections change nothing. */
export const startupGuards = defineProperty({
  mechanism: 'startup-order',
  name: 'stimulus-each-guard',
  requirements: ['REQ-START-1', 'REQ-START-2', 'REQ-START-3'],
  statement:
    'From states an honest guest reaches (no guest, a guest not running, a running guest without a list, with a list running, with a list ended), every startup call whose guards fail, alone or two at once, is refused with the code of the first failing guard in the spec order, and the refusal changes nothing the parties of the guest see.',
  arbitrary: fc.record({ variant: fc.nat(5), order: fc.nat() }),
  *run({ variant, order }) {
    const all = allScenarios();
    const list = all.map((s, i) => all[(i + order) % all.length] ?? s);
    for (const s of list) {
      const guest = yield* setUp(s.role, variant);
      const before = yield* snapshot([guest]);
      const label = labelOf(s);
      yield* expectCode(s.kind, yield* sut.apply(actionOf(s, guest, variant)), expectedCode(s), `${label}; in ${s.role}, failing: ${s.failing.join(', ')}`);
      yield* holds('REQ-PLATFORM-7', (yield* snapshot([guest])) === before, `${label}: the rejection changed what the parties see`);
    }
  },
});

/**
 * The lists of the accepted paths, by kind: the step path's list has an entry fetched when one of
 * its two requirements exists (a scheduler that starts it then diverges), the run path's an entry
 * that waits on the last one of the pass (a scheduler that ends the pass early diverges).
 */
const PATH_LISTS: Readonly<Record<string, StartupList>> = {
  'startup-load': baseList(1),
  'startup-step': {
    entries: [
      { name: 'a', defines: 'r:a', requires: ['dev'] },
      { name: 'x', defines: 'r:x', requires: ['r:a', 'r:b'] },
      { name: 'b', defines: 'r:b', requires: ['r:a'] },
    ],
    provided: ['dev'],
  },
  'startup-run': {
    entries: [
      { name: 'y', defines: 'r:y', requires: ['r:z'] },
      { name: 'z', defines: 'r:z', requires: [] },
    ],
    provided: [],
  },
};

/** For each startup call, calls from a reset whose every step is accepted and whose last step is that call (for the vectors). */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      const guest = yield* setUp('booted', 1);
      const list = PATH_LISTS[kind] ?? baseList(1);
      yield* expectAccepted('REQ-START-1', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), 'the accepted path');
      // The step path fetches to the end of its list: every fetch is accepted.
      const calls = kind === 'startup-step' ? 4 : kind === 'startup-run' ? 1 : 0;
      for (let i = 0; i < calls; i++) yield* expectAccepted('REQ-START-4', kind, yield* sut.apply({ kind, guest }), 'the accepted path');
    },
  ]),
);
