/**
 * The stimulus of mechanism 6: every guard of every dump call failed alone, and the pairs of
 * guards that can fail together, from states an honest hypervisor and guest reach, each answered
 * with the code of the first failing guard in `guardsOf` order; and a rejection changes nothing
 * the hypervisor sees (REQ-PLATFORM-7). The scenarios are listed by hand (each names the guards it
 * makes fail); the codes, requirements and order come from the model's tables.
 * @module
 */
import fc from 'fast-check';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { MACHINE } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';
import { addSecret, DUMP_CONFIG, dumpImage, runningGuest } from './fixtures.js';

/** The dump calls, in the order of the spec. */
export const STIMULUS_KINDS: readonly ActionKind[] = ['dump-init', 'dump-storage-state', 'dump-cpu', 'dump-complete'];

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = DUMP_CONFIG;

/** The guests of one run, by role (the setup names of the vectors). */
type Role = 'dumping' | 'idle' | 'forbidden' | 'forbidden-unpacking' | 'forbidden-disabled' | 'disabled' | 'disabled-during-dump' | 'created' | 'missing';

/** The guest of a scenario under the name of each role (one world per scenario), and its size in pages. */
interface Cast {
  readonly ids: Readonly<Record<Role, number>>;
  readonly pages: number;
}

/** One scenario: a call by a guest in a role, every guard it makes fail (guard names, in order), and the pair it stands for. */
interface Scenario {
  readonly kind: ActionKind;
  readonly role: Role;
  readonly action: (guest: number, c: Cast) => Record<string, unknown>;
  readonly failing: readonly string[];
  /** For a pair case: the two guards it combines (the first decides); absent: a single guard. */
  readonly pair?: readonly [string, string];
}

const MiB = 256n * 4096n;
const SHAPE = 'shape of an action';
const EXISTS = 'guest exists';
const DURING = 'a dump is in progress';

const init = (mode: string) => (guest: number) => ({ kind: 'dump-init', guest, mode });
const state = (address: unknown) => (guest: number) => ({ kind: 'dump-storage-state', guest, address });
const cpu = (n: unknown) => (guest: number) => ({ kind: 'dump-cpu', guest, cpu: n });
const complete = (asString: boolean) => (guest: number) => ({ kind: 'dump-complete', guest: asString ? String(guest) : guest });
const past = (_g: number, c: Cast) => MiB * BigInt(Math.ceil(c.pages / 256));

