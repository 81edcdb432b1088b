/**
 * The attestation measurement from the owner's side (as pvattest verify checks it): what the
 * firmware answers is HMAC-SHA512 under the owner's measurement key over exactly the image's
 * PLD, ALD, TLD and header tag, the guest's CUID, the user data, the nonce and the additional
 * data the request asked for; so it changes when any one of them changes, and the firmware's
 * answer does change when the guest changes any of the inputs it controls.
 * @module
 */
import fc from 'fast-check';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { BASE_IMAGES, baseImage, boot, STIMULUS_CONFIG, withControls, type ControlledImage } from './fixtures.js';
import { attestationRequest, expectedAdditionalData, expectedMeasurement, secretRequest, tagOf, type AttestationSpec, type KnownStore } from './requests.js';
import { secretOf } from './secrets.js';

const eq = (a: unknown, b: Uint8Array): boolean => a instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));

/** A response: the measurement, the additional data and the CUID, or undefined when refused. */
interface Answer {
  readonly measurement: Uint8Array;
  readonly additionalData: Uint8Array;
  readonly cuid: Uint8Array;
}

/** Asks for a measurement and checks it against the owner's recomputation. */
function* measure(guest: number, image: ControlledImage, spec: AttestationSpec, userData: Uint8Array, store: KnownStore, context: string): Calls<Answer | undefined> {
  const { arcb } = attestationRequest(spec);
  const o = yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData });
  yield* expectAccepted('REQ-CTRL-6', 'retrieve-attestation', o, context);
  if (o.kind !== 'accepted') return undefined;
  const a = { measurement: o.response['measurement'] as Uint8Array, additionalData: o.response['additionalData'] as Uint8Array, cuid: o.response['cuid'] as Uint8Array };
  const additional = expectedAdditionalData(spec.paf, image, spec.hosts, store);
  yield* holds('REQ-CTRL-6', eq(a.additionalData, additional), `${context}: the additional data is not what PAF 0x${spec.paf.toString(16)} asks for`);
  yield* holds('REQ-CTRL-6', eq(a.measurement, expectedMeasurement(image, spec, a.cuid, userData, additional)), `${context}: the measurement is not the owner's recomputation`);
  return a;
}

/** REQ-CTRL-5, -6, -7: the measurement is the owner's recomputation over exactly its inputs. */
export const measurementInputs = defineProperty({
  mechanism: 'request-controls',
  name: 'measurement-inputs',
  requirements: ['REQ-CTRL-5', 'REQ-CTRL-6', 'REQ-CTRL-7'],
  statement:
    'For any flags, user data, nonce, measurement key and key slots, the measurement and additional data equal what the owner recomputes from the image, the returned CUID and its request; the measurement changes when the user data, the nonce, the additional data (a secret added), the configuration (another guest of the image: another CUID) or the image (another header of the same pages) changes; an ARCB for no key of this machine, or tampered, gets no measurement.',
  arbitrary: fc.record({
    base: fc.nat(BASE_IMAGES - 1),
    flags: fc.record({ nonce: fc.boolean(), imagePhkh: fc.boolean(), attestationPhkh: fc.boolean(), secretStoreHash: fc.boolean() }),
    userLength: fc.nat(256),
    hosts: fc.constantFrom([0], [1], [1, 0], [2, 0], [0, 2, 1]),
    seed: fc.nat(),
  }),
  *run({ base, flags, userLength, hosts, seed }) {
    yield* sut.reset(STIMULUS_CONFIG);
    const image = withControls(baseImage(base), 0xe0n, 0n);
    const guest = yield* boot(image);
    const paf = (Object.keys(flags) as (keyof typeof flags)[]).reduce((p, k) => (flags[k] ? p | ATTEST_FLAG[k] : p), 0n);
    const spec: AttestationSpec = {
      paf,
      measurementKey: seededBytes(seed, 64),
      ...(flags.nonce ? { nonce: seededBytes(seed ^ 1, 16) } : {}),
      hosts,
      seed,
    };
    const userData = seededBytes(seed ^ 2, userLength);
    const empty: KnownStore = { tags: [], locked: false };
    let known = empty;
    const first = yield* measure(guest, image, spec, userData, empty, 'first measurement');
    if (first === undefined) return true;
    const differs = (a: Answer | undefined): boolean => a !== undefined && !eq(a.measurement, first.measurement);
    // The user data: one byte more, or one byte changed.
    const otherUser = userLength === 256 ? userData.map((b, i) => (i === 0 ? b ^ 1 : b)) : Uint8Array.from([...userData, 0]);
    yield* holds('REQ-CTRL-6', differs(yield* measure(guest, image, spec, otherUser, empty, 'other user data')), 'the measurement did not change with the user data');
    if (spec.nonce !== undefined) {
      const nonce = spec.nonce.map((b, i) => (i === 15 ? b ^ 0x80 : b));
      yield* holds('REQ-CTRL-6', differs(yield* measure(guest, image, { ...spec, nonce }, userData, empty, 'another nonce')), 'the measurement did not change with the nonce');
    }
    if (flags.secretStoreHash) {
      const request = secretRequest(image, secretOf(SECRET_TYPE.ASSOCIATION, seed), { seed });
      const added = yield* sut.apply({ kind: 'add-secret', guest, request });
      yield* expectAccepted('REQ-CTRL-15', 'add-secret', added, 'add a secret');
      known = { tags: [tagOf(request)], locked: false };
      const after = yield* measure(guest, image, spec, userData, known, 'after an add');
      yield* holds('REQ-CTRL-6', differs(after), 'the measurement did not change with the secret store');
    }
    // Another configuration of the same image: another CUID, another measurement.
    const second = yield* boot(image);
    const other = yield* measure(second, image, spec, userData, empty, 'another guest of the image');
    yield* holds('REQ-CTRL-7', other !== undefined && !eq(other.cuid, first.cuid) && differs(other), 'another guest of the image has the same CUID or measurement');
    const again = yield* measure(guest, image, spec, userData, known, 'the first guest again');
    yield* holds('REQ-CTRL-7', again === undefined || eq(again.cuid, first.cuid), "a guest's CUID changed between requests");
    // The same pages under another header: another tag, another measurement.
    const resealed = withControls(baseImage(base), 0xe0n, 0n, seededBytes(seed ^ 3, 12));
    const third = yield* boot(resealed);
    yield* holds('REQ-CTRL-6', differs(yield* measure(third, resealed, spec, userData, empty, 'another header of the same pages')), 'the measurement did not change with the header tag');
    // REQ-CTRL-5: no slot for this machine; a tampered request.
    const elsewhere = attestationRequest({ ...spec, hosts: [2] });
    yield* expectCode('retrieve-attestation', yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb: elsewhere.arcb, userData }), 'ATTEST_NO_KEY_SLOT', 'an ARCB for another machine');
    const tampered = attestationRequest(spec).arcb.slice();
    const at = tampered.length - 1 - (seed % 16);
    tampered[at] = (tampered[at] ?? 0) ^ 0x40;
    yield* expectCode('retrieve-attestation', yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb: tampered, userData }), 'ATTEST_REQUEST_AUTH', 'a tampered tag');
    return true;
  },
});
