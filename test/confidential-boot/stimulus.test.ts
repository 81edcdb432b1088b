// The confidential-boot stimulus: it names every guard of every call alone and every pair of
// guards that can fail together (the vectors harvest their cases from these labels); the rest are
// the listed impossible pairs.
import { describe, expect, it } from 'vitest';
import { guardsOf } from '../../model/platform/index.js';
import { CBOOT_IMPOSSIBLE, scenarioLabels, STIMULUS_KINDS } from '../../properties/confidential-boot/index.js';
import { blobByteCode } from '../../properties/confidential-boot/boot.js';
import { pairsOf } from '../../properties/image-unpack/stimulus.js';

describe('confidential-boot stimulus table', () => {
  it('covers every guard alone and every possible pair, once each', () => {
    const labels = scenarioLabels();
    expect(new Set(labels).size).toBe(labels.length);
    for (const kind of STIMULUS_KINDS) {
      for (const g of guardsOf(kind)) expect(labels, `${kind}: ${g.name}`).toContain(`${kind}: only '${g.name}' fails`);
      for (const p of pairsOf(kind)) {
        const covered = labels.includes(p.key);
        expect(covered !== p.key in CBOOT_IMPOSSIBLE, `${p.key}: covered ${covered}, listed impossible ${p.key in CBOOT_IMPOSSIBLE}`).toBe(true);
      }
    }
    for (const key of Object.keys(CBOOT_IMPOSSIBLE)) expect(STIMULUS_KINDS.flatMap((k) => pairsOf(k).map((p) => p.key))).toContain(key);
  });

  it('names the code of a changed key-blob byte by its region', () => {
    expect([0, 15, 0x10, 0x1d, 0x1e, 0x5f, 0x60, 0x6d, 0x6e, 0xaf, 0xb0, 0xcf, 0xd0, 0xff].map(blobByteCode)).toEqual([
      'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH',
      'KEY_BLOB_MALFORMED', 'KEY_BLOB_MALFORMED', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH', 'NO_KEY_SLOT', 'NO_KEY_SLOT', 'KEY_SLOT_AUTH', 'KEY_SLOT_AUTH',
    ]);
  });
});
