/**
 * The seed's invariant: for every request kind and every PCF and SCF, a running guest gets a
 * response if and only if the controls of its authenticated image permit the request; a
 * forbidden request is ignored (refused with its code, nothing anyone sees changes); and the
 * hypervisor cannot change the controls (a header with a PCF bit flipped does not set).
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import type { ActionKind, PlatformOutcome } from '../../model/platform/index.js';
import { CONTROL_BITS, keyKind, PCKMO_FAMILY_BIT, PCKMO_FUNCTIONS, type PckmoFunction } from '../../model/request-controls/index.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { HEADER_OFFSET } from '../../model/se-format/format.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { snapshot } from '../views.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { arbControls, BASE_IMAGES, baseImage, boot, hostHash, MACHINE, STIMULUS_CONFIG, withControls, type ControlledImage } from './fixtures.js';
import { attestationRequest, secretRequest } from './requests.js';

/** One request a run makes, with what the controls say of it. */
interface Probe {
  readonly label: string;
  readonly kind: ActionKind;
  readonly action: Record<string, unknown>;
  /** null: permitted; else the code of the control that forbids it. */
  readonly forbiddenBy: string | null;
  /** The requirement an accepted answer satisfies. */
  readonly accepted: RequirementId;
  /** Checks an accepted response. */
  readonly check?: (response: Record<string, unknown>) => boolean;
}

const has = (flags: bigint, mask: bigint): boolean => (flags & mask) === mask;

/** The PCKMO probes: every function, a key of its length; forbidden when its family's bit is clear. */
function pckmoProbes(guest: number, pcf: bigint, seed: number): Probe[] {
  return PCKMO_FUNCTIONS.map((fn: PckmoFunction, i) => {
    const kind = keyKind(fn);
    const size = kind?.keySize ?? 16;
    return {
      label: `pckmo ${fn}`,
      kind: 'pckmo',
      action: { kind: 'pckmo', guest, function: fn, key: seededBytes(seed ^ (i * 0x9e3779b1), size) },
      forbiddenBy: kind !== undefined && has(pcf, PCKMO_FAMILY_BIT[kind.family]) ? null : 'PCKMO_NOT_ALLOWED',
      accepted: 'REQ-CTRL-20',
      check: (r) => r['protectedKey'] instanceof Uint8Array && r['protectedKey'].length === size + (kind?.patternSize ?? 0),
    };
  });
}

/** Every request kind, as an honest guest makes it, and whether the controls permit it. */
function probes(image: ControlledImage, guest: number, seed: number): Probe[] {
  const { pcf, scf } = image;
  const value = seededBytes(seed, 32);
  // Without SCF bit 1 the association secret (no extension secret) is stored first: index 0.
  const first = has(scf, CONTROL_BITS.extensionSecret) ? 0 : 1;
  const { arcb } = attestationRequest({ paf: ATTEST_FLAG.nonce, measurementKey: seededBytes(seed ^ 1, 64), nonce: seededBytes(seed ^ 2, 16), hosts: [0], seed });
  return [
    {
      label: 'attestation',
      kind: 'retrieve-attestation',
      action: { kind: 'retrieve-attestation', guest, arcb, userData: new Uint8Array(0) },
      forbiddenBy: null,
      accepted: 'REQ-CTRL-6',
    },
    {
      label: 'add-secret without extension secret',
      kind: 'add-secret',
      action: { kind: 'add-secret', guest, request: secretRequest(image, { type: SECRET_TYPE.ASSOCIATION, value, name: 'gated' }, { extension: 'none', seed }) },
      forbiddenBy: has(scf, CONTROL_BITS.extensionSecret) ? 'EXTENSION_SECRET_MISMATCH' : null,
      accepted: 'REQ-CTRL-15',
    },
    {
      label: 'add-secret of a plain text with the derived extension secret',
      kind: 'add-secret',
      action: { kind: 'add-secret', guest, request: secretRequest(image, { type: SECRET_TYPE.PLAINTEXT, value, name: 'text' }, { seed: seed + 1 }) },
      forbiddenBy: null,
      accepted: 'REQ-CTRL-15',
    },
    {
      label: 'add-secret of an AES-256 key with the derived extension secret',
      kind: 'add-secret',
      action: { kind: 'add-secret', guest, request: secretRequest(image, { type: SECRET_TYPE.AES_256, value: seededBytes(seed ^ 4, 32), name: 'key' }, { seed: seed + 3 }) },
      forbiddenBy: null,
      accepted: 'REQ-CTRL-15',
    },
    { label: 'list', kind: 'list-secrets', action: { kind: 'list-secrets', guest, startIndex: 0 }, forbiddenBy: null, accepted: 'REQ-CTRL-17' },
    {
      label: 'retrieve the plain text',
      kind: 'retrieve-secret',
      action: { kind: 'retrieve-secret', guest, index: first, bufferSize: 0x2000 },
      forbiddenBy: null,
      accepted: 'REQ-CTRL-18',
      check: (r) => r['plainText'] instanceof Uint8Array && r['plainText'].length === 48 && r['protectedKey'] instanceof Uint8Array && r['protectedKey'].length === 0,
    },
    {
      label: 'retrieve the key',
      kind: 'retrieve-secret',
      action: { kind: 'retrieve-secret', guest, index: first + 1, bufferSize: 0x2000 },
      forbiddenBy: null,
      accepted: 'REQ-CTRL-18',
      check: (r) => r['plainText'] instanceof Uint8Array && r['plainText'].length === 0 && r['protectedKey'] instanceof Uint8Array && r['protectedKey'].length === 64,
    },
    ...pckmoProbes(guest, pcf, seed),
    {
      label: 'backup target keys',
      kind: 'query-backup-keys',
      action: { kind: 'query-backup-keys', guest },
      forbiddenBy: has(pcf, CONTROL_BITS.backupTargetKeys) ? null : 'BACKUP_KEYS_NOT_ALLOWED',
      accepted: 'REQ-CTRL-21',
      // Machine 0 holds host keys 0 and 1: key 1 is its backup target key.
      check: (r) => Array.isArray(r['hashes']) && r['hashes'].length === 1 && Buffer.from(r['hashes'][0] as Uint8Array).equals(hostHash(1)),
    },
    {
      label: 'update-CCK',
      kind: 'add-secret',
      action: { kind: 'add-secret', guest, request: secretRequest(image, { type: SECRET_TYPE.UPDATE_CCK, value: seededBytes(seed ^ 3, 32), name: '' }, { seed: seed + 2 }) },
      forbiddenBy: has(scf, CONTROL_BITS.cckUpdate) ? null : 'CCK_UPDATE_NOT_ALLOWED',
      accepted: 'REQ-CTRL-14',
    },
    { label: 'lock', kind: 'lock-secrets', action: { kind: 'lock-secrets', guest }, forbiddenBy: null, accepted: 'REQ-CTRL-8' },
  ];
}

