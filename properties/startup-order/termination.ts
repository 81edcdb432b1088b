/**
 * A list ends, never loops (REQ-START-7, REQ-START-3): stepped one fetch at a time, it ends stuck
 * at exactly the fetch that completes a full pass without a start (not before: a list that could
 * still start an entry goes on), within n passes and n(n+1)/2 fetches; then both scheduler calls
 * are refused with LIST_FINISHED. The property stops stepping at the bound, so a scheduler that
 * loops fails it instead of hanging it.
 * @module
 */
import { defineProperty } from '../property.js';
import { expectCode, holds, sut } from '../sut-calls.js';
import { field, loadedGuest, startupOf } from './fixtures.js';
import { arbList } from './lists.js';

/** REQ-START-3, REQ-START-7: a full pass without a start ends the list; passes and fetches bounded. */
export const endsWithoutLoop = defineProperty({
  mechanism: 'startup-order',
  name: 'ends-without-loop',
  requirements: ['REQ-START-3', 'REQ-START-7'],
  statement:
    'Any list, stepped one fetch at a time, ends stuck at exactly the fetch after which every entry not started was fetched once since the last start, and complete when the last entry starts; it ends within n(n+1)/2 fetches and n passes for n entries, and afterwards startup-step and startup-run are refused with LIST_FINISHED.',
  arbitrary: arbList(),
  *run(list) {
    const guest = yield* loadedGuest(list);
    const n = list.entries.length;
    const bound = (n * (n + 1)) / 2;
    let pending = n;
    let idle = 0;
    let fetches = 0;
    let status: string | undefined = (yield* startupOf(guest))?.status;
    while (status === 'running' && fetches < bound) {
      const o = yield* sut.apply({ kind: 'startup-step', guest });
      fetches++;
      if (field(o, 'started') === true) [pending, idle] = [pending - 1, 0];
      else idle++;
      status = field(o, 'status') as string | undefined;
      const expected = pending === 0 ? 'complete' : idle >= pending ? 'stuck' : 'running';
      yield* holds('REQ-START-7', status === expected, `fetch ${fetches}: ${pending} entries not started, ${idle} fetches since the last start: expected ${expected}, got ${String(status)}`);
    }
    yield* holds('REQ-START-7', status !== 'running', `the list is still running after ${fetches} fetches, the bound for ${n} entries`);
    const v = yield* startupOf(guest);
    yield* holds('REQ-START-7', v !== null && v.fetches === fetches && v.passes <= n, `the guest counts ${String(v?.fetches)} fetches (made ${fetches}) and ${String(v?.passes)} passes over ${n} entries`);
    yield* expectCode('startup-step', yield* sut.apply({ kind: 'startup-step', guest }), 'LIST_FINISHED', 'after the end');
    yield* expectCode('startup-run', yield* sut.apply({ kind: 'startup-run', guest }), 'LIST_FINISHED', 'after the end');
  },
});
