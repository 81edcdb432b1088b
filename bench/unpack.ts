/**
 * Unpacking a whole 64 MiB image: the model (platform `step` with the node suite: create-guest,
 * set-header, one unpack per secured page, verify) against the bare work the firmware must do
 * (per page one AES-256-XTS decryption and three running SHA-512 digests, on raw node:crypto).
 * Target: the model takes at most twice as long as the raw work.
 *
 * Also exports the small fixed inputs the other benchmarks share (byte pattern, host key, seed,
 * median, target notes).
 *
 * Run standalone: `npx tsx bench/unpack.ts`.
 * @module
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_SIZE, utf8ToBytes } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { CryptoSuite, EcPoint } from '../model/crypto/suite.js';
import { buildImage, deriveBuildSecrets, type BuiltImage, type ImageBuildInput } from '../model/image-unpack/image-builder.js';
import { initialState, step, type PlatformState } from '../model/platform/index.js';
import { formatResults, type BenchResult } from './harness.js';

/** Bytes in a MiB. */
export const MIB = 2 ** 20;

/** Seed of every benchmark image (benchmarks use no ambient randomness). */
export const BENCH_SEED: Uint8Array = utf8ToBytes('semodel benchmark image');

/** `length` bytes of the fixed, non-degenerate pattern `(i·mul + add) mod 256`. */
export function pattern(length: number, mul: number, add: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * mul + add) & 0xff;
  return out;
}

/**
 * A fixed, valid P-521 host private scalar: two zero bytes, then SHA-512 of `label` (so it is
 * below the group order).
 */
export function benchHostScalar(label = 'semodel benchmark host'): Uint8Array {
  const d = new Uint8Array(66);
  d.set(createHash('sha512').update(label).digest(), 2);
  return d;
}

/** The public point of {@link benchHostScalar}. */
export function benchHostPublic(suite: CryptoSuite, scalar: Uint8Array = benchHostScalar()): EcPoint {
  const p = suite.ecPublicKey('p521', scalar);
  if (p === undefined) throw new Error('the benchmark host scalar is not a valid P-521 scalar');
  return p;
}

/** The median of `values` (the upper one of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds since an arbitrary origin, from the monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The note of a figure that has a target, in the form `bench/run.ts` reads (the form of
 * bench/xts.ts): `target ≤ 2: met` or `target ≤ 2: NOT met`, then any `extra` text.
 */
export function targetNote(value: number, relation: '≤' | '≥', target: number, extra?: string): string {
  const met = relation === '≤' ? value <= target : value >= target;
  return `target ${relation} ${target}: ${met ? 'met' : 'NOT met'}${extra === undefined ? '' : `; ${extra}`}`;
}

/**
 * Builds a benchmark image with the node suite: the given components, one host key
 * ({@link benchHostScalar}), and all randomness derived from {@link BENCH_SEED}.
 * @throws Error when the builder rejects the input
 */
export function buildBenchImage(
  components: Pick<ImageBuildInput, 'kernel'> & Partial<Pick<ImageBuildInput, 'initrd' | 'parmline'>>,
): BuiltImage & { readonly xtsKey: Uint8Array } {
  const secrets = deriveBuildSecrets(nodeSuite, BENCH_SEED);
  const built = buildImage(nodeSuite, { ...secrets, ...components, hostKeys: [benchHostPublic(nodeSuite)] });
  if (!built.ok) throw new Error(`benchmark image did not build: ${built.error.field}: ${built.error.message}`);
  return { ...built.value, xtsKey: secrets.xtsKey };
}

/** Size of the kernel of the benchmark image. */
const KERNEL_BYTES = 64 * MIB;
/** Target of the model's time relative to the raw work. */
const TARGET_RATIO = 2;
/** Measured runs of each side; the median is reported. */
const RUNS = 3;

/**
 * The raw work of unpacking `image`: every secured page decrypted with node:crypto's
 * aes-256-xts (the plaintext kept, as the firmware keeps it), and the running SHA-512 of the
 * pages, of their addresses as big-endian u64 and of their tweaks. No model code runs here.
 * Returns the three digests.
 */
function rawUnpack(image: BuiltImage, xtsKey: Uint8Array, pageLimit = Infinity): [Buffer, Buffer, Buffer, Buffer[]] {
  const pld = createHash('sha512');
  const ald = createHash('sha512');
  const tld = createHash('sha512');
  const address = Buffer.alloc(8);
  const memory: Buffer[] = [];
  const pages = image.layout.pages;
  const n = Math.min(pages.length, pageLimit);
  for (let i = 0; i < n; i++) {
    const p = pages[i];
    if (p === undefined) break;
    const d = createDecipheriv('aes-256-xts', xtsKey, p.tweak);
    memory.push(d.update(p.stored));
    pld.update(p.stored);
    address.writeBigUInt64BE(p.address);
    ald.update(address);
    tld.update(p.tweak);
  }
  return [pld.digest(), ald.digest(), tld.digest(), memory];
}

