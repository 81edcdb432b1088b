/**
 * The system-under-test interface: what properties, campaigns and the conformance checker talk
 * to. `reset(config)`, `apply(action) → outcome`, `observe(party) → view`. The model is one
 * implementation; an adapter process speaking JSON lines is another. The model also offers the
 * same calls synchronously ({@link SyncSystemUnderTest}), so that a campaign over the model pays
 * no promise per step.
 * @module
 */
import type { CryptoSuite } from '../crypto/suite.js';
import type { WorldConfig } from '../world/config.js';
import type { World } from '../world/world.js';
import { initialWorld } from './initial.js';
import { HANDLERS, type HandlerTable } from './mechanisms.js';
import { stepWith, type PlatformOutcome, type StepFn } from './step.js';
import { viewOf, type Party, type View } from './views.js';

/** An implementation of the platform, driven from outside. */
export interface SystemUnderTest {
  /** A name for reports. */
  readonly name: string;
  /** Starts over from a configuration: no guests, fresh firmware. */
  reset(config: WorldConfig): Promise<void>;
  /** Applies one action; the caller may reuse or change its buffers afterwards. */
  apply(action: unknown): Promise<PlatformOutcome>;
  /** What a party sees now; `null` for a party that does not exist. */
  observe(party: Party): Promise<View | null>;
}

/** The same calls without promises, for implementations that can answer at once. */
export interface SyncSystemUnderTest {
  readonly name: string;
  reset(config: WorldConfig): void;
  apply(action: unknown): PlatformOutcome;
  observe(party: Party): View | null;
}

/** Options of {@link modelSystem}: the model as it is, or with parts replaced (faulty variants). */
export interface ModelOptions {
  readonly name?: string;
  /** Compute with this suite (same name and results as the configured one, e.g. memoized). */
  readonly suite?: CryptoSuite;
  /** Handlers that replace the model's for some kinds. */
  readonly handlers?: Partial<HandlerTable>;
  /** A view function that replaces `viewOf`. */
  readonly views?: (world: World, party: Party) => View | null;
}

/** The model as a system under test, synchronous, with its world open to model-only properties. */
export interface ModelSystem extends SyncSystemUnderTest {
  /** The current world (for properties marked model-only). */
  readonly world: World;
}

/**
 * The model as a synchronous system under test.
 * @example
 * ```ts
 * const sut = modelSystem();
 * sut.reset(config);
 * const o = sut.apply({ kind: 'create-guest', machine: 0, memoryPages: 4 });
 * sut.observe({ kind: 'hypervisor' });
 * ```
 */
export function modelSystem(options: ModelOptions = {}): ModelSystem {
  // Stryker disable next-line ConditionalExpression: without handlers both branches step with the same table (spreading undefined adds nothing); the test only saves a copy
  const step: StepFn = options.handlers === undefined ? stepWith(HANDLERS) : stepWith({ ...HANDLERS, ...options.handlers } as HandlerTable);
  const views = options.views ?? viewOf;
  let world: World | undefined;
  const current = (): World => {
    if (world === undefined) throw new Error('the model was not reset: call reset(config) first');
    return world;
  };
  return {
    name: options.name ?? 'semodel',
    get world() {
      return current();
    },
    reset(config) {
      const r = initialWorld(config, options.suite === undefined ? {} : { suite: options.suite });
      if (!r.ok) throw new Error(`invalid configuration at ${r.error.path}: ${r.error.message}`);
      world = r.value;
    },
    apply(action) {
      const s = step(current(), action);
      world = s.state;
      return s.outcome;
    },
    observe(party) {
      return views(current(), party);
    },
  };
}

/** A synchronous system as an asynchronous one. */
export function asAsync(sut: SyncSystemUnderTest): SystemUnderTest {
  return {
    name: sut.name,
    reset: async (config) => sut.reset(config),
    apply: async (action) => sut.apply(action),
    observe: async (party) => sut.observe(party),
  };
}
