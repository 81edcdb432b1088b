/**
 * The secret store from the guest's side: what is added is listed (in the real page format,
 * across pages) and comes back as stored, keys only as protected keys of the reference's sizes
 * and never in the clear; the store fills at its limits; a lock is final.
 * @module
 */
import fc from 'fast-check';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { secretStoreHash } from '../../model/se-format/measurement.js';
import { decodeSecretListPage, SECRET_LIST_MAX_ENTRIES, type SecretListEntry } from '../../model/se-format/secret-list.js';
import { encodeSecretPayload, protectedKeySize, SECRET_TYPE, secretId, secretType } from '../../model/se-format/secret-types.js';
import { keyKind, MAX_ASSOCIATION_SECRETS, MAX_RETRIEVABLE_SECRETS } from '../../model/request-controls/index.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { collectBytes, findLeak, type Observed } from '../image-unpack/confidentiality.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { BASE_IMAGES, baseImage, OWNER_SUITE, resetAndBoot, withControls } from './fixtures.js';
import { attestationRequest, secretRequest, tagOf, type SecretSpec } from './requests.js';
import { arbKeySecret, arbSecret, secretOf } from './secrets.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const same = (a: unknown, b: Uint8Array): boolean => a instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));

/** What the owner expects the list to show for `s` at `index`. */
function entryOf(s: SecretSpec, index: number): SecretListEntry {
  const payload = encodeSecretPayload(s.type, s.value);
  return { index, type: s.type, length: payload.ok ? payload.value.length : -1, id: secretId(OWNER_SUITE, s.name) };
}

/** Lists every page from index 0, following rc 0x0100 and the next index; asserts the page format. */
function* listAll(guest: number): Calls<SecretListEntry[]> {
  const out: SecretListEntry[] = [];
  let start = 0;
  for (let pages = 0; pages < 4; pages++) {
    const o = yield* sut.apply({ kind: 'list-secrets', guest, startIndex: start });
    yield* expectAccepted('REQ-CTRL-17', 'list-secrets', o, `list from ${start}`);
    if (o.kind !== 'accepted') return out;
    const page = decodeSecretListPage(o.response['page'] as Uint8Array);
    yield* holds('REQ-CTRL-17', page.ok, 'the list page does not decode');
    if (!page.ok) return out;
    out.push(...page.value.entries);
    const more = o.response['rc'] === 0x0100;
    yield* holds('REQ-CTRL-17', more === (page.value.nextIndex !== 0) && (o.response['rc'] === 0x0001 || more), `rc ${String(o.response['rc'])} with next index ${page.value.nextIndex}`);
    if (!more) return out;
    yield* holds('REQ-CTRL-17', page.value.entries.length === SECRET_LIST_MAX_ENTRIES, `a page with more data holds ${page.value.entries.length} entries, not 85`);
    start = page.value.nextIndex;
  }
  return out;
}

