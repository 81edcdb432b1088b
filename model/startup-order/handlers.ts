/**
 * The handlers of the startup calls (spec/startup-order.md). `startup-load` checks that a running
 * guest's boot loads one well-formed list; `startup-step` makes one fetch of the scheduler and
 * `startup-run` fetches until the list ends. The state is the guest's own: no view but the
 * guest's shows it. Handlers are total.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refusePlatform, refuseWith } from '../world/guests.js';
import type { Guest, World } from '../world/world.js';
import type { StartupLoad, StartupRun, StartupStep } from './actions.js';
import { definedResources, distinct, namesWellFormed, withinBounds, type Entry, type StartupStatus } from './entries.js';
import { START_REJECTIONS, type StartCode } from './rejections.js';
import { fetchOnce, newSchedule } from './scheduler.js';
import type { Schedule } from './slice.js';

function fail(world: World, code: StartCode): Step<World, never> {
  return refuseWith(START_REJECTIONS, world, code);
}

/** `world` with `guest`'s schedule replaced. */
function withSchedule(world: World, guest: Guest, schedule: Schedule): World {
  return { ...world, guests: world.guests.set(guest.id, { ...guest, slices: { ...guest.slices, startup: { schedule } } }) };
}

/**
 * Load the boot's startup list: a running guest, once, a list within the limits, every name well
 * formed, each process once and each resource defined once.
 * @requirement REQ-START-1 REQ-START-2
 */
export function startupLoad(world: World, action: StartupLoad): Step<World, { readonly status: StartupStatus }> {
  const guest = world.guests.get(action.guest);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-START-1: the boot image runs in a running guest
  if (guest.phase !== 'running') return fail(world, 'NOT_RUNNING');
  // REQ-START-1: a boot loads its list once
  if (guest.slices.startup.schedule !== null) return fail(world, 'LIST_ALREADY_LOADED');
  const { entries, provided } = action;
  // REQ-START-2: the list is within the limits
  if (!withinBounds(entries, provided)) return fail(world, 'LIST_TOO_LONG');
  // REQ-START-2: every name is 1 to 64 characters
  if (!namesWellFormed(entries, provided)) return fail(world, 'INVALID_NAME');
  // REQ-START-2: each process is listed once
  if (!distinct(entries.map((e) => e.name))) return fail(world, 'DUPLICATE_PROCESS');
  // REQ-START-2: each resource has one provider
  if (!distinct(definedResources(entries, provided))) return fail(world, 'DUPLICATE_RESOURCE');
  const list: readonly Entry[] = entries.map((e) => ({ name: e.name, defines: e.defines, requires: [...e.requires] }));
  const schedule = newSchedule(list, [...provided]);
  return { state: withSchedule(world, guest, schedule), outcome: { kind: 'accepted', response: { status: schedule.status } } };
}

/** The guest and its running schedule, or the rejection of the scheduler's guards. */
function running(world: World, id: number): { guest: Guest; schedule: Schedule } | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  const schedule = guest.slices.startup.schedule;
  // REQ-START-3: the boot loaded a list
  if (schedule === null) return fail(world, 'NO_LIST');
  // REQ-START-3: an ended list is fetched no more (never a loop)
  if (schedule.status !== 'running') return fail(world, 'LIST_FINISHED');
  return { guest, schedule };
}

const isRunning = (r: { guest: Guest; schedule: Schedule } | Step<World, never>): r is { guest: Guest; schedule: Schedule } => 'schedule' in r;

/**
 * One fetch: the next entry not yet started; started when its requirement is satisfied.
 * @requirement REQ-START-3 REQ-START-4 REQ-START-5 REQ-START-6 REQ-START-7 REQ-START-8
 */
export function startupStep(world: World, action: StartupStep): Step<World, { readonly fetched: string; readonly started: boolean; readonly status: StartupStatus }> {
  const r = running(world, action.guest);
  if (!isRunning(r)) return r;
  const f = fetchOnce(r.schedule);
  const fetched = (f.schedule.entries[f.fetched] as Entry).name;
  return { state: withSchedule(world, r.guest, f.schedule), outcome: { kind: 'accepted', response: { fetched, started: f.started, status: f.schedule.status } } };
}

/**
 * Fetches until the list ends, complete or stuck: at most n(n+1)/2 fetches for n entries.
 * @requirement REQ-START-3 REQ-START-4 REQ-START-5 REQ-START-6 REQ-START-7 REQ-START-8
 */
export function startupRun(world: World, action: StartupRun): Step<World, { readonly status: StartupStatus; readonly started: readonly string[]; readonly fetches: number }> {
  const r = running(world, action.guest);
  if (!isRunning(r)) return r;
  let s = r.schedule;
  const started: string[] = [];
  while (s.status === 'running') {
    const f = fetchOnce(s);
    if (f.started) started.push((s.entries[f.fetched] as Entry).name);
    s = f.schedule;
  }
  return { state: withSchedule(world, r.guest, s), outcome: { kind: 'accepted', response: { status: s.status, started, fetches: s.fetches - r.schedule.fetches } } };
}
