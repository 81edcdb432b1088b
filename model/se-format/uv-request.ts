/**
 * The generic UV request of IBM Z Secure Execution (platform-formats.md 2.1; s390-tools
 * rust/pv/src/req): a 48-byte header (magic, version, RQL, IV, NKS, SEA), request-specific
 * authenticated fields, the customer's P-521 public key, NKS key slots in the SE-header format,
 * more authenticated bytes (the "trailer", e.g. an add-secret request's secret header), the
 * encrypted area and a 16-byte AES-256-GCM tag. AAD = bytes [0, RQL − SEA − 16).
 *
 * Sealing takes every random value as input; opening is total: bad bytes are a
 * {@link RequestFailure} naming the check (`format`, `key-slot`, `request-auth`), never a throw.
 * Key slots are built and unwrapped by the SE-header code (header-keys.ts): the same scheme.
 * @module
 */
import { equalBytes, readU32, writeU32 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { IV_SIZE, KEY_SLOT_SIZE, P521_COORDINATE_SIZE, PADDED_COORDINATE_SIZE, PHKH_SIZE, TAG_SIZE } from './format.js';
import type { KeySlot } from './header-codec.js';
import { buildKeySlots, customerPublicKey, keyEncryptionKey, phkh, unwrapHeaderKey, type BuildError, type CustomerKey } from './header-keys.js';
import type { HostKeyPair } from './host-key.js';

/** Size of the generic request header. */
export const UV_REQUEST_HEADER_SIZE = 48;

/** Offsets of the generic header's fields. */
export const UV_REQUEST_OFFSET = {
  magic: 0x00,
  version: 0x08,
  rql: 0x0c,
  iv: 0x10,
  reserved1c: 0x1c,
  reserved20: 0x20,
  nks: 0x27,
  reserved28: 0x28,
  sea: 0x2c,
} as const;

/** Size of a customer public key in a request: X ‖ Y, each left-padded to 80 bytes. */
export const COORDINATES_SIZE = 2 * PADDED_COORDINATE_SIZE;

/** Size of the AES-256 request key (the ARPK of an attestation request). */
export const REQUEST_KEY_SIZE = 32;

/** Most key slots a request holds: NKS is one byte. */
export const MAX_KEY_SLOTS = 255;

/** The generic header of a UV request. */
export interface UvRequestHeader {
  /** 8 bytes: zeros for an attestation request, `asrcbM` ‖ u16 user-data type for add-secret. */
  readonly magic: Uint8Array;
  readonly version: number;
  /** RQL: total request length. */
  readonly rql: number;
  /** IV of the request's AES-256-GCM (12 bytes). */
  readonly iv: Uint8Array;
  /** NKS: number of key slots. */
  readonly nks: number;
  /** SEA: size of the encrypted area. */
  readonly sea: number;
}

/** The checks of opening a request, in the order they run. */
export type UvRequestCheck = 'format' | 'key-slot' | 'request-auth';

/**
 * What exactly failed, finer than the check (so that a firmware can pick its return code):
 * `size` (lengths disagree: RQL, NKS, SEA, the file), `magic`, `version`, `nks` (0 slots),
 * `flags` (unsupported flag bits), `sea` (SEA wrong for the request), `mai`, `user-data-type`,
 * `customer-key` (padding not zero, not a point, not the owner's key), `no-slot` (no slot for
 * this host key), `slot-unwrap` (the slot's tag fails), `tag` (the request's tag fails),
 * `secret-type`, `secret-length`, `secret-id`, `extension-secret`.
 */
export type RequestFailureReason =
  | 'size'
  | 'magic'
  | 'version'
  | 'nks'
  | 'flags'
  | 'sea'
  | 'mai'
  | 'user-data-type'
  | 'customer-key'
  | 'no-slot'
  | 'slot-unwrap'
  | 'tag'
  | 'secret-type'
  | 'secret-length'
  | 'secret-id'
  | 'extension-secret';

/** Why a request did not open: the check, the finer reason, one line, and where. */
export interface RequestFailure<C extends string = UvRequestCheck> {
  readonly check: C;
  readonly reason: RequestFailureReason;
  readonly message: string;
  /** The byte offset of the field at fault, where one is. */
  readonly offset?: number;
  /** The key slot that was tried, once one was found. */
  readonly slotIndex?: number;
}

/** A failed result of {@link RequestFailure}. */
export function requestFail<C extends string>(
  check: C,
  reason: RequestFailureReason,
  message: string,
  where: { readonly offset?: number; readonly slotIndex?: number } = {},
): Result<never, RequestFailure<C>> {
  return err({ check, reason, message, ...where });
}

/**
 * How a request is opened: by the machine with its host private key (the slot is found by
 * PHKH), by the owner with the request's customer private key and the host public key (ECDH is
 * symmetric: the same KEK), or with the request key itself (what pvattest verify holds, the ARPK).
 */
export type RequestOpener =
  | { readonly kind: 'host'; readonly host: HostKeyPair }
  | { readonly kind: 'owner'; readonly customerPrivateKey: Uint8Array; readonly hostPublicKey: EcPoint }
  | { readonly kind: 'request-key'; readonly requestKey: Uint8Array };

/** Zero bytes before each 66-byte coordinate (and scalar) in its 80-byte field. */
const PADDING = PADDED_COORDINATE_SIZE - P521_COORDINATE_SIZE;

/**
 * A P-521 private scalar as the model takes it (66 bytes), from 66 bytes or from the 80-byte
 * left-padded form of IBM's test keys (private_cust.bin); `undefined` for any other input.
 */
export function customerScalar(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === P521_COORDINATE_SIZE) return Uint8Array.from(bytes);
  if (bytes.length !== PADDED_COORDINATE_SIZE || bytes.subarray(0, PADDING).some((b) => b !== 0)) return undefined;
  return bytes.slice(PADDING);
}

