/**
 * The report of a stuck list (REQ-START-8): every entry not started, what it misses and why.
 * @module
 */
import type { Entry } from './entries.js';
import type { StuckEntry, StuckReason } from './slice.js';

/** The entries that can reach `from` through the "requires a resource defined by" edges among `waiting`. */
function onCycle(from: number, edges: ReadonlyMap<number, readonly number[]>): boolean {
  const seen = new Set<number>();
  const todo = [...(edges.get(from) ?? [])];
  while (todo.length > 0) {
    const i = todo.pop() as number;
    if (i === from) return true;
    if (seen.has(i)) continue;
    seen.add(i);
    todo.push(...(edges.get(i) ?? []));
  }
  return false;
}

/**
 * The report of the entries not in `started`, in list order, given the resources that exist.
 * An entry's missing resources are those it requires that do not exist; its reason is
 * `no-provider` when one of them is defined by no entry, else `cycle` when it requires its own
 * resource through other stuck entries, else `after-stuck`.
 */
export function stuckReport(entries: readonly Entry[], have: ReadonlySet<string>, started: readonly number[]): readonly StuckEntry[] {
  const provider = new Map(entries.map((e, i) => [e.defines, i] as const));
  const waiting = entries.map((_, i) => i).filter((i) => !started.includes(i));
  const missing = new Map(waiting.map((i) => [i, [...new Set((entries[i] as Entry).requires.filter((r) => !have.has(r)))]] as const));
  const edges = new Map(waiting.map((i) => [i, (missing.get(i) ?? []).flatMap((r) => (provider.has(r) ? [provider.get(r) as number] : []))] as const));
  return waiting.map((i) => {
    const m = missing.get(i) ?? [];
    const reason: StuckReason = m.some((r) => !provider.has(r)) ? 'no-provider' : onCycle(i, edges) ? 'cycle' : 'after-stuck';
    return { name: (entries[i] as Entry).name, missing: m, reason };
  });
}
