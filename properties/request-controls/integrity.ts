/**
 * Requests are authentic or refused: every bit of an add-secret request and of an attestation
 * request is covered by its key slot or its GCM tag, so a request with any one bit changed (by
 * the hypervisor that carried it, say) adds nothing and measures nothing.
 * @module
 */
import fc from 'fast-check';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { BASE_IMAGES, baseImage, resetAndBoot, withControls } from './fixtures.js';
import { attestationRequest, secretRequest } from './requests.js';
import { arbSecret } from './secrets.js';

/** `b` with bit `bit` (counted over the whole byte string, modulo its length) flipped. */
function flipped(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  const at = Math.floor(bit / 8) % out.length;
  out[at] = (out[at] ?? 0) ^ (1 << (bit % 8));
  return out;
}

/** REQ-CTRL-5, -10: a request with one bit changed is refused and changes nothing. */
export const requestBitFlipRejected = defineProperty({
  mechanism: 'request-controls',
  name: 'request-bit-flip-rejected',
  requirements: ['REQ-CTRL-5', 'REQ-CTRL-10'],
  statement:
    'An add-secret request or an attestation request with any one bit changed is refused, whatever bit it is (header, binding, user data, customer key, key slots, secret header, encrypted area, tag), and the store lists what it listed before; the unchanged request is accepted.',
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), secret: arbSecret, addBit: fc.nat(), attestBit: fc.nat(), seed: fc.nat() }),
  *run({ base, secret, addBit, attestBit, seed }) {
    const image = withControls(baseImage(base), 0xe0n, 0n);
    const guest = yield* resetAndBoot(image);
    const request = secretRequest(image, secret, { hosts: [0, 1], seed });
    const listBefore = yield* sut.apply({ kind: 'list-secrets', guest, startIndex: 0 });
    const o = yield* sut.apply({ kind: 'add-secret', guest, request: flipped(request, addBit) });
    yield* holds('REQ-CTRL-10', o.kind === 'rejected', `add-secret with bit ${addBit % (8 * request.length)} of ${8 * request.length} changed was accepted`);
    const listAfter = yield* sut.apply({ kind: 'list-secrets', guest, startIndex: 0 });
    yield* holds('REQ-CTRL-10', JSON.stringify(listAfter) === JSON.stringify(listBefore), 'a refused add changed the list');
    yield* expectAccepted('REQ-CTRL-10', 'add-secret', yield* sut.apply({ kind: 'add-secret', guest, request }), 'the unchanged request');
    const { arcb } = attestationRequest({ paf: ATTEST_FLAG.nonce, measurementKey: seededBytes(seed, 64), nonce: seededBytes(seed ^ 1, 16), hosts: [1, 0], seed });
    const a = yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb: flipped(arcb, attestBit), userData: new Uint8Array(0) });
    yield* holds('REQ-CTRL-5', a.kind === 'rejected', `an ARCB with bit ${attestBit % (8 * arcb.length)} of ${8 * arcb.length} changed was measured`);
    yield* expectAccepted('REQ-CTRL-5', 'retrieve-attestation', yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) }), 'the unchanged ARCB');
    return true;
  },
});
