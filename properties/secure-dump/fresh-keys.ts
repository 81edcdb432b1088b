/**
 * Every dump uses a fresh key (REQ-DUMP-4): two guests booted from the same image (the same CCK),
 * each dumped several times in either mode, give dumps whose dump keys (as the owner recovers
 * them), page keys, tweak nonces and completion seeds are all different, and each dump still opens.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import { completionSeed } from '../../model/se-format/dump-real.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { keysOf } from './confidentiality.js';
import { collection, DUMP_CONFIG, dumpImage, finishDump, ownerOpens, runningGuest } from './fixtures.js';
import { expectAccepted } from '../sut-calls.js';

/** REQ-DUMP-4: no two dumps share a key. */
export const dumpKeysFresh = defineProperty({
  mechanism: 'secure-dump',
  name: 'dump-keys-fresh',
  requirements: ['REQ-DUMP-4'],
  statement:
    'Two guests booted from one image (one CCK), dumped two to four times in all in real or seed mode, give dumps that each open, and whose dump keys, page keys, tweak nonces and (real mode) completion seeds, as the owner recovers them, are pairwise different.',
  arbitrary: fc.record({ variant: fc.nat(3), dumps: fc.array(fc.record({ second: fc.boolean(), mode: fc.constantFrom<'real' | 'seed'>('real', 'seed') }), { minLength: 2, maxLength: 4 }) }),
  *run({ variant, dumps }) {
    yield* sut.reset(DUMP_CONFIG);
    const image = dumpImage(true, variant);
    const guests = [yield* runningGuest(image, image.minPages), yield* runningGuest(image, image.minPages)];
    const seen = new Map<string, string>();
    for (const [i, d] of dumps.entries()) {
      const guest = guests[d.second ? 1 : 0] ?? 0;
      yield* expectAccepted('REQ-DUMP-4', 'dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode: d.mode }), `dump ${i}`);
      const c = collection();
      const file = yield* finishDump(guest, image.minPages, c);
      yield* holds('REQ-DUMP-4', ownerOpens(file, d.mode, image).ok, `dump ${i} (${d.mode}) does not open`);
      const completion = c.completion ?? new Uint8Array(0);
      const values = [...keysOf(completion, image.cck), ...(d.mode === 'real' ? [{ name: 'a completion seed', bytes: completionSeed(completion) }] : [])];
      yield* holds('REQ-DUMP-4', values.length > 0, `the owner recovered no key from dump ${i}`);
      for (const v of values) {
        const hex = bytesToHex(v.bytes);
        const before = seen.get(hex);
        yield* holds('REQ-DUMP-4', before === undefined, `dump ${i} (${d.mode}, guest ${guest}) reuses ${v.name}: ${before ?? ''}`);
        seen.set(hex, `${v.name} of dump ${i}`);
      }
    }
  },
});