/** The 160 bytes of a public key: X ‖ Y, each left-padded with zeros to 80 bytes (coordinates of at most 80 bytes: the callers' 66). */
export function encodeCoordinates(p: EcPoint): Uint8Array {
  const out = new Uint8Array(COORDINATES_SIZE);
  out.set(p.x, PADDED_COORDINATE_SIZE - p.x.length);
  out.set(p.y, COORDINATES_SIZE - p.y.length);
  return out;
}

/**
 * A public key from its 160 bytes (66-byte coordinates); `undefined` when the 14 padding bytes
 * before a coordinate are not zero, or the input is not 160 bytes.
 */
export function decodeCoordinates(bytes: Uint8Array): EcPoint | undefined {
  if (bytes.length !== COORDINATES_SIZE) return undefined;
  if (bytes.subarray(0, PADDING).some((b) => b !== 0) || bytes.subarray(PADDED_COORDINATE_SIZE, PADDED_COORDINATE_SIZE + PADDING).some((b) => b !== 0)) return undefined;
  return { x: bytes.slice(PADDING, PADDED_COORDINATE_SIZE), y: bytes.slice(PADDED_COORDINATE_SIZE + PADDING) };
}

/** The 80 bytes of a key slot: PHKH ‖ wrapped key ‖ tag. */
export function encodeKeySlot(slot: KeySlot): Uint8Array {
  const out = new Uint8Array(KEY_SLOT_SIZE);
  out.set(slot.phkh.subarray(0, PHKH_SIZE), 0);
  out.set(slot.wrappedKey.subarray(0, REQUEST_KEY_SIZE), PHKH_SIZE);
  out.set(slot.tag.subarray(0, TAG_SIZE), PHKH_SIZE + REQUEST_KEY_SIZE);
  return out;
}

/** A key slot from 80 bytes (the caller has checked the length). */
export function decodeKeySlot(bytes: Uint8Array): KeySlot {
  return {
    phkh: bytes.slice(0, PHKH_SIZE),
    wrappedKey: bytes.slice(PHKH_SIZE, PHKH_SIZE + REQUEST_KEY_SIZE),
    tag: bytes.slice(PHKH_SIZE + REQUEST_KEY_SIZE, KEY_SLOT_SIZE),
  };
}

