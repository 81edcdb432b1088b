/**
 * Association needs an association secret that mechanism 3 added (REQ-HSM-6, -7): a guest adds
 * association and plain-text secrets through add-secret, in any order; it learns their indexes
 * from list-secrets, as pvapconfig does. An association is accepted exactly at the indexes of
 * its association secrets, and the session it opens is the HSM's answer to that secret: the
 * replies are MACs under the code the login of that secret gives. Before any add, at an index of
 * a plain-text secret, at an index beyond the store, and at the index of another guest's secret,
 * it is INVALID_ASSOCIATION_SECRET.
 * @module
 */
import fc from 'fast-check';
import { equalBytes } from '../../model/core/bytes.js';
import { sessionCode } from '../../model/hsm-binding/index.js';
import { decodeSecretListPage, type SecretListEntry } from '../../model/se-format/secret-list.js';
import { SECRET_TYPE, secretId } from '../../model/se-format/secret-types.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { seededBytes, SUITE, type TestImage } from '../image-unpack/fixtures.js';
import { addAssociationSecret, HSM_CONFIG, imageAt, masterKeyOf, Q, secretRequest, secretValue, secureGuest } from './fixtures.js';
import { ask } from './release.js';

/** The entries of `guest`'s store, from list-secrets (one page: the properties add few). */
function* listed(guest: number): Calls<readonly SecretListEntry[]> {
  const o = yield* sut.apply({ kind: 'list-secrets', guest, startIndex: 0 });
  const page = o.kind === 'accepted' ? o.response['page'] : undefined;
  const decoded = page instanceof Uint8Array ? decodeSecretListPage(page) : undefined;
  yield* holds('REQ-HSM-6', decoded?.ok === true, `list-secrets of guest ${guest} gave no page: ${o.kind === 'rejected' ? o.code : 'undecodable'}`);
  return decoded?.ok === true ? decoded.value.entries : [];
}

/** Adds a plain-text secret `text` to `guest`'s store. */
function* addPlaintext(guest: number, image: TestImage, text: Uint8Array, seed: number): Calls<void> {
  const o = yield* sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, SECRET_TYPE.PLAINTEXT, text, `plain ${seed}`, seed) });
  yield* holds('REQ-HSM-6', o.kind === 'accepted', `add-secret of plain text to guest ${guest}: ${o.kind === 'rejected' ? o.code : 'accepted'}`);
}

/** Binds queue 0 afresh (a reset first) for `guest`. */
function* rebind(guest: number): Calls<void> {
  yield* expectAccepted('REQ-HSM-11', 'ap-reset', yield* sut.apply({ kind: 'ap-reset', guest, adapter: Q.ep11 }), 'reset before an association');
  yield* expectAccepted('REQ-HSM-4', 'ap-bind', yield* sut.apply({ kind: 'ap-bind', guest, adapter: Q.ep11 }), 'bind before an association');
}

/** REQ-HSM-6, -7: associate succeeds exactly at the guest's association secrets, and logs in with that secret. */
export const associationNeedsAddedSecret = defineProperty({
  mechanism: 'hsm-binding',
  name: 'association-needs-added-secret',
  requirements: ['REQ-HSM-6', 'REQ-HSM-7'],
  statement:
    "A guest's association of a bound EP11 queue is accepted exactly at the indexes list-secrets shows for association secrets that add-secret added, and the queue then answers in the session of that secret's login (HMAC under the code the HSM derives from it); before any add, at a plain-text secret, beyond the store and at another guest's secret index it is INVALID_ASSOCIATION_SECRET.",
  arbitrary: fc.record({
    images: fc.tuple(fc.nat(2), fc.nat(2)),
    adds: fc.array(fc.constantFrom('association' as const, 'plaintext' as const), { minLength: 1, maxLength: 4 }),
    seed: fc.nat(),
    message: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
  *run({ images, adds, seed, message }) {
    yield* sut.reset(HSM_CONFIG);
    const image = imageAt(images[0]);
    const otherImage = imageAt(images[1]);
    const guest = yield* secureGuest(image);
    const other = yield* secureGuest(otherImage);
    yield* expectAccepted('REQ-HSM-4', 'ap-bind', yield* sut.apply({ kind: 'ap-bind', guest, adapter: Q.ep11 }), 'bind');
    yield* expectCode('ap-associate', yield* sut.apply({ kind: 'ap-associate', guest, adapter: Q.ep11, secretIndex: 0 }), 'INVALID_ASSOCIATION_SECRET', 'before any add');
    // The other guest's association secrets: as many as this guest will have, at the same indexes.
    for (let i = 0; i < adds.length; i++) yield* addAssociationSecret(other, otherImage, secretValue(seed + 100 + i), seed + 100 + i);
    const values = new Map<string, Uint8Array>();
    for (const [i, what] of adds.entries()) {
      if (what === 'association') {
        const v = secretValue(seed + i);
        yield* addAssociationSecret(guest, image, v, seed + i);
        values.set(Buffer.from(secretId(SUITE, `hsm ${seed + i}`)).toString('hex'), v);
      } else yield* addPlaintext(guest, image, seededBytes(seed + i, 24), seed + i);
    }
    const entries = yield* listed(guest);
    yield* holds('REQ-HSM-6', entries.length === adds.length, `list-secrets shows ${entries.length} secrets, ${adds.length} were added`);
    let logins = 0;
    const top = Math.max(adds.length, ...entries.map((e) => e.index + 1));
    for (let index = 0; index <= top; index++) {
      const entry = entries.find((e) => e.index === index);
      const value = entry === undefined ? undefined : values.get(Buffer.from(entry.id).toString('hex'));
      const o = yield* sut.apply({ kind: 'ap-associate', guest, adapter: Q.ep11, secretIndex: index });
      if (entry === undefined || entry.type !== SECRET_TYPE.ASSOCIATION || value === undefined) {
        yield* expectCode('ap-associate', o, 'INVALID_ASSOCIATION_SECRET', `index ${index}: ${entry === undefined ? 'no secret' : `a secret of type ${entry.type}`}, the other guest's ${index < adds.length ? 'is an association secret' : 'is none'}`);
        continue;
      }
      yield* expectAccepted('REQ-HSM-6', 'ap-associate', o, `index ${index}: an association secret`);
      // The session is the login of this very secret.
      const code = sessionCode(SUITE, masterKeyOf(Q.ep11), logins, value);
      logins++;
      const answer = yield* ask(guest, Q.ep11, message, 'REQ-HSM-9');
      yield* holds('REQ-HSM-7', answer !== undefined && equalBytes(answer, SUITE.hmac('sha256', code, message)), `index ${index}: the queue does not answer in the session of that secret's login`);
      yield* rebind(guest);
    }
  },
});
