/**
 * The Add-Secret Request Control Block, version 1 (platform-formats.md 2.2; s390-tools
 * rust/pv/src/uvsecret/asrcb.rs), byte exact:
 *
 * | off | size | field |
 * |---|---|---|
 * | 0x000 | 48 | generic header; magic `asrcbM` ‖ u16 user-data type |
 * | 0x030 | 8 | flags (MSB0 bit 0: disable dump) |
 * | 0x038 | 64 × 3 | PLD, ALD, TLD of the target image |
 * | 0x0F8 | 16 | SE-header tag |
 * | 0x108 | 16 | CUID (zeros: any) |
 * | 0x118 | 256 | reserved |
 * | 0x218 | 512 | user data |
 * | 0x418 | 160 | customer public key |
 * | 0x4B8 | 80 × NKS | key slots |
 * | after | 16 / 48 | secret header |
 * | encrypted | payload ‖ 32-byte extension secret | |
 * | end | 16 | request tag |
 *
 * {@link buildAsrcb} takes every random value as input (IV, request key, customer key), so that
 * IBM's requests rebuild byte for byte. {@link openAsrcb} opens from the machine's side (host
 * private key), the owner's (customer private key + host public key) or with the request key;
 * it is total, and a failure names its check: `format`, `key-slot`, `request-auth`,
 * `secret-header`, `extension-secret`.
 * @module
 */
