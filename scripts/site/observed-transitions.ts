/**
 * The lifecycle transitions the model really takes: every vector case (conformance/vectors) run
 * on the model, and for each step every guest whose phase changed, or the acted-on guest when
 * the step was accepted, recorded as (module, phase before, action kind, phase after, outcome).
 * The site's state diagrams are checked against this, so a diagram cannot drift from the reducer.
 * @module
 */
import { modelSystem, moduleOf, type ActionKind } from '../../model/platform/index.js';
import type { LifecyclePhase, Transition } from '../../model/platform/transitions.js';
import { SUITE } from '../../properties/image-unpack/fixtures.js';
import { allCases } from '../../conformance/vectors/cases.js';
import type { World } from '../../model/world/world.js';

/** The phase of every guest of a world, by ID. */
function phases(world: World): Map<number, LifecyclePhase> {
  const out = new Map<number, LifecyclePhase>();
  for (const [id, g] of world.guests) out.set(id, g.phase);
  return out;
}

/** The guest an action names in its `guest` field, if it has one. */
function actedOn(input: unknown): number | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const g = (input as { guest?: unknown }).guest;
  return typeof g === 'number' ? g : undefined;
}

/** A transition's identity, for sets. */
export function transitionKey(t: Transition): string {
  return `${t.module}|${t.from}|${t.action}|${t.to}|${t.outcome}`;
}

/**
 * Every distinct transition the vector cases take on the model (of the given mechanism folders;
 * default all), sorted by key.
 */
export function observedTransitions(mechanisms?: readonly string[]): Transition[] {
  const seen = new Map<string, Transition>();
  for (const c of allCases(mechanisms)) {
    const sut = modelSystem({ suite: SUITE });
    sut.reset(c.config);
    for (const input of c.inputs) {
      const before = phases(sut.world);
      const outcome = sut.apply(input);
      const after = phases(sut.world);
      if (outcome.kind === 'rejected' && outcome.code === 'MALFORMED_ACTION') continue;
      const kind = (input as { kind: ActionKind }).kind;
      const module = moduleOf(kind).name;
      const ids = new Set([...before.keys(), ...after.keys()]);
      const guest = actedOn(input);
      for (const id of ids) {
        const from = before.get(id) ?? 'none';
        const to = after.get(id) ?? 'none';
        const accepted = outcome.kind === 'accepted';
        // A rejection that leaves every phase as it was changes no lifecycle: not a transition.
        if (from === to && !(accepted && (id === guest || (guest === undefined && kind !== 'create-guest')))) continue;
        const t: Transition = { module, from, action: kind, to, outcome: accepted ? 'accepted' : 'recorded' };
        seen.set(transitionKey(t), t);
      }
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
}
