/**
 * Robustness: 1,000,000 schema-generated actions, hostile (`arbHostileAction`: wrong types, out
 * of range, missing fields, throwing getters, Proxies, lying typed arrays, pooled Buffers, values
 * that are not actions at all) and well-formed (`arbAction`: every kind, arbitrary values), half
 * and half, stepped through one world with two machines. Between batches an honest hypervisor
 * keeps guests in every phase on both machines (created; unpacking; verified or running after a
 * whole honest unpack; verify-failed after a short one), and the generated actions name those
 * guests (and IDs that name nothing).
 *
 * What must hold, counted over every step: no exception (`step` is total); every rejection's
 * code and requirement are a row of the rejection tables; a rejection returns the world it was
 * given, except the verify failures the spec records. Also reported: outcomes by code, steps per
 * second of the stepping alone, and of the whole run with generation.
 *
 * Actions are sampled with fast-check in batches from fixed seeds (memory stays flat: a batch is
 * generated, stepped and dropped). fast-check cannot hold one hostile value, an action that is a
 * Proxy whose every trap throws (it asks `cloneMethod in value` and the trap throws); such a draw
 * is replaced by an equivalent Proxy built here, and counted.
 *
 * `npm run robustness` (or `npx tsx bench/robustness.ts [--actions N] [--seed S]`).
 * @module
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { driveHonest } from '../model/image-unpack/honest-driver.js';
import { ACTION_KINDS, rejectionRow, step, type PlatformStep, type World } from '../model/platform/index.js';
import { arbAction, arbHostileAction, type IdPool } from '../properties/arbitraries.js';
import { formatResults, type BenchResult } from './harness.js';
import { benchWorld, buildBenchImage, nowMs, pattern, targetNote } from './unpack.js';

/** Actions of the full run. */
export const ROBUSTNESS_ACTIONS = 1_000_000;
/** Seed of the first batch; batch `b` uses `seed + b`. */
export const ROBUSTNESS_SEED = 2026;
/** Actions per batch. */
const BATCH = 1000;
/** Guests the honest hypervisor keeps alive (older ones and any the stream created are destroyed). */
const LIVE_GUESTS = 8;
/** The codes a rejection may record in the world (REQ-UNPACK-12: a failed verify). */
const RECORDED = new Set(['PLD_MISMATCH', 'ALD_MISMATCH', 'TLD_MISMATCH', 'NEP_MISMATCH']);

/** One generated value: the action, or a draw fast-check could not hold. */
type Draw = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/**
 * `inner`, with a draw that throws inside fast-check reported as `{ ok: false }` instead of
 * ending the sample (see the module comment). No shrinking: the values are only sampled.
 */
class Guarded extends fc.Arbitrary<Draw> {
  constructor(private readonly inner: fc.Arbitrary<unknown>) {
    super();
  }
  override generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Draw> {
    try {
      return new fc.Value<Draw>({ ok: true, value: this.inner.generate(mrng, biasFactor).value }, undefined);
    } catch {
      return new fc.Value<Draw>({ ok: false }, undefined);
    }
  }
  override canShrinkWithoutContext(_value: unknown): _value is Draw {
    return false;
  }
  override shrink(): fc.Stream<fc.Value<Draw>> {
    return fc.Stream.nil();
  }
}

