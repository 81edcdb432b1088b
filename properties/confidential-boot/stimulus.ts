/**
 * The stimulus of mechanism 10: every guard of every confidential-boot call failed alone, and
 * every pair of guards that can fail together, from states an honest hypervisor and guest reach,
 * each answered with the code of the first failing guard in `guardsOf` order; a rejection changes
 * nothing any party of the guest sees (REQ-PLATFORM-7). A scenario is a setup (what the guest has
 * before the call) and an action, both edited by the guards that are to fail; codes, requirements
 * and order come from the model's tables.
 * @module
 */
import fc from 'fast-check';
import { guardsOf, type ActionKind } from '../../model/platform/index.js';
import { SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { createdGuest } from '../image-unpack/schedules.js';
import { MACHINE, seededBytes } from '../image-unpack/fixtures.js';
import { snapshot } from '../views.js';
import { bootKit, CBOOT_CONFIG, VOLUME_SECTORS, type BootKit } from './fixtures.js';

/** The confidential-boot calls, in the order of the spec. */
export const STIMULUS_KINDS: readonly ActionKind[] = ['cboot-load-key', 'cboot-attach-volume', 'cboot-boot', 'cboot-read', 'cboot-write', 'cboot-disk-write'];

/** The configuration every stimulus run resets to. */
export const STIMULUS_CONFIG = CBOOT_CONFIG;

const SHAPE = 'shape of an action';
const EXISTS = 'guest exists';

/** What the guest has before the call, and what the call carries. */
interface Setup {
  readonly missing: boolean;
  readonly shape: boolean;
  /** The key blob loaded before the call. */
  readonly key: 'none' | 'good' | 'other';
  /** The volume attached before the call. */
  readonly volume: 'none' | 'good' | 'other';
  readonly image: 'good' | 'bare';
  /** How far mechanism 2 takes the image before the call. */
  readonly mech2: 'none' | 'header' | 'verify' | 'start';
  readonly bootFirst: boolean;
  /** The hypervisor zeroes the keyslot sector after the first boot. */
  readonly tamperAfterBoot: boolean;
  /** The key blob of a `cboot-load-key`. */
  readonly blob: 'good' | 'malformed' | 'foreign' | 'tagged';
  /** The volume of a `cboot-attach-volume`. */
  readonly attach: 'good' | 'malformed';
  readonly sector: number;
}

const NOTHING: Setup = { missing: false, shape: false, key: 'none', volume: 'none', image: 'good', mech2: 'none', bootFirst: false, tamperAfterBoot: false, blob: 'good', attach: 'good', sector: 0 };
const MOUNTED: Setup = { ...NOTHING, key: 'good', volume: 'good', mech2: 'start', bootFirst: true };

/** The setup under which every guard of a kind holds. */
const BASE: Readonly<Record<string, Setup>> = {
  'cboot-load-key': NOTHING,
  'cboot-attach-volume': NOTHING,
  'cboot-boot': { ...MOUNTED, bootFirst: false },
  'cboot-read': MOUNTED,
  'cboot-write': MOUNTED,
  'cboot-disk-write': { ...NOTHING, volume: 'good' },
};

/** How each guard is made to fail: an edit of the setup. */
const EDIT: Readonly<Record<string, (s: Setup) => Setup>> = {
  [SHAPE]: (s) => ({ ...s, shape: true }),
  [EXISTS]: (s) => ({ ...s, missing: true }),
  'guest created': (s) => ({ ...s, mech2: 'header' }),
  'no image key loaded': (s) => ({ ...s, key: 'good' }),
  'key blob well formed': (s) => ({ ...s, blob: 'malformed' }),
  'a slot names this machine': (s) => ({ ...s, blob: 'foreign' }),
  'the slot unwraps': (s) => ({ ...s, blob: 'tagged' }),
  'no volume attached': (s) => ({ ...s, volume: 'good' }),
  'volume well formed': (s) => ({ ...s, attach: 'malformed' }),
  'guest running': (s) => ({ ...s, mech2: 'verify' }),
  'not booted yet': (s) => ({ ...s, bootFirst: true }),
  'image key loaded': (s) => ({ ...s, key: 'none' }),
  'envelope present': (s) => ({ ...s, image: 'bare' }),
  'envelope opens': (s) => ({ ...s, key: 'other' }),
  'startup chain completes': (s) => ({ ...s, volume: 'none' }),
  'volume opens with the data key': (s) => (s.bootFirst ? { ...s, tamperAfterBoot: true } : { ...s, volume: 'other' }),
  'volume mounted': (s) => ({ ...s, bootFirst: false }),
  'sector in the data segment': (s) => ({ ...s, sector: VOLUME_SECTORS }),
  'volume attached': (s) => ({ ...s, volume: 'none' }),
  'sector on the disk': (s) => ({ ...s, sector: VOLUME_SECTORS + 2 }),
};

const NO_GUEST = 'a guest that does not exist has no phase, key, image or volume';
const BOOTED = 'a booted guest had every later guard of the boot hold, and nothing takes back its key, its image or its volume';

/** The pairs of guards no reachable state lets fail together, by their key (`kind: a + b`), and why. */
export const CBOOT_IMPOSSIBLE: Readonly<Record<string, string>> = {
  'cboot-load-key: guest exists + guest created': NO_GUEST,
  'cboot-load-key: guest exists + no image key loaded': NO_GUEST,
  'cboot-load-key: key blob well formed + a slot names this machine': 'a blob that does not decode has no slots to match',
  'cboot-load-key: key blob well formed + the slot unwraps': 'a blob that does not decode has no slot to unwrap',
  'cboot-load-key: a slot names this machine + the slot unwraps': 'a slot is unwrapped only once it names a host key of this machine',
  'cboot-attach-volume: guest exists + no volume attached': NO_GUEST,
  ...Object.fromEntries(
    ['guest running', 'not booted yet', 'image key loaded', 'envelope present', 'envelope opens', 'startup chain completes', 'volume opens with the data key'].map((g) => [`cboot-boot: guest exists + ${g}`, NO_GUEST]),
  ),
  'cboot-boot: guest running + not booted yet': 'a boot mounts only in a running guest, which stays running (this stimulus migrates no guest)',
  'cboot-boot: not booted yet + image key loaded': BOOTED,
  'cboot-boot: not booted yet + envelope present': BOOTED,
  'cboot-boot: not booted yet + envelope opens': BOOTED,
  'cboot-boot: not booted yet + startup chain completes': BOOTED,
  'cboot-boot: image key loaded + envelope opens': 'with no image key there is none to open the envelope with',
  'cboot-boot: envelope present + envelope opens': 'an envelope that is not there does not open',
  'cboot-boot: startup chain completes + volume opens with the data key': 'the chain is stuck only without a volume, and the keyslot is tried only with one',
  'cboot-read: guest exists + volume mounted': NO_GUEST,
  'cboot-write: guest exists + volume mounted': NO_GUEST,
  'cboot-disk-write: guest exists + volume attached': NO_GUEST,
};

/** One scenario: a call, the guards it makes fail (in order), and the pair it stands for. */
interface Scenario {
  readonly kind: ActionKind;
  readonly failing: readonly string[];
  readonly setup: Setup;
  readonly pair?: readonly [string, string];
}

function scenarioOf(kind: ActionKind, names: readonly string[], pair?: readonly [string, string]): Scenario {
  const ordered = guardsOf(kind).map((g) => g.name).filter((n) => names.includes(n));
  const setup = ordered.reduce((s, n) => (EDIT[n] ?? ((x: Setup) => x))(s), BASE[kind] ?? NOTHING);
  return pair === undefined ? { kind, failing: ordered, setup } : { kind, failing: ordered, setup, pair };
}

function scenarios(): readonly Scenario[] {
  return STIMULUS_KINDS.flatMap((kind) => {
    const names = guardsOf(kind).map((g) => g.name);
    const singles = names.map((n) => scenarioOf(kind, [n]));
    const pairs = names.flatMap((a, i) => names.slice(i + 1).filter((b) => !(`${kind}: ${a} + ${b}` in CBOOT_IMPOSSIBLE)).map((b) => scenarioOf(kind, [a, b], [a, b])));
    return [...singles, ...pairs];
  });
}

let cache: readonly Scenario[] | undefined;
function allScenarios(): readonly Scenario[] {
  cache ??= scenarios();
  return cache;
}

/** The label of a scenario, as the vectors read it. */
function labelOf(s: Scenario): string {
  return s.pair === undefined ? `${s.kind}: only '${s.failing[0] ?? ''}' fails` : `${s.kind}: ${s.pair[0]} + ${s.pair[1]}`;
}

/** The labels of the scenarios (single guards and pairs), in scenario order. */
export function scenarioLabels(): readonly string[] {
  return allScenarios().map(labelOf);
}

function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => s.failing.includes(x.name));
  // Stryker disable next-line all: every scenario names guards of its kind
  if (g === undefined) throw new Error(`${s.kind}: no guard named ${s.failing.join(', ')}`);
  return g.code;
}