const SCENARIOS: readonly Scenario[] = [
  { kind: 'dump-init', role: 'idle', action: init('plain'), failing: [SHAPE] },
  { kind: 'dump-init', role: 'missing', action: init('real'), failing: [EXISTS] },
  { kind: 'dump-init', role: 'created', action: init('seed'), failing: ['guest running'] },
  { kind: 'dump-init', role: 'forbidden', action: init('real'), failing: ['PCF bit 34 set'] },
  { kind: 'dump-init', role: 'disabled', action: init('seed'), failing: ['no disable-dump request'] },
  { kind: 'dump-init', role: 'dumping', action: init('seed'), failing: ['no dump in progress'] },
  { kind: 'dump-init', role: 'missing', action: init('plain'), failing: [SHAPE, EXISTS], pair: [SHAPE, EXISTS] },
  { kind: 'dump-init', role: 'created', action: init('plain'), failing: [SHAPE, 'guest running'], pair: [SHAPE, 'guest running'] },
  { kind: 'dump-init', role: 'forbidden', action: init('plain'), failing: [SHAPE, 'PCF bit 34 set'], pair: [SHAPE, 'PCF bit 34 set'] },
  { kind: 'dump-init', role: 'disabled', action: init('plain'), failing: [SHAPE, 'no disable-dump request'], pair: [SHAPE, 'no disable-dump request'] },
  { kind: 'dump-init', role: 'dumping', action: init('plain'), failing: [SHAPE, 'no dump in progress'], pair: [SHAPE, 'no dump in progress'] },
  { kind: 'dump-init', role: 'forbidden-unpacking', action: init('real'), failing: ['guest running', 'PCF bit 34 set'], pair: ['guest running', 'PCF bit 34 set'] },
  { kind: 'dump-init', role: 'forbidden-disabled', action: init('real'), failing: ['PCF bit 34 set', 'no disable-dump request'], pair: ['PCF bit 34 set', 'no disable-dump request'] },
  { kind: 'dump-init', role: 'disabled-during-dump', action: init('real'), failing: ['no disable-dump request', 'no dump in progress'], pair: ['no disable-dump request', 'no dump in progress'] },
  { kind: 'dump-storage-state', role: 'dumping', action: state(0), failing: [SHAPE] },
  { kind: 'dump-storage-state', role: 'missing', action: state(0n), failing: [EXISTS] },
  { kind: 'dump-storage-state', role: 'idle', action: state(0n), failing: [DURING] },
  { kind: 'dump-storage-state', role: 'dumping', action: state(4096n), failing: ['address 1 MiB aligned'] },
  { kind: 'dump-storage-state', role: 'dumping', action: (g, c) => state(past(g, c))(g), failing: ['address inside guest memory'] },
  { kind: 'dump-storage-state', role: 'missing', action: state(0), failing: [SHAPE, EXISTS], pair: [SHAPE, EXISTS] },
  { kind: 'dump-storage-state', role: 'idle', action: state(0), failing: [SHAPE, DURING], pair: [SHAPE, DURING] },
  { kind: 'dump-storage-state', role: 'dumping', action: state(4096), failing: [SHAPE, 'address 1 MiB aligned'], pair: [SHAPE, 'address 1 MiB aligned'] },
  { kind: 'dump-storage-state', role: 'dumping', action: state(2 ** 40), failing: [SHAPE, 'address inside guest memory'], pair: [SHAPE, 'address inside guest memory'] },
  { kind: 'dump-storage-state', role: 'missing', action: state(0n), failing: [EXISTS, DURING], pair: [EXISTS, DURING] },
  { kind: 'dump-storage-state', role: 'missing', action: state(4096n), failing: [EXISTS, DURING, 'address 1 MiB aligned'], pair: [EXISTS, 'address 1 MiB aligned'] },
  { kind: 'dump-storage-state', role: 'missing', action: state(MiB * 1000n), failing: [EXISTS, DURING, 'address inside guest memory'], pair: [EXISTS, 'address inside guest memory'] },
  { kind: 'dump-storage-state', role: 'idle', action: state(12n), failing: [DURING, 'address 1 MiB aligned'], pair: [DURING, 'address 1 MiB aligned'] },
  { kind: 'dump-storage-state', role: 'idle', action: state(MiB * 1000n), failing: [DURING, 'address inside guest memory'], pair: [DURING, 'address inside guest memory'] },
  { kind: 'dump-storage-state', role: 'dumping', action: state(MiB * 1000n + 8n), failing: ['address 1 MiB aligned', 'address inside guest memory'], pair: ['address 1 MiB aligned', 'address inside guest memory'] },
  { kind: 'dump-cpu', role: 'dumping', action: cpu('0'), failing: [SHAPE] },
  { kind: 'dump-cpu', role: 'missing', action: cpu(0), failing: [EXISTS] },
  { kind: 'dump-cpu', role: 'idle', action: cpu(0), failing: [DURING] },
  { kind: 'dump-cpu', role: 'dumping', action: cpu(1), failing: ['CPU exists'] },
  { kind: 'dump-cpu', role: 'missing', action: cpu('0'), failing: [SHAPE, EXISTS], pair: [SHAPE, EXISTS] },
  { kind: 'dump-cpu', role: 'idle', action: cpu('0'), failing: [SHAPE, DURING], pair: [SHAPE, DURING] },
  { kind: 'dump-cpu', role: 'dumping', action: cpu('1'), failing: [SHAPE, 'CPU exists'], pair: [SHAPE, 'CPU exists'] },
  { kind: 'dump-cpu', role: 'missing', action: cpu(0), failing: [EXISTS, DURING], pair: [EXISTS, DURING] },
  { kind: 'dump-cpu', role: 'missing', action: cpu(1), failing: [EXISTS, DURING, 'CPU exists'], pair: [EXISTS, 'CPU exists'] },
  { kind: 'dump-cpu', role: 'idle', action: cpu(7), failing: [DURING, 'CPU exists'], pair: [DURING, 'CPU exists'] },
  { kind: 'dump-complete', role: 'dumping', action: complete(true), failing: [SHAPE] },
  { kind: 'dump-complete', role: 'missing', action: complete(false), failing: [EXISTS] },
  { kind: 'dump-complete', role: 'idle', action: complete(false), failing: [DURING] },
  { kind: 'dump-complete', role: 'missing', action: complete(true), failing: [SHAPE, EXISTS], pair: [SHAPE, EXISTS] },
  { kind: 'dump-complete', role: 'idle', action: complete(true), failing: [SHAPE, DURING], pair: [SHAPE, DURING] },
  { kind: 'dump-complete', role: 'missing', action: complete(false), failing: [EXISTS, DURING], pair: [EXISTS, DURING] },
];

/**
 * The pairs of guards no reachable state lets fail together, by their key (`kind: a + b`), and why.
 * A guest that does not exist has no phase, image or store; dumping, and disabling it by add-secret,
 * need a running guest, which stays running.
 */
export const DUMP_IMPOSSIBLE: Readonly<Record<string, string>> = {
  'dump-init: guest exists + guest running': 'a guest that does not exist has no phase',
  'dump-init: guest exists + PCF bit 34 set': 'a guest that does not exist has no image',
  'dump-init: guest exists + no disable-dump request': 'a guest that does not exist has no secret store',
  'dump-init: guest exists + no dump in progress': 'a guest that does not exist has no dump',
  'dump-init: guest running + no disable-dump request': 'add-secret needs a running guest, and a running guest stays running',
  'dump-init: guest running + no dump in progress': 'a dump starts only on a running guest, which stays running',
  'dump-init: PCF bit 34 set + no dump in progress': 'a dump starts only when PCF bit 34 is set, and PCF never changes',
};

