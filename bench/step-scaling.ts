/**
 * Does one step cost the same whatever the memory size? The cost of ONE unpack step (the
 * image-unpack reducer with the node suite) on a guest that already holds 16 pages and on one
 * that holds 262,144 pages (1 GiB), each call on a fresh page address and tweak against the same
 * prebuilt state (the state is persistent: every call starts from it). Target: the large guest's
 * step costs at most twice the small one's. Also the persistent-structure part alone
 * (`memory.set` + `usedTweaks.add`) at both sizes.
 *
 * The large guest is built directly, not by 262,144 unpacks: its record is the one a set-header
 * of a small image produced, with NEP raised, and memory and the tweak set filled with
 * `withMutations` (every page shares one 4 KiB buffer: the structure is what is measured).
 *
 * Run standalone: `npx tsx bench/step-scaling.ts`.
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Map as PMap, Set as PSet } from 'immutable';
import { bytesToHex, PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { Unpack } from '../model/image-unpack/actions.js';
import { unpack } from '../model/image-unpack/reducer.js';
import type { UnpackGuest } from '../model/image-unpack/state.js';
import { initialState, step } from '../model/platform/index.js';
import { formatResults, measure, type BenchResult } from './harness.js';
import { benchHostScalar, buildBenchImage, median, pattern, targetNote } from './unpack.js';

/** Pages of the small guest. */
const SMALL = 16;
/** Pages of the large guest: 1 GiB. */
const LARGE = 262_144;
/** Memory size of both guests (4 GiB): room above the filled pages for the measured unpacks. */
const MEMORY_PAGES = 1 << 20;
/** Distinct fresh actions the measurement cycles through. */
const FRESH = 4096;
/** Target of the large guest's step cost relative to the small one's. */
const TARGET_RATIO = 2;
/** Interleaved measurement rounds; the median is reported. */
const ROUNDS = 3;

/** The tweak of filled page `i` (tag 0x00) or of fresh action `i` (tag 0xff): distinct for distinct (tag, i). */
function tweakOf(tag: number, i: number): Uint8Array {
  const t = pattern(16, 13, tag);
  t[0] = tag;
  new DataView(t.buffer).setUint32(12, i, false);
  return t;
}

/** A guest in phase `unpacking` for a small image, as set-header leaves it, with room for 2^20 pages. */
function unpackingGuest(): UnpackGuest {
  const image = buildBenchImage({ kernel: pattern(2 * PAGE_SIZE, 31, 7) });
  const initial = initialState(nodeSuite, [benchHostScalar()]);
  if (initial === undefined) throw new Error('the benchmark host scalar is not a valid P-521 scalar');
  const created = step(initial, { kind: 'create-guest', memoryPages: MEMORY_PAGES }, nodeSuite);
  const opened = step(created.state, { kind: 'set-header', guest: 1, header: image.headerBytes }, nodeSuite);
  const guest = opened.state.guests.get(1);
  if (opened.outcome.kind !== 'accepted' || guest === undefined || guest.image === undefined) {
    throw new Error(`set-header of the benchmark image was rejected: ${JSON.stringify(opened.outcome)}`);
  }
  return guest;
}

/**
 * `base` holding `pages` unpacked pages (pages 0…pages-1, each tweak used), NEP large enough for
 * every measured unpack, and empty digests.
 */
function guestWith(base: UnpackGuest, pages: number): UnpackGuest {
  const image = base.image;
  if (image === undefined) throw new Error('the base guest has no image');
  const shared = pattern(PAGE_SIZE, 29, 11);
  const memory = PMap<number, Uint8Array>().withMutations((m) => {
    for (let i = 0; i < pages; i++) m.set(i, shared);
  });
  const usedTweaks = PSet<string>().withMutations((s) => {
    for (let i = 0; i < pages; i++) s.add(bytesToHex(tweakOf(0, i)));
  });
  const empty = nodeSuite.sha512Init();
  return {
    ...base,
    image: { ...image, header: { ...image.header, nep: BigInt(MEMORY_PAGES) } },
    memory,
    usedTweaks,
    pld: empty,
    ald: empty,
    tld: empty,
    unpackedPages: pages,
  };
}

