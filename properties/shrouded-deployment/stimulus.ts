/**
 * The stimulus of mechanism 8: every guard of each action kind failed alone, and every pair that
 * can fail together, each answered with the code of the first failing guard in `guardsOf` order;
 * a rejection changes nothing the host manager sees. A scenario is a setup (the client's own
 * verification, release and deployment) and one action, both made from the failing guards' names.
 * @module
 */
import fc from 'fast-check';
import { guardsOf, type Action, type ActionKind } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { AT, CONFIG, GARBAGE, HONEST, HOSTILE, imageFor, MACHINE, NO_MACHINE } from './fixtures.js';

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = CONFIG;

/** The action kinds of mechanism 8. */
export const STIMULUS_KINDS = ['shroud-auth-info', 'shroud-verify-host', 'shroud-release', 'shroud-deploy', 'shroud-set-setting'] as const;

type Kind = (typeof STIMULUS_KINDS)[number];

const SHAPE = 'shape of an action';
const CLIENT = 1;
const STRANGER = 2;

const verifyHonest = (client: number, machine: number): Action => ({ kind: 'shroud-verify-host', client, machine, hkd: HONEST.hkd, certificates: [...HONEST.certificates], crls: [...HONEST.crls], at: AT });
// A revoked document: the hostile host of the 'host authentic' scenarios (IBM's hkd04).
const hostile = HOSTILE.find((h) => h.failedCheck === 'hkd-revoked') ?? { info: HONEST, at: AT };
const verifyHostile = (client: number, machine: number): Action => ({ kind: 'shroud-verify-host', client, machine, hkd: hostile.info.hkd, certificates: [...hostile.info.certificates], crls: [...hostile.info.crls], at: hostile.at });
const releaseImage = (client: number, machine: number, host = 0): Action => ({ kind: 'shroud-release', client, machine, what: 'image', payload: imageFor(host).header });

/** A scenario's setup and action from the set of guards that must fail. */
type Build = (failing: ReadonlySet<string>) => { readonly setup: readonly Action[]; readonly action: Record<string, unknown> };

const BUILDS: Readonly<Record<Kind, Build>> = {
  'shroud-auth-info': (f) => ({ setup: [], action: { kind: 'shroud-auth-info', machine: f.has('machine exists') ? NO_MACHINE : MACHINE } }),
  'shroud-verify-host': (f) => ({
    setup: [],
    action: { ...verifyHonest(CLIENT, f.has('machine exists') ? NO_MACHINE : MACHINE), ...(f.has('authentication information is X.509') ? { crls: [HONEST.crls[0], GARBAGE] } : {}) },
  }),
  'shroud-release': (f) => ({
    setup: [f.has('host authentic') ? verifyHostile(CLIENT, MACHINE) : verifyHonest(CLIENT, MACHINE)],
    action: {
      kind: 'shroud-release',
      client: f.has('host verified') ? STRANGER : CLIENT,
      machine: f.has('machine exists') ? NO_MACHINE : MACHINE,
      what: 'image',
      payload: f.has('image is an SE header') ? GARBAGE : imageFor(f.has('image built for the host') ? 2 : 0).header,
    },
  }),
  'shroud-deploy': (f) => ({
    setup: [verifyHonest(CLIENT, MACHINE), ...(f.has('image released') ? [] : [releaseImage(CLIENT, MACHINE)]), ...(f.has('host authentic') ? [verifyHostile(CLIENT, MACHINE)] : [])],
    action: { kind: 'shroud-deploy', client: f.has('host verified') ? STRANGER : CLIENT, machine: f.has('machine exists') ? NO_MACHINE : MACHINE },
  }),
  'shroud-set-setting': (f) => ({
    setup: f.has('hypervisor not immutable') ? [verifyHonest(CLIENT, MACHINE), releaseImage(CLIENT, MACHINE), { kind: 'shroud-deploy', client: CLIENT, machine: MACHINE }] : [],
    action: { kind: 'shroud-set-setting', machine: f.has('machine exists') ? NO_MACHINE : MACHINE, by: 'host-manager', setting: 'dump', value: 1n },
  }),
};