/** Starts over and makes the guest of `setup` with `kit`; its ID (a missing one when the setup says so). */
function* setUp(setup: Setup, kit: BootKit): Calls<number> {
  yield* sut.reset(STIMULUS_CONFIG);
  if (setup.missing) return 1_000_000;
  const o = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: kit.memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'the stimulus guest');
  const guest = createdGuest(o);
  if (setup.key !== 'none') {
    const keyBlob = setup.key === 'good' ? kit.keyBlob : kit.otherKeyBlob;
    yield* expectAccepted('REQ-CBOOT-3', 'cboot-load-key', yield* sut.apply({ kind: 'cboot-load-key', guest, keyBlob }), 'the setup');
  }
  if (setup.volume !== 'none') {
    const volume = setup.volume === 'good' ? kit.volume : kit.otherVolume;
    yield* expectAccepted('REQ-CBOOT-4', 'cboot-attach-volume', yield* sut.apply({ kind: 'cboot-attach-volume', guest, volume }), 'the setup');
  }
  const calls = honestCalls(guest, setup.image === 'good' ? kit : kit.bare);
  const upTo = setup.mech2 === 'none' ? 0 : setup.mech2 === 'header' ? 1 : setup.mech2 === 'verify' ? calls.length - 1 : calls.length;
  for (const a of calls.slice(0, upTo)) yield* expectAccepted('REQ-UNPACK-13', a.kind, yield* sut.apply(a), 'the setup boots its image');
  if (setup.bootFirst) yield* expectAccepted('REQ-CBOOT-7', 'cboot-boot', yield* sut.apply({ kind: 'cboot-boot', guest }), 'the setup mounts the volume');
  if (setup.tamperAfterBoot) {
    yield* expectAccepted('REQ-CBOOT-9', 'cboot-disk-write', yield* sut.apply({ kind: 'cboot-disk-write', guest, sector: 1, bytes: new Uint8Array(SECTOR_SIZE) }), 'the hypervisor zeroes the keyslot');
  }
  return guest;
}

