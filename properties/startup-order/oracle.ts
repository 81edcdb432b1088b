/**
 * What a list's requirements allow, computed without a scheduler: which entries can ever start
 * (the closure of "start any entry whose requirement the existing resources meet"), and the stuck
 * report the spec gives for the rest (REQ-START-6, REQ-START-8). The properties compare the system
 * under test with these.
 * @module
 */
import type { Entry, StuckReason } from '../../model/startup-order/index.js';
import type { StartupList } from './fixtures.js';

/** The names of the entries that can start, and the resources that then exist. */
export function closure(list: StartupList): { readonly startable: ReadonlySet<string>; readonly have: ReadonlySet<string> } {
  const have = new Set(list.provided);
  const startable = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of list.entries) {
      if (startable.has(e.name) || !e.requires.every((r) => have.has(r))) continue;
      startable.add(e.name);
      have.add(e.defines);
      grew = true;
    }
  }
  return { startable, have };
}

/** True when every entry of the list can start. */
export function satisfiable(list: StartupList): boolean {
  return closure(list).startable.size === list.entries.length;
}

/** One expected entry of a stuck report. */
export interface ExpectedStuck {
  readonly name: string;
  readonly missing: readonly string[];
  readonly reason: StuckReason;
}

/**
 * The report of a list that cannot complete: the entries outside the closure, in list order, their
 * missing resources and reasons. Cycles by a reachability matrix (Warshall) over the stuck
 * entries, which the model computes by search instead.
 */
export function expectedReport(list: StartupList): readonly ExpectedStuck[] {
  const { startable, have } = closure(list);
  const stuck: Entry[] = list.entries.filter((e) => !startable.has(e.name));
  const definers = new Set(list.entries.map((e) => e.defines));
  const missing = stuck.map((e) => e.requires.filter((r, i) => !have.has(r) && e.requires.indexOf(r) === i));
  const n = stuck.length;
  // reach[a][b]: a requires, directly or through stuck entries, b's resource.
  const reach = stuck.map((_, a) => stuck.map((b) => (missing[a] ?? []).includes(b.defines)));
  for (let k = 0; k < n; k++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (reach[a]?.[k] === true && reach[k]?.[b] === true) (reach[a] as boolean[])[b] = true;
  return stuck.map((e, a) => {
    const m = missing[a] ?? [];
    const reason: StuckReason = m.some((r) => !definers.has(r)) ? 'no-provider' : reach[a]?.[a] === true ? 'cycle' : 'after-stuck';
    return { name: e.name, missing: m, reason };
  });
}
