/**
 * The seed mode of a secure-guest dump (the seeds' abstract 6), the model's own format beside the
 * real one: the firmware draws a fresh dump key, seals memory pages and CPU state with it, and
 * wraps it for the owner's public key (the image's customer key, P-521): an ephemeral key pair,
 * ECDH, HKDF-SHA512, AES-256-GCM. Unlike the real format, every page is authenticated.
 *
 * Completion data, section `pv_compl`, version 2 (zgetdump refuses it: it knows version 1 only):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0x000 | 4 | version (2) |
 * | 0x004 | 4 | length (0xE0) |
 * | 0x008 | 8 | pages in the dump |
 * | 0x010 | 4 | CPUs in the dump |
 * | 0x014 | 4 | reserved |
 * | 0x018 | 132 | ephemeral public key X ‖ Y (66 bytes each) |
 * | 0x09C | 48 | the dump key wrapped: AES-256-GCM ciphertext 32 ‖ tag 16 |
 * | 0x0CC | 4 | reserved |
 * | 0x0D0 | 16 | GCM tag under the dump key over bytes 0x000-0x0CF (no plaintext) |
 *
 * The key-encryption key is HKDF-SHA512(IKM = ECDH X coordinate, salt = X ‖ Y of the ephemeral
 * key, info = "semodel seed-mode dump key wrap", 32 bytes); the wrap's IV is 12 zero bytes (each
 * key-encryption key seals one value) and its additional data are bytes 0x000-0x09B.
 *
 * Pages: AES-256-GCM under the dump key with IV = 00000002 ‖ the page index (u64); an encrypted
 * page's slot is its ciphertext, authenticated with its component; a shared page's slot is its
 * plaintext, authenticated with its component ‖ its bytes; a zero page's slot is zeros, its
 * component authenticated. `pv_mem_meta` holds component ‖ tag per page (32 bytes). CPU notes
 * have the real layout (dump-cpu-note.ts) with IV = 00000001 ‖ the CPU index (u64). Since the
 * dump key is fresh for every dump, these IVs never repeat under one key.
 * @module
 */
import { concatBytes, PAGE_SIZE, readU32, readU64, utf8ToBytes, writeU32, writeU64 } from '../core/bytes.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import { GCM_IV_SIZE } from './dump-cpu-note.js';
import { COMPONENT_SIZE, tweakComponent, type PageState } from './dump-pages.js';
import { DUMP_KEY_SIZE } from './dump-real.js';

/** The completion data's version in seed mode. */
export const SEED_COMPLETION_VERSION = 2;
/** Bytes of the seed-mode completion data. */
export const SEED_COMPLETION_SIZE = 0xe0;
/** Bytes of one page's entry in `pv_mem_meta` in seed mode: component ‖ tag. */
export const SEED_META_ENTRY_SIZE = 32;
/** Bytes of a P-521 coordinate. */
const COORDINATE = 66;
const TAG_AT = 0xd0;
const WRAP_AT = 0x9c;

const WRAP_INFO = utf8ToBytes('semodel seed-mode dump key wrap');

/** An IV of the seed mode: a 4-byte domain (1 CPU, 2 page, 3 completion) and a u64 index. */
export function seedIv(domain: 1 | 2 | 3, index: number): Uint8Array {
  const iv = new Uint8Array(GCM_IV_SIZE);
  writeU32(iv, 0, domain);
  writeU64(iv, 4, BigInt(index));
  return iv;
}

/** A sealed page of the seed mode: its file slot and its meta entry (component ‖ tag). */
export interface SeedPage {
  readonly slot: Uint8Array;
  readonly meta: Uint8Array;
}

/** Seals page `index` in state `state` (`page`: its 4096 bytes; ignored for a zero page). */
export function sealSeedPage(suite: CryptoSuite, dumpKey: Uint8Array, index: number, state: PageState, page: Uint8Array): SeedPage {
  const component = tweakComponent(index, state);
  const iv = seedIv(2, index);
  if (state === 'enc') {
    const s = suite.aesGcmEncrypt(dumpKey, iv, page, component);
    return { slot: s.ciphertext, meta: concatBytes(component, s.tag) };
  }
  const slot = state === 'shared' ? page.slice() : new Uint8Array(PAGE_SIZE);
  const s = suite.aesGcmEncrypt(dumpKey, iv, new Uint8Array(0), state === 'shared' ? concatBytes(component, slot) : component);
  return { slot, meta: concatBytes(component, s.tag) };
}

/**
 * The owner's side of one page: its plaintext, or undefined when its tag does not verify (a changed
 * slot, component or tag, a page moved to another index) or a zero page's slot is not all zeros.
 */
