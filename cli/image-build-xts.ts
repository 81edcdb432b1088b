/**
 * AES-256-XTS of whole chunks of pages on this thread, as the build's worker does it (see
 * ./image-build-worker-source.ts): IEEE 1619 on two long-lived node:crypto AES-256-ECB ciphers,
 * with the XORs in the WebAssembly module {@link XTS_XOR_WASM}. Per chunk one ECB call for the
 * tweaks and one for the pages, instead of one cipher object, output buffer and key schedule per
 * page. The results equal node:crypto's `aes-256-xts` page by page (tests compare them).
 * @module
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { XTS_XOR_WASM } from './image-build-worker-source.js';

/** What this module uses of the WebAssembly API (the project's TypeScript libs do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
}

/** The module's exports. */
interface XorModule {
  readonly mem: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  mask(pages: number, tweaks: number, plain: number, mask: number): void;
  xor(a: number, b: number, length: number): void;
}

/** A chunk encryptor for one key: fill {@link ChunkXts.plain}, then call {@link ChunkXts.encrypt}. */
export interface ChunkXts {
  /** Where the plaintext of a chunk goes (room for `chunkPages` pages); encrypt overwrites it. */
  readonly plain: Uint8Array;
  /**
   * Encrypts the first `pages` pages of {@link ChunkXts.plain}, page `i` with tweak
   * `tweaks[16 i, 16 i + 16)`. The result is a view that the next call overwrites.
   */
  encrypt(pages: number, tweaks: Uint8Array): Uint8Array;
}

/** An ECB cipher without padding: a stream of independent AES blocks. */
function ecb(key: Uint8Array): Cipher {
  return createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
}

/** The ECB decipher of {@link ecb}. */
function ecbInverse(key: Uint8Array): Decipher {
  return createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
}

/** The XOR module, or undefined where WebAssembly is not available. */
function xorModule(): XorModule | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    if (api === undefined) return undefined;
    return new api.Instance(new api.Module(Buffer.from(XTS_XOR_WASM, 'base64'))).exports as XorModule; // the exports its text (WAT) declares
  } catch {
    return undefined;
  }
}

/**
 * Chunks of pages through XTS in one direction: XTS of a data unit is E(K1, P xor T_j) xor T_j
 * block by block, with T_0 = AES(K2, tweak) and T_(j+1) = T_j·α; decryption differs only in
 * K1's direction (the tweak is always encrypted). Undefined without WebAssembly.
 */
function chunkCipher(key: Uint8Array, chunkPages: number, decrypt: boolean): ChunkXts | undefined {
  const wasm = xorModule();
  if (wasm === undefined) return undefined;
  const region = chunkPages * PAGE_SIZE;
  const [PLAIN, MASK, OUT, TW] = [0, region, 2 * region, 3 * region];
  const need = Math.ceil((TW + 16 * chunkPages) / 65536);
  const have = wasm.mem.buffer.byteLength / 65536;
  if (need > have) wasm.mem.grow(need - have);
  const mem = new Uint8Array(wasm.mem.buffer);
  const k1 = decrypt ? ecbInverse(key.subarray(0, 32)) : ecb(key.subarray(0, 32));
  const k2 = ecb(key.subarray(32, 64));
  return {
    plain: mem.subarray(PLAIN, PLAIN + region),
    encrypt(pages, tweaks) {
      mem.set(k2.update(tweaks.subarray(0, 16 * pages)), TW);
      wasm.mask(pages, TW, PLAIN, MASK);
      mem.set(k1.update(mem.subarray(PLAIN, PLAIN + pages * PAGE_SIZE)), OUT);
      wasm.xor(OUT, MASK, pages * PAGE_SIZE);
      return mem.subarray(OUT, OUT + pages * PAGE_SIZE);
    },
  };
}

/**
 * A {@link ChunkXts} for the 64-byte `key` and chunks of up to `chunkPages` pages, or undefined
 * when WebAssembly is not available (then encrypt page by page).
 */
export function chunkXts(key: Uint8Array, chunkPages: number): ChunkXts | undefined {
  return chunkCipher(key, chunkPages, false);
}

/**
 * The inverse of {@link chunkXts}: fill `plain` with stored (encrypted) pages, and `encrypt`
 * returns their decryption. Undefined without WebAssembly.
 */
export function chunkXtsDecrypt(key: Uint8Array, chunkPages: number): ChunkXts | undefined {
  return chunkCipher(key, chunkPages, true);
}
