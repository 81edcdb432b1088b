/**
 * Nothing of a guest's requests reaches the hypervisor: whatever a running guest asks (adds,
 * attestations, retrieves, PCKMO, updates of the CCK, locks, lists), the hypervisor's view is the
 * same before and after, and no 16-byte window of a secret value, a measurement key, a CCK, an
 * extension secret, a protected key, a CUID or a measurement appears in it or in the responses
 * to the hypervisor's own calls, in any encoding.
 * @module
 */
import fc from 'fast-check';
import { deriveExtensionSecret } from '../../model/se-format/extension-secret.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { PCKMO_FUNCTIONS, keyKind } from '../../model/request-controls/index.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { viewText } from '../views.js';
import { collectBytes, findLeak, type Observed, type Secret } from '../image-unpack/confidentiality.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { arbControls, BASE_IMAGES, baseImage, honest, MACHINE, OWNER_SUITE, STIMULUS_CONFIG, withControls } from './fixtures.js';
import { attestationRequest, secretRequest, type SecretSpec } from './requests.js';
import { arbSecret } from './secrets.js';

/** One request of the guest. */
type GuestOp =
  | { readonly op: 'add'; readonly secret: SecretSpec }
  | { readonly op: 'update-cck'; readonly seed: number }
  | { readonly op: 'attest'; readonly seed: number }
  | { readonly op: 'retrieve'; readonly index: number }
  | { readonly op: 'pckmo'; readonly fn: number; readonly seed: number }
  | { readonly op: 'list' }
  | { readonly op: 'lock' }
  | { readonly op: 'backup' };

const arbOp: fc.Arbitrary<GuestOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('add' as const), secret: arbSecret }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('update-cck' as const), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('attest' as const), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('retrieve' as const), index: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('pckmo' as const), fn: fc.nat(PCKMO_FUNCTIONS.length - 1), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'list' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'lock' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'backup' as const }) },
);

/** Every byte string of a response that is a secret of the guest: what the hypervisor must never see. */
function responseSecrets(o: PlatformOutcome, label: string): Secret[] {
  if (o.kind !== 'accepted') return [];
  return Object.entries(o.response)
    .filter((e): e is [string, Uint8Array] => e[1] instanceof Uint8Array && e[1].length >= 16)
    .map(([field, bytes]) => ({ name: `${label}: ${field}`, bytes, window: 16 }));
}

