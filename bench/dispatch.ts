/**
 * Early rejection: what one platform step costs when the action is refused before any crypto
 * runs (an unknown guest, the wrong phase, a bad address, a malformed action), on a world with
 * four guests on two machines in phases `created` and `unpacking`. Fuzzing runs billions of such
 * steps, so DESIGN.md sets the target: at most 0.5 µs per step, at least 2,000,000 steps/s on
 * one core.
 *
 * Each case is measured in {@link BATCHES} batches after a warm-up, the cases taking turns batch by
 * batch (so load from other processes hits all alike); the median batch is reported. Beside the
 * cases, the parts of a step alone: the boundary's read (`readAction`) of an unpack action, the
 * copy of one 4 KiB page into scratch memory and into fresh memory, so that a missed target says
 * where its time goes.
 *
 * Run standalone: `npx tsx bench/dispatch.ts`.
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { copyBytes } from '../model/core/schema.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { readAction, step, type World } from '../model/platform/index.js';
import { scratchCopier } from '../model/platform/boundary.js';
import { benchCopySetting } from './copy-setting.js';
import { formatResults, measure, type BenchResult } from './harness.js';
import { runTuned } from './tuned.js';
import { benchWorld, buildBenchImage, median, pattern, targetNote } from './unpack.js';

/** Target: µs per early-rejected step, at most. */
export const TARGET_US = 0.5;
/** Target: early-rejected steps per second on one core, at least. */
export const TARGET_STEPS_PER_SECOND = 2_000_000;
/** Timed batches per case; the median is reported. */
const BATCHES = 5;
/** Memory of every guest, in pages. */
const MEMORY_PAGES = 16;

/** One early rejection: the actions (taken in turn), the code they must get, and what it shows. */
interface RejectionCase {
  readonly name: string;
  readonly actions: readonly unknown[];
  readonly code: string;
}

/**
 * Pages each unpack case takes in turn, each in its own buffer, as a fuzzer's actions carry fresh
 * pages. What copying a page costs depends on where its buffer lies against the boundary's
 * scratch memory (glibc's `rep movsb` runs 15-20 times slower when the destination is 1 to 31
 * bytes past the source modulo 4096): one fixed page would measure one layout's luck.
 */
const PAGES = 64;

/**
 * The world the cases run on: machines 0 and 1 (node suite); guests 1 (machine 0) and 3
 * (machine 1) in `created`; guests 2 (machine 0) and 4 (machine 1) in `unpacking` after an
 * accepted set-header of a small image.
 */
export function dispatchWorld(): World {
  const image = buildBenchImage({ kernel: pattern(2 * PAGE_SIZE, 31, 7) });
  let world = benchWorld(nodeSuite, 2);
  for (const [machine, header] of [[0, false], [0, true], [1, false], [1, true]] as const) {
    const created = step(world, { kind: 'create-guest', machine, memoryPages: MEMORY_PAGES });
    const guest = created.outcome.kind === 'accepted' ? created.outcome.response['guest'] : undefined;
    if (typeof guest !== 'number') throw new Error(`dispatch world: create-guest rejected: ${JSON.stringify(created.outcome)}`);
    world = created.state;
    if (header) {
      const opened = step(world, { kind: 'set-header', guest, header: image.headerBytes });
      if (opened.outcome.kind !== 'accepted') throw new Error(`dispatch world: set-header rejected: ${JSON.stringify(opened.outcome)}`);
      world = opened.state;
    }
  }
  return world;
}

/** The cases: each names the guard that refuses it. */
function cases(): RejectionCase[] {
  const pages = Array.from({ length: PAGES }, (_, k) => pattern(PAGE_SIZE, 23, k));
  const tweak = pattern(16, 13, 5);
  const unpacks = (guest: unknown, address: unknown) => pages.map((page) => ({ kind: 'unpack', guest, address, tweak, page }));
  return [
    { name: 'unknown guest (verify on guest 999)', actions: [{ kind: 'verify', guest: 999 }], code: 'GUEST_NOT_FOUND' },
    { name: 'wrong phase (verify in created)', actions: [{ kind: 'verify', guest: 1 }], code: 'INVALID_STATE' },
    { name: 'wrong phase (unpack of a 4 KiB page in created)', actions: unpacks(1, 0n), code: 'INVALID_STATE' },
    { name: 'bad address (misaligned unpack, 4 KiB page)', actions: unpacks(2, 4097n), code: 'ADDRESS_NOT_ALIGNED' },
    { name: 'bad address (out-of-range unpack, 4 KiB page)', actions: unpacks(2, BigInt(MEMORY_PAGES * PAGE_SIZE)), code: 'ADDRESS_OUT_OF_RANGE' },
    { name: 'malformed (guest a string)', actions: unpacks('2', 0n), code: 'MALFORMED_ACTION' },
    { name: 'malformed (page a number array)', actions: [{ kind: 'unpack', guest: 2, address: 0n, tweak, page: Array.from(pages[0] ?? []) }], code: 'MALFORMED_ACTION' },
  ];
}

