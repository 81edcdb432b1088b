/**
 * The attestation measurement and what goes into it (secure-execution-format.md, Attestation;
 * platform-formats.md 2.7; s390-tools rust/pv/src/uvattest/attest.rs and additional.rs):
 *
 * measurement = HMAC-SHA512(measurement key, PLD ‖ ALD ‖ TLD ‖ SE-header tag ‖ CUID (16) ‖
 * u16 user-data length ‖ u16 0 ‖ u32 additional-data length ‖ user data ‖ nonce (if any) ‖
 * additional data).
 *
 * The additional data is the concatenation, in this order, of what the PAF bits ask for: image
 * PHKH (32), attestation PHKH (32), secret-store hash (64), firmware state (320). The
 * secret-store hash is SHA-512(tag₁ ‖ … ‖ tagₙ ‖ locked byte) over the 16-byte tags of every
 * added request, in order (pvattest check/secret_store.rs).
 * @module
 */
import { concatBytes } from '../core/bytes.js';
import { err, ok, codecError, type CodecError, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { ATTEST_FLAG, NONCE_SIZE } from './arcb.js';
import { DIGEST_SIZE, PHKH_SIZE, TAG_SIZE } from './format.js';
import type { BuildError } from './header-keys.js';

/** Size of the configuration unique ID. */
export const CUID_SIZE = 16;

/** Most user data a guest may give to a measurement. */
export const MAX_USER_DATA_SIZE = 256;

/** Size of the secret-store hash. */
export const SECRET_STORE_HASH_SIZE = 64;

/** Size of the firmware state. */
export const FIRMWARE_STATE_SIZE = 320;

/** Everything the measurement is computed over. */
export interface MeasurementInputs {
  /** PLD, ALD, TLD (64 bytes each) and the tag (16) of the SE header the guest booted from. */
  readonly pld: Uint8Array;
  readonly ald: Uint8Array;
  readonly tld: Uint8Array;
  readonly headerTag: Uint8Array;
  /** 16 bytes. */
  readonly cuid: Uint8Array;
  /** At most 256 bytes (may be empty). */
  readonly userData: Uint8Array;
  /** 16 bytes, when the request has one. */
  readonly nonce?: Uint8Array | undefined;
  /** What the PAF asked for (may be empty). */
  readonly additionalData: Uint8Array;
}

/** The first size problem of `m`, if any. */
function inputsError(m: MeasurementInputs): BuildError | undefined {
  const sizes: readonly (readonly [string, Uint8Array, number])[] = [
    ['pld', m.pld, DIGEST_SIZE],
    ['ald', m.ald, DIGEST_SIZE],
    ['tld', m.tld, DIGEST_SIZE],
    ['headerTag', m.headerTag, TAG_SIZE],
    ['cuid', m.cuid, CUID_SIZE],
  ];
  for (const [field, value, size] of sizes) if (value.length !== size) return { field, message: `must be ${size} bytes, got ${value.length}` };
  if (m.userData.length > MAX_USER_DATA_SIZE) return { field: 'userData', message: `at most ${MAX_USER_DATA_SIZE} bytes, got ${m.userData.length}` };
  if (m.nonce !== undefined && m.nonce.length !== NONCE_SIZE) return { field: 'nonce', message: `must be ${NONCE_SIZE} bytes, got ${m.nonce.length}` };
  return undefined;
}

/** The bytes the HMAC runs over, in the reference's order; a wrong size is a {@link BuildError}. */
export function measurementInput(m: MeasurementInputs): Result<Uint8Array, BuildError> {
  const problem = inputsError(m);
  if (problem !== undefined) return err(problem);
  const lengths = new Uint8Array(8);
  const view = new DataView(lengths.buffer);
  view.setUint16(0, m.userData.length, false);
  view.setUint32(4, m.additionalData.length >>> 0, false);
  return ok(concatBytes(m.pld, m.ald, m.tld, m.headerTag, m.cuid, lengths, m.userData, m.nonce ?? new Uint8Array(0), m.additionalData));
}

/** HMAC-SHA512(measurement key, {@link measurementInput}(m)): 64 bytes; a wrong size is a {@link BuildError}. */
export function attestationMeasurement(suite: CryptoSuite, measurementKey: Uint8Array, m: MeasurementInputs): Result<Uint8Array, BuildError> {
  const input = measurementInput(m);
  if (!input.ok) return input;
  return ok(suite.hmac('sha512', measurementKey, input.value));
}

/** The additional data by field (each present exactly when its PAF bit is set). */
export interface AdditionalData {
  /** PHKH of the host key that unpacked the image (bit 2). */
  readonly imagePhkh?: Uint8Array;
  /** PHKH of the host key that opened the attestation request (bit 3). */
  readonly attestationPhkh?: Uint8Array;
  /** The secret-store hash (bit 4). */
  readonly secretStoreHash?: Uint8Array;
  /** Firmware state (bit 5), for IBM's service to interpret. */
  readonly firmwareState?: Uint8Array;
  /** Bytes after every known field (decoding only). */
  readonly unrecognized?: Uint8Array;
}

/** The fields in their order: name, PAF bit, size. A function so that mutation testing can vary it. */
function fields(): readonly (readonly ['imagePhkh' | 'attestationPhkh' | 'secretStoreHash' | 'firmwareState', bigint, number])[] {
  return [
    ['imagePhkh', ATTEST_FLAG.imagePhkh, PHKH_SIZE],
    ['attestationPhkh', ATTEST_FLAG.attestationPhkh, PHKH_SIZE],
    ['secretStoreHash', ATTEST_FLAG.secretStoreHash, SECRET_STORE_HASH_SIZE],
    ['firmwareState', ATTEST_FLAG.firmwareState, FIRMWARE_STATE_SIZE],
  ];
}

/** Bytes of additional data a PAF asks for (pvattest's `expected_additional_size`). */
export function additionalDataSize(paf: bigint): number {
  return fields().reduce((n, [, bit, size]) => n + ((paf & bit) !== 0n ? size : 0), 0);
}

/** The additional data for `paf`: each asked-for field in order. A missing or wrong-size field, or one not asked for, is a {@link BuildError}. */
export function encodeAdditionalData(paf: bigint, values: AdditionalData): Result<Uint8Array, BuildError> {
  const parts: Uint8Array[] = [];
  for (const [name, bit, size] of fields()) {
    const v = values[name];
    const asked = (paf & bit) !== 0n;
    if (asked && v === undefined) return err({ field: name, message: 'the request asks for it but no value is given' });
    if (!asked && v !== undefined) return err({ field: name, message: 'given, but the request does not ask for it' });
    if (v !== undefined && v.length !== size) return err({ field: name, message: `must be ${size} bytes, got ${v.length}` });
    if (v !== undefined) parts.push(v);
  }
  return ok(concatBytes(...parts));
}

/** Splits additional data by the PAF; too few bytes for an asked-for field is a {@link CodecError}; bytes left over are `unrecognized`. */
export function decodeAdditionalData(paf: bigint, bytes: Uint8Array): Result<AdditionalData, CodecError> {
  const out: { -readonly [K in keyof AdditionalData]: Uint8Array } = {};
  let at = 0;
  for (const [name, bit, size] of fields()) {
    if ((paf & bit) === 0n) continue;
    if (at + size > bytes.length) return err(codecError(name, at, `the request asked for ${size} bytes here, only ${bytes.length - at} are left`));
    out[name] = bytes.slice(at, at + size);
    at += size;
  }
  if (at < bytes.length) out.unrecognized = bytes.slice(at);
  return ok(out);
}

/** SHA-512(tag₁ ‖ … ‖ tagₙ ‖ locked byte 0/1) over the request tags of every added request, in order. */
export function secretStoreHash(suite: CryptoSuite, requestTags: readonly Uint8Array[], locked: boolean): Uint8Array {
  return suite.sha512(...requestTags, Uint8Array.of(locked ? 1 : 0));
}