/** An action whose every trap throws: what fast-check could not hold, built here instead. */
function throwingProxy(i: number): unknown {
  const kind = ACTION_KINDS[i % ACTION_KINDS.length] ?? 'verify';
  const trap = (): never => {
    throw new Error('trap');
  };
  return new Proxy({ kind, guest: 1 }, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
}

/** What the run counted. */
export interface RobustnessRun {
  readonly actions: number;
  readonly exceptions: number;
  readonly firstExceptions: readonly string[];
  /** Rejections whose (code, requirement) is no row of the tables. */
  readonly unknownRejections: number;
  /** Rejections (other than a recorded verify failure) that returned a different world. */
  readonly changedOnRejection: number;
  readonly accepted: ReadonlyMap<string, number>;
  readonly rejected: ReadonlyMap<string, number>;
  /** Draws fast-check could not hold, replaced by a throwing Proxy. */
  readonly substituted: number;
  readonly honestSteps: number;
  readonly stepMs: number;
  readonly totalMs: number;
  readonly peakHeapMiB: number;
}

/** The honest hypervisor between batches: guests in every phase, on both machines. */
class Hypervisor {
  private readonly image = buildBenchImage({ kernel: pattern(2 * PAGE_SIZE, 31, 7) });
  private readonly memoryPages = this.image.layout.imageSize / PAGE_SIZE + 4;
  private live: number[] = [];
  steps = 0;
  constructor(public world: World) {}

  private apply = (action: unknown): PlatformStep['outcome'] => {
    const s = step(this.world, action);
    this.world = s.state;
    this.steps++;
    return s.outcome;
  };

  /** Applies honest actions in order; each must be accepted, except a verify that `fails`. */
  private honest(actions: readonly unknown[], fails?: string): void {
    for (const a of actions) {
      const o = this.apply(a);
      const kind = (a as { kind: string }).kind;
      if (o.kind !== 'accepted' && !(kind === 'verify' && o.code === fails)) throw new Error(`honest ${kind} rejected: ${JSON.stringify(o)}`);
    }
  }

  /** Creates a guest on `machine` and drives it to `phase`; returns its ID. */
  private guestIn(machine: number, phase: 'created' | 'unpacking' | 'verified' | 'running' | 'verify-failed'): number {
    if (phase === 'running') {
      // The one honest driver: create, set-header, every page, verify, start.
      const run = driveHonest((a) => this.apply(a), machine, this.memoryPages, { header: this.image.headerBytes, pages: this.image.layout.pages });
      if (run.guest === null || run.rejected !== null) throw new Error(`honest run rejected: ${JSON.stringify(run.rejected?.outcome)}`);
      return run.guest;
    }
    const o = this.apply({ kind: 'create-guest', machine, memoryPages: this.memoryPages });
    const guest = o.kind === 'accepted' ? o.response['guest'] : undefined;
    if (typeof guest !== 'number') throw new Error(`honest create-guest rejected: ${JSON.stringify(o)}`);
    if (phase === 'created') return guest;
    const all = this.image.layout.pages;
    const pages = phase === 'verified' ? all : all.slice(0, 1);
    this.honest([
      { kind: 'set-header', guest, header: this.image.headerBytes },
      ...pages.map((p) => ({ kind: 'unpack', guest, address: p.address, tweak: p.tweak, page: p.stored })),
    ]);
    // A short image fails verify (recorded: the guest can never start).
    if (phase === 'verified') this.honest([{ kind: 'verify', guest }]);
    if (phase === 'verify-failed') this.honest([{ kind: 'verify', guest }], 'PLD_MISMATCH');
    return guest;
  }

  /**
   * A new round: on machine `round % 2`, a guest in each phase; the oldest beyond
   * {@link LIVE_GUESTS} and every guest the generated stream created are destroyed.
   */
  churn(round: number): void {
    const machine = round % 2;
    for (const p of ['created', 'unpacking', 'verified', 'running', 'verify-failed'] as const) this.live.push(this.guestIn(machine, p));
    this.live = this.live.slice(-LIVE_GUESTS);
    const keep = new Set(this.live);
    for (const id of [...this.world.guests.keys()]) if (!keep.has(id)) this.honest([{ kind: 'destroy-guest', guest: id }]);
  }

  /** The IDs generated actions draw from: the live guests, 0 and an ID that names nothing. */
  ids(): IdPool {
    return { guests: [...this.live, 0, 999], machines: [0, 1, 2], adapters: [0, 1] };
  }
}

/** Adds one to `key` in `m`. */
function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/**
 * Steps `actions` generated actions (half hostile, half well-formed) through a world of two
 * machines kept populated by an honest hypervisor; counts what must never happen and the outcomes.
 */
export function runRobustness(options: { readonly actions?: number; readonly seed?: number; readonly onBatch?: (done: number) => void } = {}): RobustnessRun {
  const total = options.actions ?? ROBUSTNESS_ACTIONS;
  const seed = options.seed ?? ROBUSTNESS_SEED;
  const hv = new Hypervisor(benchWorld(nodeSuite, 2));
  const accepted = new Map<string, number>();
  const rejected = new Map<string, number>();
  const firstExceptions: string[] = [];
  let exceptions = 0;
  let unknownRejections = 0;
  let changedOnRejection = 0;
  let substituted = 0;
  let stepMs = 0;
  let peakHeap = 0;
  const t0 = nowMs();
  for (let done = 0, round = 0; done < total; round++) {
    hv.churn(round);
    const ids = hv.ids();
    const n = Math.min(BATCH, total - done);
    const draws = fc.sample(new Guarded(fc.oneof(arbHostileAction(ids), arbAction(ids))), { numRuns: n, seed: seed + round });
    const actions = draws.map((d, i) => {
      if (d.ok) return d.value;
      substituted++;
      return throwingProxy(i);
    });
    const s0 = nowMs();
    let world = hv.world;
    for (const action of actions) {
      let s: PlatformStep;
      try {
        s = step(world, action);
      } catch (e) {
        exceptions++;
        if (firstExceptions.length < 5) firstExceptions.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        continue;
      }
      const o = s.outcome;
      if (o.kind === 'accepted') {
        bump(accepted, typeof action === 'object' && action !== null ? String((action as { kind?: unknown }).kind) : '?');
      } else {
        bump(rejected, o.code);
        if (rejectionRow(o.code, o.requirement) === undefined) unknownRejections++;
        if (s.state !== world && !RECORDED.has(o.code)) changedOnRejection++;
      }
      world = s.state;
    }
    stepMs += nowMs() - s0;
    hv.world = world;
    done += n;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    options.onBatch?.(done);
  }
  return {
    actions: total,
    exceptions,
    firstExceptions,
    unknownRejections,
    changedOnRejection,
    accepted,
    rejected,
    substituted,
    honestSteps: hv.steps,
    stepMs,
    totalMs: nowMs() - t0,
    peakHeapMiB: peakHeap / 2 ** 20,
  };
}

/** The run's figures, in the form bench/run.ts writes. */
export function robustnessResults(r: RobustnessRun): BenchResult[] {
  const count = (m: ReadonlyMap<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const exceptionNote = r.firstExceptions.length === 0 ? undefined : `first: ${r.firstExceptions.join(' | ')}`;
  return [
    { name: 'generated actions stepped', value: r.actions, unit: 'steps', note: `half arbHostileAction, half arbAction; ${r.honestSteps} honest steps between batches not counted` },
    { name: 'exceptions thrown by step', value: r.exceptions, unit: 'count', note: targetNote(r.exceptions, '≤', 0, exceptionNote) },
    { name: 'rejections whose code and requirement are no table row', value: r.unknownRejections, unit: 'count', note: targetNote(r.unknownRejections, '≤', 0) },
    { name: 'rejections that changed the world (verify failures excepted)', value: r.changedOnRejection, unit: 'count', note: targetNote(r.changedOnRejection, '≤', 0) },
    { name: 'stepping alone', value: r.actions / (r.stepMs / 1000), unit: 'steps/s', note: `${(r.stepMs / 1000).toFixed(1)} s` },
    { name: 'whole run, generation included', value: r.actions / (r.totalMs / 1000), unit: 'steps/s', note: `${(r.totalMs / 1000).toFixed(1)} s; peak heap ${r.peakHeapMiB.toFixed(0)} MiB` },
    { name: 'throwing-Proxy draws fast-check could not hold (built here instead)', value: r.substituted, unit: 'count' },
    { name: 'accepted', value: sum(r.accepted), unit: 'steps', note: count(r.accepted).map(([k, v]) => `${k} ${v}`).join(', ') },
    ...count(r.rejected).map(([code, v]): BenchResult => ({ name: `  rejected ${code}`, value: v, unit: 'steps' })),
  ];
}

/** The bench group: the full run of {@link ROBUSTNESS_ACTIONS} actions. */
export async function benchRobustness(): Promise<BenchResult[]> {
  return robustnessResults(runRobustness());
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({ options: { actions: { type: 'string' }, seed: { type: 'string' } }, strict: true });
  const actions = values.actions === undefined ? ROBUSTNESS_ACTIONS : Number(values.actions);
  const seed = values.seed === undefined ? ROBUSTNESS_SEED : Number(values.seed);
  if (!Number.isSafeInteger(actions) || actions < 1 || !Number.isSafeInteger(seed)) {
    console.error('robustness: --actions must be a positive integer and --seed an integer');
    process.exitCode = 2;
  } else {
    let last = 0;
    const run = runRobustness({
      actions,
      seed,
      onBatch: (done) => {
        if (done - last >= 100_000 || done === actions) {
          last = done;
          console.error(`  ${done.toLocaleString('en')} actions`);
        }
      },
    });
    console.log(formatResults(robustnessResults(run)));
    process.exitCode = run.exceptions + run.unknownRejections + run.changedOnRejection === 0 ? 0 : 1;
  }
}