/**
 * Measures one unpack step and the persistent-structure part at 16 and 262,144 pages.
 * @returns µs/step at each size and their ratio (target ≤ 2), µs for memory.set + usedTweaks.add
 * at each size and their ratio, and the time to build the large state
 * @throws Error when a measured unpack is not accepted
 */
export async function benchStepScaling(options: { minTime?: number } = {}): Promise<BenchResult[]> {
  const minTime = options.minTime ?? 300;
  const base = unpackingGuest();
  const t0 = process.hrtime.bigint();
  const large = guestWith(base, LARGE);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const small = guestWith(base, SMALL);

  // Fresh actions: addresses above both fills, tweaks outside both tweak sets.
  const cipherPage = pattern(PAGE_SIZE, 23, 3);
  const actions: Unpack[] = Array.from({ length: FRESH }, (_, i) => ({
    kind: 'unpack',
    guest: 1,
    address: BigInt(LARGE + 1 + i) * BigInt(PAGE_SIZE),
    tweak: tweakOf(0xff, i),
    page: cipherPage,
  }));
  const hexes = actions.map((a) => bytesToHex(a.tweak));
  for (const g of [small, large]) {
    for (const a of [actions[0], actions[FRESH - 1]]) {
      if (a === undefined) continue;
      const s = unpack(g, a, nodeSuite);
      if (s.outcome.kind !== 'accepted') throw new Error(`measured unpack rejected: ${JSON.stringify(s.outcome)}`);
    }
  }

  let next = 0;
  const stepOn = (g: UnpackGuest) => (): unknown => {
    next = (next + 1) % FRESH;
    return unpack(g, actions[next] as Unpack, nodeSuite);
  };
  const structureOn = (g: UnpackGuest) => (): unknown => {
    next = (next + 1) % FRESH;
    return [g.memory.set(LARGE + 1 + next, cipherPage), g.usedTweaks.add(hexes[next] as string)];
  };
  const candidates: ReadonlyArray<readonly [string, () => unknown]> = [
    ['step 16', stepOn(small)],
    ['step large', stepOn(large)],
    ['structure 16', structureOn(small)],
    ['structure large', structureOn(large)],
  ];
  const samples = new Map<string, number[]>(candidates.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of candidates) samples.get(name)?.push(1e6 / measure(name, fn, { minTime }));
  }
  const us = (name: string): number => median(samples.get(name) ?? []);
  const stepRatio = us('step large') / us('step 16');
  const structureRatio = us('structure large') / us('structure 16');
  return [
    { name: `unpack step, guest holding ${SMALL} pages`, value: us('step 16'), unit: 'µs/step', note: 'reducer with nodeSuite, fresh page each call' },
    { name: `unpack step, guest holding ${LARGE.toLocaleString('en')} pages (1 GiB)`, value: us('step large'), unit: 'µs/step' },
    { name: 'unpack step, 1 GiB / 16 pages', value: stepRatio, unit: 'ratio', note: targetNote(stepRatio, '≤', TARGET_RATIO) },
    { name: `memory.set + usedTweaks.add, ${SMALL} pages`, value: us('structure 16'), unit: 'µs/op' },
    { name: `memory.set + usedTweaks.add, ${LARGE.toLocaleString('en')} pages`, value: us('structure large'), unit: 'µs/op' },
    { name: 'memory.set + usedTweaks.add, 1 GiB / 16 pages', value: structureRatio, unit: 'ratio' },
    { name: `building the ${LARGE.toLocaleString('en')}-page state (withMutations)`, value: buildMs, unit: 'ms' },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchStepScaling()));
}