export function openSeedPage(suite: CryptoSuite, dumpKey: Uint8Array, index: number, meta: Uint8Array, slot: Uint8Array, state: PageState): Uint8Array | undefined {
  const component = meta.subarray(0, COMPONENT_SIZE);
  const tag = meta.subarray(COMPONENT_SIZE, SEED_META_ENTRY_SIZE);
  const iv = seedIv(2, index);
  if (state === 'enc') return suite.aesGcmDecrypt(dumpKey, iv, slot, tag, component);
  if (state === 'zero' && slot.some((b) => b !== 0)) return undefined;
  const aad = state === 'shared' ? concatBytes(component, slot) : component;
  if (suite.aesGcmDecrypt(dumpKey, iv, new Uint8Array(0), tag, aad) === undefined) return undefined;
  return state === 'shared' ? slot.slice() : new Uint8Array(PAGE_SIZE);
}

/** What the seed-mode completion data binds. */
export interface SeedCompletion {
  readonly dumpKey: Uint8Array;
  readonly pages: number;
  readonly cpus: number;
}

function kek(suite: CryptoSuite, shared: Uint8Array, ephemeral: EcPoint): Uint8Array {
  return suite.hkdf('sha512', shared, concatBytes(ephemeral.x, ephemeral.y), WRAP_INFO, DUMP_KEY_SIZE);
}

/**
 * The firmware's side: the seed-mode completion data, the dump key wrapped for `owner` with the
 * ephemeral private scalar `ephemeral` (66 bytes). Undefined when the scalar or the owner's point
 * is not valid on P-521.
 */
export function sealSeedCompletion(suite: CryptoSuite, c: SeedCompletion, owner: EcPoint, ephemeral: Uint8Array): Uint8Array | undefined {
  const pub = suite.ecPublicKey('p521', ephemeral);
  const shared = pub === undefined ? undefined : suite.ecdh('p521', ephemeral, owner);
  if (pub === undefined || shared === undefined) return undefined;
  const out = new Uint8Array(SEED_COMPLETION_SIZE);
  writeU32(out, 0, SEED_COMPLETION_VERSION);
  writeU32(out, 4, SEED_COMPLETION_SIZE);
  writeU64(out, 8, BigInt(c.pages));
  writeU32(out, 0x10, c.cpus);
  out.set(pub.x, 0x18);
  out.set(pub.y, 0x18 + COORDINATE);
  const wrapped = suite.aesGcmEncrypt(kek(suite, shared, pub), new Uint8Array(GCM_IV_SIZE), c.dumpKey, out.subarray(0, WRAP_AT));
  out.set(wrapped.ciphertext, WRAP_AT);
  out.set(wrapped.tag, WRAP_AT + DUMP_KEY_SIZE);
  out.set(suite.aesGcmEncrypt(c.dumpKey, seedIv(3, 0), new Uint8Array(0), out.subarray(0, TAG_AT)).tag, TAG_AT);
  return out;
}

/**
 * The owner's side: unwraps the dump key with its private scalar and checks the completion data's
 * tag. Undefined when the data is not 224 bytes of version 2, the ephemeral point is not valid,
 * or a tag does not verify (another owner's key, a changed byte).
 */
export function openSeedCompletion(suite: CryptoSuite, ownerPrivate: Uint8Array, data: Uint8Array): SeedCompletion | undefined {
  if (data.length !== SEED_COMPLETION_SIZE || readU32(data, 0) !== SEED_COMPLETION_VERSION || readU32(data, 4) !== SEED_COMPLETION_SIZE) return undefined;
  const ephemeral = { x: data.slice(0x18, 0x18 + COORDINATE), y: data.slice(0x18 + COORDINATE, WRAP_AT) };
  const shared = suite.ecdh('p521', ownerPrivate, ephemeral);
  if (shared === undefined) return undefined;
  const dumpKey = suite.aesGcmDecrypt(
    kek(suite, shared, ephemeral),
    new Uint8Array(GCM_IV_SIZE),
    data.subarray(WRAP_AT, WRAP_AT + DUMP_KEY_SIZE),
    data.subarray(WRAP_AT + DUMP_KEY_SIZE, WRAP_AT + DUMP_KEY_SIZE + 16),
    data.subarray(0, WRAP_AT),
  );
  if (dumpKey === undefined) return undefined;
  if (suite.aesGcmDecrypt(dumpKey, seedIv(3, 0), new Uint8Array(0), data.subarray(TAG_AT), data.subarray(0, TAG_AT)) === undefined) return undefined;
  const pages = readU64(data, 8);
  return { dumpKey, pages: pages > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(pages), cpus: readU32(data, 0x10) };
}
