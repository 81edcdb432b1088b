/**
 * Both ends of an attestation, on the real formats: the firmware's side ({@link measureArcb}:
 * open the ARCB with the host key, compute the measurement over the booted image's tags, the
 * CUID, the user data, the nonce and the additional data the flags ask for) and the owner's side
 * ({@link verifyAttestationResponse}, what `pvattest verify` does: open the ARCB with the ARPK,
 * recompute the measurement from the SE header, compare).
 * @module
 */
import { equalBytes } from '../core/bytes.js';
import { formatCodecError, ok, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { ATTEST_FLAG, openArcb, type ArcbFailure, type OpenedArcb } from './arcb.js';
import type { BuildError } from './header-keys.js';
import type { HostKeyPair } from './host-key.js';
import { attestationMeasurement, CUID_SIZE, decodeAdditionalData, encodeAdditionalData, type AdditionalData } from './measurement.js';
import { decodeExchange } from './pvattest-exchange.js';
import type { BootTags } from './asrcb.js';

/** What the firmware knows when it measures: the image's tags, the configuration's CUID, the guest's user data and the additional-data values. */
export interface MeasureContext {
  readonly bootTags: BootTags;
  readonly cuid: Uint8Array;
  /** At most 256 bytes; default none. */
  readonly userData?: Uint8Array;
  /** Values for every field the request's PAF asks for (those not asked for are ignored). */
  readonly additional?: AdditionalData;
}

/** A measured request: the opened ARCB, the measurement, and the additional data as the firmware returns it. */
export interface MeasuredArcb {
  readonly opened: OpenedArcb;
  readonly measurement: Uint8Array;
  readonly additionalData: Uint8Array;
}

/** Why measuring failed: the ARCB did not open, or an input is missing or of the wrong size (`format`). */
export type MeasureFailure = ArcbFailure | { readonly check: 'input'; readonly reason: 'size'; readonly message: string; readonly field: string };

/** Only the fields `paf` asks for (the firmware returns what the request asked for, nothing else). */
function asked(paf: bigint, values: AdditionalData): AdditionalData {
  const out: { -readonly [K in keyof AdditionalData]: Uint8Array } = {};
  const bits: readonly (readonly [Exclude<keyof AdditionalData, 'unrecognized'>, bigint])[] = [
    ['imagePhkh', ATTEST_FLAG.imagePhkh],
    ['attestationPhkh', ATTEST_FLAG.attestationPhkh],
    ['secretStoreHash', ATTEST_FLAG.secretStoreHash],
    ['firmwareState', ATTEST_FLAG.firmwareState],
  ];
  for (const [name, bit] of bits) {
    const v = values[name];
    if ((paf & bit) !== 0n && v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * The firmware's side of UVC 0x1020: opens `arcb` with `host` (format, key slot, request tag),
 * builds the additional data for its PAF from `context.additional`, and computes the
 * measurement. Total.
 */
export function measureArcb(suite: CryptoSuite, arcb: Uint8Array, host: HostKeyPair, context: MeasureContext): Result<MeasuredArcb, MeasureFailure> {
  const opened = openArcb(suite, arcb, { kind: 'host', host });
  if (!opened.ok) return opened;
  const inputFail = (e: BuildError): Result<never, MeasureFailure> => ({ ok: false, error: { check: 'input', reason: 'size', message: e.message, field: e.field } });
  const additional = encodeAdditionalData(opened.value.arcb.paf, asked(opened.value.arcb.paf, context.additional ?? {}));
  if (!additional.ok) return inputFail(additional.error);
  const m = attestationMeasurement(suite, opened.value.measurementKey, {
    ...context.bootTags,
    cuid: context.cuid,
    userData: context.userData ?? new Uint8Array(0),
    nonce: opened.value.nonce,
    additionalData: additional.value,
  });
  if (!m.ok) return inputFail(m.error);
  return ok({ opened: opened.value, measurement: m.value, additionalData: additional.value });
}

/** The checks of {@link verifyAttestationResponse}: the exchange file and ARCB layout, the ARCB's tag under the ARPK, the measurement. */
export type AttestationVerifyCheck = 'format' | 'request-auth' | 'measurement';

/** The verdict of {@link verifyAttestationResponse}, in the CLI's `--json` shape. */
export interface AttestationVerdict {
  readonly verified: boolean;
  readonly failedCheck?: AttestationVerifyCheck;
  /** One line on what failed. */
  readonly message?: string;
  /** What the response carries (empty when the file did not decode). */
  readonly cuid: Uint8Array;
  readonly userData: Uint8Array;
  readonly additionalData: Uint8Array;
  /** The additional data by field, when it splits by the request's flags. */
  readonly additionalFields?: AdditionalData;
  /** The request's PAF, once the ARCB opened. */
  readonly paf?: bigint;
}

/**
 * The owner's side (pvattest verify): decode the response exchange file, open its ARCB with
 * the ARPK (`request-auth` when the tag fails, `format` for bad layout), recompute the
 * measurement from `bootTags` (the SE header the guest should have booted from) and the
 * response's CUID, user data and additional data, and compare. Total.
 */
export function verifyAttestationResponse(suite: CryptoSuite, response: Uint8Array, bootTags: BootTags, arpk: Uint8Array): AttestationVerdict {
  const empty = new Uint8Array(0);
  const file = decodeExchange(response);
  if (!file.ok) return { verified: false, failedCheck: 'format', message: `the response: ${formatCodecError(file.error)}`, cuid: empty, userData: empty, additionalData: empty };
  const f = file.value;
  const carried = { cuid: f.cuid ?? empty, userData: f.userData ?? empty, additionalData: f.additionalData ?? empty };
  const fail = (failedCheck: AttestationVerifyCheck, message: string, extra: Partial<AttestationVerdict> = {}): AttestationVerdict => ({
    verified: false,
    failedCheck,
    message,
    ...carried,
    ...extra,
  });
  if (f.measurement === undefined) return fail('format', 'the file holds no measurement (a request, not a response?)');
  if (f.cuid === undefined || f.cuid.length !== CUID_SIZE) return fail('format', 'the response holds no CUID');
  const opened = openArcb(suite, f.arcb, { kind: 'request-key', requestKey: arpk });
  if (!opened.ok) return fail(opened.error.check === 'format' ? 'format' : 'request-auth', `the attestation request: ${opened.error.message}`);
  const paf = opened.value.arcb.paf;
  const fields = decodeAdditionalData(paf, carried.additionalData);
  const extra = { paf, ...(fields.ok ? { additionalFields: fields.value } : {}) };
  const m = attestationMeasurement(suite, opened.value.measurementKey, {
    ...bootTags,
    cuid: carried.cuid,
    userData: carried.userData,
    nonce: opened.value.nonce,
    additionalData: carried.additionalData,
  });
  if (!m.ok) return fail('format', `${m.error.field}: ${m.error.message}`, extra);
  if (!equalBytes(m.value, f.measurement)) return fail('measurement', 'the calculated and the received measurement differ', extra);
  return { verified: true, ...carried, ...extra };
}
