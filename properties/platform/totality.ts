/**
 * Totality and the rejection contract of the whole platform (REQ-PLATFORM-1, REQ-PLATFORM-7):
 * schema-generated actions of every kind, well-formed and hostile, mixed with honest image calls,
 * across several guests (created on both machines, some destroyed) and machines that exist or not.
 * `step` never throws; every rejection is one of the guards of *that action's kind* (so a handler
 * that returns another handler's code, say NOT_VERIFIED from unpack, fails); a rejection leaves
 * every view as it was unless its row is recorded; a wrong-typed field is MALFORMED_ACTION.
 * @module
 */
import fc from 'fast-check';
import type { Schema } from '../../model/core/schema.js';
import { ACTION_KINDS, ACTION_SPECS, guardsOf, rowForKind, type ActionKind, type PlatformOutcome } from '../../model/platform/index.js';
import { arbActionOf, arbNotAnAction, arbWrongType, type IdPool } from '../arbitraries.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { snapshot } from '../views.js';
import { arbImage, CONFIG, MACHINE, OTHER_MACHINE, type TestImage } from '../image-unpack/fixtures.js';

/** Guest IDs the actions name: the first few the platform hands out, and one it never does. */
const GUESTS = [1, 2, 3, 4, 5, 6];
const IDS: IdPool = { guests: [...GUESTS, 1_000_000], machines: [MACHINE, OTHER_MACHINE, 2, 7], adapters: [0, 1] };

/** How an action was made, so that the check knows what to expect of it. */
type Made =
  | { readonly how: 'well-formed'; readonly kind: ActionKind; readonly action: unknown }
  | { readonly how: 'hostile'; readonly kind: ActionKind; readonly action: unknown; readonly build: () => unknown }
  | { readonly how: 'wrong-type'; readonly kind: ActionKind; readonly field: string; readonly action: unknown }
  | { readonly how: 'not-an-action'; readonly action: unknown }
  | { readonly how: 'honest'; readonly kind: ActionKind; readonly action: unknown };

const kinds = fc.constantFrom(...ACTION_KINDS);

/** One field of a well-formed action of `kind` given a value of the wrong type. */
const arbWrongTyped: fc.Arbitrary<Made> = kinds.chain((kind) => {
  const spec = ACTION_SPECS.find((s) => s.kind === kind);
  const fields: Readonly<Record<string, Schema>> = spec?.fields ?? {};
  const names = Object.keys(fields);
  return fc.tuple(arbActionOf(kind, IDS), fc.constantFrom(...names)).chain(([a, field]) =>
    arbWrongType(fields[field] as Schema).map((v): Made => ({ how: 'wrong-type', kind, field, action: { ...a, [field]: v } })),
  );
});

/** Ways to make an action of some kind hostile; built when the step runs (see {@link hostile}). */
const VARIANTS = ['proxy-throw', 'proxy-flip', 'getter-throw', 'missing', 'unknown-kind', 'inherited', 'liar-bytes', 'pooled-buffer', 'bytes-proxy'] as const;
type Variant = (typeof VARIANTS)[number];

/**
 * The hostile value: built at run time, because fast-check inspects every generated value
 * (`cloneMethod in value`), which a throwing Proxy answers by throwing inside the generator.
 */
function hostile(base: Readonly<Record<string, unknown>>, field: string, variant: Variant): unknown {
  const bytesField = Object.keys(base).find((k) => base[k] instanceof Uint8Array);
  switch (variant) {
    case 'proxy-throw':
      return new Proxy({ ...base }, { get: () => { throw new Error('trap: get'); }, has: () => { throw new Error('trap: has'); } });
    case 'proxy-flip': {
      let reads = 0;
      return new Proxy({ ...base }, { get: (t, k) => (k !== 'kind' && ++reads % 2 === 0 ? undefined : (Reflect.get(t, k) as unknown)) });
    }
    case 'getter-throw':
      return Object.defineProperty({ ...base }, field, { enumerable: true, get: () => { throw new Error(`getter ${field}`); } });
    case 'missing': {
      const out: Record<string, unknown> = { ...base };
      delete out[field];
      return out;
    }
    case 'unknown-kind':
      return { ...base, kind: `${String(base['kind'])}-not` };
    case 'inherited':
      return Object.create(base) as unknown;
    case 'liar-bytes':
    case 'pooled-buffer':
    case 'bytes-proxy': {
      if (bytesField === undefined) return { ...base, [field]: undefined };
      const b = base[bytesField] as Uint8Array;
      if (variant === 'pooled-buffer') return { ...base, [bytesField]: Buffer.from(b) };
      if (variant === 'bytes-proxy') return { ...base, [bytesField]: new Proxy(b, { get: () => { throw new Error('trap: bytes'); } }) };
      class Liar extends Uint8Array {
        override get length(): number {
          throw new Error('length read');
        }
      }
      const liar = new Liar(b.length);
      liar.set(b);
      return { ...base, [bytesField]: liar };
    }
  }
}

/** A hostile action of some kind: one of {@link VARIANTS} applied to a well-formed one. */
const arbHostile: fc.Arbitrary<Made> = kinds.chain((kind) => {
  const names = Object.keys(ACTION_SPECS.find((s) => s.kind === kind)?.fields ?? {});
  return fc
    .tuple(arbActionOf(kind, IDS), fc.constantFrom(...names), fc.constantFrom(...VARIANTS))
    .map(([a, field, variant]): Made => ({ how: 'hostile', kind, action: { field, variant }, build: () => hostile(a as Readonly<Record<string, unknown>>, field, variant) }));
});

