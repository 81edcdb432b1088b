/**
 * Only the guest sees its list (REQ-START-9): the hypervisor's view is the same before and after
 * every startup call, no name of the list appears in it, and another guest sees no list.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { dumpImage, runningGuest } from '../secure-dump/fixtures.js';
import { viewText } from '../views.js';
import { startupOf, START_CONFIG } from './fixtures.js';
import { arbList } from './lists.js';

/** The hypervisor's view as canonical JSON. */
function* hypervisorText(): Calls<string> {
  return viewText(yield* sut.observe({ kind: 'hypervisor' }));
}

/** REQ-START-9: nothing of the list in any view but its guest's. */
export const startupHidden = defineProperty({
  mechanism: 'startup-order',
  name: 'startup-hidden-from-hypervisor',
  requirements: ['REQ-START-9'],
  statement:
    "Loading a list whose names carry a canary and stepping or running it to its end never changes the hypervisor's view, no canary appears in it, another guest's view shows no list, and the guest's own view shows the list as loaded.",
  arbitrary: fc.record({ list: arbList(8, 'canary-'), steps: fc.nat(6) }),
  *run({ list, steps }) {
    yield* sut.reset(START_CONFIG);
    const image = dumpImage(true, 0);
    const guest = yield* runningGuest(image, image.minPages);
    const other = yield* runningGuest(image, image.minPages);
    const before = yield* hypervisorText();
    yield* holds('REQ-START-9', (yield* startupOf(guest)) === null, 'the guest sees a list before it loaded one');
    yield* expectAccepted('REQ-START-1', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), 'load');
    const calls = [...Array.from({ length: steps }, () => ({ kind: 'startup-step', guest })), { kind: 'startup-run', guest }];
    for (const a of calls) {
      yield* sut.apply(a);
      const now = yield* hypervisorText();
      yield* holds('REQ-START-9', now === before, `${a.kind} changed what the hypervisor sees`);
      yield* holds('REQ-START-9', !now.includes('canary'), `a name of the list appears in the hypervisor's view`);
    }
    yield* holds('REQ-START-9', (yield* startupOf(other)) === null, 'another guest sees a list');
    const mine = yield* startupOf(guest);
    yield* holds('REQ-START-9', JSON.stringify(mine?.entries) === JSON.stringify(list.entries) && JSON.stringify(mine?.provided) === JSON.stringify(list.provided), 'the guest does not see its list as loaded');
  },
});
