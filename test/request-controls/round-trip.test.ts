// A running guest's requests end to end on the model: create -> add -> list -> retrieve, and
// create -> measure -> verify (the owner recomputes the measurement), with fixed inputs.
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../model/core/bytes.js';
import { modelSystem, type PlatformOutcome } from '../../model/platform/index.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { decodeSecretListPage } from '../../model/se-format/secret-list.js';
import { protectedKeySize, SECRET_TYPE, secretId } from '../../model/se-format/secret-types.js';
import { baseImage, boot, OWNER_SUITE, STIMULUS_CONFIG, withControls } from '../../properties/request-controls/fixtures.js';
import { attestationRequest, expectedAdditionalData, expectedMeasurement, secretRequest, tagOf } from '../../properties/request-controls/requests.js';
import { runSync } from '../../properties/sut-calls.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

function running(pcf = 0xe0n, scf = 0n) {
  const sut = modelSystem({ suite: PROPERTY_SUITE });
  sut.reset(STIMULUS_CONFIG);
  const image = withControls(baseImage(0), pcf, scf);
  const guest = runSync(boot(image), sut);
  return { sut, image, guest };
}

const response = (o: PlatformOutcome): Record<string, unknown> => {
  if (o.kind !== 'accepted') throw new Error(`rejected: ${o.code} (${o.requirement})`);
  return o.response;
};

describe('request-controls round trips', () => {
  it('adds, lists and retrieves a plain-text secret and an AES key', () => {
    const { sut, image, guest } = running();
    const text = utf8ToBytes('a secret of the owner');
    const key = OWNER_SUITE.sha256(utf8ToBytes('aes key'));
    const r1 = secretRequest(image, { type: SECRET_TYPE.PLAINTEXT, value: text, name: 'text' });
    const r2 = secretRequest(image, { type: SECRET_TYPE.AES_256, value: key, name: 'key' }, { seed: 1 });
    const r3 = secretRequest(image, { type: SECRET_TYPE.ASSOCIATION, value: key, name: 'assoc' }, { seed: 2 });
    for (const request of [r1, r2, r3]) expect(sut.apply({ kind: 'add-secret', guest, request }).kind).toBe('accepted');
    const list = response(sut.apply({ kind: 'list-secrets', guest, startIndex: 0 }));
    expect(list['rc']).toBe(1);
    const page = decodeSecretListPage(list['page'] as Uint8Array);
    expect(page.ok && page.value.entries.map((e) => [e.index, e.type, e.length])).toEqual([
      [0, 3, 32],
      [1, 6, 32],
      [2, 2, 32],
    ]);
    expect(page.ok && page.value.entries[1]?.id).toEqual(secretId(OWNER_SUITE, 'key'));
    const plain = response(sut.apply({ kind: 'retrieve-secret', guest, index: 0, bufferSize: 0x2000 }));
    expect((plain['plainText'] as Uint8Array).subarray(2, 2 + text.length)).toEqual(text);
    const aes = response(sut.apply({ kind: 'retrieve-secret', guest, index: 1, bufferSize: 0x2000 }));
    expect((aes['protectedKey'] as Uint8Array).length).toBe(protectedKeySize(SECRET_TYPE.AES_256));
    expect(aes['plainText']).toEqual(new Uint8Array(0));
    const assoc = sut.apply({ kind: 'retrieve-secret', guest, index: 2, bufferSize: 0x2000 });
    expect(assoc).toMatchObject({ kind: 'rejected', code: 'NOT_RETRIEVABLE' });
    // The same key through PCKMO (AES allowed by the default PCF) is the same protected key.
    expect(response(sut.apply({ kind: 'pckmo', guest, function: 'aes-256', key }))['protectedKey']).toEqual(aes['protectedKey']);
  });

  it('measures as the owner recomputes it, with the secret-store hash', () => {
    const { sut, image, guest } = running();
    const request = secretRequest(image, { type: SECRET_TYPE.ASSOCIATION, value: new Uint8Array(32).fill(7), name: 'a' });
    expect(sut.apply({ kind: 'add-secret', guest, request }).kind).toBe('accepted');
    expect(sut.apply({ kind: 'lock-secrets', guest }).kind).toBe('accepted');
    const paf = ATTEST_FLAG.nonce | ATTEST_FLAG.imagePhkh | ATTEST_FLAG.attestationPhkh | ATTEST_FLAG.secretStoreHash;
    const spec = { paf, measurementKey: new Uint8Array(64).fill(3), nonce: new Uint8Array(16).fill(9), hosts: [1, 0], seed: 5 };
    const { arcb } = attestationRequest(spec);
    const userData = utf8ToBytes('user data');
    const r = response(sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData }));
    const additional = expectedAdditionalData(paf, image, spec.hosts, { tags: [tagOf(request)], locked: true });
    expect(r['additionalData']).toEqual(additional);
    expect(r['measurement']).toEqual(expectedMeasurement(image, spec, r['cuid'] as Uint8Array, userData, additional));
  });
});
