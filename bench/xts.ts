/**
 * AES-256-XTS decryption of one 4 KiB page, the hot path of the model (a 64 MiB image is 16,384
 * pages): raw node:crypto, the node suite and the noble suite. The node suite should reach at
 * least 0.8 of raw node:crypto's throughput.
 *
 * Run standalone: `npx tsx bench/xts.ts`.
 * @module
 */
import { createDecipheriv } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nobleSuite } from '../model/crypto/noble-suite.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { formatResults, measure, type BenchResult } from './harness.js';

/** Target of the node suite's throughput relative to raw node:crypto. */
const TARGET_RATIO = 0.8;

/** Fixed, non-degenerate inputs (benchmarks use no ambient randomness either). */
function pattern(length: number, mul: number, add: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * mul + add) & 0xff;
  return out;
}

/** Tweaks for `count` consecutive pages: the page index as a 16-byte little-endian number. */
function tweaks(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const t = new Uint8Array(16);
    new DataView(t.buffer).setUint32(0, i, true);
    return t;
  });
}

/** Median of a list of measurements. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Rounds of the raw-vs-suite comparison. The two alternate in short slices (their order swapped
 * every round) and the ratio is the median of the per-round ratios, so that load from other
 * processes on a shared machine hits both alike.
 */
const ROUNDS = 9;

/** Measures per-page XTS decryption and returns µs/page and pages/s for each, and the ratio. */
export async function benchXts(options: { minTime?: number } = {}): Promise<BenchResult[]> {
  const minTime = options.minTime ?? 200;
  const key = pattern(64, 73, 5);
  const page = pattern(PAGE_SIZE, 31, 17);
  const ts = tweaks(256);
  let p = 0;
  const nextTweak = (): Uint8Array => {
    p = (p + 1) & 255;
    return ts[p] as Uint8Array;
  };

  const candidates: ReadonlyArray<[string, () => unknown]> = [
    [
      'raw node:crypto aes-256-xts',
      () => {
        const d = createDecipheriv('aes-256-xts', key, nextTweak());
        return [d.update(page), d.final()];
      },
    ],
    ['nodeSuite.aesXtsDecrypt', () => nodeSuite.aesXtsDecrypt(key, nextTweak(), page)],
    ['nobleSuite.aesXtsDecrypt', () => nobleSuite.aesXtsDecrypt(key, nextTweak(), page)],
  ];

  const samples = new Map<string, number[]>(candidates.map(([name]) => [name, []]));
  const pairedRatios: number[] = [];
  const [rawCandidate, suiteCandidate, nobleCandidate] = candidates;
  if (!rawCandidate || !suiteCandidate || !nobleCandidate) throw new Error('benchXts: candidates missing');
  for (let round = 0; round < ROUNDS; round++) {
    const pair = round % 2 === 0 ? [rawCandidate, suiteCandidate] : [suiteCandidate, rawCandidate];
    const ops = new Map(pair.map(([name, fn]) => [name, measure(name, fn, { minTime })]));
    for (const [name, v] of ops) samples.get(name)?.push(v);
    pairedRatios.push((ops.get(suiteCandidate[0]) ?? Number.NaN) / (ops.get(rawCandidate[0]) ?? Number.NaN));
    if (round % 3 === 0) samples.get(nobleCandidate[0])?.push(measure(nobleCandidate[0], nobleCandidate[1], { minTime: 2 * minTime }));
  }
  const results: BenchResult[] = [];
  const opsPerSec = new Map<string, number>();
  for (const [name] of candidates) {
    const ops = median(samples.get(name) ?? []);
    opsPerSec.set(name, ops);
    results.push({ name: `${name} (4 KiB page)`, value: 1e6 / ops, unit: 'µs/page' });
    results.push({ name: `${name} (4 KiB page)`, value: ops, unit: 'pages/s', note: `${((ops * PAGE_SIZE) / 2 ** 20).toFixed(0)} MiB/s` });
  }
  const suite = opsPerSec.get('nodeSuite.aesXtsDecrypt') ?? Number.NaN;
  const noble = opsPerSec.get('nobleSuite.aesXtsDecrypt') ?? Number.NaN;
  const ratio = median(pairedRatios);
  results.push({
    name: 'nodeSuite / raw throughput',
    value: ratio,
    unit: 'ratio',
    note: `median of ${ROUNDS} paired rounds, target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
  });
  results.push({ name: 'nodeSuite / nobleSuite throughput', value: suite / noble, unit: 'ratio' });
  results.push({
    name: '64 MiB image (16,384 pages), nodeSuite',
    value: (16_384 / suite) * 1000,
    unit: 'ms',
    note: `nobleSuite ${((16_384 / noble) * 1000).toFixed(0)} ms`,
  });
  return results;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const results = await benchXts();
  console.log(`AES-256-XTS decrypt, Node ${process.version}, OpenSSL ${process.versions.openssl}`);
  console.log(formatResults(results));
}