/** REQ-CTRL-15, -16, -17, -18: what is added is listed and retrieved as stored. */
export const storeRoundTrip = defineProperty({
  mechanism: 'request-controls',
  name: 'store-round-trip',
  requirements: ['REQ-CTRL-15', 'REQ-CTRL-16', 'REQ-CTRL-17', 'REQ-CTRL-18', 'REQ-CTRL-19'],
  statement:
    'Secrets of every type added (each request possibly many times) are accepted while their class has room (8 association, 80 retrievable secrets) and refused with STORE_FULL beyond; the list pages (85 entries each, rc 0x0100 and the next index while more follow) show exactly the added ones with index, type, payload length and ID; each comes back as stored (plain text) or as a protected key of its size, never an association secret, and only into a buffer large enough.',
  arbitrary: fc.record({
    base: fc.nat(BASE_IMAGES - 1),
    secrets: fc.array(arbSecret, { minLength: 1, maxLength: 5 }),
    copies: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 25, max: 45 }) }),
    seed: fc.nat(),
  }),
  *run({ base, secrets, copies, seed }) {
    const image = withControls(baseImage(base), 0xe0n, 0n);
    const guest = yield* resetAndBoot(image);
    const requests = secrets.map((s, i) => secretRequest(image, s, { seed: seed + i }));
    const expected: { spec: SecretSpec; entry: SecretListEntry }[] = [];
    const held = { association: 0, retrievable: 0 };
    for (let c = 0; c < copies; c++) {
      for (const [i, s] of secrets.entries()) {
        const o = yield* sut.apply({ kind: 'add-secret', guest, request: requests[i] });
        const association = s.type === SECRET_TYPE.ASSOCIATION;
        const full = association ? held.association >= MAX_ASSOCIATION_SECRETS : held.retrievable >= MAX_RETRIEVABLE_SECRETS;
        if (full) {
          yield* expectCode('add-secret', o, 'STORE_FULL', `${association ? 'association' : 'retrievable'} secret ${held.association + held.retrievable + 1}`);
          continue;
        }
        yield* expectAccepted('REQ-CTRL-15', 'add-secret', o, `add of secret ${i} (type 0x${s.type.toString(16)})`);
        if (association) held.association++;
        else held.retrievable++;
        expected.push({ spec: s, entry: entryOf(s, expected.length) });
      }
    }
    const listed = yield* listAll(guest);
    const want = expected.map((e) => `${e.entry.index}/${e.entry.type}/${e.entry.length}/${hex(e.entry.id)}`);
    const got = listed.map((e) => `${e.index}/${e.type}/${e.length}/${hex(e.id)}`);
    yield* holds('REQ-CTRL-17', JSON.stringify(got) === JSON.stringify(want), `listed ${got.length} entries, added ${want.length}: first difference at ${got.findIndex((g, i) => g !== want[i])}`);
    // Retrieve the first stored secret of each kind added (and the boundaries of the index).
    for (const { spec, entry } of expected.filter((e, i, all) => all.findIndex((x) => x.spec === e.spec) === i)) {
      const o: PlatformOutcome = yield* sut.apply({ kind: 'retrieve-secret', guest, index: entry.index, bufferSize: 0x2000 });
      const t = secretType(spec.type);
      if (t?.retrievable !== true) {
        yield* expectCode('retrieve-secret', o, 'NOT_RETRIEVABLE', `association secret at ${entry.index}`);
        continue;
      }
      yield* expectAccepted('REQ-CTRL-18', 'retrieve-secret', o, `retrieve ${entry.index}`);
      if (o.kind !== 'accepted') continue;
      const size = spec.type === SECRET_TYPE.PLAINTEXT ? entry.length : (protectedKeySize(spec.type) ?? -1);
      if (spec.type === SECRET_TYPE.PLAINTEXT) {
        const payload = encodeSecretPayload(spec.type, spec.value);
        yield* holds('REQ-CTRL-18', payload.ok && same(o.response['plainText'], payload.value), `plain text at ${entry.index} is not as stored`);
      } else {
        yield* holds('REQ-CTRL-19', (o.response['protectedKey'] as Uint8Array).length === size, `protected key of type 0x${spec.type.toString(16)} is not ${size} bytes`);
      }
      const small = yield* sut.apply({ kind: 'retrieve-secret', guest, index: entry.index, bufferSize: size - 1 });
      yield* expectCode('retrieve-secret', small, 'BUFFER_TOO_SMALL', `a buffer of ${size - 1} bytes`);
    }
    yield* expectCode('retrieve-secret', yield* sut.apply({ kind: 'retrieve-secret', guest, index: expected.length, bufferSize: 0x2000 }), 'NO_SECRET_AT_INDEX', 'one past the last');
    yield* expectCode('retrieve-secret', yield* sut.apply({ kind: 'retrieve-secret', guest, index: 0x10000 + seed, bufferSize: 0x2000 }), 'INVALID_INDEX', 'an index beyond u16');
    return true;
  },
});

/** REQ-CTRL-18, -19: a key secret never comes back in the clear. */
export const retrieveNeverClear = defineProperty({
  mechanism: 'request-controls',
  name: 'retrieve-never-clear',
  requirements: ['REQ-CTRL-18', 'REQ-CTRL-19', 'REQ-CTRL-20'],
  statement:
    "A key secret of any type is retrieved only as a protected key of the reference's size (the clear size and a 32-byte pattern), with no plain text, and no 16-byte window of the clear key appears in any response (retrieve, list, PCKMO of the same key, which gives the same protected key on this machine).",
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), key: arbKeySecret, seed: fc.nat() }),
  *run({ base, key, seed }) {
    // Every PCKMO family allowed, so that the same key can go through PCKMO too.
    const image = withControls(baseImage(base), 0xf0n, 0n);
    const guest = yield* resetAndBoot(image);
    const observed: Observed[] = [];
    const add = yield* sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, key, { seed }) });
    yield* expectAccepted('REQ-CTRL-15', 'add-secret', add, 'add of a key');
    const o = yield* sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 0x2000 });
    yield* expectAccepted('REQ-CTRL-18', 'retrieve-secret', o, 'retrieve a key');
    collectBytes(o, 'retrieve response', observed);
    collectBytes(yield* sut.apply({ kind: 'list-secrets', guest, startIndex: 0 }), 'list response', observed);
    const kind = keyKind(key.type);
    if (kind !== undefined) {
      const p = yield* sut.apply({ kind: 'pckmo', guest, function: kind.name, key: key.value });
      collectBytes(p, 'pckmo response', observed);
      yield* holds('REQ-CTRL-20', o.kind === 'accepted' && p.kind === 'accepted' && same(p.response['protectedKey'], o.response['protectedKey'] as Uint8Array), `PCKMO ${kind.name} and retrieve wrap the same key differently`);
    }
    const pk = o.kind === 'accepted' ? (o.response['protectedKey'] as Uint8Array) : new Uint8Array(0);
    const plain = o.kind === 'accepted' ? (o.response['plainText'] as Uint8Array) : new Uint8Array(1);
    yield* holds('REQ-CTRL-19', pk.length === protectedKeySize(key.type) && plain.length === 0, `type 0x${key.type.toString(16)}: ${pk.length}-byte protected key, ${plain.length} bytes of plain text`);
    const leak = findLeak([{ name: 'the clear key', bytes: key.value, window: 16 }], observed, []);
    yield* holds('REQ-CTRL-19', leak === undefined, `the clear key reached the guest in the clear: ${leak?.where ?? ''}`);
    return true;
  },
});

