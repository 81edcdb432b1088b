/**
 * Schedules the conformance check runs besides the registry's properties. Long adversarial
 * schedules: several guests of one world, each with
 * its own adversarial schedule of the campaign's generator (properties/image-unpack/schedules.ts,
 * biased to reach verified and running), their calls interleaved, one guest destroyed on the
 * way, and every party's view observed at the end. The property asserts nothing of its own: the
 * differential system compares every outcome and view, so this is where long runs over many
 * guests and phases are compared. Lifecycle schedules: the platform's create and destroy alone,
 * for an implementation of the platform without any mechanism.
 * @module
 */
import fc from 'fast-check';
import { defineProperty } from '../../properties/property.js';
import { sut } from '../../properties/sut-calls.js';
import { arbActionOf, arbHostileActionOf, arbNotAnAction, type IdPool } from '../../properties/arbitraries.js';
import { arbCase, CONFIG, MACHINE, OTHER_MACHINE, type ScheduleCase } from '../../properties/image-unpack/fixtures.js';
import { actionOf, createdGuest, phaseOf } from '../../properties/image-unpack/schedules.js';

/** One run: two to four guests with their schedules, the order of their calls, and when to destroy one. */
export interface LongScheduleInput {
  readonly cases: readonly ScheduleCase[];
  /** Whose call comes next (taken modulo the guests that still have calls). */
  readonly order: readonly number[];
  /** After this many calls (modulo their total) the first guest is destroyed; null: never. */
  readonly destroyAt: number | null;
}

/** The arbitrary of {@link LongScheduleInput}. */
export const arbLongSchedule: fc.Arbitrary<LongScheduleInput> = fc.record({
  cases: fc.array(arbCase, { minLength: 2, maxLength: 4 }),
  order: fc.array(fc.nat(3), { minLength: 8, maxLength: 64 }),
  destroyAt: fc.option(fc.nat(1000), { freq: 4 }),
});

/**
 * Long adversarial schedules over several guests, compared step by step (conformance only: not
 * in the property registry, since it asserts nothing of the model).
 */
export const longAdversarialSchedules = defineProperty<LongScheduleInput>({
  mechanism: 'image-unpack',
  name: 'long-adversarial-schedules',
  requirements: [],
  statement:
    'Two to four guests, each with its own adversarial schedule (honest boots with refused calls inserted, near misses, random calls), interleaved, one guest destroyed on the way: every outcome and every view at the end is the model\'s.',
  arbitrary: arbLongSchedule,
  *run({ cases, order, destroyAt }) {
    yield* sut.reset(CONFIG);
    const guests: number[] = [];
    for (const c of cases) {
      const created = yield* sut.apply({ kind: 'create-guest', machine: c.image.machine, memoryPages: Math.max(c.image.memoryPages, c.foreign.memoryPages) });
      guests.push(createdGuest(created));
    }
    const next = cases.map(() => 0);
    const total = cases.reduce((n, c) => n + c.schedule.length, 0);
    const destroyAfter = destroyAt === null || total === 0 ? -1 : destroyAt % total;
    for (let done = 0, turn = 0; done < total; turn++) {
      const open = cases.map((_, i) => i).filter((i) => (next[i] ?? 0) < (cases[i]?.schedule.length ?? 0));
      const i = open[(order[turn % Math.max(1, order.length)] ?? 0) % open.length] ?? 0;
      const c = cases[i] as ScheduleCase;
      const move = c.schedule[next[i] ?? 0];
      next[i] = (next[i] ?? 0) + 1;
      if (move === undefined) continue;
      const guest = guests[i] ?? -1;
      yield* sut.apply(actionOf(move, guest, c.image, c.foreign));
      yield* phaseOf(guest);
      if (done === destroyAfter) yield* sut.apply({ kind: 'destroy-guest', guest: guests[0] ?? -1 });
      done++;
    }
    yield* sut.observe({ kind: 'hypervisor' });
    for (const g of guests) {
      yield* sut.observe({ kind: 'guest', guest: g });
      yield* sut.observe({ kind: 'owner', guest: g });
    }
  },
});

/** Guest IDs the lifecycle schedules name: the first the platform hands out, and one it never does. */
const LIFECYCLE_IDS: IdPool = { guests: [1, 2, 3, 4, 5, 1_000_000], machines: [MACHINE, OTHER_MACHINE, 2], adapters: [0, 1] };

/** One call of a lifecycle schedule: well-formed create or destroy, or a hostile one (built when the step runs). */
const arbLifecycleCall: fc.Arbitrary<{ readonly action: unknown } | { readonly hostile: 'create-guest' | 'destroy-guest'; readonly seed: number }> = fc.oneof(
  { weight: 4, arbitrary: arbActionOf('create-guest', LIFECYCLE_IDS).map((action) => ({ action })) },
  { weight: 3, arbitrary: arbActionOf('destroy-guest', LIFECYCLE_IDS).map((action) => ({ action })) },
  // Hostile values are drawn when the step runs: fast-check inspects every generated value, which a throwing Proxy would answer by throwing.
  { weight: 2, arbitrary: fc.record({ hostile: fc.constantFrom('create-guest' as const, 'destroy-guest' as const), seed: fc.nat() }) },
  { weight: 1, arbitrary: arbNotAnAction.map((action) => ({ action })) },
);

/**
 * The platform's guest lifecycle alone (create and destroy, well-formed and hostile), every view
 * compared after every step: what an implementation of the platform without any mechanism is
 * checked by (the registry's platform properties also apply mechanism actions).
 */
export const platformLifecycleSchedules = defineProperty({
  mechanism: 'platform',
  name: 'lifecycle-schedules',
  requirements: [],
  statement: 'Schedules of create-guest and destroy-guest, well-formed and hostile, on both machines: every outcome and, after every step, every party\'s view is the model\'s.',
  arbitrary: fc.array(arbLifecycleCall, { minLength: 4, maxLength: 24 }),
  *run(calls) {
    yield* sut.reset(CONFIG);
    for (const c of calls) {
      const action = 'action' in c ? c.action : fc.sample(arbHostileActionOf(c.hostile, LIFECYCLE_IDS), { seed: c.seed, numRuns: 1 })[0];
      yield* sut.apply(action);
      yield* sut.observe({ kind: 'hypervisor' });
      for (const guest of LIFECYCLE_IDS.guests) {
        yield* sut.observe({ kind: 'guest', guest });
        yield* sut.observe({ kind: 'owner', guest });
      }
    }
    yield* sut.observe({ kind: 'host-manager' });
    yield* sut.observe({ kind: 'client' });
  },
});

/** The schedule runners the conformance check adds to the registry's properties. */
export const CONFORMANCE_SCHEDULES = [platformLifecycleSchedules, longAdversarialSchedules] as const;
