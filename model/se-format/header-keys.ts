/**
 * The keys of an SE header: how a host finds its key slot (PHKH), how the slot's key-encryption
 * key comes from ECDH, how the header key is wrapped, and how the encrypted area is sealed.
 * `openHeader` is the firmware's side (total, never throws); `sealHeader` the owner's side.
 * @module
 */
import { equalBytes, leftPad, readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import {
  CCK_SIZE,
  DIGEST_SIZE,
  ENCRYPTED_AREA_OFFSET,
  ENCRYPTED_AREA_SIZE,
  HEADER_KEY_SIZE,
  IV_SIZE,
  KEK_COUNTER,
  MAX_HEADER_SIZE,
  P521_COORDINATE_SIZE,
  PADDED_COORDINATE_SIZE,
  SE_VERSION,
  TAG_SIZE,
  XTS_KEY_SIZE,
} from './format.js';
import { headerAad, headerSize, type KeySlot, type SeHeader } from './header-codec.js';
import type { HostKeyPair } from './host-key.js';

export type { HostKeyPair } from './host-key.js';

/** A PSW: mask and address, each a u64. */
export interface Psw {
  readonly mask: bigint;
  readonly addr: bigint;
}

/** What the encrypted area of a header holds, once decrypted. */
export interface HeaderSecrets {
  /** Customer communication key (32 bytes). */
  readonly cck: Uint8Array;
  /** AES-256-XTS image key, key1 ‖ key2 (64 bytes). */
  readonly xtsKey: Uint8Array;
  /** The PSW the guest starts with (genprotimg: stage3b's address). */
  readonly psw: Psw;
  /** SCF: secret control flags. */
  readonly scf: bigint;
  /** NOI: number of optional items (genprotimg writes 0). */
  readonly noi: number;
  /** The bytes of the encrypted area after its first 128 (optional items; normally empty). */
  readonly items: Uint8Array;
}

const U64_LIMIT = 1n << 64n;

function isU64(v: bigint): boolean {
  return v >= 0n && v < U64_LIMIT;
}

/** The plaintext of the encrypted area: CCK ‖ XTS key ‖ PSW ‖ SCF ‖ NOI u32 ‖ 0 u32 ‖ items. */
export function encodeEncryptedArea(s: HeaderSecrets): Uint8Array {
  const out = new Uint8Array(ENCRYPTED_AREA_SIZE + s.items.length);
  out.set(s.cck.subarray(0, CCK_SIZE), ENCRYPTED_AREA_OFFSET.cck);
  out.set(s.xtsKey.subarray(0, XTS_KEY_SIZE), ENCRYPTED_AREA_OFFSET.xtsKey);
  writeU64(out, ENCRYPTED_AREA_OFFSET.pswMask, s.psw.mask);
  writeU64(out, ENCRYPTED_AREA_OFFSET.pswAddr, s.psw.addr);
  writeU64(out, ENCRYPTED_AREA_OFFSET.scf, s.scf);
  writeU32(out, ENCRYPTED_AREA_OFFSET.noi, s.noi);
  out.set(s.items, ENCRYPTED_AREA_OFFSET.items);
  return out;
}

/** Splits a decrypted encrypted area into its fields; `undefined` if shorter than 128 bytes. */
export function decodeEncryptedArea(plain: Uint8Array): HeaderSecrets | undefined {
  if (plain.length < ENCRYPTED_AREA_SIZE) return undefined;
  const o = ENCRYPTED_AREA_OFFSET;
  return {
    cck: plain.slice(o.cck, o.cck + CCK_SIZE),
    xtsKey: plain.slice(o.xtsKey, o.xtsKey + XTS_KEY_SIZE),
    psw: { mask: readU64(plain, o.pswMask), addr: readU64(plain, o.pswAddr) },
    scf: readU64(plain, o.scf),
    noi: readU32(plain, o.noi),
    items: plain.slice(o.items),
  };
}

/** A coordinate as the header and the PHKH store it: left-padded with zeros to 80 bytes. */
function padded(c: Uint8Array): Uint8Array {
  // Stryker disable next-line EqualityOperator: at exactly 80 bytes slice(0) and leftPad(c, 80) give the same 80 bytes
  return c.length > PADDED_COORDINATE_SIZE ? c.slice(c.length - PADDED_COORDINATE_SIZE) : leftPad(c, PADDED_COORDINATE_SIZE);
}

/** PHKH: SHA-256 of the host public key, X ‖ Y each left-padded to 80 bytes (160 bytes). */
export function phkh(suite: CryptoSuite, hostPublic: EcPoint): Uint8Array {
  return suite.sha256(padded(hostPublic.x), padded(hostPublic.y));
}

/** A key slot's key-encryption key: SHA-256(ECDH shared X (66 bytes) ‖ 00 00 00 01). */
export function keyEncryptionKey(suite: CryptoSuite, sharedX: Uint8Array): Uint8Array {
  return suite.sha256(sharedX, KEK_COUNTER);
}

const ZERO_IV = new Uint8Array(IV_SIZE);
const NO_AAD = new Uint8Array(0);

/** Wraps the 32-byte header key: AES-256-GCM under the KEK, IV = 12 zero bytes, no AAD. */
export function wrapHeaderKey(suite: CryptoSuite, kek: Uint8Array, headerKey: Uint8Array): { wrappedKey: Uint8Array; tag: Uint8Array } {
  const sealed = suite.aesGcmEncrypt(kek, ZERO_IV, headerKey, NO_AAD);
  return { wrappedKey: sealed.ciphertext, tag: sealed.tag };
}

/** Unwraps a slot's header key with its KEK; `undefined` when the slot's tag does not verify. */
export function unwrapHeaderKey(suite: CryptoSuite, kek: Uint8Array, slot: KeySlot): Uint8Array | undefined {
  if (kek.length !== 32 || slot.wrappedKey.length !== HEADER_KEY_SIZE || slot.tag.length !== TAG_SIZE) return undefined;
  return suite.aesGcmDecrypt(kek, ZERO_IV, slot.wrappedKey, slot.tag, NO_AAD);
}


/**
 * The check of {@link openHeader} that failed, in the order they run, named by the firmware's
 * rejection code (REQ-UNPACK-4, -5; rows in model/image-unpack/rejections.ts):
 * `NO_KEY_SLOT` (no slot carries this host's PHKH, or the host key is malformed),
 * `KEY_SLOT_AUTH` (the slot's header key does not unwrap: its GCM tag fails, or the customer
 * public key is not a P-521 point), `HEADER_AUTH` (the header's GCM tag fails over the AAD and
 * the encrypted area).
 */
export type HeaderCheck = 'NO_KEY_SLOT' | 'KEY_SLOT_AUTH' | 'HEADER_AUTH';

/** Why a header did not open. */
export interface OpenHeaderError {
  readonly check: HeaderCheck;
  readonly message: string;
  /** The slot that was tried, once one was found. */
  readonly slotIndex?: number;
}

/** A header opened by a host: its slot, the header key and the decrypted encrypted area. */
export interface OpenedHeader {
  readonly slotIndex: number;
  readonly headerKey: Uint8Array;
  readonly secrets: HeaderSecrets;
}

function openFail(check: HeaderCheck, message: string, slotIndex?: number): Result<never, OpenHeaderError> {
  return err(slotIndex === undefined ? { check, message } : { check, message, slotIndex });
}

const isCoordinate = (c: Uint8Array): boolean => c.length === P521_COORDINATE_SIZE;

/**
 * The firmware's side: find the first key slot whose PHKH is this host's, derive its KEK by ECDH
 * with the customer public key, unwrap the header key, and decrypt the encrypted area with the
 * header's GCM (AAD = {@link headerAad}). Total: malformed input is a failure, never a throw.
 */
export function openHeader(suite: CryptoSuite, header: SeHeader, host: HostKeyPair): Result<OpenedHeader, OpenHeaderError> {
  if (host.privateKey.length !== P521_COORDINATE_SIZE || !isCoordinate(host.publicKey.x) || !isCoordinate(host.publicKey.y)) {
    return openFail('NO_KEY_SLOT', 'the host key is not a P-521 key pair of 66-byte values');
  }
  const found = findKeySlot(suite, header, [host]);
  if (found === undefined) return openFail('NO_KEY_SLOT', 'no key slot carries this host key hash (PHKH)');
  return openKeySlot(suite, header, host, found.slotIndex);
}

/**
 * The first host key (in the given order) that names a key slot, and the first slot with its
 * PHKH: the one place where slots are matched to hosts. `undefined` when no slot names one.
 */
export function findKeySlot<H extends HostKeyPair>(
  suite: CryptoSuite,
  header: SeHeader,
  hosts: readonly H[],
): { readonly host: H; readonly slotIndex: number } | undefined {
  for (const host of hosts) {
    const own = host.phkh ?? phkh(suite, host.publicKey);
    // equalBytes is false for a PHKH of another size than 32 bytes.
    const slotIndex = header.keySlots.findIndex((s) => equalBytes(s.phkh, own));
    if (slotIndex >= 0) return { host, slotIndex };
  }
  return undefined;
}

/**
 * Opens the key slot `slotIndex` (found by {@link findKeySlot}) with `host`: ECDH with the
 * customer public key, unwrap the header key, decrypt the encrypted area. Total.
 */
export function openKeySlot(suite: CryptoSuite, header: SeHeader, host: HostKeyPair, slotIndex: number): Result<OpenedHeader, OpenHeaderError> {
  const slot = header.keySlots[slotIndex];
  if (slot === undefined) return openFail('NO_KEY_SLOT', 'no key slot carries this host key hash (PHKH)');
  const customer = header.customerPublicKey;
  const sharedX = isCoordinate(customer.x) && isCoordinate(customer.y) ? suite.ecdh('p521', host.privateKey, customer) : undefined;
  if (sharedX === undefined) return openFail('KEY_SLOT_AUTH', 'the customer public key is not a P-521 point', slotIndex);
  const headerKey = unwrapHeaderKey(suite, keyEncryptionKey(suite, sharedX), slot);
  if (headerKey === undefined) return openFail('KEY_SLOT_AUTH', 'the key slot tag does not verify', slotIndex);

  const ea = header.encryptedArea;
  if (header.iv.length !== IV_SIZE || header.tag.length !== TAG_SIZE || ea.length < ENCRYPTED_AREA_SIZE) {
    return openFail('HEADER_AUTH', 'the IV, tag or encrypted area has the wrong size', slotIndex);
  }
  const plain = suite.aesGcmDecrypt(headerKey, header.iv, ea, header.tag, headerAad(header));
  const secrets = plain === undefined ? undefined : decodeEncryptedArea(plain);
  if (secrets === undefined) return openFail('HEADER_AUTH', 'the header tag does not verify', slotIndex);
  return ok({ slotIndex, headerKey, secrets });
}

/**
 * The image owner's customer key: a P-521 private scalar, or a public key and an agreement
 * function returning the ECDH shared X (66 bytes) with a host public key. The second form lets
 * tests reproduce real images whose customer private key is gone: ECDH is symmetric, so the
 * host private key gives the same shared X.
 */
export type CustomerKey =
  | { readonly privateKey: Uint8Array }
  | { readonly publicKey: EcPoint; readonly agree: (hostPublic: EcPoint) => Uint8Array | undefined };

/** An input the owner's side cannot build from: the field and what is wrong. */
export interface BuildError {
  readonly field: string;
  readonly message: string;
}

/** What {@link sealHeader} needs: everything of the header but what it derives. */
export interface HeaderSealInput {
  /** The 32-byte header key (AES-256-GCM). */
  readonly headerKey: Uint8Array;
  /** The 12-byte GCM IV. */
  readonly iv: Uint8Array;
  /** The customer key; its public half goes into the header. */
  readonly customer: CustomerKey;
  /** One key slot per host key, in this order. */
  readonly hostKeys: readonly EcPoint[];
  readonly pcf: bigint;
  readonly nep: bigint;
  readonly pld: Uint8Array;
  readonly ald: Uint8Array;
  readonly tld: Uint8Array;
  /** The plaintext of the encrypted area. */
  readonly secrets: HeaderSecrets;
}

function buildFail(field: string, message: string): Result<never, BuildError> {
  return err({ field, message });
}

/** The first size or range problem of a seal input, if any. */
function sealInputError(suite: CryptoSuite, input: HeaderSealInput): BuildError | undefined {
  const sizes: readonly (readonly [string, Uint8Array, number])[] = [
    ['headerKey', input.headerKey, HEADER_KEY_SIZE],
    ['iv', input.iv, IV_SIZE],
    ['pld', input.pld, DIGEST_SIZE],
    ['ald', input.ald, DIGEST_SIZE],
    ['tld', input.tld, DIGEST_SIZE],
    ['secrets.cck', input.secrets.cck, CCK_SIZE],
    ['secrets.xtsKey', input.secrets.xtsKey, XTS_KEY_SIZE],
  ];
  for (const [field, value, size] of sizes) {
    if (value.length !== size) return { field, message: `must be ${size} bytes, got ${value.length}` };
  }
  const u64s: readonly (readonly [string, bigint])[] = [
    ['pcf', input.pcf],
    ['nep', input.nep],
    ['secrets.psw.mask', input.secrets.psw.mask],
    ['secrets.psw.addr', input.secrets.psw.addr],
    ['secrets.scf', input.secrets.scf],
  ];
  for (const [field, value] of u64s) if (!isU64(value)) return { field, message: 'must be a u64' };
  if (!Number.isInteger(input.secrets.noi) || input.secrets.noi < 0 || input.secrets.noi > 0xffffffff) {
    return { field: 'secrets.noi', message: 'must be a u32' };
  }
  if (input.secrets.items.length % 16 !== 0) return { field: 'secrets.items', message: 'must be a multiple of 16 bytes' };
  if (input.hostKeys.length === 0) return { field: 'hostKeys', message: 'an image needs at least one host key' };
  const size = headerSize(input.hostKeys.length, ENCRYPTED_AREA_SIZE + input.secrets.items.length);
  if (size > MAX_HEADER_SIZE) return { field: 'hostKeys', message: `the header would be ${size} bytes, more than ${MAX_HEADER_SIZE}` };
  const bad = input.hostKeys.findIndex((k) => !isCoordinate(k.x) || !isCoordinate(k.y));
  if (bad >= 0) return { field: `hostKeys[${bad}]`, message: 'coordinates must be 66 bytes each' };
  if ('privateKey' in input.customer) {
    const d = input.customer.privateKey;
    if (d.length !== P521_COORDINATE_SIZE || suite.ecPublicKey('p521', d) === undefined) {
      return { field: 'customer.privateKey', message: 'not a valid 66-byte P-521 scalar' };
    }
  } else if (!isCoordinate(input.customer.publicKey.x) || !isCoordinate(input.customer.publicKey.y)) {
    return { field: 'customer.publicKey', message: 'coordinates must be 66 bytes each' };
  }
  return undefined;
}

/** The public half of a customer key; `undefined` for a private scalar that is not valid. */
export function customerPublicKey(suite: CryptoSuite, customer: CustomerKey): EcPoint | undefined {
  return 'privateKey' in customer ? suite.ecPublicKey('p521', customer.privateKey) : customer.publicKey;
}

/**
 * One key slot per host key, in the given order (the same key twice gives two slots): PHKH ‖
 * `key` wrapped under SHA-256(ECDH X ‖ 00000001). The scheme of SE headers and of every UV
 * request (platform-formats.md 2.1). A host key with which no 66-byte shared X comes out is a
 * {@link BuildError} naming `hostKeys[i]`.
 */
export function buildKeySlots(suite: CryptoSuite, customer: CustomerKey, hostKeys: readonly EcPoint[], key: Uint8Array): Result<KeySlot[], BuildError> {
  const keySlots: KeySlot[] = [];
  for (const [i, host] of hostKeys.entries()) {
    const sharedX = 'privateKey' in customer ? suite.ecdh('p521', customer.privateKey, host) : customer.agree(host);
    if (sharedX === undefined || sharedX.length !== P521_COORDINATE_SIZE) {
      return buildFail(`hostKeys[${i}]`, 'no 66-byte ECDH shared secret with this host key (not a P-521 point?)');
    }
    keySlots.push({ phkh: phkh(suite, host), ...wrapHeaderKey(suite, keyEncryptionKey(suite, sharedX), key) });
  }
  return ok(keySlots);
}

/**
 * The owner's side, inverse of {@link openHeader}: one key slot per host key (PHKH, header key
 * wrapped under SHA-256(ECDH X ‖ 00000001)), then the encrypted area sealed with the header key
 * over the AAD. Deterministic; bad input is a {@link BuildError}.
 */
export function sealHeader(suite: CryptoSuite, input: HeaderSealInput): Result<SeHeader, BuildError> {
  const problem = sealInputError(suite, input);
  if (problem !== undefined) return err(problem);
  const customerPublic = customerPublicKey(suite, input.customer);
  // Stryker disable next-line StringLiteral: unreachable, sealInputError has already refused every private key for which ecPublicKey gives undefined
  if (customerPublic === undefined) return buildFail('customer.privateKey', 'not a valid P-521 scalar');
  const slots = buildKeySlots(suite, input.customer, input.hostKeys, input.headerKey);
  if (!slots.ok) return slots;
  const keySlots = slots.value;

  const plain = encodeEncryptedArea(input.secrets);
  const unsealed: SeHeader = {
    version: SE_VERSION,
    phs: headerSize(keySlots.length, plain.length),
    iv: Uint8Array.from(input.iv),
    nks: keySlots.length,
    sea: plain.length,
    nep: input.nep,
    pcf: input.pcf,
    customerPublicKey: { x: Uint8Array.from(customerPublic.x), y: Uint8Array.from(customerPublic.y) },
    pld: Uint8Array.from(input.pld),
    ald: Uint8Array.from(input.ald),
    tld: Uint8Array.from(input.tld),
    keySlots,
    encryptedArea: new Uint8Array(plain.length),
    tag: new Uint8Array(TAG_SIZE),
  };
  const sealed = suite.aesGcmEncrypt(input.headerKey, input.iv, plain, headerAad(unsealed));
  return ok({ ...unsealed, encryptedArea: sealed.ciphertext, tag: sealed.tag });
}

