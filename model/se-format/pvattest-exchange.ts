/**
 * pvattest's exchange file, version 0x100 (s390-tools rust/pvattest/src/exchange.rs; the C
 * pvattest 2.32 writes the same): a 64-byte header — magic `pvattest`, u32 version, u32 total
 * size, u64 reserved, then five {u32 size, u32 offset} entries: ARCB, measurement, additional
 * data, user data, CUID — and the blobs in that order. An entry with size 0 is absent; with
 * offset 0 it only announces a size (the request asks for a 64-byte measurement and the
 * additional data's size this way); otherwise it points at its bytes.
 * @module
 */
import { equalBytes, readU32, utf8ToBytes, writeU32 } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';

/** The magic, ASCII `pvattest`. */
export const EXCHANGE_MAGIC: Uint8Array = utf8ToBytes('pvattest');

/** Version 1. */
export const EXCHANGE_VERSION = 0x100;

/** Size of the header. */
export const EXCHANGE_HEADER_SIZE = 0x40;

/** Limits of the uvdevice (uvio_attest): ARCB ≤ 1 MiB, measurement 1..0x8000, additional ≤ 0x8000, user data ≤ 256. */
export const EXCHANGE_LIMITS = { arcb: 0x100000, measurement: 0x8000, additional: 0x8000, userData: 256, cuid: 16 } as const;

/** The entries in file order, with their header offsets. */
const ENTRY_OFFSET = { arcb: 0x18, measurement: 0x20, additional: 0x28, userData: 0x30, cuid: 0x38 } as const;

/** An attestation request as pvattest create writes it. */
export interface ExchangeRequest {
  readonly arcb: Uint8Array;
  /** The measurement size the request expects (64 for HMAC-SHA512). */
  readonly measurementSize: number;
  /** The additional-data size the request expects (0 for none). */
  readonly additionalSize: number;
}

/** A measured request as the guest returns it and pvattest verify reads it. */
export interface ExchangeResponse {
  readonly arcb: Uint8Array;
  readonly measurement: Uint8Array;
  readonly additionalData?: Uint8Array;
  readonly userData?: Uint8Array;
  readonly cuid: Uint8Array;
}

/** A decoded exchange file: what it announces and what it holds. */
export interface ExchangeFile {
  readonly arcb: Uint8Array;
  /** Size announced or held. */
  readonly measurementSize: number;
  readonly additionalSize: number;
  readonly measurement?: Uint8Array;
  readonly additionalData?: Uint8Array;
  readonly userData?: Uint8Array;
  readonly cuid?: Uint8Array;
}

function header(size: number, entries: Readonly<Record<keyof typeof ENTRY_OFFSET, readonly [number, number]>>): Uint8Array {
  const out = new Uint8Array(EXCHANGE_HEADER_SIZE);
  out.set(EXCHANGE_MAGIC, 0);
  writeU32(out, 0x08, EXCHANGE_VERSION);
  writeU32(out, 0x0c, size);
  for (const name of Object.keys(ENTRY_OFFSET) as (keyof typeof ENTRY_OFFSET)[]) {
    const [s, o] = entries[name];
    writeU32(out, ENTRY_OFFSET[name], s);
    writeU32(out, ENTRY_OFFSET[name] + 4, o);
  }
  return out;
}

/** The request file: header (measurement and additional data announced, offset 0) ‖ ARCB. */
export function encodeExchangeRequest(r: ExchangeRequest): Uint8Array {
  const size = EXCHANGE_HEADER_SIZE + r.arcb.length;
  const out = new Uint8Array(size);
  out.set(
    header(size, {
      arcb: [r.arcb.length, EXCHANGE_HEADER_SIZE],
      measurement: [r.measurementSize, 0],
      additional: [r.additionalSize, 0],
      userData: [0, 0],
      cuid: [0, 0],
    }),
    0,
  );
  out.set(r.arcb, EXCHANGE_HEADER_SIZE);
  return out;
}

