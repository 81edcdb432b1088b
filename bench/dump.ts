/**
 * A real-mode dump of a 64 MiB running guest (16,384 secure pages) through the platform's handlers
 * with the node suite (dump-init, 64 storage-state calls of 1 MiB, dump-cpu, dump-complete), against
 * the raw crypto of the same bytes (node:crypto AES-256-XTS of every page with its tweak, and the
 * two AES-256-GCM seals), alternated over pairs, each run from a fully collected heap; the median
 * of the per-pair ratios. Target ≤ 1.5 (issue 10).
 *
 * The guest is put into the world directly (its memory, phase and authenticated image): what is
 * measured is the dump, not the boot. Run standalone: `npx tsx bench/dump.ts`.
 * @module
 */
import { createCipheriv, createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageMap } from '../model/world/page-map.js';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { initialWorld, step, type Action, type World } from '../model/platform/index.js';
import { PCF_DUMP_ALLOWED } from '../model/se-format/format.js';
import { alternatePairs, collectAll, formatResults, medianOf, type BenchResult } from './harness.js';

/** Pages of the guest: 64 MiB. */
const PAGES = 16_384;
/** Pairs of (handlers, raw) runs: a run is short (0.1-0.2 s), so many. */
const PAIRS = 11;
/** The target of handlers / raw. */
const TARGET = 1.5;

/** A fixed P-521 scalar from a label (benchmarks use no ambient randomness). */
function scalar(label: string): Uint8Array {
  const d = new Uint8Array(66);
  d.set(createHash('sha512').update(label).digest(), 2);
  return d;
}

/** A world with one running guest of 64 MiB whose every page is secure memory; and its ID. */
function world(): [World, number] {
  const r = initialWorld({ suite: 'node', machines: [{ id: 0, hostKeys: [scalar('bench host')], seed: new Uint8Array(32).fill(7) }], adapters: [] }, { suite: nodeSuite });
  if (!r.ok) throw new Error(r.error.message);
  const s = step(r.value, { kind: 'create-guest', machine: 0, memoryPages: PAGES });
  const id = s.outcome.kind === 'accepted' ? (s.outcome.response['guest'] as number) : -1;
  const g = s.state.guests.get(id);
  const customerPublicKey = nodeSuite.ecPublicKey('p521', scalar('bench customer'));
  if (g === undefined || customerPublicKey === undefined) throw new Error('bench: no guest');
  const memory = PageMap.of(Array.from({ length: PAGES }, (_, i) => [i, new Uint8Array(PAGE_SIZE).fill(i & 0xff)] as const));
  const image = {
    headerBytes: new Uint8Array(0),
    pcf: PCF_DUMP_ALLOWED,
    scf: 0n,
    psw: { mask: 0n, addr: 0n },
    cck: new Uint8Array(32).fill(3),
    pld: new Uint8Array(64),
    ald: new Uint8Array(64),
    tld: new Uint8Array(64),
    nep: BigInt(PAGES),
    headerTag: new Uint8Array(16),
    customerPublicKey,
  };
  return [{ ...s.state, guests: s.state.guests.set(id, { ...g, phase: 'running', memory, image }) }, id];
}

/** The whole dump through the handlers: every call accepted; returns the bytes handed over. */
function dumpThroughHandlers(w0: World, guest: number): number {
  let w = w0;
  let bytes = 0;
  const call = (a: Action): void => {
    const s = step(w, a);
    if (s.outcome.kind !== 'accepted') throw new Error(`bench: ${a.kind} refused: ${s.outcome.code}`);
    w = s.state;
    for (const v of Object.values(s.outcome.response as Record<string, unknown>)) if (v instanceof Uint8Array) bytes += v.length;
  };
  call({ kind: 'dump-init', guest, mode: 'real' });
  for (let a = 0n; a < BigInt(PAGES * PAGE_SIZE); a += 1n << 20n) call({ kind: 'dump-storage-state', guest, address: a });
  call({ kind: 'dump-cpu', guest, cpu: 0 });
  call({ kind: 'dump-complete', guest });
  return bytes;
}

/** The raw crypto of the same bytes: XTS of every page with its tweak, two GCM seals. */
function rawCrypto(w: World, guest: number): number {
  const key = Uint8Array.from({ length: 64 }, (_, i) => (i * 73 + 5) & 0xff);
  const tweak = new Uint8Array(16);
  const pages = w.guests.get(guest)?.memory;
  let bytes = 0;
  for (let i = 0; i < PAGES; i++) {
    new DataView(tweak.buffer).setUint32(12, i * PAGE_SIZE);
    const c = createCipheriv('aes-256-xts', key, tweak);
    bytes += c.update(pages?.get(i) ?? new Uint8Array(PAGE_SIZE)).length + c.final().length;
  }
  for (const n of [1520, 176]) {
    const g = createCipheriv('aes-256-gcm', key.subarray(0, 32), new Uint8Array(12));
    g.setAAD(new Uint8Array(32));
    bytes += g.update(new Uint8Array(n)).length + g.final().length + g.getAuthTag().length;
  }
  return bytes;
}

/** Times one call in milliseconds, from a collected heap: no run pays for the garbage of the one before. */
function timed(f: () => number): number {
  collectAll();
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Measures the dump of a 64 MiB guest through the handlers against the raw crypto. */
export async function benchDump(): Promise<BenchResult[]> {
  const [w, guest] = world();
  // Warm-up: one of each.
  dumpThroughHandlers(w, guest);
  rawCrypto(w, guest);
  const { a, b } = alternatePairs(
    PAIRS,
    () => timed(() => dumpThroughHandlers(w, guest)),
    () => timed(() => rawCrypto(w, guest)),
  );
  const ratio = medianOf(a.map((x, i) => x / (b[i] ?? Number.NaN)));
  return [
    { name: '64 MiB dump through the handlers (node suite)', value: medianOf(a), unit: 'ms', note: `${PAGES} pages, 64 storage-state calls` },
    { name: 'raw node:crypto for the same bytes', value: medianOf(b), unit: 'ms' },
    { name: 'handlers / raw crypto', value: ratio, unit: 'ratio', note: `median of ${PAIRS} alternated pairs, target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT met'}` },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) console.log(formatResults(await benchDump()));
