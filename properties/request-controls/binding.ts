/**
 * Who may add a secret to a guest: under SCF bit 1 only whoever knows the image's CCK (the
 * extension secret), after an allowed CCK update only whoever knows the new one; and a request
 * is added only to a guest of the image it names and, when it names one, of its configuration.
 * @module
 */
import fc from 'fast-check';
import { deriveExtensionSecret } from '../../model/se-format/extension-secret.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { CONTROL_BITS } from '../../model/request-controls/index.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { BASE_IMAGES, baseImage, boot, OWNER_SUITE, resetAndBoot, STIMULUS_CONFIG, withControls } from './fixtures.js';
import { attestationRequest, bootTagsOf, secretRequest } from './requests.js';
import { secretOf } from './secrets.js';

/** Adds `request` and asserts the outcome: accepted, or refused with `code`. */
function* expectAdd(guest: number, request: Uint8Array, code: string | null, context: string, acceptedFor: 'REQ-CTRL-12' | 'REQ-CTRL-13' | 'REQ-CTRL-14' | 'REQ-CTRL-15' = 'REQ-CTRL-15'): Calls<PlatformOutcome> {
  const o = yield* sut.apply({ kind: 'add-secret', guest, request });
  if (code === null) yield* expectAccepted(acceptedFor, 'add-secret', o, context);
  else yield* expectCode('add-secret', o, code, context);
  return o;
}

/** REQ-CTRL-12, -14: under SCF bit 1 only the CCK-derived extension secret adds; CCK updates only under bit 2. */
export const extensionSecretEnforced = defineProperty({
  mechanism: 'request-controls',
  name: 'extension-secret-enforced',
  requirements: ['REQ-CTRL-12', 'REQ-CTRL-14'],
  statement:
    "With SCF bit 1 set, an add-secret request without the extension secret derived from the guest's CCK and header tag (none, another value, derived from another CCK or another tag) is refused with EXTENSION_SECRET_MISMATCH and the derived one is added; without the bit any extension secret is added. An update-CCK secret is added only under SCF bit 2, and from then on the extension secret derives from the new CCK.",
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), bit1: fc.boolean(), bit2: fc.boolean(), seed: fc.nat(), wrong: fc.constantFrom('none', 'given', 'other-cck', 'other-tag') }),
  *run({ base, bit1, bit2, seed, wrong }) {
    const scf = (bit1 ? CONTROL_BITS.extensionSecret : 0n) | (bit2 ? CONTROL_BITS.cckUpdate : 0n);
    const image = withControls(baseImage(base), 0xe0n, scf);
    const guest = yield* resetAndBoot(image);
    const secret = (i: number) => secretOf(SECRET_TYPE.ASSOCIATION, seed + i);
    const otherTag = withControls(baseImage(base), 0xe0n, scf, seededBytes(seed, 12)).headerTag;
    const badExtension =
      wrong === 'none'
        ? ('none' as const)
        : wrong === 'given'
          ? seededBytes(seed ^ 5, 32)
          : wrong === 'other-cck'
            ? deriveExtensionSecret(OWNER_SUITE, seededBytes(seed ^ 6, 32), image.headerTag)
            : deriveExtensionSecret(OWNER_SUITE, image.cck, otherTag);
    yield* expectAdd(guest, secretRequest(image, secret(0), { extension: badExtension, seed }), bit1 ? 'EXTENSION_SECRET_MISMATCH' : null, `extension secret ${wrong}, SCF bit 1 ${bit1}`, 'REQ-CTRL-12');
    yield* expectAdd(guest, secretRequest(image, secret(1), { seed: seed + 1 }), null, 'the derived extension secret', 'REQ-CTRL-12');
    // The owner replaces the CCK (a request that itself carries the current CCK's extension secret).
    const newCck = seededBytes(seed ^ 7, 32);
    const update = secretRequest(image, { type: SECRET_TYPE.UPDATE_CCK, value: newCck, name: '' }, { seed: seed + 2 });
    const updated = (yield* expectAdd(guest, update, bit2 ? null : 'CCK_UPDATE_NOT_ALLOWED', `update-CCK, SCF bit 2 ${bit2}`, 'REQ-CTRL-14')).kind === 'accepted';
    if (!bit1) return true;
    const old = secretRequest(image, secret(3), { seed: seed + 3 });
    const renewed = secretRequest(image, secret(4), { cck: newCck, seed: seed + 4 });
    // REQ-CTRL-14: the CCK in force decides the extension secret
    yield* expectAdd(guest, old, updated ? 'EXTENSION_SECRET_MISMATCH' : null, `extension secret of the ${updated ? 'replaced' : 'current'} CCK`, 'REQ-CTRL-14');
    yield* expectAdd(guest, renewed, updated ? null : 'EXTENSION_SECRET_MISMATCH', `extension secret of the ${updated ? 'new' : 'refused'} CCK`, 'REQ-CTRL-14');
    return true;
  },
});

