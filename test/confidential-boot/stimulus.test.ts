// The confidential-boot stimulus: it names every guard of every call alone and every pair of
// guards that can fail together (the vectors harvest their cases from these labels); the rest are
// the listed impossible pairs.
import { describe, expect, it } from 'vitest';
import { expectStimulusCovers } from '../stimulus-table.js';
import { CBOOT_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/confidential-boot/index.js';
import { blobByteCode } from '../../properties/confidential-boot/boot.js';

describe('confidential-boot stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    expectStimulusCovers(scenarioLabels(), STIMULUS_KINDS, CBOOT_IMPOSSIBLE);
  });

  it('names the code of a changed key-blob byte by its region', () => {
    expect([0, 15, 0x10, 0x1d, 0x1e, 0x5f, 0x60, 0x6d, 0x6e, 0xaf, 0xb0, 0xcf, 0xd0, 0xff].map(blobByteCode)).toEqual([
      'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH',
      'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH', 'NO_KEY_SLOT', 'NO_KEY_SLOT', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH',
    ]);
  });
});
