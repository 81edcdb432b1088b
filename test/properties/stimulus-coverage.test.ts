// The stimulus properties derive the requirements they assert from the guard lists; this pins
// that every guard requirement of mechanism 2 and the platform is among them, so that a guard
// dropped from a table cannot silently drop its requirement from the trace.
import { describe, expect, it } from 'vitest';
import { guardAlone, guardPairs } from '../../properties/image-unpack/stimulus.js';

describe('stimulus coverage', () => {
  it('each guard alone asserts the requirement of every guard of every handler', () => {
    expect([...guardAlone.requirements].sort()).toEqual(
      expect.arrayContaining([
        'REQ-PLATFORM-1',
        'REQ-PLATFORM-2',
        'REQ-PLATFORM-3',
        'REQ-PLATFORM-4',
        'REQ-UNPACK-2',
        'REQ-UNPACK-3',
        'REQ-UNPACK-4',
        'REQ-UNPACK-5',
        'REQ-UNPACK-6',
        'REQ-UNPACK-7',
        'REQ-UNPACK-8',
        'REQ-UNPACK-9',
        'REQ-UNPACK-10',
        'REQ-UNPACK-12',
        'REQ-UNPACK-13',
      ]),
    );
  });

  it('the pairs assert the priority requirements of the unpack guards', () => {
    expect(guardPairs.requirements).toEqual(expect.arrayContaining(['REQ-UNPACK-6', 'REQ-UNPACK-7', 'REQ-UNPACK-8', 'REQ-UNPACK-9']));
  });
});
