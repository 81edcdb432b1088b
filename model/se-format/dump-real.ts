/**
 * The real platform's dump keys and completion data (UVC 0x0403, Complete Configuration Dump),
 * as zgetdump reads them (s390-tools zdump/pv_defs.h, `pv_dump_completion_data_v1_t`):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x000 | 4 | version (1) |
 * | 0x004 | 4 | length (0x120) |
 * | 0x008 | 8 | reserved |
 * | 0x010 | 64 | seed |
 * | 0x050 | 12 | GCM IV |
 * | 0x05C | 4 | reserved |
 * | 0x060 | 176 | AES-256-GCM ciphertext of: tweak nonce 16 ‖ XTS key 64 ‖ reserved 96 |
 * | 0x110 | 16 | GCM tag |
 *
 * The dump key is HKDF-SHA512(IKM = CCK, salt = seed, info = "IBM Z Ultravisor Dump", 32 bytes);
 * the additional authenticated data are the first 96 bytes. Pages are AES-256-XTS under the XTS
 * key with tweak = component OR nonce (dump-pages.ts); nothing authenticates them.
 * @module
 */
import { readU32, utf8ToBytes, writeU32 } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { GCM_IV_SIZE } from './dump-cpu-note.js';
import { pageTweak } from './dump-pages.js';

/** Bytes of the completion data. */
export const REAL_COMPLETION_SIZE = 288;
/** Bytes of its authenticated part. */
export const REAL_COMPLETION_AAD_SIZE = 96;
/** Bytes of its encrypted part. */
const CONFIDENTIAL_SIZE = 176;
/** The completion data's version (zgetdump's PV_COMPL_DATA_VERSION_1). */
export const REAL_COMPLETION_VERSION = 1;
/** Bytes of the firmware's seed. */
export const DUMP_SEED_SIZE = 64;
/** Bytes of the dump key (AES-256-GCM). */
export const DUMP_KEY_SIZE = 32;
/** Bytes of the tweak nonce. */
export const TWEAK_NONCE_SIZE = 16;
/** Bytes of the page key (AES-256-XTS: key1 ‖ key2). */
export const DUMP_XTS_KEY_SIZE = 64;

const INFO = utf8ToBytes('IBM Z Ultravisor Dump');

/** The real dump key: HKDF-SHA512 of the CCK with the firmware's 64-byte seed as salt. */
export function realDumpKey(suite: CryptoSuite, cck: Uint8Array, seed: Uint8Array): Uint8Array {
  return suite.hkdf('sha512', cck, seed, INFO, DUMP_KEY_SIZE);
}

/** What the completion data carries, in the clear and sealed. */
export interface RealCompletion {
  readonly seed: Uint8Array;
  readonly iv: Uint8Array;
  readonly nonce: Uint8Array;
  readonly xtsKey: Uint8Array;
}

/** The 288-byte completion data, sealed under `dumpKey` (the one {@link realDumpKey} derives from the CCK and `c.seed`). */
export function sealRealCompletion(suite: CryptoSuite, dumpKey: Uint8Array, c: RealCompletion): Uint8Array {
  const out = new Uint8Array(REAL_COMPLETION_SIZE);
  writeU32(out, 0, REAL_COMPLETION_VERSION);
  writeU32(out, 4, REAL_COMPLETION_SIZE);
  out.set(c.seed.subarray(0, DUMP_SEED_SIZE), 0x10);
  out.set(c.iv.subarray(0, GCM_IV_SIZE), 0x50);
  const plain = new Uint8Array(CONFIDENTIAL_SIZE);
  plain.set(c.nonce.subarray(0, TWEAK_NONCE_SIZE), 0);
  plain.set(c.xtsKey.subarray(0, DUMP_XTS_KEY_SIZE), TWEAK_NONCE_SIZE);
  const sealed = suite.aesGcmEncrypt(dumpKey, c.iv, plain, out.subarray(0, REAL_COMPLETION_AAD_SIZE));
  out.set(sealed.ciphertext, REAL_COMPLETION_AAD_SIZE);
  out.set(sealed.tag, REAL_COMPLETION_AAD_SIZE + CONFIDENTIAL_SIZE);
  return out;
}

/** The seed a completion data carries in the clear (the caller checked its size). */
export function completionSeed(data: Uint8Array): Uint8Array {
  return data.slice(0x10, 0x10 + DUMP_SEED_SIZE);
}

/** An opened completion data: the dump key and what it sealed. */
export interface OpenedRealCompletion extends RealCompletion {
  readonly dumpKey: Uint8Array;
}

/**
 * The owner's side: opens the completion data with the CCK. Undefined when it is not 288 bytes of
 * version 1, or its tag does not verify (a wrong CCK, or a changed byte).
 */
export function openRealCompletion(suite: CryptoSuite, cck: Uint8Array, data: Uint8Array): OpenedRealCompletion | undefined {
  if (data.length !== REAL_COMPLETION_SIZE || readU32(data, 0) !== REAL_COMPLETION_VERSION || readU32(data, 4) !== REAL_COMPLETION_SIZE) return undefined;
  const seed = completionSeed(data);
  const iv = data.slice(0x50, 0x50 + GCM_IV_SIZE);
  const dumpKey = realDumpKey(suite, cck, seed);
  const plain = suite.aesGcmDecrypt(
    dumpKey,
    iv,
    data.subarray(REAL_COMPLETION_AAD_SIZE, REAL_COMPLETION_AAD_SIZE + CONFIDENTIAL_SIZE),
    data.subarray(REAL_COMPLETION_AAD_SIZE + CONFIDENTIAL_SIZE),
    data.subarray(0, REAL_COMPLETION_AAD_SIZE),
  );
  if (plain === undefined) return undefined;
  return { dumpKey, seed, iv, nonce: plain.slice(0, TWEAK_NONCE_SIZE), xtsKey: plain.slice(TWEAK_NONCE_SIZE, TWEAK_NONCE_SIZE + DUMP_XTS_KEY_SIZE) };
}

/** The plaintext of an encrypted page's slot whose component is `component`. */
export function decryptRealPage(suite: CryptoSuite, xtsKey: Uint8Array, nonce: Uint8Array, component: Uint8Array, slot: Uint8Array): Uint8Array {
  return suite.aesXtsDecrypt(xtsKey, pageTweak(component, nonce), slot);
}
