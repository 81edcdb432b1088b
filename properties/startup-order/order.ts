/**
 * Each fetch takes the seed's next entry, each process starts once, and none before its
 * requirement holds (REQ-START-4, REQ-START-5): the list is stepped one fetch at a time, other
 * mechanisms' calls interleaved (the reason the scheduler's unit is one fetch), and every answer
 * and view is checked against the list itself.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { field, loadedGuest, startupOf, type StartupList } from './fixtures.js';
import { arbList } from './lists.js';

/** The index of the first entry not in `started` after `last`, wrapping; -1 when none. */
function expectedNext(list: StartupList, started: ReadonlySet<string>, last: number): number {
  const n = list.entries.length;
  for (let k = 1; k <= n; k++) {
    const i = (((last + k) % n) + n) % n;
    if (!started.has(list.entries[i]?.name ?? '')) return i;
  }
  return -1;
}

/** Steps the list to its end, checking every fetch against the spec; before fetch k, another mechanism's call when `other[k]`. */
function* stepChecked(guest: number, list: StartupList, other: readonly boolean[]): Calls<void> {
  const have = new Set(list.provided);
  const started = new Set<string>();
  const order: string[] = [];
  let last = -1;
  const bound = (list.entries.length * (list.entries.length + 1)) / 2;
  for (let fetch = 0; fetch < bound; fetch++) {
    // Interleaved: a dump of the same guest (started, then refused as in progress) changes nothing of its list.
    if (other[fetch] === true) yield* sut.apply({ kind: 'dump-init', guest, mode: 'seed' });
    const o = yield* sut.apply({ kind: 'startup-step', guest });
    if (o.kind !== 'accepted') break;
    const i = expectedNext(list, started, last);
    const entry = list.entries[i];
    yield* holds('REQ-START-4', entry !== undefined && field(o, 'fetched') === entry.name, `fetch ${fetch + 1}: fetched ${String(field(o, 'fetched'))}, the next entry not started is ${entry?.name ?? 'none'}`);
    if (entry === undefined) return;
    last = i;
    const ready = entry.requires.every((r) => have.has(r));
    yield* holds('REQ-START-4', field(o, 'started') === ready, `${entry.name} ${ready ? 'had' : 'did not have'} its requirement, started: ${String(field(o, 'started'))}`);
    if (field(o, 'started') === true) {
      yield* holds('REQ-START-5', !started.has(entry.name), `${entry.name} started twice`);
      started.add(entry.name);
      order.push(entry.name);
      have.add(entry.defines);
    }
    const v = yield* startupOf(guest);
    yield* holds('REQ-START-5', v !== null && JSON.stringify(v.started) === JSON.stringify(order), `after fetch ${fetch + 1} the guest sees started ${JSON.stringify(v?.started)}, expected ${JSON.stringify(order)}`);
    if (field(o, 'status') !== 'running') return;
  }
}

/** REQ-START-4, REQ-START-5: the seed's fetch order, one start per process, none before its requirement. */
export const startsOnceInOrder = defineProperty({
  mechanism: 'startup-order',
  name: 'starts-once-in-requirement-order',
  requirements: ['REQ-START-4', 'REQ-START-5'],
  statement:
    'Stepping any list (DAGs in any order, with cycles, with missing providers) one fetch at a time, dump calls of the same guest interleaved, each fetch takes the first entry not yet started after the one fetched last, starts it exactly when every resource it requires was provided or defined by an entry started before, no process starts twice, and the guest sees the processes started so far in start order.',
  arbitrary: fc.record({ list: arbList(), other: fc.array(fc.boolean(), { maxLength: 12 }) }),
  *run({ list, other }) {
    const guest = yield* loadedGuest(list);
    yield* stepChecked(guest, list, other);
    // Whatever started, started in a topological order: each start's requirement held before it.
    const v = yield* startupOf(guest);
    const have = new Set(list.provided);
    for (const name of v?.started ?? []) {
      const e = list.entries.find((x) => x.name === name);
      yield* holds('REQ-START-4', e !== undefined && e.requires.every((r) => have.has(r)), `${name} started before its requirement held`);
      if (e !== undefined) have.add(e.defines);
    }
  },
});
