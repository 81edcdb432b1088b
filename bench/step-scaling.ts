/**
 * Does one step cost the same whatever the memory size? The cost of ONE unpack step (the
 * platform `step` with the node suite, boundary copy included) on a guest that already holds 16 pages and on one
 * that holds 262,144 pages (1 GiB), each call on a fresh page address and tweak against the same
 * prebuilt state (the state is persistent: every call starts from it). The two sizes are measured
 * as alternated pairs (7; which goes first swaps every pair, as bench/xts.ts does), each
 * measurement the average over at least one second of calls, garbage collection included; the
 * ratio is the median of the per-pair ratios. Target: the large guest's step costs at most twice
 * the small one's. Also the persistent-structure part alone
 * (`memory.set` + `usedTweaks.add`) at both sizes.
 *
 * The large guest is built directly, not by 262,144 unpacks: its record is the one a set-header
 * of a small image produced, with NEP raised, and memory and the tweak set filled with
 * a bulk build (every page shares one 4 KiB buffer: the structure is what is measured). Once,
 * the large guest is also measured with a buffer of its own per page (1 GiB live), as a guest
 * that really holds that memory: the garbage collector's work grows with it.
 *
 * Run standalone: `npx tsx bench/step-scaling.ts`.
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageMap } from '../model/world/page-map.js';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { Unpack } from '../model/image-unpack/actions.js';
import { startDigests } from '../model/se-format/image-pages.js';
import { TweakSet } from '../model/image-unpack/tweak-set.js';
import { step, type Guest, type World } from '../model/platform/index.js';
import { formatResults, loadNote, measure, type BenchResult } from './harness.js';
import { benchWorld, buildBenchImage, gcClock, median, nowMs, pattern, targetNote } from './unpack.js';

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
/**
 * Alternated pairs (small, large; which goes first swaps every pair, as bench/xts.ts does): the
 * ratio is the median of the per-pair ratios, so that load from other processes falls on both.
 */
const PAIRS = 7;

/** The tweak of filled page `i` (tag 0x00) or of fresh action `i` (tag 0xff): distinct for distinct (tag, i). */
function tweakOf(tag: number, i: number): Uint8Array {
  const t = pattern(16, 13, tag);
  t[0] = tag;
  new DataView(t.buffer).setUint32(12, i, false);
  return t;
}

/**
 * A world whose guest 1 is in phase `unpacking` for a small image, as set-header leaves it, with
 * room for 2^20 pages.
 */
function unpackingWorld(): World {
  const image = buildBenchImage({ kernel: pattern(2 * PAGE_SIZE, 31, 7) });
  const created = step(benchWorld(nodeSuite), { kind: 'create-guest', machine: 0, memoryPages: MEMORY_PAGES });
  const opened = step(created.state, { kind: 'set-header', guest: 1, header: image.headerBytes });
  const guest = opened.state.guests.get(1);
  if (opened.outcome.kind !== 'accepted' || guest === undefined || guest.image === null) {
    throw new Error(`set-header of the benchmark image was rejected: ${JSON.stringify(opened.outcome)}`);
  }
  return opened.state;
}

/**
 * `base` holding `pages` unpacked pages (pages 0…pages-1, each tweak used), NEP large enough for
 * every measured unpack, and empty digests. Every page shares one 4 KiB buffer, unless
 * `distinct`: then each has its own, as in a guest that really holds that much memory.
 */
function worldWith(world: World, pages: number, distinct = false): World {
  const base = world.guests.get(1);
  const image = base?.image;
  if (base === undefined || image === undefined || image === null) throw new Error('the base guest has no image');
  const shared = pattern(PAGE_SIZE, 29, 11);
  const memory = PageMap.of(Array.from({ length: pages }, (_, i) => [i, distinct ? new Uint8Array(PAGE_SIZE) : shared] as const));
  let usedTweaks = TweakSet.empty();
  for (let i = 0; i < pages; i++) usedTweaks = usedTweaks.add(tweakOf(0, i));
  const guest: Guest = {
    ...base,
    image: { ...image, nep: BigInt(MEMORY_PAGES) },
    memory,
    slices: { ...base.slices, unpack: { ...base.slices.unpack, usedTweaks, digests: { ...startDigests(nodeSuite), nep: BigInt(pages) } } },
  };
  return { ...world, guests: world.guests.set(1, guest) };
}

/**
 * Measures one unpack step and the persistent-structure part at 16 and 262,144 pages, each size
 * with only its own state alive (garbage collection included: it is part of what a step costs).
 * @returns µs/step at each size and their ratio (target ≤ 2), µs/step of the large guest with
 * distinct page buffers, µs for memory.set + usedTweaks.add at each size and their ratio, and
 * the time to build the large state
 * @throws Error when a measured unpack is not accepted
 */