/** The 48 header bytes of `h` (reserved bytes zero). NKS and the lengths are written modulo their field. */
export function encodeUvRequestHeader(h: UvRequestHeader): Uint8Array {
  const out = new Uint8Array(UV_REQUEST_HEADER_SIZE);
  out.set(h.magic.subarray(0, 8), UV_REQUEST_OFFSET.magic);
  writeU32(out, UV_REQUEST_OFFSET.version, h.version);
  writeU32(out, UV_REQUEST_OFFSET.rql, h.rql);
  out.set(h.iv.subarray(0, IV_SIZE), UV_REQUEST_OFFSET.iv);
  out[UV_REQUEST_OFFSET.nks] = h.nks & 0xff;
  writeU32(out, UV_REQUEST_OFFSET.sea, h.sea);
  return out;
}

/** The generic header of `bytes`; a `format` failure when fewer than 48 bytes. Reserved bytes are not checked here (the GCM covers them). */
export function decodeUvRequestHeader(bytes: Uint8Array): Result<UvRequestHeader, RequestFailure> {
  if (bytes.length < UV_REQUEST_HEADER_SIZE) {
    return requestFail('format', 'size', `a request is at least ${UV_REQUEST_HEADER_SIZE} bytes (its header), got ${bytes.length}`, { offset: 0 });
  }
  return ok({
    magic: bytes.slice(UV_REQUEST_OFFSET.magic, UV_REQUEST_OFFSET.magic + 8),
    version: readU32(bytes, UV_REQUEST_OFFSET.version),
    rql: readU32(bytes, UV_REQUEST_OFFSET.rql),
    iv: bytes.slice(UV_REQUEST_OFFSET.iv, UV_REQUEST_OFFSET.iv + IV_SIZE),
    nks: bytes[UV_REQUEST_OFFSET.nks] ?? 0,
    sea: readU32(bytes, UV_REQUEST_OFFSET.sea),
  });
}

/** Where a request kind keeps its customer public key (the key slots follow it). */
export interface UvRequestLayout {
  /** ARCB 0x40, ASRCB 0x418. */
  readonly customerKeyOffset: number;
}

/** A request cut into its parts, before any cryptography. */
export interface UvRequestParts {
  readonly header: UvRequestHeader;
  /** The request-specific authenticated bytes between the header and the customer key. */
  readonly body: Uint8Array;
  /** The customer key's 66-byte coordinates (the low bytes of each 80-byte field). */
  readonly customerPublicKey: EcPoint;
  /** Whether the 14 bytes before each coordinate are zero, as they must be for a P-521 point. */
  readonly customerKeyPadded: boolean;
  readonly keySlots: readonly KeySlot[];
  /** The authenticated bytes after the key slots (an add-secret request's secret header). */
  readonly trailer: Uint8Array;
  /** Bytes [0, RQL − SEA − 16). */
  readonly aad: Uint8Array;
  readonly encryptedArea: Uint8Array;
  /** The request tag: the last 16 bytes. */
  readonly tag: Uint8Array;
}

/** Offset of key slot `i` in a request of `layout`. */
export function keySlotOffset(layout: UvRequestLayout, i: number): number {
  return layout.customerKeyOffset + COORDINATES_SIZE + i * KEY_SLOT_SIZE;
}

/**
 * Cuts `bytes` into header, body, customer key, key slots, trailer, encrypted area and tag.
 * `format` failures, in order: shorter than the header; RQL ≠ the length; NKS = 0; the slots,
 * SEA and tag do not fit in RQL. Customer-key padding that is not zero is reported in
 * `customerKeyPadded` (opening then fails at the key slot, or with the request key at the tag). Never throws.
 */
