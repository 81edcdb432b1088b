/**
 * What `semodel attest` and `semodel secret` share: the suite, hex flags, key files (host keys
 * that may repeat, customer keys as PEM or raw scalar), the boot tags of an SE header, the seed
 * of repeatable requests, and the spelling of bytes in text and JSON output.
 * @module
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { bytesToHex, equalBytes, hexToBytes, utf8ToBytes } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import type { BootTags } from '../model/se-format/asrcb.js';
import { deriveBuildSecrets } from '../model/se-format/image-builder.js';
import { hostKeyFromPem } from '../model/se-format/host-key-pem.js';
import { customerScalar } from '../model/se-format/uv-request.js';
import { loadHostKey, type LoadedHostKey } from './host-keys.js';
import { readParsedImage } from './image-common.js';
import { UsageError, type Io } from './io.js';

/** The suite of the request commands: node:crypto (byte-identical to noble, faster for P-521). */
export const REQUEST_SUITE: CryptoSuite = nodeSuite;

/** `size` bytes from a hex flag (an optional 0x prefix); a UsageError naming the flag otherwise. */
export function hexFlag(flag: string, value: string, size: number): Uint8Array {
  const digits = value.replace(/^0x/i, '');
  if (!/^[0-9a-f]*$/i.test(digits) || digits.length !== 2 * size) {
    throw new UsageError(`--${flag} takes ${size} bytes as ${2 * size} hex digits, got '${value}'`);
  }
  return hexToBytes(digits.toLowerCase());
}

/** A file of exactly `size` bytes, or a UsageError naming it and its size. */
export function fileOfSize(io: Io, flag: string, file: string, size: number, what: string): Uint8Array {
  const b = io.readFile(file);
  if (b.length !== size) throw new UsageError(`--${flag} ${file}: ${what} is exactly ${size} bytes, the file has ${b.length}`);
  return b;
}

/**
 * Host keys in the order given, one key slot each. The same key twice is kept (IBM's library
 * makes a slot per key given) and `onTwin` is told about it.
 */
export function loadRequestHostKeys(io: Io, paths: readonly string[], onTwin: (path: string, twin: string) => void): LoadedHostKey[] {
  const keys = paths.map((p) => loadHostKey(io, REQUEST_SUITE, p));
  keys.forEach((k, i) => {
    const twin = keys.findIndex((o) => equalBytes(o.phkh, k.phkh));
    if (twin !== i) onTwin(k.path, keys[twin]?.path ?? '?');
  });
  return keys;
}

/** A host key that must be private (the machine's side). */
export function loadHostPrivateKey(io: Io, file: string, command: string): LoadedHostKey & { readonly privateKey: Uint8Array } {
  const k = loadHostKey(io, REQUEST_SUITE, file);
  if (k.privateKey === undefined) throw new UsageError(`${command}: --host-key ${file} is a ${k.kind}; the machine's side needs the host private key`);
  return { ...k, privateKey: k.privateKey };
}

/** A customer private key: a P-521 private key in PEM, or the raw scalar (66 bytes, or IBM's 80). */
export function loadCustomerKey(io: Io, file: string): Uint8Array {
  const bytes = io.readFile(file);
  const raw = customerScalar(bytes);
  if (raw !== undefined) {
    if (REQUEST_SUITE.ecPublicKey('p521', raw) === undefined) throw new UsageError(`--customer-key ${file}: not a valid P-521 scalar`);
    return raw;
  }
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.includes('-----BEGIN ')) {
    throw new UsageError(`--customer-key ${file}: a P-521 private key in PEM, or its raw scalar of 66 or 80 bytes (left-padded); the file has ${bytes.length} bytes`);
  }
  const k = hostKeyFromPem(REQUEST_SUITE, text);
  if (!k.ok) throw new UsageError(`--customer-key ${file}: ${k.error}`);
  if (k.value.privateKey === undefined) throw new UsageError(`--customer-key ${file}: a ${k.value.kind}, not a private key`);
  return k.value.privateKey;
}

/** The PLD, ALD, TLD and tag of the SE header in `file` (a header alone or a whole image). */
export function bootTagsOfHeader(io: Io, file: string): BootTags {
  const h = readParsedImage(io, file).header;
  return { pld: h.pld, ald: h.ald, tld: h.tld, headerTag: h.tag };
}

/** The 32-byte seed of `--seed N`: SHA-256 of a label and N's canonical decimal spelling. */
export function requestSeed(label: string, value: string): Uint8Array {
  if (!/^\d+$/.test(value)) throw new UsageError(`--seed takes a whole number, got '${value}'`);
  return REQUEST_SUITE.sha256(utf8ToBytes(`semodel ${label} v1/${BigInt(value).toString(10)}`));
}

/** A random 32-byte seed (the request does not repeat). */
export const randomSeed = (): Uint8Array => new Uint8Array(randomBytes(32));

/** Deterministic values of a request from its seed: `derive(label, n)` and a P-521 customer scalar. */
export function requestRandomness(seed: Uint8Array): { derive: (label: string, n: number) => Uint8Array; customer: Uint8Array } {
  const salt = utf8ToBytes('semodel requests v1');
  const derive = (label: string, n: number): Uint8Array => REQUEST_SUITE.hkdf('sha512', seed, salt, utf8ToBytes(label), n);
  return { derive, customer: deriveBuildSecrets(REQUEST_SUITE, derive('customer-key', 32)).customer.privateKey };
}

/** Refuses an output that is one of the inputs. */
export function refuseOutputClash(out: string, inputs: readonly (string | undefined)[], flag = '-o'): void {
  const clash = inputs.find((p): p is string => p !== undefined && path.resolve(p) === path.resolve(out));
  if (clash !== undefined) throw new UsageError(`${flag} ${out} is also an input (${clash}); choose another output`);
}

/** Bytes in output: lower-case hex. */
export const hex = (b: Uint8Array): string => bytesToHex(b);

/** A u64 in output: 0x and 16 hex digits. */
export const hex64 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

/** A shortened hex for one-line summaries. */
export const shortHex = (b: Uint8Array): string => (b.length <= 8 ? bytesToHex(b) : `${bytesToHex(b.subarray(0, 8))}…`);
