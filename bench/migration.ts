/**
 * Migrating a 64 MiB guest (16,384 secure pages) from machine 0 to machine 1 through the platform's
 * handlers with the node suite (migration-start, one migration-send per page, migration-finish;
 * migration-receive-start, one migration-receive per page, migration-receive-finish), against the
 * raw node:crypto work on the same bytes (per page one AES-256-GCM seal and one open with its
 * additional data, the SHA-512 of the entries and the HMAC of the global value on each side),
 * alternated over pairs; the median of the per-pair ratios. Target ≤ 1.5 (issue 11).
 *
 * The guests are booted from a real image with key slots for both hosts (the migration
 * properties' image), then the source's memory is filled directly: what is measured is the
 * migration, not the boot. Run standalone: `npx tsx bench/migration.ts`.
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageMap } from '../model/world/page-map.js';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { honestCalls } from '../model/image-unpack/honest-driver.js';
import { initialWorld, step, type Action, type World } from '../model/platform/index.js';
import { migrImage, MIGR_CONFIG, SOURCE, TARGET as TARGET_MACHINE, TARGET_PHKH } from '../properties/migration/fixtures.js';
import { alternatePairs, formatResults, medianOf, type BenchResult } from './harness.js';

/** Pages of the area: 64 MiB. */
const PAGES = 16_384;
/** Pairs of (handlers, raw) runs. */
const PAIRS = 5;
/** The target of handlers / raw. */
const TARGET = 1.5;

/** `world` after `a`, which must be accepted; and the response. */
function accept(w: World, a: Action): [World, Record<string, unknown>] {
  const s = step(w, a);
  if (s.outcome.kind !== 'accepted') throw new Error(`bench: ${a.kind} refused: ${s.outcome.code}`);
  return [s.state, s.outcome.response as Record<string, unknown>];
}

/** A world with a running source guest of 64 MiB, every page secure memory, and a receiving target guest's header set; their IDs. */
export function worldForBench(): [World, number, number] {
  const r = initialWorld({ ...MIGR_CONFIG, suite: 'node' }, { suite: nodeSuite });
  if (!r.ok) throw new Error(r.error.message);
  const image = migrImage(0);
  let [w, out] = accept(r.value, { kind: 'create-guest', machine: SOURCE, memoryPages: PAGES });
  const source = out['guest'] as number;
  for (const a of honestCalls(source, image)) [w] = accept(w, a as Action);
  [w, out] = accept(w, { kind: 'create-guest', machine: TARGET_MACHINE, memoryPages: PAGES });
  const target = out['guest'] as number;
  [w] = accept(w, { kind: 'set-header', guest: target, header: image.header });
  const g = w.guests.get(source);
  if (g === undefined) throw new Error('bench: no source guest');
  const memory = PageMap.of(Array.from({ length: PAGES }, (_, i) => [i, new Uint8Array(PAGE_SIZE).fill(i & 0xff)] as const));
  return [{ ...w, guests: w.guests.set(source, { ...g, memory }) }, source, target];
}

/** The whole migration through the handlers, each sending handed on as it comes; the bytes handed over. */
function migrateThroughHandlers(w0: World, source: number, target: number): number {
  let [w, out] = accept(w0, { kind: 'migration-start', guest: source, first: 0, pages: PAGES, target: TARGET_PHKH });
  const nonce = out['nonce'] as Uint8Array;
  [w] = accept(w, { kind: 'migration-receive-start', guest: target, nonce, first: 0, pages: PAGES });
  let bytes = 0;
  for (let location = 0; location < PAGES; location++) {
    [w, out] = accept(w, { kind: 'migration-send', guest: source, location });
    const content = out['content'] as Uint8Array;
    bytes += content.length;
    [w] = accept(w, { kind: 'migration-receive', guest: target, location, counter: out['counter'] as number, content, integrity: out['integrity'] as Uint8Array });
  }
  [w, out] = accept(w, { kind: 'migration-finish', guest: source });
  [w] = accept(w, { kind: 'migration-receive-finish', guest: target, global: out['global'] as Uint8Array });
  if (w.guests.get(target)?.phase !== 'running') throw new Error('bench: the target did not run');
  return bytes;
}

/** The raw crypto of the same bytes: per page a GCM seal and a GCM open with 40 bytes of AAD; per side the entries' SHA-512 and an HMAC. */
function rawCrypto(w: World, source: number): number {
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 5) & 0xff);
  const pages = w.guests.get(source)?.memory;
  const iv = new Uint8Array(12);
  const aad = new Uint8Array(40);
  const entries = new Uint8Array(PAGES * 24);
  let bytes = 0;
  for (let i = 0; i < PAGES; i++) {
    new DataView(iv.buffer).setUint32(0, i);
    const e = createCipheriv('aes-256-gcm', key, iv);
    e.setAAD(aad);
    const ct = Buffer.concat([e.update(pages?.get(i) ?? new Uint8Array(PAGE_SIZE)), e.final()]);
    const tag = e.getAuthTag();
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(aad);
    d.setAuthTag(tag);
    bytes += d.update(ct).length + d.final().length;
    entries.set(tag, i * 24 + 8);
  }
  for (let side = 0; side < 2; side++) createHmac('sha256', key).update(createHash('sha512').update(entries).digest()).digest();
  return bytes;
}

/** Times one call in milliseconds. */
function timed(f: () => number): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Measures the migration of a 64 MiB guest through the handlers against the raw crypto. */
export async function benchMigration(): Promise<BenchResult[]> {
  const [w, source, target] = worldForBench();
  // Warm-up: one of each.
  migrateThroughHandlers(w, source, target);
  rawCrypto(w, source);
  const { a, b } = alternatePairs(
    PAIRS,
    () => timed(() => migrateThroughHandlers(w, source, target)),
    () => timed(() => rawCrypto(w, source)),
  );
  const ratio = medianOf(a.map((x, i) => x / (b[i] ?? Number.NaN)));
  return [
    { name: '64 MiB migration through the handlers (node suite)', value: medianOf(a), unit: 'ms', note: `${PAGES} pages sent and received, one machine to the other` },
    { name: 'raw node:crypto for the same bytes', value: medianOf(b), unit: 'ms' },
    { name: 'handlers / raw crypto', value: ratio, unit: 'ratio', note: `median of ${PAIRS} alternated pairs, target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT met'}` },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) console.log(formatResults(await benchMigration()));