export function splitUvRequest(bytes: Uint8Array, layout: UvRequestLayout): Result<UvRequestParts, RequestFailure> {
  const decoded = decodeUvRequestHeader(bytes);
  if (!decoded.ok) return decoded;
  const header = decoded.value;
  if (header.rql !== bytes.length) {
    return requestFail('format', 'size', `RQL says ${header.rql} bytes, the request has ${bytes.length}`, { offset: UV_REQUEST_OFFSET.rql });
  }
  if (header.nks === 0) return requestFail('format', 'nks', 'NKS is 0: a request needs at least one key slot', { offset: UV_REQUEST_OFFSET.nks });
  const slotsEnd = keySlotOffset(layout, header.nks);
  const aadEnd = header.rql - header.sea - TAG_SIZE;
  if (aadEnd < slotsEnd) {
    return requestFail('format', 'size', `RQL ${header.rql} is too small for ${header.nks} key slot(s), SEA ${header.sea} and the tag (needs ${slotsEnd + header.sea + TAG_SIZE})`, {
      offset: UV_REQUEST_OFFSET.sea,
    });
  }
  const coordinates = bytes.subarray(layout.customerKeyOffset, layout.customerKeyOffset + COORDINATES_SIZE);
  const strict = decodeCoordinates(coordinates);
  // Padding that is not zero is left to the key slot (no such point) or to the tag (the AAD
  // covers it): pvattest verify, holding the ARPK, reports such a request as a failed tag.
  const customerPublicKey = strict ?? { x: coordinates.slice(PADDING, PADDED_COORDINATE_SIZE), y: coordinates.slice(PADDED_COORDINATE_SIZE + PADDING) };
  const keySlots: KeySlot[] = [];
  for (let i = 0; i < header.nks; i++) {
    const at = keySlotOffset(layout, i);
    keySlots.push(decodeKeySlot(bytes.subarray(at, at + KEY_SLOT_SIZE)));
  }
  return ok({
    header,
    body: bytes.slice(UV_REQUEST_HEADER_SIZE, layout.customerKeyOffset),
    customerPublicKey,
    customerKeyPadded: strict !== undefined,
    keySlots,
    trailer: bytes.slice(slotsEnd, aadEnd),
    aad: bytes.slice(0, aadEnd),
    encryptedArea: bytes.slice(aadEnd, aadEnd + header.sea),
    tag: bytes.slice(header.rql - TAG_SIZE),
  });
}

/** What {@link sealUvRequest} needs: every field but those it derives (RQL, NKS, SEA, slots, tag). */
export interface UvSealInput {
  /** 8 bytes. */
  readonly magic: Uint8Array;
  readonly version: number;
  /** 12 bytes. */
  readonly iv: Uint8Array;
  /** The 32-byte AES-256 request key every slot wraps. */
  readonly requestKey: Uint8Array;
  /** The customer key; its public half goes into the request. */
  readonly customer: CustomerKey;
  /** One key slot per host key, in this order (the same key twice: two slots). */
  readonly hostKeys: readonly EcPoint[];
  /** Authenticated bytes between the header and the customer key. */
  readonly body: Uint8Array;
  /** Authenticated bytes after the key slots. */
  readonly trailer: Uint8Array;
  /** The plaintext of the encrypted area. */
  readonly plaintext: Uint8Array;
}

/**
 * Builds a request: header, body, customer key, one key slot per host key (the request key
 * wrapped as SE headers wrap the header key), trailer, then AES-256-GCM(request key, IV, AAD =
 * everything before, plaintext). Deterministic; bad input is a {@link BuildError}.
 */
