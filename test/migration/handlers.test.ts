// The migration handlers on worlds built directly (model-only): the key both firmwares derive is
// the spec's formula; the source's counters and the target's latest versions; the nonce recorded
// by the target machine; recorded failures; the migrated source; export and import; both crypto
// suites answer byte for byte alike; refusals leave the world as it was.
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { initialWorld, step, type Action, type World } from '../../model/platform/index.js';
import { writeLocked } from '../../model/migration/index.js';
import { migrImage, MIGR_CONFIG, SOURCE, TARGET, TARGET_PHKH } from '../../properties/migration/fixtures.js';
import { specMigrationKey } from '../../properties/migration/confidentiality.js';

const image = migrImage(1);
const PAGES = image.minPages + 4;

function world(suite: CryptoSuite = nodeSuite): World {
  const r = initialWorld({ ...MIGR_CONFIG, suite: suite === nodeSuite ? 'node' : 'noble' }, { suite });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function accept(w: World, a: Action): [World, Record<string, unknown>] {
  const s = step(w, a);
  if (s.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${s.outcome.code}`);
  return [s.state, s.outcome.response as Record<string, unknown>];
}

function refuse(w: World, a: Action): { world: World; code: string } {
  const s = step(w, a);
  if (s.outcome.kind !== 'rejected') throw new Error(`${a.kind} was accepted`);
  return { world: s.state, code: s.outcome.code };
}

/** A guest created on `machine`, with its header set, and booted when `boot`. */
function guest(w0: World, machine: number, boot: boolean): [World, number] {
  let [w, r] = accept(w0, { kind: 'create-guest', machine, memoryPages: PAGES });
  const id = r['guest'] as number;
  const calls = honestCalls(id, image);
  for (const a of boot ? calls : calls.slice(0, 1)) [w] = accept(w, a as Action);
  return [w, id];
}

/** A source guest with page 1 written, its area [0, 3) migrated with page 1 sent twice; the pieces. */
function migrated(suite: CryptoSuite = nodeSuite) {
  let [w, src] = guest(world(suite), SOURCE, true);
  [w] = accept(w, { kind: 'guest-store', guest: src, address: BigInt(PAGE_SIZE), bytes: Uint8Array.of(1, 2, 3) });
  const page1 = w.guests.get(src)?.memory.get(1);
  let r: Record<string, unknown>;
  [w, r] = accept(w, { kind: 'migration-start', guest: src, first: 0, pages: 3, target: TARGET_PHKH });
  const nonce = r['nonce'] as Uint8Array;
  const sent: { location: number; counter: number; content: Uint8Array; integrity: Uint8Array }[] = [];
  for (const location of [0, 1, 2, 1]) {
    [w, r] = accept(w, { kind: 'migration-send', guest: src, location });
    sent.push({ location, counter: r['counter'] as number, content: r['content'] as Uint8Array, integrity: r['integrity'] as Uint8Array });
  }
  const before = w.guests.get(src)?.slices.migration.sending;
  [w, r] = accept(w, { kind: 'migration-finish', guest: src });
  return { w, src, nonce, sent, global: r['global'] as Uint8Array, key: before?.key, page1 };
}

describe('migration handlers', () => {
  it('derive the key of the spec, count each location, and end the source as migrated', () => {
    const m = migrated();
    expect(m.key).toEqual(specMigrationKey(image, m.nonce));
    expect(m.sent.map((s) => s.counter)).toEqual([1, 1, 1, 2]);
    const src = m.w.guests.get(m.src);
    expect(src?.phase).toBe('migrated');
    expect(src?.memory.size).toBe(0);
    expect(src?.slices.migration.sending).toBeNull();
    expect(refuse(m.w, { kind: 'migration-start', guest: m.src, first: 0, pages: 1, target: TARGET_PHKH }).code).toBe('NOT_RUNNING');
    expect(refuse(m.w, { kind: 'start', guest: m.src }).code).toBe('NOT_VERIFIED');
    // The hypervisor's area keeps the nonce and the global value (the sendings went out as responses).
    expect(m.w.hypervisor.migrationStreams.toArray().map((b) => b.bytes)).toEqual([m.nonce, m.global]);
  });

  it('initialize the target with exactly the latest versions, in any order, and record the nonce', () => {
    const m = migrated();
    let [w, tgt] = guest(m.w, TARGET, false);
    [w] = accept(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: 0, pages: 3 });
    expect(w.machines.get(TARGET)?.firmware.slices.migration?.received.size).toBe(1);
    expect(w.guests.get(tgt)?.slices.migration.receiving?.key).toEqual(m.key);
    const [newest, ...rest] = [...m.sent].reverse();
    if (newest === undefined) throw new Error('no sending');
    [w] = accept(w, { kind: 'migration-receive', guest: tgt, ...newest });
    for (const s of rest) {
      if (s.location === newest.location) expect(refuse(w, { kind: 'migration-receive', guest: tgt, ...s })).toEqual({ world: w, code: 'STALE_VERSION' });
      else [w] = accept(w, { kind: 'migration-receive', guest: tgt, ...s });
    }
    expect(refuse(w, { kind: 'migration-receive-finish', guest: tgt, global: new Uint8Array(32) }).code).toBe('GLOBAL_MISMATCH');
    [w] = accept(w, { kind: 'migration-receive-finish', guest: tgt, global: m.global });
    const g = w.guests.get(tgt);
    expect(g?.phase).toBe('running');
    expect([...(g?.memory.keys() ?? [])].sort()).toEqual([0, 1, 2]);
    expect(g?.memory.get(1)).toEqual(m.page1);
    expect(g?.memory.get(2)).toEqual(new Uint8Array(PAGE_SIZE));
    expect(g?.cpu.psw).toEqual(g?.image?.psw);
    // A second guest on the same machine cannot take the same migration.
    const [w2, again] = guest(w, TARGET, false);
    expect(refuse(w2, { kind: 'migration-receive-start', guest: again, nonce: m.nonce, first: 0, pages: 3 })).toEqual({ world: w2, code: 'MIGRATION_REPLAYED' });
  });

  it('record a failed page or global check for good, and refuse a stream for another host', () => {
    const m = migrated();
    let [w, tgt] = guest(m.w, TARGET, false);
    [w] = accept(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: 0, pages: 3 });
    const s = m.sent[0];
    if (s === undefined) throw new Error('no sending');
    const flipped = s.content.slice();
    flipped[7] = (flipped[7] ?? 0) ^ 1;
    const r = refuse(w, { kind: 'migration-receive', guest: tgt, ...s, content: flipped });
    expect(r.code).toBe('PAGE_INTEGRITY_FAILED');
    expect(r.world.guests.get(tgt)?.phase).toBe('verify-failed');
    expect(r.world.guests.get(tgt)?.slices.migration.receiving).toBeNull();
    expect(refuse(r.world, { kind: 'migration-receive', guest: tgt, ...s }).code).toBe('NOT_RECEIVABLE');
    // A source that named the source machine's own host: the target's key differs, no page verifies.
    let [w3, src] = guest(world(), SOURCE, true);
    let out: Record<string, unknown>;
    [w3, out] = accept(w3, { kind: 'migration-start', guest: src, first: 0, pages: 1, target: new Uint8Array(32).fill(7) });
    const nonce = out['nonce'] as Uint8Array;
    [w3, out] = accept(w3, { kind: 'migration-send', guest: src, location: 0 });
    let tgt3: number;
    [w3, tgt3] = guest(w3, TARGET, false);
    [w3] = accept(w3, { kind: 'migration-receive-start', guest: tgt3, nonce, first: 0, pages: 1 });
    expect(refuse(w3, { kind: 'migration-receive', guest: tgt3, location: 0, counter: 1, content: out['content'] as Uint8Array, integrity: out['integrity'] as Uint8Array }).code).toBe('PAGE_INTEGRITY_FAILED');
  });

  it('refuse an area or a page outside guest memory, negative numbers included (the schema bounds are the reducer to judge)', () => {
    const [w, src] = guest(world(), SOURCE, true);
    for (const [first, pages] of [[-1, 2], [-5, 3], [0, 0], [1, -1], [PAGES - 1, 2]] as const) {
      expect(refuse(w, { kind: 'migration-start', guest: src, first, pages, target: TARGET_PHKH }), `${first}, ${pages}`).toEqual({ world: w, code: 'AREA_OUT_OF_RANGE' });
    }
    for (const page of [-1, -7, -(2 ** 31), PAGES]) expect(refuse(w, { kind: 'export-page', guest: src, page }), String(page)).toEqual({ world: w, code: 'PAGE_OUT_OF_RANGE' });
    const [w2, tgt] = guest(w, TARGET, false);
    expect(refuse(w2, { kind: 'migration-receive-start', guest: tgt, nonce: new Uint8Array(16), first: -1, pages: 2 }).code).toBe('AREA_OUT_OF_RANGE');
  });

  it('lock exactly the pages of the area, and free them on abandon', () => {
    let [w, src] = guest(world(), SOURCE, true);
    [w] = accept(w, { kind: 'migration-start', guest: src, first: 2, pages: 2, target: TARGET_PHKH });
    const g = w.guests.get(src);
    if (g === undefined) throw new Error('no guest');
    expect(writeLocked(g, BigInt(2 * PAGE_SIZE - 1), 1)).toBe(false);
    expect(writeLocked(g, BigInt(2 * PAGE_SIZE - 1), 2)).toBe(true);
    expect(writeLocked(g, BigInt(4 * PAGE_SIZE - 1), 1)).toBe(true);
    expect(writeLocked(g, BigInt(4 * PAGE_SIZE), 8)).toBe(false);
    expect(writeLocked(g, BigInt(3 * PAGE_SIZE), 0)).toBe(false);
    expect(refuse(w, { kind: 'export-page', guest: src, page: 3 })).toEqual({ world: w, code: 'AREA_LOCKED' });
    [w] = accept(w, { kind: 'export-page', guest: src, page: 4 });
    [w] = accept(w, { kind: 'migration-abandon', guest: src });
    expect(writeLocked(w.guests.get(src) ?? g, BigInt(2 * PAGE_SIZE), 1)).toBe(false);
    expect(w.guests.get(src)?.phase).toBe('running');
    expect(refuse(w, { kind: 'migration-start', guest: src, first: 4, pages: 1, target: TARGET_PHKH }).code).toBe('AREA_PAGED_OUT');
  });

  it('export and import a page: the table holds index, counter and tag; an older export is refused', () => {
    let [w, src] = guest(world(), SOURCE, true);
    let r: Record<string, unknown>;
    // A page the image unpacked (secure memory), and one never written.
    const p = Number((image.pages[0]?.address ?? 0n) / BigInt(PAGE_SIZE));
    const blank = PAGES - 1;
    const page0 = w.guests.get(src)?.memory.get(p);
    [w, r] = accept(w, { kind: 'export-page', guest: src, page: p });
    const first = r['content'] as Uint8Array;
    const entry = w.guests.get(src)?.slices.migration.paging.exported.get(p);
    expect(entry?.counter).toBe(1);
    expect(entry?.tag.length).toBe(16);
    expect(w.guests.get(src)?.memory.has(p)).toBe(false);
    expect(refuse(w, { kind: 'export-page', guest: src, page: p }).code).toBe('PAGE_EXPORTED');
    [w] = accept(w, { kind: 'import-page', guest: src, page: p, content: first });
    expect(w.guests.get(src)?.memory.get(p)).toEqual(page0);
    [w, r] = accept(w, { kind: 'export-page', guest: src, page: p });
    expect(w.guests.get(src)?.slices.migration.paging.exported.get(p)?.counter).toBe(2);
    expect(refuse(w, { kind: 'import-page', guest: src, page: p, content: first })).toEqual({ world: w, code: 'IMPORT_INTEGRITY_FAILED' });
    expect(refuse(w, { kind: 'import-page', guest: src, page: blank, content: first }).code).toBe('PAGE_NOT_EXPORTED');
    [w] = accept(w, { kind: 'import-page', guest: src, page: p, content: r['content'] as Uint8Array });
    expect(w.guests.get(src)?.memory.get(p)).toEqual(page0);
    expect(page0?.length).toBe(PAGE_SIZE);
    // A page never written goes out and comes back as a zero page.
    [w, r] = accept(w, { kind: 'export-page', guest: src, page: blank });
    [w] = accept(w, { kind: 'import-page', guest: src, page: blank, content: r['content'] as Uint8Array });
    expect(w.guests.get(src)?.memory.get(blank)).toEqual(new Uint8Array(PAGE_SIZE));
  });

  it('hand the hypervisor its own copies: changing a response changes nothing the world keeps', () => {
    let [w, src] = guest(world(), SOURCE, true);
    const flip = (b: Uint8Array): void => void b.set([(b[0] ?? 0) ^ 1]);
    const streams = (x: World): Uint8Array[] => x.hypervisor.migrationStreams.toArray().map((b) => b.bytes.slice());
    let r: Record<string, unknown>;
    [w, r] = accept(w, { kind: 'export-page', guest: src, page: PAGES - 1 });
    const kept = streams(w);
    flip(r['content'] as Uint8Array);
    expect(streams(w)).toEqual(kept);
    [w] = accept(w, { kind: 'import-page', guest: src, page: PAGES - 1, content: kept[kept.length - 1] ?? new Uint8Array(0) });
    [w, r] = accept(w, { kind: 'migration-start', guest: src, first: 0, pages: 1, target: TARGET_PHKH });
    const nonce = (r['nonce'] as Uint8Array).slice();
    const afterStart = streams(w);
    flip(r['nonce'] as Uint8Array);
    expect(streams(w)).toEqual(afterStart);
    expect(w.guests.get(src)?.slices.migration.sending?.nonce).toEqual(nonce);
    [w] = accept(w, { kind: 'migration-send', guest: src, location: 0 });
    [w, r] = accept(w, { kind: 'migration-finish', guest: src });
    const afterFinish = streams(w);
    flip(r['global'] as Uint8Array);
    expect(streams(w)).toEqual(afterFinish);
  });

  it('judge the edges: an empty area, an area ending at the last page, a location below the area, a page exported just past it, a duplicate sending', () => {
    const m = migrated();
    let [w, tgt] = guest(m.w, TARGET, false);
    expect(refuse(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: 1, pages: PAGES })).toEqual({ world: w, code: 'AREA_OUT_OF_RANGE' });
    expect(refuse(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: PAGES - 2, pages: 3 })).toEqual({ world: w, code: 'AREA_OUT_OF_RANGE' });
    // An empty area is no area, wherever it starts.
    expect(refuse(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: 0, pages: 0 })).toEqual({ world: w, code: 'AREA_OUT_OF_RANGE' });
    expect(step(w, { kind: 'migration-receive-start', guest: tgt, nonce: new Uint8Array(32), first: PAGES - 3, pages: 3 }).outcome.kind).toBe('accepted');
    [w] = accept(w, { kind: 'migration-receive-start', guest: tgt, nonce: m.nonce, first: 0, pages: 3 });
    const newest = m.sent[3];
    if (newest === undefined) throw new Error('no sending');
    [w] = accept(w, { kind: 'migration-receive', guest: tgt, ...newest });
    // The same sending again: its counter is not above the one held.
    expect(refuse(w, { kind: 'migration-receive', guest: tgt, ...newest })).toEqual({ world: w, code: 'STALE_VERSION' });
    // The source side: an area that starts after page 0 does not hold it, nor the page after its end.
    let [ws, src] = guest(world(), SOURCE, true);
    [ws] = accept(ws, { kind: 'export-page', guest: src, page: 3 });
    [ws] = accept(ws, { kind: 'migration-start', guest: src, first: 1, pages: 2, target: TARGET_PHKH });
    expect(refuse(ws, { kind: 'migration-send', guest: src, location: 0 })).toEqual({ world: ws, code: 'LOCATION_OUT_OF_AREA' });
    expect(refuse(ws, { kind: 'migration-send', guest: src, location: 3 })).toEqual({ world: ws, code: 'LOCATION_OUT_OF_AREA' });
    expect(step(ws, { kind: 'migration-start', guest: src, first: PAGES - 2, pages: 2, target: TARGET_PHKH }).outcome).toMatchObject({ kind: 'rejected', code: 'MIGRATION_IN_PROGRESS' });
  });

  it('answer byte for byte alike with the noble and the node suites', () => {
    const a = migrated(nobleSuite);
    const b = migrated(nodeSuite);
    expect(a.nonce).toEqual(b.nonce);
    expect(a.global).toEqual(b.global);
    expect(a.sent).toEqual(b.sent);
  });
});