/** `header` with PCF bit `bit` (MSB0) flipped: what a hypervisor that wants other controls would hand over. */
function flippedPcf(header: Uint8Array, bit: number): Uint8Array {
  const out = header.slice();
  const at = HEADER_OFFSET.pcf + (bit >> 3);
  out[at] = (out[at] ?? 0) ^ (0x80 >> (bit & 7));
  return out;
}

/** REQ-CTRL-2, -3, -12, -14, -20, -21: a response exactly when the controls permit it. */
export const controlsGateResponses = defineProperty({
  mechanism: 'request-controls',
  name: 'controls-gate-responses',
  requirements: ['REQ-CTRL-2', 'REQ-CTRL-3', 'REQ-CTRL-6', 'REQ-CTRL-8', 'REQ-CTRL-12', 'REQ-CTRL-14', 'REQ-CTRL-15', 'REQ-CTRL-17', 'REQ-CTRL-18', 'REQ-CTRL-20', 'REQ-CTRL-21'],
  statement:
    "For every PCF and SCF an owner seals, a running guest's request of every kind (attestation, add-secret with and without the extension secret, update-CCK, list, retrieve, every PCKMO function, backup target keys, lock) gets a response if and only if the controls permit it; a forbidden one is refused with its control's code and changes nothing any party sees; a header whose PCF the hypervisor changed does not set.",
  arbitrary: fc.record({ base: fc.nat(BASE_IMAGES - 1), controls: arbControls, seed: fc.nat(), bit: fc.nat(63) }),
  *run({ base, controls, seed, bit }) {
    yield* sut.reset(STIMULUS_CONFIG);
    const image = withControls(baseImage(base), controls.pcf, controls.scf);
    // REQ-CTRL-2: the hypervisor cannot hand over other controls
    const created = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.base.memoryPages });
    const spare = created.kind === 'accepted' ? (created.response['guest'] as number) : -1;
    const tampered: PlatformOutcome = yield* sut.apply({ kind: 'set-header', guest: spare, header: flippedPcf(image.header, bit) });
    yield* expectCode('set-header', tampered, 'HEADER_AUTH', `PCF bit ${bit} flipped`);
    yield* holds('REQ-CTRL-2', tampered.kind === 'rejected', `a header with PCF bit ${bit} flipped was accepted`);
    const guest = yield* boot(image);
    for (const p of probes(image, guest, seed)) {
      const before = yield* snapshot([guest, spare]);
      const o = yield* sut.apply(p.action);
      if (p.forbiddenBy === null) {
        yield* expectAccepted(p.accepted, p.kind, o, `${p.label} (PCF 0x${image.pcf.toString(16)}, SCF 0x${image.scf.toString(16)})`);
        if (p.check !== undefined && o.kind === 'accepted') yield* holds(p.accepted, p.check(o.response), `${p.label}: the response is not what the request asks for`);
        continue;
      }
      yield* expectCode(p.kind, o, p.forbiddenBy, `${p.label} (PCF 0x${image.pcf.toString(16)}, SCF 0x${image.scf.toString(16)})`);
      // REQ-CTRL-3: ignored: no party sees a change
      yield* holds('REQ-CTRL-3', (yield* snapshot([guest, spare])) === before, `${p.label}: the forbidden request changed what a party sees`);
    }
    return true;
  },
});