export function sealUvRequest(suite: CryptoSuite, input: UvSealInput): Result<Uint8Array, BuildError> {
  const sizes: readonly (readonly [string, Uint8Array, number])[] = [
    ['magic', input.magic, 8],
    ['iv', input.iv, IV_SIZE],
    ['requestKey', input.requestKey, REQUEST_KEY_SIZE],
  ];
  for (const [field, value, size] of sizes) {
    if (value.length !== size) return err({ field, message: `must be ${size} bytes, got ${value.length}` });
  }
  if (input.hostKeys.length === 0) return err({ field: 'hostKeys', message: 'a request needs at least one host key (NKS ≥ 1)' });
  if (input.hostKeys.length > MAX_KEY_SLOTS) return err({ field: 'hostKeys', message: `at most ${MAX_KEY_SLOTS} host keys (NKS is one byte), got ${input.hostKeys.length}` });
  const bad = input.hostKeys.findIndex((k) => k.x.length !== P521_COORDINATE_SIZE || k.y.length !== P521_COORDINATE_SIZE);
  if (bad >= 0) return err({ field: `hostKeys[${bad}]`, message: 'coordinates must be 66 bytes each' });
  const customer = input.customer;
  if ('privateKey' in customer && customer.privateKey.length !== P521_COORDINATE_SIZE) {
    return err({ field: 'customer.privateKey', message: `must be a ${P521_COORDINATE_SIZE}-byte P-521 scalar, got ${customer.privateKey.length} bytes` });
  }
  const customerPublic = customerPublicKey(suite, customer);
  if (customerPublic === undefined) return err({ field: 'customer.privateKey', message: 'not a valid P-521 scalar' });
  if (customerPublic.x.length !== P521_COORDINATE_SIZE || customerPublic.y.length !== P521_COORDINATE_SIZE) {
    return err({ field: 'customer.publicKey', message: 'coordinates must be 66 bytes each' });
  }
  const slots = buildKeySlots(suite, customer, input.hostKeys, input.requestKey);
  if (!slots.ok) return slots;

  const aadLength = UV_REQUEST_HEADER_SIZE + input.body.length + COORDINATES_SIZE + slots.value.length * KEY_SLOT_SIZE + input.trailer.length;
  const rql = aadLength + input.plaintext.length + TAG_SIZE;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement,StringLiteral,ObjectLiteral: only a plaintext of 4 GiB reaches it, which no test can allocate
  if (rql > 0xffffffff) return err({ field: 'plaintext', message: 'the request would be longer than RQL can say' });
  const out = new Uint8Array(rql);
  out.set(encodeUvRequestHeader({ magic: input.magic, version: input.version, rql, iv: input.iv, nks: slots.value.length, sea: input.plaintext.length }), 0);
  let at = UV_REQUEST_HEADER_SIZE;
  out.set(input.body, at);
  at += input.body.length;
  out.set(encodeCoordinates(customerPublic), at);
  at += COORDINATES_SIZE;
  for (const slot of slots.value) {
    out.set(encodeKeySlot(slot), at);
    at += KEY_SLOT_SIZE;
  }
  out.set(input.trailer, at);
  const sealed = suite.aesGcmEncrypt(input.requestKey, input.iv, input.plaintext, out.subarray(0, aadLength));
  out.set(sealed.ciphertext, aadLength);
  out.set(sealed.tag, aadLength + input.plaintext.length);
  return ok(out);
}

/**
 * `bytes` (a request {@link sealUvRequest} made with `requestKey` and `plaintext`) sealed again
 * after its authenticated bytes changed: the same ciphertext (GCM's does not depend on the AAD),
 * a new tag. What signing user data needs; the key slots stay as they are.
 */
export function resealUvRequest(suite: CryptoSuite, bytes: Uint8Array, requestKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const aadLength = out.length - plaintext.length - TAG_SIZE;
  const sealed = suite.aesGcmEncrypt(requestKey, out.subarray(UV_REQUEST_OFFSET.iv, UV_REQUEST_OFFSET.iv + IV_SIZE), plaintext, out.subarray(0, aadLength));
  out.set(sealed.ciphertext, aadLength);
  out.set(sealed.tag, aadLength + plaintext.length);
  return out;
}

/** A request opened: its parts, the request key, the slot used (none with the request key), the plaintext. */
export interface OpenedUvRequest extends UvRequestParts {
  readonly requestKey: Uint8Array;
  readonly slotIndex?: number;
  readonly plaintext: Uint8Array;
}