/** One step of the lock property. */
type LockOp = { readonly op: 'add'; readonly secret: number } | { readonly op: 'lock' } | { readonly op: 'list' } | { readonly op: 'attest' };

/** REQ-CTRL-8: after a lock, no add succeeds; the store hash ends with the locked byte. */
export const lockIsFinal = defineProperty({
  mechanism: 'request-controls',
  name: 'lock-is-final',
  requirements: ['REQ-CTRL-6', 'REQ-CTRL-8', 'REQ-CTRL-17'],
  statement:
    'In any sequence of adds, locks, lists and attestations, every add and lock after the first lock is refused with STORE_LOCKED (0x0102), the list shows only what was added before it, and the secret-store hash is SHA-512 over the accepted requests\' tags and the locked byte.',
  arbitrary: fc.record({
    base: fc.nat(BASE_IMAGES - 1),
    secrets: fc.array(arbSecret, { minLength: 1, maxLength: 3 }),
    ops: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.record({ op: fc.constant('add' as const), secret: fc.nat(2) }) },
        { weight: 2, arbitrary: fc.constant({ op: 'lock' as const }) },
        { weight: 1, arbitrary: fc.constant({ op: 'list' as const }) },
        { weight: 1, arbitrary: fc.constant({ op: 'attest' as const }) },
      ),
      { minLength: 1, maxLength: 10 },
    ),
    seed: fc.nat(),
  }),
  *run({ base, secrets, ops, seed }) {
    const image = withControls(baseImage(base), 0xe0n, 0n);
    const guest = yield* resetAndBoot(image);
    const tags: Uint8Array[] = [];
    let locked = false;
    let listed = 0;
    const { arcb } = attestationRequest({ paf: ATTEST_FLAG.secretStoreHash, measurementKey: seededBytes(seed, 64), hosts: [0], seed });
    // Each add sends a request of its own (another IV and request key): every tag is new.
    const all: readonly LockOp[] = [...ops, { op: 'lock' }, { op: 'add', secret: 0 }, { op: 'list' }, { op: 'attest' }];
    for (const [i, op] of all.entries()) {
      if (op.op === 'add') {
        const s = secrets[op.secret % secrets.length] ?? secretOf(SECRET_TYPE.ASSOCIATION, seed);
        const request = secretRequest(image, s, { seed: seed + i });
        const o = yield* sut.apply({ kind: 'add-secret', guest, request });
        if (locked) yield* expectCode('add-secret', o, 'STORE_LOCKED', `add ${i} after the lock`);
        else {
          yield* expectAccepted('REQ-CTRL-15', 'add-secret', o, `add ${i} before any lock`);
          tags.push(tagOf(request));
          listed++;
        }
      } else if (op.op === 'lock') {
        const o = yield* sut.apply({ kind: 'lock-secrets', guest });
        if (locked) yield* expectCode('lock-secrets', o, 'STORE_LOCKED', `lock ${i}, again`);
        else yield* expectAccepted('REQ-CTRL-8', 'lock-secrets', o, `the first lock`);
        locked = true;
      } else if (op.op === 'list') {
        const o = yield* sut.apply({ kind: 'list-secrets', guest, startIndex: 0 });
        const page = o.kind === 'accepted' ? decodeSecretListPage(o.response['page'] as Uint8Array) : undefined;
        yield* holds('REQ-CTRL-17', page?.ok === true && page.value.totalCount === listed, `the list shows ${page?.ok === true ? page.value.totalCount : 'no'} secrets, ${listed} were added`);
      } else {
        const o = yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) });
        const want = secretStoreHash(OWNER_SUITE, tags, locked);
        yield* holds('REQ-CTRL-6', o.kind === 'accepted' && same(o.response['additionalData'], want), `the secret-store hash is not SHA-512 over ${tags.length} tags and locked=${locked}`);
      }
    }
    return true;
  },
});
