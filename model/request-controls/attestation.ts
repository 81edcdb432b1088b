/**
 * Retrieve attestation measurement (UVC 0x1020; spec/request-controls.md REQ-CTRL-4 to -7): the
 * firmware opens the guest's ARCB with this machine's host key, and answers with the HMAC-SHA512
 * measurement under the request's measurement key over the image's PLD, ALD, TLD and header tag,
 * the guest's CUID, the user data, the nonce and the additional data the request asks for, with
 * that additional data and the CUID. Nothing changes: the state is the same after the call.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { ATTEST_FLAG, decodeArcb, openArcb } from '../se-format/arcb.js';
import { decodeHeader } from '../se-format/header-codec.js';
import { findKeySlot } from '../se-format/header-keys.js';
import { attestationMeasurement, encodeAdditionalData, secretStoreHash, type AdditionalData } from '../se-format/measurement.js';
import { acceptGuest } from '../world/mechanism.js';
import { onGuest } from '../world/guests.js';
import type { FirmwareHostKey, Guest, World } from '../world/world.js';
import { MAX_USER_DATA, type RetrieveAttestation } from './actions.js';
import { fail, openForMachine } from './common.js';
import { cuidOf } from './firmware-values.js';

/** The response of an accepted retrieve-attestation. */
export interface AttestationResponse {
  readonly measurement: Uint8Array;
  readonly additionalData: Uint8Array;
  readonly cuid: Uint8Array;
}

/** The PHKH of the host key of this machine whose key slot opened the guest's SE header. */
function imagePhkh(world: World, guest: Guest, hosts: readonly FirmwareHostKey[]): Uint8Array {
  const decoded = guest.image === null ? undefined : decodeHeader(guest.image.headerBytes);
  const found = decoded?.ok === true ? findKeySlot(world.suite, decoded.value, hosts) : undefined;
  // Stryker disable next-line all: a running guest's header was accepted by one of these keys, so one is found
  return (found?.host.phkh ?? new Uint8Array(32)).slice();
}

/**
 * Retrieve an attestation measurement for the guest's ARCB.
 * @requirement REQ-CTRL-1 REQ-CTRL-4 REQ-CTRL-5 REQ-CTRL-6 REQ-CTRL-7
 */
export function retrieveAttestation(world: World, action: RetrieveAttestation): Step<World, AttestationResponse> {
  return onGuest(world, action.guest, (guest) => {
    const { image } = guest;
    // REQ-CTRL-1: only a running guest asks
    if (guest.phase !== 'running' || image === null) return fail(guest, 'INVALID_STATE');
    // REQ-CTRL-4: at most 256 bytes of user data
    if (action.userData.length > MAX_USER_DATA) return fail(guest, 'ATTEST_USER_DATA_TOO_LONG');
    // REQ-CTRL-4: an ARCB version 0x100 whose flags are defined (the codec's order)
    const decoded = decodeArcb(action.arcb);
    if (!decoded.ok) return fail(guest, decoded.error.reason === 'flags' ? 'ATTEST_UNSUPPORTED_FLAGS' : 'ATTEST_MALFORMED');
    const { paf } = decoded.value;
    // REQ-CTRL-4: the model has no firmware state to report
    if ((paf & ATTEST_FLAG.firmwareState) !== 0n) return fail(guest, 'ATTEST_UNSUPPORTED_FLAGS');
    // REQ-CTRL-5: a key slot for this machine, and the request authenticates
    const opened = openForMachine(world, guest, (host) => openArcb(world.suite, action.arcb, { kind: 'host', host }));
    if (!opened.ok) return fail(guest, opened.error.check === 'key-slot' && opened.error.reason === 'no-slot' ? 'ATTEST_NO_KEY_SLOT' : 'ATTEST_REQUEST_AUTH');
    const { measurementKey, nonce } = opened.value.value;

    // REQ-CTRL-6: the additional data the flags ask for, in flag order
    const hosts = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
    const store = guest.slices.secrets;
    const asked: { -readonly [K in keyof AdditionalData]: Uint8Array } = {};
    if ((paf & ATTEST_FLAG.imagePhkh) !== 0n) asked.imagePhkh = imagePhkh(world, guest, hosts);
    if ((paf & ATTEST_FLAG.attestationPhkh) !== 0n) asked.attestationPhkh = opened.value.host.phkh.slice();
    if ((paf & ATTEST_FLAG.secretStoreHash) !== 0n) asked.secretStoreHash = secretStoreHash(world.suite, store.requestTags, store.locked);
    const additional = encodeAdditionalData(paf, asked);
    // REQ-CTRL-7: the configuration's CUID
    const cuid = cuidOf(world, guest);
    const measurement = additional.ok
      ? attestationMeasurement(world.suite, measurementKey, {
          pld: image.pld,
          ald: image.ald,
          tld: image.tld,
          headerTag: image.headerTag,
          cuid,
          userData: action.userData,
          nonce,
          additionalData: additional.value,
        })
      : additional;
    // Stryker disable next-line all: unreachable, every input above has its size and every asked field is given
    if (!measurement.ok || !additional.ok) return fail(guest, 'ATTEST_MALFORMED');
    return acceptGuest(guest, { measurement: measurement.value, additionalData: additional.value, cuid });
  });
}
