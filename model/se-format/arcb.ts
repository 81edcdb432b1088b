/**
 * The Attestation Request Control Block, version 0x100 (platform-formats.md 2.7, s390-tools
 * rust/pv/src/uvattest/arcb.rs), byte exact: the generic UV request header with a zero magic,
 * plaintext attestation flags (PAF, u64) @0x30, the measurement algorithm (MAI, u32; 1 =
 * HMAC-SHA512) @0x38, reserved u32 @0x3C, the customer public key @0x40, key slots @0xE0, then
 * the encrypted measurement key (64) ‖ optional nonce (16), and the GCM tag.
 *
 * {@link buildArcb} takes every random value as input (IV, request key = ARPK, customer key,
 * measurement key, nonce), so IBM's requests rebuild exactly; {@link openArcb} is total.
 * @module
 */
import { readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import type { KeySlot } from './header-codec.js';
import type { BuildError, CustomerKey } from './header-keys.js';
import {
  customerScalar,
  openUvRequest,
  requestFail,
  sealUvRequest,
  splitUvRequest,
  UV_REQUEST_OFFSET,
  type RequestFailure,
  type RequestOpener,
  type UvRequestHeader,
  type UvRequestLayout,
} from './uv-request.js';

/** ARCB version 1. */
export const ARCB_VERSION = 0x100;

/** The ARCB magic: eight zero bytes. */
export const ARCB_MAGIC: Uint8Array = new Uint8Array(8);

/** MAI 1: the measurement is HMAC-SHA512. */
export const MAI_HMAC_SHA512 = 1;

/** Size of the measurement key (for HMAC-SHA512). */
export const MEASUREMENT_KEY_SIZE = 64;

/** Size of the nonce. */
export const NONCE_SIZE = 16;

/** Size of an HMAC-SHA512 measurement. */
export const MEASUREMENT_SIZE = 64;

/** Field offsets of an ARCB after the generic header. */
export const ARCB_OFFSET = { paf: 0x30, mai: 0x38, reserved3c: 0x3c, customerPublicKey: 0x40, keySlots: 0xe0 } as const;

/** Where the ARCB keeps its customer key. */
export const ARCB_LAYOUT: UvRequestLayout = { customerKeyOffset: ARCB_OFFSET.customerPublicKey };

/** PAF bits, MSB0 bit n = 1 << (63 − n): 1 nonce, 2 image PHKH, 3 attestation PHKH, 4 secret-store hash, 5 firmware state. */
export const ATTEST_FLAG = {
  nonce: 1n << 62n,
  imagePhkh: 1n << 61n,
  attestationPhkh: 1n << 60n,
  secretStoreHash: 1n << 59n,
  firmwareState: 1n << 58n,
} as const;

/** Every PAF bit the reference defines. */
export const ATTEST_FLAGS_KNOWN = ATTEST_FLAG.nonce | ATTEST_FLAG.imagePhkh | ATTEST_FLAG.attestationPhkh | ATTEST_FLAG.secretStoreHash | ATTEST_FLAG.firmwareState;

/** The PAF of pvattest's default request: nonce only (0x4000000000000000). */
export const DEFAULT_PAF = ATTEST_FLAG.nonce;

/** SEA of an ARCB: the measurement key, and the nonce when PAF asks for one. */
export function arcbSea(paf: bigint): number {
  return MEASUREMENT_KEY_SIZE + ((paf & ATTEST_FLAG.nonce) !== 0n ? NONCE_SIZE : 0);
}

/** What {@link buildArcb} needs. */
export interface ArcbBuildInput {
  /** The 12-byte GCM IV. */
  readonly iv: Uint8Array;
  /** The 32-byte attestation request protection key (ARPK), which every key slot wraps. */
  readonly requestKey: Uint8Array;
  /** A fresh P-521 key per request; a private scalar of 66 bytes or IBM's 80-byte form. */
  readonly customer: CustomerKey;
  /** One key slot per host key, in this (slot) order. */
  readonly hostKeys: readonly EcPoint[];
  readonly paf: bigint;
  /** MAI; default 1 (HMAC-SHA512). */
  readonly mai?: number;
  /** 64 bytes. */
  readonly measurementKey: Uint8Array;
  /** 16 bytes: given exactly when PAF has the nonce bit. */
  readonly nonce?: Uint8Array;
}

/** The customer key with a 66-byte scalar, or a {@link BuildError} for a scalar of another form. */
export function normalCustomer(customer: CustomerKey): Result<CustomerKey, BuildError> {
  if (!('privateKey' in customer)) return ok(customer);
  const d = customerScalar(customer.privateKey);
  if (d === undefined) return err({ field: 'customer.privateKey', message: `a P-521 scalar is 66 bytes (or 80, left-padded), got ${customer.privateKey.length}` });
  return ok({ privateKey: d });
}

/**
 * Builds an ARCB: header (zero magic, version 0x100), PAF, MAI, customer key, one key slot per
 * host key, then the measurement key ‖ nonce sealed with the request key. Deterministic.
 */
export function buildArcb(suite: CryptoSuite, input: ArcbBuildInput): Result<Uint8Array, BuildError> {
  if (input.paf < 0n || input.paf >= 1n << 64n) return err({ field: 'paf', message: 'must be a u64' });
  const mai = input.mai ?? MAI_HMAC_SHA512;
  if (!Number.isInteger(mai) || mai < 0 || mai > 0xffffffff) return err({ field: 'mai', message: 'must be a u32' });
  if (input.measurementKey.length !== MEASUREMENT_KEY_SIZE) {
    return err({ field: 'measurementKey', message: `must be ${MEASUREMENT_KEY_SIZE} bytes, got ${input.measurementKey.length}` });
  }
  const wantsNonce = (input.paf & ATTEST_FLAG.nonce) !== 0n;
  if (wantsNonce !== (input.nonce !== undefined)) {
    return err({ field: 'nonce', message: wantsNonce ? 'PAF asks for a nonce (bit 1) but none is given' : 'a nonce is given but PAF bit 1 is clear' });
  }
  if (input.nonce !== undefined && input.nonce.length !== NONCE_SIZE) return err({ field: 'nonce', message: `must be ${NONCE_SIZE} bytes, got ${input.nonce.length}` });
  const customer = normalCustomer(input.customer);
  if (!customer.ok) return customer;
  const body = new Uint8Array(ARCB_OFFSET.customerPublicKey - ARCB_OFFSET.paf);
  writeU64(body, 0, input.paf);
  writeU32(body, ARCB_OFFSET.mai - ARCB_OFFSET.paf, mai);
  const plaintext = new Uint8Array(arcbSea(input.paf));
  plaintext.set(input.measurementKey, 0);
  if (input.nonce !== undefined) plaintext.set(input.nonce, MEASUREMENT_KEY_SIZE);
  return sealUvRequest(suite, {
    magic: ARCB_MAGIC,
    version: ARCB_VERSION,
    iv: input.iv,
    requestKey: input.requestKey,
    customer: customer.value,
    hostKeys: input.hostKeys,
    body,
    trailer: new Uint8Array(0),
    plaintext,
  });
}

/** A decoded ARCB (nothing decrypted). */
export interface Arcb {
  readonly header: UvRequestHeader;
  readonly paf: bigint;
  readonly mai: number;
  readonly customerPublicKey: EcPoint;
  readonly keySlots: readonly KeySlot[];
  /** SEA bytes of ciphertext. */
  readonly encryptedArea: Uint8Array;
  readonly tag: Uint8Array;
}

/** Why an ARCB did not open: `format`, `key-slot` or `request-auth`, with the reason. */
export type ArcbFailure = RequestFailure;

/**
 * Decodes an ARCB. `format` failures, in order: the generic ones of `splitUvRequest` (size,
 * NKS), magic not zero, version not 0x100, MAI not 1, PAF bits the
 * reference does not define (`flags`), SEA not 64 + 16·nonce (`sea`), bytes after the key slots
 * before the encrypted area (`size`). Never throws.
 */
export function decodeArcb(bytes: Uint8Array): Result<Arcb, ArcbFailure> {
  const split = splitUvRequest(bytes, ARCB_LAYOUT);
  if (!split.ok) return split;
  const p = split.value;
  if (p.header.magic.some((b) => b !== 0)) return requestFail('format', 'magic', 'an attestation request starts with eight zero bytes', { offset: UV_REQUEST_OFFSET.magic });
  if (p.header.version !== ARCB_VERSION) {
    return requestFail('format', 'version', `version 0x${p.header.version.toString(16)}, only 0x100 is supported`, { offset: UV_REQUEST_OFFSET.version });
  }
  const paf = readU64(bytes, ARCB_OFFSET.paf);
  const mai = readU32(bytes, ARCB_OFFSET.mai);
  if (mai !== MAI_HMAC_SHA512) return requestFail('format', 'mai', `measurement algorithm ${mai}; only 1 (HMAC-SHA512) exists`, { offset: ARCB_OFFSET.mai });
  if ((paf & ~ATTEST_FLAGS_KNOWN) !== 0n) {
    return requestFail('format', 'flags', `PAF 0x${paf.toString(16).padStart(16, '0')} sets bits other than 1-5`, { offset: ARCB_OFFSET.paf });
  }
  if (p.header.sea !== arcbSea(paf)) {
    return requestFail('format', 'sea', `SEA ${p.header.sea}: the measurement key and ${(paf & ATTEST_FLAG.nonce) !== 0n ? 'a' : 'no'} nonce make ${arcbSea(paf)}`, {
      offset: UV_REQUEST_OFFSET.sea,
    });
  }
  if (p.trailer.length !== 0) return requestFail('format', 'size', `${p.trailer.length} bytes between the key slots and the encrypted area`, { offset: UV_REQUEST_OFFSET.rql });
  return ok({ header: p.header, paf, mai, customerPublicKey: p.customerPublicKey, keySlots: p.keySlots, encryptedArea: p.encryptedArea, tag: p.tag });
}

/** An ARCB opened: the request, its key, the slot used (none with the ARPK), the measurement key and nonce. */
export interface OpenedArcb {
  readonly arcb: Arcb;
  readonly requestKey: Uint8Array;
  readonly slotIndex?: number;
  readonly measurementKey: Uint8Array;
  readonly nonce?: Uint8Array;
}

/**
 * Opens an ARCB: {@link decodeArcb} (`format`), the key slot of the host or the ARPK as given
 * (`key-slot`), the request tag (`request-auth`). Total.
 */
export function openArcb(suite: CryptoSuite, bytes: Uint8Array, opener: RequestOpener): Result<OpenedArcb, ArcbFailure> {
  const decoded = decodeArcb(bytes);
  if (!decoded.ok) return decoded;
  const opened = openUvRequest(suite, bytes, ARCB_LAYOUT, opener);
  if (!opened.ok) return opened;
  const { plaintext, requestKey, slotIndex } = opened.value;
  const nonce = plaintext.length > MEASUREMENT_KEY_SIZE ? plaintext.slice(MEASUREMENT_KEY_SIZE) : undefined;
  return ok({
    arcb: decoded.value,
    requestKey,
    ...(slotIndex === undefined ? {} : { slotIndex }),
    measurementKey: plaintext.slice(0, MEASUREMENT_KEY_SIZE),
    ...(nonce === undefined ? {} : { nonce }),
  });
}