/** Calls of an honest hypervisor for `image`, on some guest: so that guests reach every phase. */
function arbHonest(image: TestImage): fc.Arbitrary<Made> {
  const guest = fc.constantFrom(...GUESTS);
  const made = (kind: ActionKind, action: unknown): Made => ({ how: 'honest', kind, action });
  return fc.oneof(
    fc.constantFrom(MACHINE, MACHINE, OTHER_MACHINE).map((machine) => made('create-guest', { kind: 'create-guest', machine, memoryPages: image.memoryPages })),
    guest.map((g) => made('set-header', { kind: 'set-header', guest: g, header: image.header })),
    { weight: 3, arbitrary: fc.tuple(guest, fc.nat(image.pages.length - 1)).map(([g, i]) => {
      const p = image.pages[i];
      return made('unpack', { kind: 'unpack', guest: g, address: p?.address ?? 0n, tweak: p?.tweak ?? new Uint8Array(16), page: p?.stored ?? new Uint8Array(0) });
    }) },
    guest.map((g) => made('verify', { kind: 'verify', guest: g })),
    guest.map((g) => made('start', { kind: 'start', guest: g })),
    guest.map((g) => made('destroy-guest', { kind: 'destroy-guest', guest: g })),
  );
}

function arbMade(image: TestImage): fc.Arbitrary<Made> {
  return fc.oneof(
    { weight: 4, arbitrary: arbHonest(image) },
    { weight: 3, arbitrary: kinds.chain((kind) => arbActionOf(kind, IDS).map((action): Made => ({ how: 'well-formed', kind, action }))) },
    { weight: 2, arbitrary: arbHostile },
    { weight: 1, arbitrary: arbWrongTyped },
    { weight: 1, arbitrary: arbNotAnAction.map((action): Made => ({ how: 'not-an-action', action })) },
  );
}

const show = (o: PlatformOutcome): string => (o.kind === 'accepted' ? 'accepted' : `${o.code} (${o.requirement})`);

/** The kind a value that is not meant as an action reads as, if it names one (own string `kind`). */
function kindOf(v: unknown): ActionKind | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const k: unknown = (v as { readonly kind?: unknown }).kind;
  return typeof k === 'string' && (ACTION_KINDS as readonly string[]).includes(k) ? (k as ActionKind) : undefined;
}

/** Checks one outcome against the guards of the action's kind and the shape it was made with. */
function* checkOutcome(m: Made, o: PlatformOutcome, at: number): Calls<void> {
  const where = `step ${at} (${m.how}${'kind' in m ? ` ${m.kind}` : ''})`;
  if (m.how === 'not-an-action') {
    const kind = kindOf(m.action);
    const ok = o.kind === 'rejected' && (kind === undefined ? o.code === 'MALFORMED_ACTION' && o.requirement === 'REQ-PLATFORM-1' : true);
    yield* holds('REQ-PLATFORM-1', ok, `${where}: a value that is not an action gave ${show(o)}`);
    if (kind === undefined || o.kind === 'accepted') return;
  }
  if (o.kind === 'accepted') return;
  const kind = m.how === 'not-an-action' ? kindOf(m.action) : m.kind;
  if (kind === undefined) return;
  // The code must be one a guard of this kind returns, with that guard's requirement.
  const guard = guardsOf(kind).find((g) => g.code === o.code && g.requirement === o.requirement);
  yield* holds('REQ-PLATFORM-1', guard !== undefined, `${where}: ${show(o)} is not a guard of ${kind} (${guardsOf(kind).map((g) => g.code).join(', ')})`);
  if (m.how === 'wrong-type') {
    yield* holds('REQ-PLATFORM-1', o.code === 'MALFORMED_ACTION', `${where}: field ${m.field} of the wrong type gave ${show(o)}, not MALFORMED_ACTION`);
  }
  if (m.how === 'well-formed' || m.how === 'honest') {
    yield* holds('REQ-PLATFORM-1', o.code !== 'MALFORMED_ACTION', `${where}: a well-formed action was refused as MALFORMED_ACTION`);
  }
}

/** REQ-PLATFORM-1, REQ-PLATFORM-7: every action of every kind is answered by its own guards. */
export const platformTotal = defineProperty({
  mechanism: 'platform',
  name: 'step-total',
  requirements: ['REQ-PLATFORM-1', 'REQ-PLATFORM-7'],
  statement:
    'For schema-generated actions of every kind (well-formed, hostile, not actions at all) mixed with honest image calls over several guests on two machines: step never throws, every rejection is a guard of that action kind with its requirement, a wrong-typed field is MALFORMED_ACTION, and a rejection leaves every view unchanged unless the spec records it.',
  arbitrary: arbImage.chain((image) => fc.tuple(fc.constant(image), fc.array(arbMade(image), { minLength: 10, maxLength: 40 }))),
  *run([, made]) {
    yield* sut.reset(CONFIG);
    for (const [at, m] of made.entries()) {
      const before = yield* snapshot(GUESTS);
      // A throw here escapes the driver and fails the property: step must answer everything.
      const o = yield* sut.apply(m.how === 'hostile' ? m.build() : m.action);
      yield* checkOutcome(m, o, at);
      if (o.kind !== 'rejected') continue;
      const kind = m.how === 'not-an-action' ? kindOf(m.action) : m.kind;
      const recorded = kind !== undefined && rowForKind(kind, o.code)?.recorded === true;
      if (!recorded) yield* holds('REQ-PLATFORM-7', (yield* snapshot(GUESTS)) === before, `step ${at}: rejection ${show(o)} changed what the parties see`);
    }
  },
});