/** The CUID of `guest` from an attestation (the owner learns it so). */
function* cuidOf(guest: number, seed: number): Calls<Uint8Array> {
  const { arcb } = attestationRequest({ paf: ATTEST_FLAG.nonce, measurementKey: seededBytes(seed, 64), nonce: seededBytes(seed ^ 1, 16), hosts: [0, 1], seed });
  const o = yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) });
  yield* expectAccepted('REQ-CTRL-7', 'retrieve-attestation', o, `attestation of guest ${guest}`);
  return o.kind === 'accepted' ? (o.response['cuid'] as Uint8Array) : new Uint8Array(16);
}

/** REQ-CTRL-7, -13: a request is added only to a guest of its image, and of its CUID when it names one. */
export const bindingEnforced = defineProperty({
  mechanism: 'request-controls',
  name: 'binding-enforced',
  requirements: ['REQ-CTRL-7', 'REQ-CTRL-13'],
  statement:
    'Two guests booted from one image have different CUIDs, each the same in every response; a request with CUID zero is added to both, one with a guest\'s CUID only to that guest, one with any other CUID to neither; a request whose PLD, ALD, TLD or header tag is not the image\'s is refused with IMAGE_MISMATCH, also one made for the same pages under another header, which a guest of that header adds.',
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), field: fc.constantFrom('pld', 'ald', 'tld', 'headerTag'), byte: fc.nat(15), seed: fc.nat() }),
  *run({ base, field, byte, seed }) {
    yield* sut.reset(STIMULUS_CONFIG);
    const image = withControls(baseImage(base), 0xe0n, 0n);
    const g1 = yield* boot(image);
    const g2 = yield* boot(image);
    const c1 = yield* cuidOf(g1, seed);
    const c2 = yield* cuidOf(g2, seed + 1);
    const again = yield* cuidOf(g1, seed + 2);
    const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    yield* holds('REQ-CTRL-7', !eq(c1, c2) && eq(c1, again) && c1.length === 16, 'two guests share a CUID, or a guest\'s CUID changed');
    const s = (i: number) => secretOf(SECRET_TYPE.ASSOCIATION, seed + i);
    const any = secretRequest(image, s(0), { seed });
    yield* expectAdd(g1, any, null, 'CUID zeros on guest 1', 'REQ-CTRL-13');
    yield* expectAdd(g2, any, null, 'CUID zeros on guest 2', 'REQ-CTRL-13');
    const mine = secretRequest(image, s(1), { cuid: c1, seed: seed + 1 });
    yield* expectAdd(g1, mine, null, "guest 1's CUID on guest 1", 'REQ-CTRL-13');
    yield* expectAdd(g2, mine, 'CUID_MISMATCH', "guest 1's CUID on guest 2");
    const stranger = seededBytes(seed ^ 9, 16);
    stranger[0] = (stranger[0] ?? 0) | 1;
    yield* expectAdd(g1, secretRequest(image, s(2), { cuid: stranger, seed: seed + 2 }), 'CUID_MISMATCH', 'another CUID');
    const tags = bootTagsOf(image);
    const altered = tags[field].slice();
    altered[byte] = (altered[byte] ?? 0) ^ 0x01;
    yield* expectAdd(g1, secretRequest(image, s(3), { bootTags: { ...tags, [field]: altered }, seed: seed + 3 }), 'IMAGE_MISMATCH', `${field} byte ${byte} changed`);
    // The same pages under another header (another IV): another image for the firmware.
    const other = withControls(baseImage(base), 0xe0n, 0n, seededBytes(seed ^ 11, 12));
    const forOther = secretRequest(other, s(4), { seed: seed + 4 });
    yield* expectAdd(g1, forOther, 'IMAGE_MISMATCH', 'a request for the same pages under another header');
    const g3 = yield* boot(other);
    yield* expectAdd(g3, forOther, null, 'that request on a guest of that header', 'REQ-CTRL-13');
    return true;
  },
});
