/**
 * The stuck report names exactly the entries that cannot start, with what each misses and why
 * (REQ-START-8), compared with the report computed from the list alone.
 * @module
 */
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { loadedGuest, startupOf } from './fixtures.js';
import { arbList } from './lists.js';
import { expectedReport, satisfiable } from './oracle.js';

/** REQ-START-8: the report of a stuck list. */
export const stuckReportExact = defineProperty({
  mechanism: 'startup-order',
  name: 'stuck-report-exact',
  requirements: ['REQ-START-8'],
  statement:
    "When a list cannot complete, its report lists in list order exactly the entries that cannot start, each with the required resources that do not exist (in its order, once each) and the reason: no-provider when nothing defines one of them, cycle when it requires its own resource through stuck entries, after-stuck otherwise; a list that completes has an empty report.",
  arbitrary: arbList(),
  *run(list) {
    const guest = yield* loadedGuest(list);
    if (list.entries.length > 0) yield* expectAccepted('REQ-START-8', 'startup-run', yield* sut.apply({ kind: 'startup-run', guest }), 'run the list');
    const v = yield* startupOf(guest);
    const expected = satisfiable(list) ? [] : expectedReport(list);
    yield* holds('REQ-START-8', JSON.stringify(v?.stuck) === JSON.stringify(expected), `the report is ${JSON.stringify(v?.stuck)}, expected ${JSON.stringify(expected)}`);
  },
});