export async function benchStepScaling(options: { minTime?: number } = {}): Promise<BenchResult[]> {
  const stepTime = options.minTime ?? 1000;
  const structureTime = Math.max(100, stepTime / 3);
  const base = unpackingWorld();

  // Fresh actions: addresses above both fills, tweaks outside both tweak sets.
  const cipherPage = pattern(PAGE_SIZE, 23, 3);
  const actions: Unpack[] = Array.from({ length: FRESH }, (_, i) => ({
    kind: 'unpack',
    guest: 1,
    address: BigInt(LARGE + 1 + i) * BigInt(PAGE_SIZE),
    tweak: tweakOf(0xff, i),
    page: cipherPage,
  }));
  let next = 0;

  // Each size is measured with only its own state alive, so that the garbage collector's work on
  // one state is not charged to the other; pairs alternate the sizes (the order swaps every pair)
  // and build the state anew.
  const sizes = [SMALL, LARGE] as const;
  const steps = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const gcShares = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const structures = new Map<number, number[]>(sizes.map((n) => [n, []]));
  let buildMs = Number.NaN;
  let distinctUs = Number.NaN;
  let distinctGc = Number.NaN;
  const gc = gcClock();
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const size of pair % 2 === 0 ? sizes : [...sizes].reverse()) {
        const t0 = nowMs();
        const world = worldWith(base, size);
        const guest = world.guests.get(1) as Guest;
        if (size === LARGE && Number.isNaN(buildMs)) buildMs = nowMs() - t0;
        for (const a of [actions[0], actions[FRESH - 1]]) {
          const s = a === undefined ? undefined : step(world, a);
          if (s?.outcome.kind !== 'accepted') throw new Error(`measured unpack rejected: ${JSON.stringify(s?.outcome)}`);
        }
        await gc.settle();
        const m0 = nowMs();
        const perSecond = measure(`unpack step, ${size} pages`, () => {
          next = (next + 1) % FRESH;
          return step(world, actions[next] as Unpack);
        }, { minTime: stepTime });
        const spanMs = nowMs() - m0;
        gcShares.get(size)?.push((await gc.settle()) / spanMs);
        steps.get(size)?.push(1e6 / perSecond);
        const structure = measure(`memory.set + usedTweaks.add, ${size} pages`, () => {
          next = (next + 1) % FRESH;
          return [guest.memory.set(LARGE + 1 + next, cipherPage), guest.slices.unpack.usedTweaks.add((actions[next] as Unpack).tweak)];
        }, { minTime: structureTime });
        structures.get(size)?.push(1e6 / structure);
      }
    }
    // Once: the large guest with a buffer of its own per page (1 GiB live, as a real guest).
    const real = worldWith(base, LARGE, true);
    await gc.settle();
    const r0 = nowMs();
    const perSecond = measure('unpack step, 1 GiB of distinct pages', () => {
      next = (next + 1) % FRESH;
      return step(real, actions[next] as Unpack);
    }, { minTime: stepTime });
    distinctGc = (await gc.settle()) / (nowMs() - r0);
    distinctUs = 1e6 / perSecond;
  } finally {
    gc.stop();
  }
  const us = (table: Map<number, number[]>, size: number): number => median(table.get(size) ?? []);
  const gcNote = (size: number): string => `GC pauses ${(100 * us(gcShares, size)).toFixed(0)}% of the time`;
  // Per-pair ratios: pair i's small and large measurements ran one right after the other.
  const pairRatio = (table: Map<number, number[]>): number => {
    const small = table.get(SMALL) ?? [];
    return median((table.get(LARGE) ?? []).map((large, i) => large / (small[i] ?? Number.NaN)));
  };
  const stepRatio = pairRatio(steps);
  const structureRatio = pairRatio(structures);
  return [
    {
      name: `unpack step, guest holding ${SMALL} pages`,
      value: us(steps, SMALL),
      unit: 'µs/step',
      note: `platform step with nodeSuite (boundary copy included), fresh page each call; ${gcNote(SMALL)}`,
    },
    { name: `unpack step, guest holding ${LARGE.toLocaleString('en')} pages (1 GiB)`, value: us(steps, LARGE), unit: 'µs/step', note: gcNote(LARGE) },
    { name: 'unpack step, 1 GiB / 16 pages', value: stepRatio, unit: 'ratio', note: targetNote(stepRatio, '≤', TARGET_RATIO, `median of ${PAIRS} alternated pairs; ${loadNote()}`) },
    {
      name: `unpack step, ${LARGE.toLocaleString('en')} pages each in its own buffer (1 GiB live)`,
      value: distinctUs,
      unit: 'µs/step',
      note: `one run; ${(distinctUs / us(steps, SMALL)).toFixed(2)} × the 16-page step; GC pauses ${(100 * distinctGc).toFixed(0)}% of the time`,
    },
    { name: `memory.set + usedTweaks.add, ${SMALL} pages`, value: us(structures, SMALL), unit: 'µs/op' },
    { name: `memory.set + usedTweaks.add, ${LARGE.toLocaleString('en')} pages`, value: us(structures, LARGE), unit: 'µs/op' },
    { name: 'memory.set + usedTweaks.add, 1 GiB / 16 pages', value: structureRatio, unit: 'ratio', note: `page table depth 1 → 4, tweak trie depth 1 → 4; median of ${PAIRS} alternated pairs` },
    { name: `building the ${LARGE.toLocaleString('en')}-page state (PageMap.of)`, value: buildMs, unit: 'ms' },
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchStepScaling()));
}