/** The action of a scenario for `guest`. */
function actionOf(s: Scenario, guest: number, kit: BootKit): Record<string, unknown> {
  const id = s.setup.shape ? String(guest) : guest;
  const { sector } = s.setup;
  switch (s.kind) {
    case 'cboot-load-key': {
      const blob = s.setup.blob;
      const keyBlob = blob === 'good' ? kit.keyBlob : blob === 'malformed' ? kit.keyBlob.slice(0, -1) : blob === 'foreign' ? kit.foreignKeyBlob : kit.keyBlob.map((b, i) => (i === kit.keyBlob.length - 1 ? b ^ 1 : b));
      return { kind: s.kind, guest: id, keyBlob };
    }
    case 'cboot-attach-volume':
      return { kind: s.kind, guest: id, volume: s.setup.attach === 'good' ? kit.volume : kit.volume.slice(0, -1) };
    case 'cboot-read':
      return { kind: s.kind, guest: id, sector };
    case 'cboot-write':
      return { kind: s.kind, guest: id, sector, data: seededBytes(0x5ec + sector, SECTOR_SIZE) };
    case 'cboot-disk-write':
      return { kind: s.kind, guest: id, sector, bytes: seededBytes(0xd15c + sector, SECTOR_SIZE) };
    default:
      return { kind: s.kind, guest: id };
  }
}

