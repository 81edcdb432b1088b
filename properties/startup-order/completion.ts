/**
 * All processes start if and only if the requirements can be satisfied (REQ-START-6), and a run
 * leaves the list as the same fetches one by one would (REQ-START-4): two guests load the same
 * list; one is stepped to its end, the other stepped some fetches and then run.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { dumpImage, runningGuest } from '../secure-dump/fixtures.js';
import { field, startupOf, START_CONFIG } from './fixtures.js';
import { arbList } from './lists.js';
import { closure, satisfiable } from './oracle.js';

/** Steps `guest`'s list until it ends, at most `bound` fetches; the fetches made. */
function* stepToEnd(guest: number, bound: number): Calls<number> {
  for (let k = 1; k <= bound; k++) {
    const o = yield* sut.apply({ kind: 'startup-step', guest });
    if (o.kind !== 'accepted' || field(o, 'status') !== 'running') return k;
  }
  return bound;
}

/** REQ-START-4, REQ-START-6: complete exactly when satisfiable; stepping and running agree. */
export const allStartIffSatisfiable = defineProperty({
  mechanism: 'startup-order',
  name: 'all-start-iff-satisfiable',
  requirements: ['REQ-START-4', 'REQ-START-6'],
  statement:
    'For any list, the list ends complete, every process started, exactly when starting whatever can start reaches every entry, and otherwise ends stuck with exactly the entries such a closure reaches started; a guest that steps some fetches and then runs ends with the same view of its list as one that steps to the end, and the run answers what it started.',
  arbitrary: fc.record({ list: arbList(), early: fc.nat(20) }),
  *run({ list, early }) {
    yield* sut.reset(START_CONFIG);
    const image = dumpImage(true, 0);
    const stepped = yield* runningGuest(image, image.minPages);
    const ran = yield* runningGuest(image, image.minPages);
    for (const guest of [stepped, ran]) yield* expectAccepted('REQ-START-1', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), `load guest ${guest}`);
    const n = list.entries.length;
    const bound = (n * (n + 1)) / 2;
    yield* stepToEnd(stepped, bound);
    const a = yield* startupOf(stepped);
    const ok = satisfiable(list);
    const expected = n === 0 ? 'complete' : ok ? 'complete' : 'stuck';
    yield* holds('REQ-START-6', a?.status === expected, `the list ended ${a?.status ?? 'not at all'}, its requirements ${ok ? 'can' : 'cannot'} be satisfied`);
    const startable = closure(list).startable;
    const got = new Set(a?.started ?? []);
    yield* holds('REQ-START-6', got.size === startable.size && [...startable].every((x) => got.has(x)), `started ${JSON.stringify([...got])}, the closure is ${JSON.stringify([...startable])}`);
    // The other guest: a few fetches, then a run from there.
    const before = n === 0 ? 0 : Math.min(early % (n + 1), bound);
    const done = yield* stepToEnd(ran, before);
    const mid = yield* startupOf(ran);
    if (mid?.status === 'running' && done >= before) {
      const o = yield* sut.apply({ kind: 'startup-run', guest: ran });
      yield* expectAccepted('REQ-START-4', 'startup-run', o, 'run after some fetches');
      const rest = (a?.started ?? []).slice(mid.started.length);
      yield* holds('REQ-START-4', JSON.stringify(field(o, 'started')) === JSON.stringify(rest), `the run answered started ${JSON.stringify(field(o, 'started'))}, the steps started ${JSON.stringify(rest)} after that point`);
      const made = (a?.fetches ?? 0) - mid.fetches;
      yield* holds('REQ-START-4', field(o, 'fetches') === made, `the run answered ${String(field(o, 'fetches'))} fetches, the steps made ${made} after that point`);
    }
    const b = yield* startupOf(ran);
    yield* holds('REQ-START-4', JSON.stringify(a) === JSON.stringify(b), `stepping gave ${JSON.stringify(a)}, stepping then running gave ${JSON.stringify(b)}`);
  },
});