/** The labels of the scenarios (single guards and pairs), in scenario order. */
export function scenarioLabels(): readonly string[] {
  return SCENARIOS.map(labelOf);
}

/** The label of a scenario, as the vectors read it: `<kind>: only '<guard>' fails` or `<kind>: <a> + <b>`. */
function labelOf(s: Scenario): string {
  return s.pair === undefined ? `${s.kind}: only '${s.failing[0] ?? ''}' fails` : `${s.kind}: ${s.pair[0]} + ${s.pair[1]}`;
}

/** The code of the first failing guard in `guardsOf` order (the boundary's first). */
function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of its kind
  if (g === undefined) throw new Error(`${s.kind}: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

/**
 * Starts over and makes the one guest of `role` (each scenario gets a fresh world with only the
 * guest it needs, so that each vector case replays a short prefix).
 */
function* setUp(role: Role, variant: number, pages: number): Calls<Cast> {
  yield* sut.reset(STIMULUS_CONFIG);
  const allowed = dumpImage(true, variant);
  const forbidding = dumpImage(false, variant);
  const size = allowed.minPages + pages;
  const cast = (guest: number): Cast => ({ ids: { dumping: guest, idle: guest, forbidden: guest, 'forbidden-unpacking': guest, 'forbidden-disabled': guest, disabled: guest, 'disabled-during-dump': guest, created: guest, missing: 1_000_000 }, pages: size });
  switch (role) {
    case 'missing':
      return cast(1_000_000);
    case 'created':
    case 'forbidden-unpacking': {
      const guest = createdGuest(yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: size }));
      if (role === 'forbidden-unpacking') yield* expectAccepted('REQ-UNPACK-4', 'set-header', yield* sut.apply({ kind: 'set-header', guest, header: forbidding.header }), 'the forbidden image, unpacking');
      return cast(guest);
    }
    default: {
      const forbids = role === 'forbidden' || role === 'forbidden-disabled';
      const image = forbids ? forbidding : allowed;
      const guest = yield* runningGuest(image, size);
      const dumps = role === 'dumping' || role === 'disabled-during-dump';
      if (dumps) yield* expectAccepted('REQ-DUMP-2', 'dump-init', yield* sut.apply({ kind: 'dump-init', guest, mode: role === 'dumping' ? 'real' : 'seed' }), `the ${role} guest`);
      if (role === 'forbidden-disabled' || role === 'disabled' || role === 'disabled-during-dump') yield* addSecret(guest, image, true, variant + 10);
      return cast(guest);
    }
  }
}

/** What the hypervisor sees, as one string. */
function* seen(): Calls<string> {
  return JSON.stringify(yield* sut.observe({ kind: 'hypervisor' }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** REQ-DUMP-1 to REQ-DUMP-6: each guard alone and every pair that can fail together, with its code; rejections change nothing. */
export const dumpGuards = defineProperty({
  mechanism: 'secure-dump',
  name: 'stimulus-each-guard',
  requirements: ['REQ-DUMP-1', 'REQ-DUMP-2', 'REQ-DUMP-3', 'REQ-DUMP-5', 'REQ-DUMP-6'],
  statement:
    'From states an honest hypervisor and guests reach (a guest dumping, one idle, one whose image forbids dumps, running or unpacking or disabled, one disabled by add-secret with or without a dump in progress, one not running, one that does not exist), every dump call whose guards fail, alone or two at once, is refused with the code of the first failing guard in the spec order, and the refusal changes nothing the hypervisor sees.',
  arbitrary: fc.record({ variant: fc.nat(3), pages: fc.nat(3), order: fc.nat() }),
  *run({ variant, pages, order }) {
    const list = SCENARIOS.map((s, i) => SCENARIOS[(i + order) % SCENARIOS.length] ?? s);
    for (const s of list) {
      const c = yield* setUp(s.role, variant, pages);
      const before = yield* seen();
      const label = labelOf(s);
      yield* expectCode(s.kind, yield* sut.apply(s.action(c.ids[s.role], c)), expectedCode(s), `${label}; in ${s.role}, failing: ${s.failing.join(', ')}`);
      yield* holds('REQ-PLATFORM-7', (yield* seen()) === before, `${label}: the rejection changed what the hypervisor sees`);
    }
  },
});

/** For each dump call, calls from a reset whose every step is accepted and whose last step is that call (for the vectors). */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      yield* sut.reset(STIMULUS_CONFIG);
      const image = dumpImage(true, 0);
      const guest = yield* runningGuest(image, image.minPages);
      const calls: Record<string, unknown>[] = [{ kind: 'dump-init', guest, mode: 'real' }];
      if (kind === 'dump-storage-state') calls.push({ kind, guest, address: 0n });
      if (kind === 'dump-cpu') calls.push({ kind, guest, cpu: 0 });
      if (kind === 'dump-complete') calls.push({ kind: 'dump-storage-state', guest, address: 0n }, { kind: 'dump-cpu', guest, cpu: 0 }, { kind, guest });
      for (const a of calls) yield* expectAccepted('REQ-DUMP-3', a['kind'] as ActionKind, yield* sut.apply(a), 'the accepted path');
    },
  ]),
);