/** A function that steps `world` with the case's actions in turn. */
function stepper(world: World, actions: readonly unknown[]): () => unknown {
  let i = 0;
  return () => {
    const action = actions[i];
    i = i + 1 === actions.length ? 0 : i + 1;
    return step(world, action);
  };
}

/** The median of `BATCHES` measurements of each function, the functions taking turns. */
function medianRates(fns: readonly (() => unknown)[], minTime: number): number[] {
  const samples: number[][] = fns.map(() => []);
  // Warm-up of every function first: the JIT sees all shapes before any batch is timed.
  fns.forEach((fn, i) => measure(`warm-up ${i}`, fn, { minTime: minTime / 2, warmupTime: 0 }));
  for (let b = 0; b < BATCHES; b++) {
    fns.forEach((fn, i) => samples[i]?.push(measure(`batch ${b} of ${i}`, fn, { minTime, warmupTime: 20 })));
  }
  return samples.map(median);
}

/**
 * Measures each early rejection in µs/step and steps/s against the targets, and the boundary's
 * parts alone.
 * @throws Error when a case is not refused with its code (it would time the wrong path)
 */
export async function benchDispatch(options: { minTime?: number } = {}): Promise<BenchResult[]> {
  const minTime = options.minTime ?? 200;
  const world = dispatchWorld();
  const all = cases();
  for (const c of all) {
    for (const action of c.actions) {
      const s = step(world, action);
      if (s.outcome.kind !== 'rejected' || s.outcome.code !== c.code || s.state !== world) {
        throw new Error(`dispatch case '${c.name}': expected ${c.code} and an unchanged world, got ${JSON.stringify(s.outcome)}`);
      }
    }
  }
  const pages = Array.from({ length: PAGES }, (_, k) => pattern(PAGE_SIZE, 29, k));
  const tweak = pattern(16, 13, 5);
  const reads = pages.map((page) => ({ kind: 'unpack', guest: 2, address: 4097n, tweak, page }));
  let r = 0;
  let c = 0;
  let f = 0;
  const scratch = scratchCopier(PAGE_SIZE);
  const next = (k: number): number => (k + 1 === PAGES ? 0 : k + 1);
  const fns: (() => unknown)[] = [
    ...all.map((x) => stepper(world, x.actions)),
    () => readAction(reads[(r = next(r))]),
    () => scratch(pages[(c = next(c))] ?? new Uint8Array(0), PAGE_SIZE),
    () => copyBytes(pages[(f = next(f))]),
  ];
  const rates = medianRates(fns, minTime);
  const results: BenchResult[] = [];
  all.forEach((c, i) => {
    const perSecond = rates[i] ?? Number.NaN;
    const us = 1e6 / perSecond;
    results.push({ name: c.name, value: us, unit: 'µs/step', note: targetNote(us, '≤', TARGET_US, c.code) });
    results.push({ name: c.name, value: perSecond, unit: 'steps/s', note: targetNote(perSecond, '≥', TARGET_STEPS_PER_SECOND) });
  });
  const read = rates[all.length] ?? Number.NaN;
  const scratchRate = rates[all.length + 1] ?? Number.NaN;
  const fresh = rates[all.length + 2] ?? Number.NaN;
  results.push({ name: '  part: readAction of an unpack with a 4 KiB page', value: 1e6 / read, unit: 'µs/op', note: `the boundary: shape check and copies; ${PAGES} pages in turn` });
  results.push({ name: '  part: copy of one 4 KiB page into scratch memory', value: 1e6 / scratchRate, unit: 'µs/op', note: 'what the boundary pays per page' });
  results.push({ name: '  part: fresh copy of one 4 KiB page', value: 1e6 / fresh, unit: 'µs/op', note: 'allocation + set: what scratch memory saves' });
  return [...results, ...benchCopySetting()];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  await runTuned();
  console.log(formatResults(await benchDispatch()));
}
