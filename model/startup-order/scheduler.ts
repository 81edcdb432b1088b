/**
 * The seed's method as a pure function over a {@link Schedule}: fetch the next entry not yet
 * started; if its requirement is not satisfied, the next fetch takes the entry after it;
 * otherwise start it. A list ends complete when every entry has started, and stuck after a full
 * pass over the entries not yet started without a start (REQ-START-4 to REQ-START-8).
 * @module
 */
import type { Entry } from './entries.js';
import type { Schedule } from './slice.js';
import { stuckReport } from './stuck.js';

/** A new schedule over `entries`: an empty list is complete at once. */
export function newSchedule(entries: readonly Entry[], provided: readonly string[]): Schedule {
  return { entries, provided, started: [], last: -1, idle: 0, fetches: 0, passes: 0, status: entries.length === 0 ? 'complete' : 'running', stuck: [] };
}

/** The resources that exist: the provided ones and those of the started entries. */
export function existing(s: Schedule): Set<string> {
  const have = new Set(s.provided);
  for (const i of s.started) have.add((s.entries[i] as Entry).defines);
  return have;
}

/** The index of the first entry not yet started after `last` in list order, wrapping around; -1 if none. */
export function nextPending(s: Schedule): number {
  const n = s.entries.length;
  for (let k = 1; k <= n; k++) {
    const i = (s.last + k) % n;
    if (!s.started.includes(i)) return i;
  }
  return -1;
}

/** One fetch of a running schedule: the schedule after it, the index fetched and whether it started. */
export function fetchOnce(s: Schedule): { readonly schedule: Schedule; readonly fetched: number; readonly started: boolean } {
  const i = nextPending(s);
  const entry = s.entries[i] as Entry;
  const pending = s.entries.length - s.started.length;
  // A fetch at or before the last one fetched has wrapped around: a new pass.
  const passes = i <= s.last || s.last < 0 ? s.passes + 1 : s.passes;
  const have = existing(s);
  const base = { ...s, last: i, fetches: s.fetches + 1, passes };
  // REQ-START-4: an entry starts only when every resource it requires exists
  if (entry.requires.every((r) => have.has(r))) {
    const started = [...s.started, i];
    return { schedule: { ...base, started, idle: 0, status: started.length === s.entries.length ? 'complete' : 'running' }, fetched: i, started: true };
  }
  const idle = s.idle + 1;
  // REQ-START-7: every entry not yet started was fetched once since the last start, none started
  if (idle >= pending) return { schedule: { ...base, idle, status: 'stuck', stuck: stuckReport(s.entries, have, s.started) }, fetched: i, started: false };
  return { schedule: { ...base, idle }, fetched: i, started: false };
}