/**
 * The model's unpack of `image` through the platform: create-guest, set-header, one unpack per
 * secured page in image order, verify. Returns the final state.
 * @throws Error when any step is rejected (unless `pageLimit` cuts the image short, verify is
 * then not run), so a benchmark never times a run that did not end in an accepted verify
 */
function modelUnpack(initial: PlatformState, image: BuiltImage, pageLimit = Infinity): PlatformState {
  const fail = (what: string, outcome: unknown): never => {
    throw new Error(`model unpack: ${what} was rejected: ${JSON.stringify(outcome)}`);
  };
  let s = step(initial, { kind: 'create-guest', memoryPages: image.layout.imageSize / PAGE_SIZE }, nodeSuite);
  if (s.outcome.kind !== 'accepted' || !('guest' in s.outcome.response)) return fail('create-guest', s.outcome);
  const guest = s.outcome.response.guest;
  s = step(s.state, { kind: 'set-header', guest, header: image.headerBytes }, nodeSuite);
  if (s.outcome.kind !== 'accepted') return fail('set-header', s.outcome);
  const pages = image.layout.pages;
  const n = Math.min(pages.length, pageLimit);
  for (let i = 0; i < n; i++) {
    const p = pages[i];
    if (p === undefined) break;
    s = step(s.state, { kind: 'unpack', guest, address: p.address, tweak: p.tweak, page: p.stored }, nodeSuite);
    if (s.outcome.kind !== 'accepted') return fail(`unpack of page ${i}`, s.outcome);
  }
  if (n < pages.length) return s.state;
  s = step(s.state, { kind: 'verify', guest }, nodeSuite);
  if (s.outcome.kind !== 'accepted') return fail('verify', s.outcome);
  if (s.state.guests.get(guest)?.phase !== 'verified') return fail('verify (phase)', s.outcome);
  return s.state;
}

/**
 * Times unpacking a 64 MiB image (16,385 secured pages: the kernel and stage3b) by the model and
 * by raw node:crypto, median of three runs each, interleaved.
 * @returns both times (ms) and throughputs (MiB/s), and the ratio model / raw (target ≤ 2)
 * @throws Error when the raw digests differ from the header's, or the model's verify is not accepted
 */
export async function benchUnpack(): Promise<BenchResult[]> {
  const image = buildBenchImage({ kernel: pattern(KERNEL_BYTES, 31, 7) });
  const initial = initialState(nodeSuite, [benchHostScalar()]);
  if (initial === undefined) throw new Error('the benchmark host scalar is not a valid P-521 scalar');
  const pageCount = image.layout.pages.length;
  const mib = (pageCount * PAGE_SIZE) / MIB;

  // The raw side must do the work the header seals: its digests must be the header's.
  const [pld, ald, tld] = rawUnpack(image, image.xtsKey);
  for (const [name, got, want] of [['PLD', pld, image.header.pld], ['ALD', ald, image.header.ald], ['TLD', tld, image.header.tld]] as const) {
    if (Buffer.compare(got, want) !== 0) throw new Error(`raw unpack: ${name} differs from the header's`);
  }
  // Warm-up of the model's code paths on part of the image.
  modelUnpack(initial, image, 2048);

  const raw: number[] = [];
  const model: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t0 = nowMs();
    rawUnpack(image, image.xtsKey);
    raw.push(nowMs() - t0);
    t0 = nowMs();
    modelUnpack(initial, image);
    model.push(nowMs() - t0);
  }
  const rawMs = median(raw);
  const modelMs = median(model);
  const ratio = modelMs / rawMs;
  const label = `64 MiB image (${pageCount} pages)`;
  return [
    { name: `raw node:crypto, ${label}`, value: rawMs, unit: 'ms', note: 'XTS decrypt + 3 × SHA-512 per page' },
    { name: 'raw node:crypto throughput', value: mib / (rawMs / 1000), unit: 'MiB/s' },
    { name: `model step() with nodeSuite, ${label}`, value: modelMs, unit: 'ms', note: 'create-guest, set-header, unpack ×n, verify (accepted)' },
    { name: 'model throughput', value: mib / (modelMs / 1000), unit: 'MiB/s' },
    { name: 'model / raw time', value: ratio, unit: 'ratio', note: targetNote(ratio, '≤', TARGET_RATIO) },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchUnpack()));
}