/** A short name of a setup, for the vectors (no commas). */
function setupName(s: Setup): string {
  if (s.missing) return 'no guest';
  const parts = [`key ${s.key}`, `volume ${s.volume}`, `image ${s.image} to ${s.mech2}`];
  if (s.bootFirst) parts.push('booted');
  if (s.tamperAfterBoot) parts.push('keyslot zeroed');
  return parts.join(' ');
}

/** REQ-CBOOT-1 to REQ-CBOOT-9: each guard alone and every pair that can fail together, with its code; rejections change nothing. */
export const cbootGuards = defineProperty({
  mechanism: 'confidential-boot',
  name: 'stimulus-each-guard',
  requirements: ['REQ-CBOOT-1', 'REQ-CBOOT-2', 'REQ-CBOOT-3', 'REQ-CBOOT-4', 'REQ-CBOOT-5', 'REQ-CBOOT-6', 'REQ-CBOOT-7', 'REQ-CBOOT-8', 'REQ-CBOOT-9'],
  statement:
    'From states an honest hypervisor and guest reach (no guest; a guest created, with its image key, volume and boot image in any combination, started or not, booted or not, its keyslot rewritten), every confidential-boot call whose guards fail, alone or two at once, is refused with the code of the first failing guard in the spec order, and the refusal changes nothing the parties of the guest see.',
  arbitrary: fc.record({ variant: fc.nat(3), order: fc.nat() }),
  *run({ variant, order }) {
    const kit = bootKit(variant);
    const all = allScenarios();
    const list = all.map((s, i) => all[(i + order) % all.length] ?? s);
    for (const s of list) {
      const guest = yield* setUp(s.setup, kit);
      const before = yield* snapshot([guest]);
      const label = labelOf(s);
      yield* expectCode(s.kind, yield* sut.apply(actionOf(s, guest, kit)), expectedCode(s), `${label}; in ${setupName(s.setup)}, failing: ${s.failing.join(', ')}`);
      yield* holds('REQ-PLATFORM-7', (yield* snapshot([guest])) === before, `${label}: the rejection changed what the parties see`);
    }
  },
});

/** For each call, calls from a reset whose every step is accepted and whose last step is that call (for the vectors). */
export const ACCEPTED_PATH: Readonly<Record<string, () => Calls<void>>> = Object.fromEntries(
  STIMULUS_KINDS.map((kind) => [
    kind,
    function* () {
      const kit = bootKit(0);
      const base = BASE[kind] ?? NOTHING;
      const s: Scenario = { kind, failing: [], setup: base };
      const guest = yield* setUp(base, kit);
      yield* expectAccepted(ACCEPTED_REQUIREMENT[kind] ?? 'REQ-CBOOT-8', kind, yield* sut.apply(actionOf(s, guest, kit)), 'the accepted path');
    },
  ]),
);

/** The requirement an accepted call of each kind satisfies. */
export const ACCEPTED_REQUIREMENT: Readonly<Partial<Record<ActionKind, 'REQ-CBOOT-3' | 'REQ-CBOOT-4' | 'REQ-CBOOT-7' | 'REQ-CBOOT-8' | 'REQ-CBOOT-9'>>> = {
  'cboot-load-key': 'REQ-CBOOT-3',
  'cboot-attach-volume': 'REQ-CBOOT-4',
  'cboot-boot': 'REQ-CBOOT-7',
  'cboot-read': 'REQ-CBOOT-8',
  'cboot-write': 'REQ-CBOOT-8',
  'cboot-disk-write': 'REQ-CBOOT-9',
};