/** REQ-CTRL-22: nothing of the store, the requests or their answers reaches the hypervisor. */
export const hypervisorSeesNoRequest = defineProperty({
  mechanism: 'request-controls',
  name: 'hypervisor-view-confidential',
  requirements: ['REQ-CTRL-22'],
  statement:
    "For any controls and any sequence of a running guest's requests, the hypervisor's view does not change, and no 16-byte window of a secret's value, the CCK (old or new), an extension secret, a measurement key, a measurement, a CUID, a protected key or a clear key given to PCKMO appears in the hypervisor's view or in the responses to its own calls.",
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), controls: arbControls, ops: fc.array(arbOp, { minLength: 1, maxLength: 8 }), seed: fc.nat() }),
  *run({ base, controls, ops, seed }) {
    yield* sut.reset(STIMULUS_CONFIG);
    const image = withControls(baseImage(base), controls.pcf, controls.scf);
    const observed: Observed[] = [];
    const supplied: Uint8Array[] = [image.header, ...image.base.pages.flatMap((p) => [p.stored, p.tweak])];
    // The hypervisor's own calls: its responses are what it learns besides its view.
    const created = yield* honest('REQ-PLATFORM-4', { kind: 'create-guest', machine: MACHINE, memoryPages: image.base.memoryPages }, 'create');
    collectBytes(created, 'response to create-guest', observed);
    const guest = created.kind === 'accepted' ? (created.response['guest'] as number) : -1;
    const requirement = { 'set-header': 'REQ-UNPACK-5', unpack: 'REQ-UNPACK-11', verify: 'REQ-UNPACK-12', start: 'REQ-UNPACK-13' } as const;
    const steps: ({ readonly kind: keyof typeof requirement } & Record<string, unknown>)[] = [
      { kind: 'set-header', guest, header: image.header },
      ...image.base.pages.map((p) => ({ kind: 'unpack' as const, guest, address: p.address, tweak: p.tweak, page: p.stored })),
      { kind: 'verify', guest },
      { kind: 'start', guest },
    ];
    for (const s of steps) collectBytes(yield* honest(requirement[s.kind], s, s.kind), `response to ${s.kind}`, observed);
    const before = viewText(yield* sut.observe({ kind: 'hypervisor' }));
    collectBytes(yield* sut.observe({ kind: 'hypervisor' }), 'view', observed);
    const secrets: Secret[] = [{ name: 'the CCK', bytes: image.cck, window: 16 }];
    let cck = image.cck;
    for (const [i, op] of ops.entries()) {
      let o: PlatformOutcome;
      if (op.op === 'add' || op.op === 'update-cck') {
        const spec = op.op === 'add' ? op.secret : { type: SECRET_TYPE.UPDATE_CCK, value: seededBytes(op.seed, 32), name: '' };
        // Values shorter than a window (short plain text) are too short to tell from chance.
        if (spec.value.length >= 16) secrets.push({ name: `secret ${i}`, bytes: spec.value, window: 16 });
        secrets.push({ name: `extension secret ${i}`, bytes: deriveExtensionSecret(OWNER_SUITE, cck, image.headerTag), window: 16 });
        o = yield* sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, spec, { cck, seed: seed + i }) });
        if (op.op === 'update-cck' && o.kind === 'accepted') cck = spec.value;
      } else if (op.op === 'attest') {
        const measurementKey = seededBytes(op.seed, 64);
        secrets.push({ name: `measurement key ${i}`, bytes: measurementKey, window: 16 });
        const { arcb } = attestationRequest({ paf: ATTEST_FLAG.nonce | ATTEST_FLAG.secretStoreHash, measurementKey, nonce: seededBytes(op.seed ^ 1, 16), hosts: [0, 1], seed: op.seed });
        o = yield* sut.apply({ kind: 'retrieve-attestation', guest, arcb, userData: seededBytes(op.seed ^ 2, 32) });
      } else if (op.op === 'retrieve') {
        o = yield* sut.apply({ kind: 'retrieve-secret', guest, index: op.index, bufferSize: 0x2000 });
      } else if (op.op === 'pckmo') {
        const fn = PCKMO_FUNCTIONS[op.fn] ?? 'aes-256';
        const key = seededBytes(op.seed, keyKind(fn)?.keySize ?? 32);
        secrets.push({ name: `PCKMO key ${i}`, bytes: key, window: 16 });
        o = yield* sut.apply({ kind: 'pckmo', guest, function: fn, key });
      } else {
        o = yield* sut.apply(op.op === 'list' ? { kind: 'list-secrets', guest, startIndex: 0 } : op.op === 'lock' ? { kind: 'lock-secrets', guest } : { kind: 'query-backup-keys', guest });
      }
      secrets.push(...responseSecrets(o, `response to ${op.op} ${i}`));
      // REQ-CTRL-22: the hypervisor sees no change, whether the request was answered or refused
      const now = viewText(yield* sut.observe({ kind: 'hypervisor' }));
      yield* holds('REQ-CTRL-22', now === before, `the hypervisor's view changed after the guest's ${op.op} (${o.kind})`);
    }
    collectBytes(yield* sut.observe({ kind: 'hypervisor' }), 'view at the end', observed);
    const leak = findLeak(secrets, observed, supplied);
    yield* holds('REQ-CTRL-22', leak === undefined, leak === undefined ? '' : `${leak.secret} (bytes ${leak.offset}..) reached the hypervisor: ${leak.where}`);
    return true;
  },
});