/** The request key of `parts` for `opener`, or the `key-slot` failure. */
function unwrapRequestKey(suite: CryptoSuite, parts: UvRequestParts, layout: UvRequestLayout, opener: RequestOpener): Result<{ key: Uint8Array; slotIndex?: number }, RequestFailure> {
  if (opener.kind === 'request-key') {
    if (opener.requestKey.length !== REQUEST_KEY_SIZE) {
      return requestFail('key-slot', 'slot-unwrap', `the request key must be ${REQUEST_KEY_SIZE} bytes, got ${opener.requestKey.length}`);
    }
    return ok({ key: opener.requestKey });
  }
  const hostPublic = opener.kind === 'host' ? opener.host.publicKey : opener.hostPublicKey;
  if (hostPublic.x.length !== P521_COORDINATE_SIZE || hostPublic.y.length !== P521_COORDINATE_SIZE) {
    return requestFail('key-slot', 'no-slot', 'the host key is not a P-521 key of 66-byte coordinates');
  }
  const own = opener.kind === 'host' ? (opener.host.phkh ?? phkh(suite, hostPublic)) : phkh(suite, hostPublic);
  const slotIndex = parts.keySlots.findIndex((s) => equalBytes(s.phkh, own));
  if (slotIndex < 0) return requestFail('key-slot', 'no-slot', 'no key slot carries this host key hash (PHKH)');
  const where = { offset: keySlotOffset(layout, slotIndex), slotIndex };
  if (!parts.customerKeyPadded) {
    return requestFail('key-slot', 'customer-key', 'the customer public key is not a P-521 point: the padding before a coordinate is not zero', { ...where, offset: layout.customerKeyOffset });
  }
  let sharedX: Uint8Array | undefined;
  if (opener.kind === 'host') {
    sharedX = opener.host.privateKey.length === P521_COORDINATE_SIZE ? suite.ecdh('p521', opener.host.privateKey, parts.customerPublicKey) : undefined;
    if (sharedX === undefined) return requestFail('key-slot', 'customer-key', 'no ECDH with the customer public key (not a P-521 point, or a bad host key)', where);
  } else {
    const d = customerScalar(opener.customerPrivateKey);
    const own = d === undefined ? undefined : suite.ecPublicKey('p521', d);
    if (d === undefined || own === undefined) return requestFail('key-slot', 'customer-key', 'the customer private key is not a P-521 scalar (66 bytes, or 80 left-padded)', where);
    if (!equalBytes(own.x, parts.customerPublicKey.x) || !equalBytes(own.y, parts.customerPublicKey.y)) {
      return requestFail('key-slot', 'customer-key', "the request's customer public key is not this customer key's", { ...where, offset: layout.customerKeyOffset });
    }
    sharedX = suite.ecdh('p521', d, hostPublic);
    if (sharedX === undefined) return requestFail('key-slot', 'no-slot', 'no ECDH with this host public key (not a P-521 point)', where);
  }
  const slot = parts.keySlots[slotIndex] as KeySlot;
  const key = unwrapHeaderKey(suite, keyEncryptionKey(suite, sharedX), slot);
  if (key === undefined) return requestFail('key-slot', 'slot-unwrap', `key slot ${slotIndex}: its tag does not verify`, where);
  return ok({ key, slotIndex });
}

/**
 * Opens a request: {@link splitUvRequest} (`format`), the request key from the key slot or as
 * given (`key-slot`), then the GCM over AAD and encrypted area (`request-auth`). Total.
 */
export function openUvRequest(suite: CryptoSuite, bytes: Uint8Array, layout: UvRequestLayout, opener: RequestOpener): Result<OpenedUvRequest, RequestFailure> {
  const split = splitUvRequest(bytes, layout);
  if (!split.ok) return split;
  const parts = split.value;
  const unwrapped = unwrapRequestKey(suite, parts, layout, opener);
  if (!unwrapped.ok) return unwrapped;
  const { key, slotIndex } = unwrapped.value;
  const plaintext = suite.aesGcmDecrypt(key, parts.header.iv, parts.encryptedArea, parts.tag, parts.aad);
  if (plaintext === undefined) {
    return requestFail('request-auth', 'tag', 'the request tag does not verify over the authenticated data and the encrypted area', {
      offset: bytes.length - TAG_SIZE,
      ...(slotIndex === undefined ? {} : { slotIndex }),
    });
  }
  return ok({ ...parts, requestKey: key, ...(slotIndex === undefined ? {} : { slotIndex }), plaintext });
}
