/**
 * Deliberately wrong implementations of mechanism 5 (startup processes): each runs the model's own
 * handler, on the world as it is or on an edited copy, and answers as an implementation with one
 * fault would. Each is caught by a startup-order property (test/startup-order/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { StartupLoad, StartupRun, StartupStep } from '../../model/startup-order/actions.js';
import type { Entry, StartupStatus } from '../../model/startup-order/entries.js';
import { startupLoad, startupStep } from '../../model/startup-order/handlers.js';
import { existing, nextPending } from '../../model/startup-order/scheduler.js';
import type { Schedule } from '../../model/startup-order/slice.js';
import { stuckReport } from '../../model/startup-order/stuck.js';
import type { World } from '../../model/world/world.js';
import { rejectedWith, withGuest } from './world-edit.js';

type StepResponse = { readonly fetched: string; readonly started: boolean; readonly status: StartupStatus };
type RunResponse = { readonly status: StartupStatus; readonly started: readonly string[]; readonly fetches: number };
type StepHandler = (world: World, action: StartupStep) => Step<World, StepResponse>;

/** The running schedule of `guest`, or undefined. */
function scheduleOf(world: World, guest: number): Schedule | undefined {
  const s = world.guests.get(guest)?.slices.startup.schedule;
  return s === null || s === undefined || s.status !== 'running' ? undefined : s;
}

/** `world` with `guest`'s schedule edited. */
function editSchedule(world: World, guest: number, edit: (s: Schedule) => Schedule): World {
  return withGuest(world, guest, (g) => (g.slices.startup.schedule === null ? g : { ...g, slices: { ...g.slices, startup: { schedule: edit(g.slices.startup.schedule) } } }));
}

/** A `startup-run` made of a faulty implementation's steps (at most 64·65/2 + 1: it stays total). */
function runBy(step: StepHandler): (world: World, action: StartupRun) => Step<World, RunResponse> {
  return (world, action) => {
    let s = step(world, { kind: 'startup-step', guest: action.guest });
    if (s.outcome.kind !== 'accepted') return { state: world, outcome: s.outcome };
    const started: string[] = [];
    let fetches = 0;
    for (let k = 0; k <= 2081 && s.outcome.kind === 'accepted'; k++) {
      fetches++;
      const r: StepResponse = s.outcome.response;
      if (r.started) started.push(r.fetched);
      if (r.status !== 'running') return { state: s.state, outcome: { kind: 'accepted', response: { status: r.status, started, fetches } } };
      s = step(s.state, { kind: 'startup-step', guest: action.guest });
    }
    return { state: s.state, outcome: { kind: 'accepted', response: { status: 'running', started, fetches } } };
  };
}

/**
 * A fetch that starts the entry when any one of the resources it requires exists, not all of
 * them (REQ-START-4): it sees the missing ones as provided for that fetch.
 */
export const stepStartingEarly: StepHandler = (world, action) => {
  const s = scheduleOf(world, action.guest);
  const entry = s === undefined ? undefined : s.entries[nextPending(s)];
  if (s === undefined || entry === undefined) return startupStep(world, action);
  const have = existing(s);
  if (!entry.requires.some((r) => have.has(r))) return startupStep(world, action);
  const missing = entry.requires.filter((r) => !have.has(r));
  const step = startupStep(editSchedule(world, action.guest, (x) => ({ ...x, provided: [...x.provided, ...missing] })), action);
  return { ...step, state: editSchedule(step.state, action.guest, (x) => ({ ...x, provided: s.provided })) };
};

/** `startup-run` by {@link stepStartingEarly}. */
export const runStartingEarly = runBy(stepStartingEarly);

/**
 * A scheduler that ends a list stuck one fetch before a full pass without a start: the entry it
 * would have fetched last is never tried (REQ-START-7), though it might have started.
 */
export const stepStuckEarly: StepHandler = (world, action) => {
  const step = startupStep(world, action);
  const s = scheduleOf(step.state, action.guest);
  if (step.outcome.kind !== 'accepted' || step.outcome.response.started || s === undefined) return step;
  const pending = s.entries.length - s.started.length;
  if (pending < 2 || s.idle < pending - 1) return step;
  const report = stuckReport(s.entries, existing(s), s.started);
  return { state: editSchedule(step.state, action.guest, (x) => ({ ...x, status: 'stuck', stuck: report })), outcome: { kind: 'accepted', response: { ...step.outcome.response, status: 'stuck' } } };
};

/** `startup-run` by {@link stepStuckEarly}. */
export const runStuckEarly = runBy(stepStuckEarly);

/**
 * A load that accepts a list naming a process twice (REQ-START-2): both entries are scheduled and
 * the process starts twice.
 */
export const loadAcceptingDuplicates = (world: World, action: StartupLoad): Step<World, { readonly status: StartupStatus }> => {
  const step = startupLoad(world, action);
  if (!rejectedWith(step, 'DUPLICATE_PROCESS')) return step;
  // Load under names made unique, then give the entries their names back.
  const unique = action.entries.map((e, i) => ({ ...e, name: `${e.name}\u0000${i}` }));
  const loaded = startupLoad(world, { ...action, entries: unique });
  const names: readonly Entry[] = action.entries;
  return { ...loaded, state: editSchedule(loaded.state, action.guest, (x) => ({ ...x, entries: x.entries.map((e, i) => ({ ...e, name: names[i]?.name ?? e.name })) })) };
};