import { equalBytes, readU64, utf8ToBytes, writeU64 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { DIGEST_SIZE, TAG_SIZE } from './format.js';
import type { KeySlot } from './header-codec.js';
import type { BuildError, CustomerKey } from './header-keys.js';
import { normalCustomer } from './arcb.js';
import { extensionSecretValue, type ExtensionSecretInput } from './extension-secret.js';
import { CUID_SIZE } from './measurement.js';
import {
  decodeSecretHeader,
  decodeSecretPayload,
  encodeSecretHeader,
  encodeSecretPayload,
  EXTENSION_SECRET_SIZE,
  SECRET_ID_SIZE,
  secretId,
  secretType,
  validSecretLength,
  type SecretHeader,
} from './secret-types.js';
import {
  openUvRequest,
  requestFail,
  resealUvRequest,
  sealUvRequest,
  splitUvRequest,
  UV_REQUEST_HEADER_SIZE,
  UV_REQUEST_OFFSET,
  type RequestFailure,
  type RequestOpener,
  type UvRequestHeader,
  type UvRequestLayout,
} from './uv-request.js';
import {
  placeSignature,
  signEcdsaP521,
  signedMessage,
  storedSignature,
  USER_DATA_SIZE,
  USER_DATA_TYPE,
  userDataArea,
  userDataLayout,
  userDataPart,
  verifyEcdsaP521,
  type UserDataInput,
} from './user-data.js';

/** ASRCB version 1. */
export const ASRCB_VERSION = 0x100;

/** The first six bytes of the magic, ASCII `asrcbM`. */
export const ASRCB_MAGIC_PREFIX: Uint8Array = utf8ToBytes('asrcbM');

/** Field offsets. */
export const ASRCB_OFFSET = {
  flags: 0x030,
  pld: 0x038,
  ald: 0x078,
  tld: 0x0b8,
  headerTag: 0x0f8,
  cuid: 0x108,
  reserved118: 0x118,
  userData: 0x218,
  customerPublicKey: 0x418,
  keySlots: 0x4b8,
} as const;

/** Where the ASRCB keeps its customer key. */
export const ASRCB_LAYOUT: UvRequestLayout = { customerKeyOffset: ASRCB_OFFSET.customerPublicKey };

/** Flag MSB0 bit 0: after this request the firmware gives no more dump keys for the guest. */
export const ADD_SECRET_FLAG_DISABLE_DUMP = 1n << 63n;

/** Every flag the reference defines. */
export const ADD_SECRET_FLAGS_KNOWN = ADD_SECRET_FLAG_DISABLE_DUMP;

/** The image a request is bound to: PLD, ALD, TLD (64 bytes each) and the SE-header tag (16). */
export interface BootTags {
  readonly pld: Uint8Array;
  readonly ald: Uint8Array;
  readonly tld: Uint8Array;
  readonly headerTag: Uint8Array;
}

/** The secret of a request: its type, its raw value, and its ID (given, or SHA-256 of a name). */
export interface AsrcbSecretInput {
  /** A type code of secret-types.ts. */
  readonly type: number;
  /** The value: empty for null, 32 bytes for association and update-CCK, the text of plain text, the key bytes of a key. */
  readonly value: Uint8Array;
  /** The 32-byte ID; for a listable type give it or `name`. */
  readonly id?: Uint8Array;
  /** The name, whose SHA-256 is the ID. */
  readonly name?: string;
}

/** What {@link buildAsrcb} needs. */
export interface AsrcbBuildInput {
  readonly iv: Uint8Array;
  /** The 32-byte request key every slot wraps. */
  readonly requestKey: Uint8Array;
  /** A P-521 scalar of 66 bytes or IBM's 80-byte form, or a public key with an agreement function. */
  readonly customer: CustomerKey;
  /** One slot per host key in this order; the same key twice gives two slots (as IBM's library does). */
  readonly hostKeys: readonly EcPoint[];
  /** The flags u64 (only bit 0, disable dump, is defined). */
  readonly flags: bigint;
  readonly bootTags: BootTags;
  /** 16 bytes; zeros for any configuration. */
  readonly cuid: Uint8Array;
  readonly secret: AsrcbSecretInput;
  readonly extensionSecret: ExtensionSecretInput;
  /** Default: none (type 0, 512 zero bytes). */
  readonly userData?: UserDataInput;
}

/** The secret header of `secret`: type, payload length, and the ID field for 48-byte types. */
function headerOf(suite: CryptoSuite, secret: AsrcbSecretInput, payloadLength: number): Result<SecretHeader, BuildError> {
  const t = secretType(secret.type);
  // Stryker disable next-line StringLiteral: unreachable, encodeSecretPayload has already refused an unknown type
  if (t === undefined) return err({ field: 'secret.type', message: 'not a secret type' });
  if (t.headerSize === 16) return ok({ type: t.code, length: payloadLength });
  if (!t.listable) return ok({ type: t.code, length: payloadLength, id: new Uint8Array(SECRET_ID_SIZE) });
  if (secret.id !== undefined && secret.name !== undefined) return err({ field: 'secret.id', message: 'give an ID or a name, not both' });
  const id = secret.id ?? (secret.name === undefined ? undefined : secretId(suite, secret.name));
  if (id === undefined) return err({ field: 'secret.name', message: `a ${t.name} secret is listed: it needs a name or an ID` });
  if (id.length !== SECRET_ID_SIZE) return err({ field: 'secret.id', message: `must be ${SECRET_ID_SIZE} bytes, got ${id.length}` });
  return ok({ type: t.code, length: payloadLength, id });
}

/** The first size problem of the fixed fields, if any. */
function fieldError(input: AsrcbBuildInput): BuildError | undefined {
  const sizes: readonly (readonly [string, Uint8Array, number])[] = [
    ['bootTags.pld', input.bootTags.pld, DIGEST_SIZE],
    ['bootTags.ald', input.bootTags.ald, DIGEST_SIZE],
    ['bootTags.tld', input.bootTags.tld, DIGEST_SIZE],
    ['bootTags.headerTag', input.bootTags.headerTag, TAG_SIZE],
    ['cuid', input.cuid, CUID_SIZE],
  ];
  for (const [field, value, size] of sizes) if (value.length !== size) return { field, message: `must be ${size} bytes, got ${value.length}` };
  if (input.flags < 0n || input.flags >= 1n << 64n) return { field: 'flags', message: 'must be a u64' };
  return undefined;
}

/** The user-data problem of `u`, if any. */
function userDataError(suite: CryptoSuite, u: UserDataInput): BuildError | undefined {
  const layout = userDataLayout(u.type);
  if (layout === undefined) return { field: 'userData.type', message: `${String(u.type)} is not a user-data type (0-4)` };
  if (u.type === USER_DATA_TYPE.NONE) return undefined;
  if (u.data.length > layout.maxData) return { field: 'userData.data', message: `user-data type ${u.type} holds at most ${layout.maxData} bytes, got ${u.data.length}` };
  if (u.type === USER_DATA_TYPE.ECDSA_P521 && (u.signingKey.length !== 66 || suite.ecPublicKey('p521', u.signingKey) === undefined)) {
    return { field: 'userData.signingKey', message: 'not a 66-byte P-521 scalar' };
  }
  return undefined;
}

/** The body between the header and the customer key: flags ‖ tags ‖ CUID ‖ reserved ‖ user data. */
function body(input: AsrcbBuildInput, userData: Uint8Array): Uint8Array {
  const out = new Uint8Array(ASRCB_OFFSET.customerPublicKey - UV_REQUEST_HEADER_SIZE);
  const at = (offset: number): number => offset - UV_REQUEST_HEADER_SIZE;
  writeU64(out, at(ASRCB_OFFSET.flags), input.flags);
  out.set(input.bootTags.pld, at(ASRCB_OFFSET.pld));
  out.set(input.bootTags.ald, at(ASRCB_OFFSET.ald));
  out.set(input.bootTags.tld, at(ASRCB_OFFSET.tld));
  out.set(input.bootTags.headerTag, at(ASRCB_OFFSET.headerTag));
  out.set(input.cuid, at(ASRCB_OFFSET.cuid));
  out.set(userData, at(ASRCB_OFFSET.userData));
  return out;
}

/** The 8-byte magic for a user-data type. */
export function asrcbMagic(userDataType: number): Uint8Array {
  const out = new Uint8Array(8);
  out.set(ASRCB_MAGIC_PREFIX, 0);
  out[6] = (userDataType >> 8) & 0xff;
  out[7] = userDataType & 0xff;
  return out;
}

/**
 * Builds an ASRCB: header, flags, boot tags, CUID, user data, customer key, one key slot per
 * host key, secret header, then payload ‖ extension secret sealed with the request key. With
 * signed user data it seals, signs the request without its tag (signature area zeroed), and
 * seals again. Deterministic but for an RSA signer the caller gives; bad input is a {@link BuildError}.
 */
export function buildAsrcb(suite: CryptoSuite, input: AsrcbBuildInput): Result<Uint8Array, BuildError> {
  const problem = fieldError(input);
  if (problem !== undefined) return err(problem);
  const userData = input.userData ?? { type: USER_DATA_TYPE.NONE };
  const udProblem = userDataError(suite, userData);
  if (udProblem !== undefined) return err(udProblem);
  const payload = encodeSecretPayload(input.secret.type, input.secret.value);
  if (!payload.ok) return payload;
  const secretHeader = headerOf(suite, input.secret, payload.value.length);
  if (!secretHeader.ok) return secretHeader;
  const extension = extensionSecretValue(suite, input.extensionSecret, input.bootTags.headerTag);
  if (!extension.ok) return extension;
  const customer = normalCustomer(input.customer);
  if (!customer.ok) return customer;

  const plaintext = new Uint8Array(payload.value.length + EXTENSION_SECRET_SIZE);
  plaintext.set(payload.value, 0);
  plaintext.set(extension.value, payload.value.length);
  const area = userDataArea(userData.type === USER_DATA_TYPE.NONE ? new Uint8Array(0) : userData.data);
  const first = sealUvRequest(suite, {
    magic: asrcbMagic(userData.type),
    version: ASRCB_VERSION,
    iv: input.iv,
    requestKey: input.requestKey,
    customer: customer.value,
    hostKeys: input.hostKeys,
    body: body(input, area),
    trailer: encodeSecretHeader(secretHeader.value),
    plaintext,
  });
  if (!first.ok || userData.type === USER_DATA_TYPE.NONE || userData.type === USER_DATA_TYPE.UNSIGNED) return first;

  const message = signedMessage(first.value, ASRCB_OFFSET.userData, userData.type, TAG_SIZE);
  const signature = userData.type === USER_DATA_TYPE.ECDSA_P521 ? signEcdsaP521(suite, userData.signingKey, message) : userData.sign(message);
  const want = userDataLayout(userData.type)?.signatureSize ?? 0;
  if (userData.type === USER_DATA_TYPE.ECDSA_P521 ? signature.length > want : signature.length !== want) {
    return err({ field: 'userData.sign', message: `a type-${userData.type} signature is ${userData.type === USER_DATA_TYPE.ECDSA_P521 ? 'at most ' : ''}${want} bytes, got ${signature.length}` });
  }
  // The first seal is ours alone: the signature goes into it in place (the reseal copies).
  placeSignature(first.value, ASRCB_OFFSET.userData, userData.type, signature);
  return ok(resealUvRequest(suite, first.value, input.requestKey, plaintext));
}

/** The checks of {@link openAsrcb}, in the order they run. */
export type AsrcbCheck = 'format' | 'key-slot' | 'request-auth' | 'secret-header' | 'extension-secret';

/** Why an ASRCB did not open. */
export type AsrcbFailure = RequestFailure<AsrcbCheck>;

/** A decoded ASRCB (nothing decrypted). */
export interface Asrcb {
  readonly header: UvRequestHeader;
  readonly userDataType: number;
  readonly flags: bigint;
  readonly bootTags: BootTags;
  readonly cuid: Uint8Array;
  /** The 256 reserved bytes at 0x118. */
  readonly reserved118: Uint8Array;
  /** The 512 bytes of user data as stored. */
  readonly userData: Uint8Array;
  readonly customerPublicKey: EcPoint;
  readonly keySlots: readonly KeySlot[];
  /** The secret header as stored (its consistency is the `secret-header` check). */
  readonly secretHeader: SecretHeader & { readonly size: number };
  readonly encryptedArea: Uint8Array;
  /** The request tag (what the secret-store hash takes). */
  readonly tag: Uint8Array;
}

/**
 * Decodes an ASRCB. `format` failures, in order: those of `splitUvRequest` (size, NKS,
 * key slots fit); magic not `asrcbM` (`magic`); user-data type above 4
 * (`user-data-type`); version not 0x100; flags other than bit 0 (`flags`); a secret header
 * that is not 16 or 48 bytes (`size`); SEA below 32 (`sea`). Never throws.
 */
export function decodeAsrcb(bytes: Uint8Array): Result<Asrcb, AsrcbFailure> {
  const split = splitUvRequest(bytes, ASRCB_LAYOUT);
  if (!split.ok) return split;
  const p = split.value;
  if (!equalBytes(p.header.magic.subarray(0, ASRCB_MAGIC_PREFIX.length), ASRCB_MAGIC_PREFIX)) {
    return requestFail('format', 'magic', 'an add-secret request starts with "asrcbM"', { offset: UV_REQUEST_OFFSET.magic });
  }
  const userDataType = ((p.header.magic[6] ?? 0) << 8) | (p.header.magic[7] ?? 0);
  if (userDataLayout(userDataType) === undefined) return requestFail('format', 'user-data-type', `user-data type ${userDataType}; 0-4 exist`, { offset: 6 });
  if (p.header.version !== ASRCB_VERSION) {
    return requestFail('format', 'version', `version 0x${p.header.version.toString(16)}, only 0x100 is supported`, { offset: UV_REQUEST_OFFSET.version });
  }
  const flags = readU64(bytes, ASRCB_OFFSET.flags);
  if ((flags & ~ADD_SECRET_FLAGS_KNOWN) !== 0n) {
    return requestFail('format', 'flags', `flags 0x${flags.toString(16).padStart(16, '0')} set bits other than 0 (disable dump)`, { offset: ASRCB_OFFSET.flags });
  }
  const sh = decodeSecretHeader(p.trailer);
  if (sh === undefined) {
    return requestFail('format', 'size', `${p.trailer.length} bytes between the key slots and the encrypted area; a secret header is 16 or 48`, { offset: UV_REQUEST_OFFSET.sea });
  }
  if (p.header.sea < EXTENSION_SECRET_SIZE) {
    return requestFail('format', 'sea', `SEA ${p.header.sea} is less than the ${EXTENSION_SECRET_SIZE}-byte extension secret`, { offset: UV_REQUEST_OFFSET.sea });
  }
  const copy = (offset: number, size: number): Uint8Array => bytes.slice(offset, offset + size);
  return ok({
    header: p.header,
    userDataType,
    flags,
    bootTags: {
      pld: copy(ASRCB_OFFSET.pld, DIGEST_SIZE),
      ald: copy(ASRCB_OFFSET.ald, DIGEST_SIZE),
      tld: copy(ASRCB_OFFSET.tld, DIGEST_SIZE),
      headerTag: copy(ASRCB_OFFSET.headerTag, TAG_SIZE),
    },
    cuid: copy(ASRCB_OFFSET.cuid, CUID_SIZE),
    reserved118: copy(ASRCB_OFFSET.reserved118, ASRCB_OFFSET.userData - ASRCB_OFFSET.reserved118),
    userData: copy(ASRCB_OFFSET.userData, USER_DATA_SIZE),
    customerPublicKey: p.customerPublicKey,
    keySlots: p.keySlots,
    secretHeader: { type: sh.type, length: sh.length, ...(sh.id === undefined ? {} : { id: sh.id }), size: p.trailer.length },
    encryptedArea: p.encryptedArea,
    tag: p.tag,
  });
}

/** The `secret-header` problem of a decoded request, if any: type, header size, length, ID. */
function secretHeaderProblem(a: Asrcb, secretHeaderOffset: number): Result<never, AsrcbFailure> | undefined {
  const sh = a.secretHeader;
  const where = { offset: secretHeaderOffset };
  const t = secretType(sh.type);
  if (t === undefined) return requestFail('secret-header', 'secret-type', `secret type 0x${sh.type.toString(16)} is reserved or unknown`, where);
  if (t.headerSize !== sh.size) return requestFail('secret-header', 'secret-type', `a ${t.name} secret has a ${t.headerSize}-byte secret header, this one is ${sh.size}`, where);
  if (sh.length !== a.header.sea - EXTENSION_SECRET_SIZE) {
    return requestFail('secret-header', 'secret-length', `secret length ${sh.length}, but SEA ${a.header.sea} leaves ${a.header.sea - EXTENSION_SECRET_SIZE} before the extension secret`, where);
  }
  if (!validSecretLength(sh.type, sh.length)) return requestFail('secret-header', 'secret-length', `${sh.length} bytes is not a length of a ${t.name} secret`, where);
  const zeroId = sh.id !== undefined && sh.id.every((b) => b === 0);
  if (sh.id !== undefined && !t.listable && !zeroId) return requestFail('secret-header', 'secret-id', `a ${t.name} secret must have a zero ID field`, { offset: secretHeaderOffset + 16 });
  return undefined;
}

/** An ASRCB opened: the request, its key, the slot used, the payload, the secret value, the extension secret. */
export interface OpenedAsrcb {
  readonly asrcb: Asrcb;
  readonly requestKey: Uint8Array;
  readonly slotIndex?: number;
  /** The payload as the request carries it. */
  readonly payload: Uint8Array;
  /** The secret's value (plain text decoded from its length prefix). */
  readonly secret: Uint8Array;
  readonly extensionSecret: Uint8Array;
}

/** What {@link openAsrcb} compares besides the cryptography. */
export interface OpenAsrcbOptions {
  /** The extension secret the request must carry (the firmware: the CCK-derived one under SCF bit 1). */
  readonly expectedExtensionSecret?: Uint8Array;
}

/**
 * Opens an ASRCB: {@link decodeAsrcb} (`format`), the key slot or the request key (`key-slot`),
 * the request tag (`request-auth`), the secret header against the type table and SEA
 * (`secret-header`; also a plain-text payload whose length prefix does not fit), and the
 * extension secret when one is expected (`extension-secret`). Total.
 */
export function openAsrcb(suite: CryptoSuite, bytes: Uint8Array, opener: RequestOpener, options: OpenAsrcbOptions = {}): Result<OpenedAsrcb, AsrcbFailure> {
  const decoded = decodeAsrcb(bytes);
  if (!decoded.ok) return decoded;
  const a = decoded.value;
  const opened = openUvRequest(suite, bytes, ASRCB_LAYOUT, opener);
  if (!opened.ok) return opened;
  const { plaintext, requestKey, slotIndex } = opened.value;
  const secretHeaderOffset = bytes.length - TAG_SIZE - a.header.sea - a.secretHeader.size;
  const bad = secretHeaderProblem(a, secretHeaderOffset);
  if (bad !== undefined) return bad;
  const payload = plaintext.slice(0, plaintext.length - EXTENSION_SECRET_SIZE);
  const secret = decodeSecretPayload(a.secretHeader.type, payload);
  if (secret === undefined) return requestFail('secret-header', 'secret-length', 'the plain-text length prefix does not fit its payload', { offset: secretHeaderOffset });
  const extensionSecret = plaintext.slice(plaintext.length - EXTENSION_SECRET_SIZE);
  const expected = options.expectedExtensionSecret;
  if (expected !== undefined && !equalBytes(expected, extensionSecret)) {
    return requestFail('extension-secret', 'extension-secret', 'the extension secret is not the expected one');
  }
  return ok({ asrcb: a, requestKey, ...(slotIndex === undefined ? {} : { slotIndex }), payload, secret, extensionSecret });
}

/** The request tag of an add-secret request (its last 16 bytes), what the secret-store hash takes; `undefined` when shorter than a tag. */
export function asrcbTag(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.length < TAG_SIZE ? undefined : bytes.slice(bytes.length - TAG_SIZE);
}

/** The data part of a request's user data (`pvsecret verify`'s output): see user-data.ts. */
export function asrcbUserData(a: Asrcb): Uint8Array {
  return userDataPart(a.userData, a.userDataType);
}

/** How signed user data is checked: ECDSA with the P-521 public key, or a caller's RSA verifier. */
export type UserDataVerifier = { readonly publicKey: EcPoint } | { readonly verify: (message: Uint8Array, signature: Uint8Array) => boolean };

/**
 * Checks the user-data signature of a request (`pvsecret verify`): the request must decode, its
 * user-data type must be signed (2-4), and the signature must verify over the request without its
 * tag with the signature area zeroed. `true` only then; total.
 */
export function verifyUserDataSignature(suite: CryptoSuite, bytes: Uint8Array, verifier: UserDataVerifier): boolean {
  const decoded = decodeAsrcb(bytes);
  if (!decoded.ok) return false;
  const type = decoded.value.userDataType;
  const signature = storedSignature(decoded.value.userData, type);
  if (signature === undefined) return false;
  const message = signedMessage(bytes, ASRCB_OFFSET.userData, type, TAG_SIZE);
  if ('publicKey' in verifier) return type === USER_DATA_TYPE.ECDSA_P521 && verifyEcdsaP521(suite, verifier.publicKey, message, signature);
  return type !== USER_DATA_TYPE.ECDSA_P521 && verifier.verify(message, signature);
}
