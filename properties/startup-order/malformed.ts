/**
 * A malformed list is refused whole (REQ-START-2): too long, a bad name, a process listed twice
 * (which would start twice), a resource defined twice; the guest then has no list and a
 * well-formed one still loads.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { bootedGuest, startupOf } from './fixtures.js';
import { arbList, DEFECTS, withDefect } from './lists.js';

const CODE = { 'too-long': 'LIST_TOO_LONG', 'bad-name': 'INVALID_NAME', 'duplicate-process': 'DUPLICATE_PROCESS', 'duplicate-resource': 'DUPLICATE_RESOURCE' } as const;

/** REQ-START-2: malformed lists are refused, and leave no list. */
export const malformedRefused = defineProperty({
  mechanism: 'startup-order',
  name: 'malformed-lists-refused',
  requirements: ['REQ-START-2'],
  statement:
    'A list with more than 64 entries, a bad name, a process listed twice or a resource defined twice (by two entries, or by an entry and the boot) is refused with its code and leaves the guest without a list (NO_LIST), and the list without the defect then loads.',
  arbitrary: fc.record({ list: arbList(8), defect: fc.constantFrom(...DEFECTS), at: fc.nat() }),
  *run({ list, defect, at }) {
    const guest = yield* bootedGuest();
    const bad = withDefect(list, defect, at);
    yield* expectCode('startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: bad.entries, provided: bad.provided }), CODE[defect], defect);
    yield* holds('REQ-START-2', (yield* startupOf(guest)) === null, `the refused list (${defect}) was loaded`);
    yield* expectCode('startup-run', yield* sut.apply({ kind: 'startup-run', guest }), 'NO_LIST', `after the refused list (${defect})`);
    yield* expectAccepted('REQ-START-2', 'startup-load', yield* sut.apply({ kind: 'startup-load', guest, entries: list.entries, provided: list.provided }), 'the list without the defect');
  },
});