/** The response file: header ‖ ARCB ‖ measurement ‖ additional data ‖ user data ‖ CUID (absent parts have size and offset 0). */
export function encodeExchangeResponse(r: ExchangeResponse): Uint8Array {
  const blobs: readonly (readonly [keyof typeof ENTRY_OFFSET, Uint8Array | undefined])[] = [
    ['arcb', r.arcb],
    ['measurement', r.measurement],
    ['additional', r.additionalData],
    ['userData', r.userData],
    ['cuid', r.cuid],
  ];
  const entries = { arcb: [0, 0], measurement: [0, 0], additional: [0, 0], userData: [0, 0], cuid: [0, 0] } as Record<keyof typeof ENTRY_OFFSET, readonly [number, number]>;
  let at = EXCHANGE_HEADER_SIZE;
  for (const [name, blob] of blobs) {
    if (blob === undefined || blob.length === 0) continue;
    entries[name] = [blob.length, at];
    at += blob.length;
  }
  const out = new Uint8Array(at);
  out.set(header(at, entries), 0);
  // An empty blob's entry stays (0, 0): setting it there writes nothing.
  for (const [name, blob] of blobs) if (blob !== undefined) out.set(blob, entries[name][1]);
  return out;
}

/** One entry: absent, announced (size only), or its bytes; or a codec error. */
function readEntry(bytes: Uint8Array, name: keyof typeof ENTRY_OFFSET, max: number): Result<{ size: number; data?: Uint8Array }, CodecError> {
  const at = ENTRY_OFFSET[name];
  const size = readU32(bytes, at);
  const offset = readU32(bytes, at + 4);
  if (size === 0) return ok({ size: 0 });
  if (size > max) return err(codecError(name, at, `${size} bytes, more than the ${max} the uvdevice takes`));
  if (offset === 0) return ok({ size });
  if (offset < EXCHANGE_HEADER_SIZE) return err(codecError(name, at + 4, `offset 0x${offset.toString(16)} points into the header`));
  if (offset + size > bytes.length) return err(codecError(name, at + 4, `${size} bytes at 0x${offset.toString(16)} run past the end of the file (${bytes.length} bytes)`));
  return ok({ size, data: bytes.slice(offset, offset + size) });
}

/**
 * Decodes a request or a response file. Errors (never a throw): shorter than the header, magic,
 * version, the size field larger than the file, an entry that points into the header, past the
 * end or beyond the uvdevice's limits, no ARCB bytes, a CUID that is not 16 bytes.
 */
export function decodeExchange(bytes: Uint8Array): Result<ExchangeFile, CodecError> {
  if (bytes.length < EXCHANGE_HEADER_SIZE) return err(codecError('header', 0, `an exchange file is at least ${EXCHANGE_HEADER_SIZE} bytes, got ${bytes.length}`));
  if (!equalBytes(bytes.subarray(0, 8), EXCHANGE_MAGIC)) return err(codecError('magic', 0, 'not "pvattest"'));
  const version = readU32(bytes, 0x08);
  if (version !== EXCHANGE_VERSION) return err(codecError('version', 0x08, `version 0x${version.toString(16)}, only 0x100 is supported`));
  const size = readU32(bytes, 0x0c);
  if (size > bytes.length) return err(codecError('size', 0x0c, `the header says ${size} bytes, the file has ${bytes.length}`));
  const arcb = readEntry(bytes, 'arcb', EXCHANGE_LIMITS.arcb);
  if (!arcb.ok) return arcb;
  if (arcb.value.data === undefined) return err(codecError('arcb', ENTRY_OFFSET.arcb, 'the file holds no attestation request'));
  const measurement = readEntry(bytes, 'measurement', EXCHANGE_LIMITS.measurement);
  if (!measurement.ok) return measurement;
  const additional = readEntry(bytes, 'additional', EXCHANGE_LIMITS.additional);
  if (!additional.ok) return additional;
  const userData = readEntry(bytes, 'userData', EXCHANGE_LIMITS.userData);
  if (!userData.ok) return userData;
  const cuid = readEntry(bytes, 'cuid', EXCHANGE_LIMITS.cuid);
  if (!cuid.ok) return cuid;
  if (cuid.value.size !== 0 && cuid.value.size !== EXCHANGE_LIMITS.cuid) return err(codecError('cuid', ENTRY_OFFSET.cuid, `a CUID is 16 bytes, the entry says ${cuid.value.size}`));
  const data = (e: { data?: Uint8Array }): Uint8Array | undefined => e.data;
  const m = data(measurement.value);
  const a = data(additional.value);
  const u = data(userData.value);
  const c = data(cuid.value);
  return ok({
    arcb: arcb.value.data,
    measurementSize: measurement.value.size,
    additionalSize: additional.value.size,
    ...(m === undefined ? {} : { measurement: m }),
    ...(a === undefined ? {} : { additionalData: a }),
    ...(u === undefined ? {} : { userData: u }),
    ...(c === undefined ? {} : { cuid: c }),
  });
}