/** Pairs no request can make fail together, by their key, and why (the vectors' test reads this). */
export const SHROUD_IMPOSSIBLE: Readonly<Record<string, string>> = {
  'shroud-release: host verified + host authentic': 'a client that never verified the host has no verdict to be invalid',
  'shroud-deploy: host verified + host authentic': 'a client that never verified the host has no verdict to be invalid',
  'shroud-release: image is an SE header + image built for the host': 'what is not an SE header has no key slot to name another host',
};

/** A scenario: its kind and the guards it makes fail, in guard order. */
interface Scenario {
  readonly kind: Kind;
  readonly failing: readonly string[];
}

function labelOf(s: Scenario): string {
  return s.failing.length === 1 ? `${s.kind}: only '${s.failing[0] ?? ''}' fails` : `${s.kind}: ${s.failing.join(' + ')}`;
}

/** Every guard alone, then every pair that can fail together, per kind in kind order. */
function scenarios(): readonly Scenario[] {
  return STIMULUS_KINDS.flatMap((kind) => {
    const names = guardsOf(kind).map((g) => g.name);
    const singles = names.map((n) => ({ kind, failing: [n] }));
    const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ kind, failing: [a, b] }))).filter((p) => !(labelOf(p) in SHROUD_IMPOSSIBLE));
    return [...singles, ...pairs];
  });
}

/** The labels of the scenarios, in order. */
export function scenarioLabels(): readonly string[] {
  return scenarios().map(labelOf);
}

function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of its kind
  if (g === undefined) throw new Error(`${s.kind}: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

function actionOf(s: Scenario): { setup: readonly Action[]; action: Record<string, unknown> } {
  const f = new Set(s.failing);
  const built = BUILDS[s.kind](f);
  // The shape edit: the machine as text, not an ID.
  return f.has(SHAPE) ? { setup: built.setup, action: { ...built.action, machine: 'machine zero' } } : built;
}

function* seen(): Calls<string> {
  return JSON.stringify(yield* sut.observe({ kind: 'host-manager' }));
}

/** REQ-SHROUD-2 to REQ-SHROUD-6: each guard alone and pairs, with its code; a rejection changes nothing the host manager sees. */
export const shroudGuards = defineProperty({
  mechanism: 'shrouded-deployment',
  name: 'stimulus-each-guard',
  requirements: ['REQ-SHROUD-2', 'REQ-SHROUD-3', 'REQ-SHROUD-4', 'REQ-SHROUD-5', 'REQ-SHROUD-6'],
  statement:
    'Every guard of every shrouded-deployment action failed alone on an otherwise well-formed request, and every pair of guards that can fail together, are refused with the code of the first failing guard in the spec order, and a refusal changes nothing the host manager sees.',
  arbitrary: fc.record({ order: fc.nat() }),
  *run({ order }) {
    const all = scenarios();
    const list = all.map((_, i) => all[(i + order) % all.length] ?? all[0]);
    for (const s of list) {
      if (s === undefined) continue;
      const { setup, action } = actionOf(s);
      yield* sut.reset(STIMULUS_CONFIG);
      for (const a of setup) yield* expectAccepted('REQ-SHROUD-5', a.kind, yield* sut.apply(a), `${labelOf(s)}: setup`);
      const before = yield* seen();
      // The context names the label, the setup and the failing guards, as the vectors read them.
      yield* expectCode(s.kind as ActionKind, yield* sut.apply(action), expectedCode(s), `${labelOf(s)}; in ${setup.length === 0 ? 'a fresh world' : `a world after ${setup.map((a) => a.kind).join(' then ')}`}, failing: ${s.failing.join(', ')}`);
      yield* holds('REQ-PLATFORM-7', (yield* seen()) === before, `${labelOf(s)}: the refusal changed what the host manager sees`);
    }
  },
});

/** The accepted path of each kind, for the vectors: a reset, the honest setup and the action. */
export const ACCEPTED_PATH: Readonly<Record<Kind, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* (): Calls<void> {
      yield* sut.reset(STIMULUS_CONFIG);
      const { setup, action } = BUILDS[kind](new Set());
      for (const a of setup) yield* sut.apply(a);
      const out = yield* sut.apply(action);
      yield* holds('REQ-SHROUD-5', out.kind === 'accepted', `the accepted path of ${kind} was refused: ${out.kind === 'rejected' ? out.code : ''}`);
    },
  ]),
) as Record<Kind, () => Calls<void>>;
