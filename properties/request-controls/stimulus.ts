/**
 * The stimulus table of mechanism 3: every guard of every request-controls handler, failed alone,
 * in pairs, and every request kind in every state, from states an honest hypervisor and owner
 * reach. It is built as mechanism 2's (properties/image-unpack/stimulus.ts): the guards and their
 * order come from `guardsOf(kind)`, the codes from the rejection table; this file adds its own
 * knowledge of *when each guard's condition fails* ({@link MODELS}): for a state (a
 * {@link Setup}) and independent edits of the action (its slots), which guards fail. The
 * expected outcome of a scenario is the code of the first failing guard in `guardsOf` order.
 *
 * A guard's condition is what its edit breaks: an edit of a request's format leaves its tag
 * stale, which only the later `request authenticates` guard would judge, so it counts as failing
 * the format guard only; an index, a buffer or a secret header is judged only where it reaches
 * its guard (an index that is not a u16 names no secret to look for). Scenarios are every setup
 * with edits of at most three slots; the pairs no scenario combines are {@link IMPOSSIBLE_PAIRS},
 * each with its reason, and a test checks that list against the enumeration.
 *
 * Black-box: properties only apply actions and observe views. States are reached from a reset
 * (one `CONFIG`, {@link STIMULUS_CONFIG}) in three worlds: the main image's guests in every
 * phase, two guests with full stores (one locked), and the guests of a restricted image.
 * @module
 */
import fc from 'fast-check';
import type { RequirementId } from '../../model/core/outcome.js';
import { guardsOf, rowForKind, type ActionKind, type PlatformOutcome } from '../../model/platform/index.js';
import { CONTROL_BITS, MAX_ASSOCIATION_SECRETS } from '../../model/request-controls/index.js';
import { ATTEST_FLAG } from '../../model/se-format/arcb.js';
import { ASRCB_OFFSET } from '../../model/se-format/asrcb.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import type { ModelProperty } from '../property.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { snapshot, viewText } from '../views.js';
import { seededBytes } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';
import { baseImage, boot, honest, MACHINE, STIMULUS_CONFIG, withControls, type ControlledImage } from './fixtures.js';
import { attestationRequest, bootTagsOf, resealRequest, requestRandoms, secretRequest } from './requests.js';
import { secretOf } from './secrets.js';

export { STIMULUS_CONFIG } from './fixtures.js';

/** The kinds the table covers: mechanism 3's handlers. */
export const CTRL_STIMULUS_KINDS = [
  'retrieve-attestation',
  'add-secret',
  'list-secrets',
  'lock-secrets',
  'retrieve-secret',
  'pckmo',
  'query-backup-keys',
] as const satisfies readonly ActionKind[];

type Kind = (typeof CTRL_STIMULUS_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// States

/** The image a setup's guest booted: main (PCF 0xE2: PCKMO DEA, AES, ECC, backup keys; SCF bits 1 and 2), restricted (PCF 0xE0; SCF bit 1). */
type ImageName = 'main' | 'restricted';

/** A state a guest reaches, and what the test knows about it. */
export interface Setup {
  readonly name: string;
  /** The world it is built in (worlds are reset and built one after the other). */
  readonly world: 'phases' | 'full' | 'restricted';
  /** False when the action's guest does not exist (destroyed, or never created). */
  readonly exists: boolean;
  readonly running: boolean;
  /** The image its header came from, once one was accepted. */
  readonly image: ImageName | null;
  /** What its store holds: nothing, three secrets (index 0 association, 1 plain text, 2 AES-256), or those and association secrets up to the limit. */
  readonly store: 'empty' | 'stored' | 'full';
  readonly locked: boolean;
}

const S = (s: Setup): Setup => s;

/** Every setup, in the order the worlds build them. */
export const SETUPS: readonly Setup[] = [
  S({ name: 'created', world: 'phases', exists: true, running: false, image: null, store: 'empty', locked: false }),
  S({ name: 'unpacking', world: 'phases', exists: true, running: false, image: 'main', store: 'empty', locked: false }),
  S({ name: 'verified', world: 'phases', exists: true, running: false, image: 'main', store: 'empty', locked: false }),
  S({ name: 'verify-failed', world: 'phases', exists: true, running: false, image: 'main', store: 'empty', locked: false }),
  S({ name: 'running-empty', world: 'phases', exists: true, running: true, image: 'main', store: 'empty', locked: false }),
  S({ name: 'running', world: 'phases', exists: true, running: true, image: 'main', store: 'stored', locked: false }),
  S({ name: 'destroyed', world: 'phases', exists: false, running: false, image: null, store: 'empty', locked: false }),
  S({ name: 'absent', world: 'phases', exists: false, running: false, image: null, store: 'empty', locked: false }),
  S({ name: 'running-full', world: 'full', exists: true, running: true, image: 'main', store: 'full', locked: false }),
  S({ name: 'running-locked', world: 'full', exists: true, running: true, image: 'main', store: 'full', locked: true }),
  S({ name: 'verified-restricted', world: 'restricted', exists: true, running: false, image: 'restricted', store: 'empty', locked: false }),
  S({ name: 'running-restricted', world: 'restricted', exists: true, running: true, image: 'restricted', store: 'stored', locked: false }),
  S({ name: 'locked-restricted', world: 'restricted', exists: true, running: true, image: 'restricted', store: 'stored', locked: true }),
];

const hasImage = (s: Setup): boolean => s.exists && s.image !== null;
const holdsSecrets = (s: Setup): boolean => s.exists && s.running && s.store !== 'empty';

// ---------------------------------------------------------------------------------------------
// What the test knows about each guard

/** The edits of an action: slot → chosen option (the first option of a slot is the honest one). */
export type Edits = Readonly<Record<string, string>>;

/** One kind: its slots and, for each guard name, when its condition fails. */
interface KindModel {
  readonly kind: Kind;
  readonly slots: Readonly<Record<string, readonly string[]>>;
  readonly fails: Readonly<Record<string, (s: Setup, e: Edits) => boolean>>;
}

const SHAPE = { shape: ['ok', 'throws'] } as const;
const malformed = (_s: Setup, e: Edits): boolean => e['shape'] === 'throws';
const absent = (s: Setup): boolean => !s.exists;
const notRunning = (s: Setup): boolean => s.exists && !s.running;
const edited =
  (slot: string, option: string) =>
  (_s: Setup, e: Edits): boolean =>
    e[slot] === option;

/** The test's model of each guard's condition, by kind and guard name. */
export const MODELS: readonly KindModel[] = [
  {
    kind: 'retrieve-attestation',
    slots: { ...SHAPE, user: ['ok', 'long'], head: ['ok', 'bad'], flags: ['ok', 'unknown'], sea: ['ok', 'bad'], fw: ['ok', 'asked'], slot: ['ok', 'no-match', 'bad-tag'] },
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      running: notRunning,
      'user data at most 256 bytes': edited('user', 'long'),
      'request header, sizes, magic, version, algorithm': edited('head', 'bad'),
      'flags defined': edited('flags', 'unknown'),
      'encrypted area size': edited('sea', 'bad'),
      'no firmware state asked': edited('fw', 'asked'),
      'key slot for a host key': edited('slot', 'no-match'),
      'request authenticates': edited('slot', 'bad-tag'),
    },
  },
  {
    kind: 'add-secret',
    slots: {
      ...SHAPE,
      length: ['ok', 'bad'],
      nks: ['ok', 'zero', 'many'],
      version: ['ok', 'bad'],
      flags: ['ok', 'bad'],
      sea: ['ok', 'bad'],
      slot: ['ok', 'no-match', 'bad-tag'],
      type: ['assoc', 'reserved', 'update', 'plain'],
      slen: ['ok', 'bad'],
      id: ['ok', 'nonzero'],
      prefix: ['ok', 'bad'],
      ext: ['ok', 'none'],
      image: ['own', 'other'],
      cuid: ['zero', 'other'],
    },
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      running: notRunning,
      'store not locked': (s) => s.exists && s.locked,
      'header and length': edited('length', 'bad'),
      'at least one key slot': edited('nks', 'zero'),
      'key slots and areas fit': edited('nks', 'many'),
      'magic, user-data type, version': edited('version', 'bad'),
      'flags defined': edited('flags', 'bad'),
      'secret header and SEA size': edited('sea', 'bad'),
      'key slot for a host key': edited('slot', 'no-match'),
      'request authenticates': edited('slot', 'bad-tag'),
      'secret type': edited('type', 'reserved'),
      'secret length': edited('slen', 'bad'),
      // A non-zero ID is wrong only for a type that is not listed: update-CCK.
      'secret ID': (_s, e) => e['type'] === 'update' && e['id'] === 'nonzero',
      'plain-text prefix': (_s, e) => e['type'] === 'plain' && e['prefix'] === 'bad',
      // Both images set SCF bit 1: a request without the extension secret fails wherever there is an image.
      'extension secret': (s, e) => hasImage(s) && e['ext'] === 'none',
      'bound to this image': (s, e) => hasImage(s) && e['image'] === 'other',
      // Every guest has a CUID from its creation.
      'bound to this configuration': (s, e) => s.exists && e['cuid'] === 'other',
      'CCK update allowed': (s, e) => hasImage(s) && s.image === 'restricted' && e['type'] === 'update',
      // The full stores are full of association secrets; the other classes have room.
      'room in the store': (s, e) => s.exists && s.store === 'full' && e['type'] === 'assoc',
    },
  },
  {
    kind: 'list-secrets',
    slots: { ...SHAPE, start: ['ok', 'bad'] },
    fails: { 'shape of an action': malformed, 'guest exists': absent, running: notRunning, 'start index a u16': edited('start', 'bad') },
  },
  {
    kind: 'lock-secrets',
    slots: SHAPE,
    fails: { 'shape of an action': malformed, 'guest exists': absent, running: notRunning, 'store not locked': (s) => s.exists && s.locked },
  },
  {
    kind: 'retrieve-secret',
    // index: the plain text (1), an index no secret has, the association secret (0), or not a u16.
    slots: { ...SHAPE, index: ['plain', 'missing', 'assoc', 'bad'], buffer: ['ok', 'small'] },
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      running: notRunning,
      'index a u16': edited('index', 'bad'),
      // The store is judged for a running guest (a guest that has not run has none to look in).
      'store not empty': (s, e) => s.running && !holdsSecrets(s) && e['index'] !== 'bad',
      // An empty store is the guard before's to judge; an index is looked up in a store that holds secrets.
      'secret at index': (s, e) => holdsSecrets(s) && e['index'] === 'missing',
      retrievable: (s, e) => holdsSecrets(s) && e['index'] === 'assoc',
      'buffer large enough': (s, e) => holdsSecrets(s) && e['index'] === 'plain' && e['buffer'] === 'small',
    },
  },
  {
    kind: 'pckmo',
    slots: { ...SHAPE, fn: ['allowed', 'forbidden'], key: ['ok', 'short'] },
    fails: {
      'shape of an action': malformed,
      'guest exists': absent,
      running: notRunning,
      // Neither image allows the HMAC family (PCF bit 59).
      'family allowed': (s, e) => hasImage(s) && e['fn'] === 'forbidden',
      'key length': edited('key', 'short'),
    },
  },
  {
    kind: 'query-backup-keys',
    slots: SHAPE,
    fails: { 'shape of an action': malformed, 'guest exists': absent, running: notRunning, 'backup keys allowed': (s) => hasImage(s) && s.image === 'restricted' },
  },
];

/**
 * Pairs of guards (by name, `guardsOf` order) that no scenario fails together, and why. A test
 * checks that this is exactly the set of pairs no scenario combines.
 */
export const IMPOSSIBLE_PAIRS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(CTRL_STIMULUS_KINDS.map((k) => [`${k}: guest exists + running`, 'a guest that does not exist has no phase'])),
  'retrieve-attestation: key slot for a host key + request authenticates': 'with no key slot for this machine there is no slot to unwrap',
  'add-secret: guest exists + store not locked': 'a guest that does not exist has no store',
  'add-secret: guest exists + extension secret': 'a guest that does not exist has no image, no SCF and no CCK',
  'add-secret: guest exists + bound to this image': 'a guest that does not exist has no image',
  'add-secret: guest exists + bound to this configuration': 'a guest that does not exist has no CUID',
  'add-secret: guest exists + CCK update allowed': 'a guest that does not exist has no SCF',
  'add-secret: guest exists + room in the store': 'a guest that does not exist has no store',
  'add-secret: running + store not locked': 'only a running guest locks its store',
  'add-secret: running + room in the store': 'only a running guest adds secrets',
  'add-secret: at least one key slot + key slots and areas fit': 'one NKS field: zero, or too many slots to fit',
  'add-secret: key slot for a host key + request authenticates': 'with no key slot for this machine there is no slot to unwrap',
  'add-secret: secret type + secret ID': 'the ID is judged for an update-CCK secret, which is a known type',
  'add-secret: secret type + plain-text prefix': 'the prefix is judged for a plain-text secret, which is a known type',
  'add-secret: secret type + CCK update allowed': 'an unknown type is no update-CCK secret',
  'add-secret: secret type + room in the store': 'an unknown type takes no room',
  'add-secret: secret ID + plain-text prefix': 'one secret has one type: update-CCK or plain text',
  'add-secret: secret ID + room in the store': 'an update-CCK secret takes no room',
  'add-secret: plain-text prefix + CCK update allowed': 'one secret has one type: plain text or update-CCK',
  'add-secret: plain-text prefix + room in the store':
    'the full stores the stimulus builds are full of association secrets (a store full of retrievable secrets takes 80 adds); STORE_FULL is reached by an association secret',
  'add-secret: CCK update allowed + room in the store': 'an update-CCK secret takes no room',
  'lock-secrets: guest exists + store not locked': 'a guest that does not exist has no store',
  'lock-secrets: running + store not locked': 'only a running guest locks its store',
  'retrieve-secret: guest exists + store not empty': 'a guest that does not exist has no store',
  'retrieve-secret: guest exists + secret at index': 'a guest that does not exist has no store',
  'retrieve-secret: guest exists + retrievable': 'a guest that does not exist holds no secret',
  'retrieve-secret: guest exists + buffer large enough': 'a guest that does not exist holds no secret',
  'retrieve-secret: running + store not empty': "the store's checks judge a running guest's request: a guest that is not running has no store a request reaches",
  'retrieve-secret: running + secret at index': "the store's checks judge a running guest's request: a guest that is not running has no store a request reaches",
  'retrieve-secret: running + retrievable': 'a guest that has not run holds no secret',
  'retrieve-secret: running + buffer large enough': 'a guest that has not run holds no secret',
  'retrieve-secret: index a u16 + store not empty': 'an index that is not a u16 reaches no store',
  'retrieve-secret: index a u16 + secret at index': 'an index that is not a u16 names no secret',
  'retrieve-secret: index a u16 + retrievable': 'an index that is not a u16 names no secret',
  'retrieve-secret: index a u16 + buffer large enough': 'an index that is not a u16 names no secret to measure',
  'retrieve-secret: store not empty + secret at index': 'an index is looked up in a store that holds secrets; an empty one is refused before',
  'retrieve-secret: store not empty + retrievable': 'an empty store holds no association secret',
  'retrieve-secret: store not empty + buffer large enough': 'an empty store holds no secret to measure',
  'retrieve-secret: secret at index + retrievable': 'one index: no secret, or the association secret',
  'retrieve-secret: secret at index + buffer large enough': 'no secret at the index: nothing to measure',
  'retrieve-secret: retrievable + buffer large enough': 'an association secret does not come back: nothing to measure',
  'pckmo: guest exists + family allowed': 'a guest that does not exist has no image, no PCF',
  'query-backup-keys: guest exists + backup keys allowed': 'a guest that does not exist has no image, no PCF',
};

// ---------------------------------------------------------------------------------------------
// Scenarios

/** One scenario: a setup, edits of the action, and the guards that fail, in `guardsOf` order. */
export interface Scenario {
  readonly kind: Kind;
  readonly setup: Setup;
  readonly edits: Edits;
  readonly failing: readonly string[];
  /** How many slots the edits change from the honest action. */
  readonly changes: number;
}

/** The edits of `slots` that change at most `depth` slots from their honest option, with how many they change. */
function editsUpTo(slots: Readonly<Record<string, readonly string[]>>, depth: number): { readonly edits: Edits; readonly changes: number }[] {
  const names = Object.keys(slots);
  const honestEdits = Object.fromEntries(names.map((n) => [n, slots[n]?.[0] ?? '']));
  const out: { edits: Edits; changes: number }[] = [];
  const walk = (from: number, changes: number, e: Record<string, string>): void => {
    out.push({ edits: { ...e }, changes });
    if (changes === depth) return;
    for (let i = from; i < names.length; i++) {
      const name = names[i] as string;
      for (const option of (slots[name] ?? []).slice(1)) walk(i + 1, changes + 1, { ...e, [name]: option });
    }
  };
  walk(0, 0, honestEdits);
  return out;
}

/** The model of `kind`, checked against `guardsOf`: every guard has a condition, and only those. */
function modelOf(kind: Kind): KindModel {
  const m = MODELS.find((x) => x.kind === kind);
  if (m === undefined) throw new Error(`stimulus: no model for ${kind}`);
  const names = guardsOf(kind).map((g) => g.name);
  const modelled = Object.keys(m.fails);
  if (names.length !== modelled.length || names.some((n) => !modelled.includes(n))) {
    throw new Error(`stimulus: ${kind} guards are [${names.join(', ')}], the model knows [${modelled.join(', ')}]`);
  }
  return m;
}

/** Every scenario of `kind` (setups × edits of at most three slots), accepted ones included. */
export function scenariosOf(kind: Kind): readonly Scenario[] {
  const m = modelOf(kind);
  const guards = guardsOf(kind);
  const edits = editsUpTo(m.slots, 3);
  const conditions = guards.map((g) => [g.name, m.fails[g.name]] as const);
  return SETUPS.flatMap((setup) =>
    edits.map(({ edits: e, changes }) => ({ kind, setup, edits: e, changes, failing: conditions.filter(([, f]) => f?.(setup, e) === true).map(([name]) => name) })),
  );
}

const SCENARIOS: ReadonlyMap<Kind, readonly Scenario[]> = new Map(CTRL_STIMULUS_KINDS.map((k) => [k, scenariosOf(k)]));
const scenarios = (kind: Kind): readonly Scenario[] => SCENARIOS.get(kind) ?? [];

/** Every pair of guards of `kind`, first-listed first, as `kind: a + b`. */
export function pairsOf(kind: Kind): readonly { readonly key: string; readonly a: string; readonly b: string }[] {
  const names = guardsOf(kind).map((g) => g.name);
  return names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ key: `${kind}: ${a} + ${b}`, a, b })));
}

/** The scenarios in which `guard` and no other fails. */
export function singleCandidates(kind: Kind, guard: string): readonly Scenario[] {
  return (BY_FIRST.get(`${kind}\u0000${guard}`) ?? []).filter((s) => s.failing.length === 1);
}

const BY_FIRST: ReadonlyMap<string, readonly Scenario[]> = (() => {
  const m = new Map<string, Scenario[]>();
  for (const kind of CTRL_STIMULUS_KINDS) {
    for (const s of scenarios(kind)) {
      const key = `${kind}\u0000${s.failing[0] ?? ''}`;
      const list = m.get(key);
      if (list === undefined) m.set(key, [s]);
      else list.push(s);
    }
  }
  return m;
})();

/** The scenarios in which `a` and `b` both fail and `a` is the first failing guard. */
export function pairCandidates(kind: Kind, a: string, b: string): readonly Scenario[] {
  return (BY_FIRST.get(`${kind}\u0000${a}`) ?? []).filter((s) => s.failing.includes(b));
}

/** The pairs no scenario combines (a test compares this with {@link IMPOSSIBLE_PAIRS}). */
export function uncombinablePairs(): readonly string[] {
  return CTRL_STIMULUS_KINDS.flatMap((kind) => pairsOf(kind).filter((p) => pairCandidates(kind, p.a, p.b).length === 0).map((p) => p.key));
}

/** A scenario to run: its candidates (one chosen per run) and what the run calls it. */
interface Planned {
  readonly label: string;
  readonly candidates: readonly Scenario[];
}

/** Fewest edits first, then the cheap worlds: the run picks among the simplest candidates. */
function simplest(c: readonly Scenario[]): readonly Scenario[] {
  const least = c.reduce((n, s) => Math.min(n, s.changes), Infinity);
  return c.filter((s) => s.changes === least);
}

const SINGLES: readonly Planned[] = CTRL_STIMULUS_KINDS.flatMap((kind) =>
  guardsOf(kind).map((g) => ({ label: `${kind}: only '${g.name}' fails`, candidates: simplest(singleCandidates(kind, g.name)) })),
);

const PAIRS: readonly Planned[] = CTRL_STIMULUS_KINDS.flatMap((kind) =>
  pairsOf(kind)
    .map((p) => ({ label: p.key, candidates: simplest(pairCandidates(kind, p.a, p.b)) }))
    .filter((p) => p.candidates.length > 0),
);

const BY_PHASE: readonly Planned[] = CTRL_STIMULUS_KINDS.flatMap((kind) =>
  scenarios(kind)
    .filter((s) => s.changes === 0 && s.failing.length > 0)
    .map((s) => ({ label: `${kind} in ${s.setup.name}`, candidates: [s] })),
);

/** The code the first failing guard of `s` returns. */
function expectedCode(s: Scenario): string {
  const g = guardsOf(s.kind).find((x) => x.name === s.failing[0]);
  if (g === undefined) throw new Error(`stimulus: ${s.kind} scenario with no failing guard`);
  return g.code;
}

// ---------------------------------------------------------------------------------------------
// Realizing scenarios: images, requests, actions and states

/** The images of the stimulus, made once from base image 0: the main one and the restricted one. */
const IMAGES: () => Readonly<Record<ImageName, ControlledImage>> = (() => {
  let made: Readonly<Record<ImageName, ControlledImage>> | undefined;
  return () =>
    (made ??= {
      main: withControls(baseImage(0), 0xe0n | CONTROL_BITS.backupTargetKeys, CONTROL_BITS.extensionSecret | CONTROL_BITS.cckUpdate),
      restricted: withControls(baseImage(0), 0xe0n, CONTROL_BITS.extensionSecret),
    });
})();

/** The three secrets of a `stored` store, in index order: association, plain text, AES-256. */
function storedSecrets() {
  return [secretOf(SECRET_TYPE.ASSOCIATION, 100), secretOf(SECRET_TYPE.PLAINTEXT, 101, 20), secretOf(SECRET_TYPE.AES_256, 102)] as const;
}

/** The payload size of the stored plain text: u16 length and 20 bytes, padded to 32. */
const PLAIN_PAYLOAD = 32;

/** A guest ID no setup creates. */
const NO_GUEST = 1_000_000;

/** Requests are pure functions of their image and edits: made once. */
const REQUESTS = new Map<string, Uint8Array>();

function memo(key: string, make: () => Uint8Array): Uint8Array {
  const hit = REQUESTS.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  REQUESTS.set(key, made);
  return made;
}

const flipLast = (b: Uint8Array): Uint8Array => {
  const out = b.slice();
  out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0x01;
  return out;
};

const putU32 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
};
const getU32 = (b: Uint8Array, at: number): number => (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;

/** The add-secret request of `edits` for a guest of `own` (the other image is the one it may name instead). */
function addRequest(own: ImageName, e: Edits): Uint8Array {
  return memo(`add|${own}|${JSON.stringify(e)}`, () => {
    const images = IMAGES();
    const image = images[own];
    const other = images[own === 'main' ? 'restricted' : 'main'];
    const type = e['type'];
    const spec =
      type === 'update'
        ? { type: SECRET_TYPE.UPDATE_CCK, value: seededBytes(7, 32), name: '' }
        : type === 'plain'
          ? secretOf(SECRET_TYPE.PLAINTEXT, 8, 20)
          : secretOf(SECRET_TYPE.ASSOCIATION, 9);
    const seed = 31;
    let r = secretRequest(image, spec, {
      hosts: e['slot'] === 'no-match' ? [2] : [0, 1],
      extension: e['ext'] === 'none' ? 'none' : 'derived',
      ...(e['image'] === 'other' ? { bootTags: bootTagsOf(other) } : {}),
      ...(e['cuid'] === 'other' ? { cuid: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i) } : {}),
      seed,
    });
    // Edits after the request key opens it: resealed by the owner, so only their guard fails.
    const shAt = r.length - 16 - getU32(r, 0x2c) - 48;
    const key = requestRandoms(seed).requestKey;
    if (type === 'reserved' || e['slen'] === 'bad' || e['id'] === 'nonzero' || e['prefix'] === 'bad') {
      r = resealRequest(r, key, {
        aad: (aad) => {
          if (type === 'reserved') aad[shAt + 3] = 0x0b;
          if (e['slen'] === 'bad') putU32(aad, shAt + 4, getU32(aad, shAt + 4) + 16);
          if (e['id'] === 'nonzero' && type === 'update') aad[shAt + 16] = 0x01;
        },
        plaintext: (p) => {
          if (e['prefix'] === 'bad' && type === 'plain') p[0] = 0xff;
        },
      });
    }
    if (e['slot'] === 'bad-tag') r = flipLast(r);
    // Format edits: the firmware stops at them before the tag.
    const out = e['length'] === 'bad' ? Uint8Array.from([...r, 0]) : r.slice();
    if (e['nks'] === 'zero') out[0x27] = 0;
    if (e['nks'] === 'many') out[0x27] = 200;
    if (e['version'] === 'bad') putU32(out, 0x08, 0x200);
    if (e['flags'] === 'bad') out[ASRCB_OFFSET.flags] = (out[ASRCB_OFFSET.flags] ?? 0) | 0x40;
    if (e['sea'] === 'bad') putU32(out, 0x2c, getU32(out, 0x2c) - 16);
    return out;
  });
}

/** The ARCB of `edits`: nonce and image PHKH asked for, slots for both keys of this machine. */
function attestRequest(e: Edits): Uint8Array {
  return memo(`attest|${JSON.stringify(e)}`, () => {
    const { arcb } = attestationRequest({
      paf: ATTEST_FLAG.nonce | ATTEST_FLAG.imagePhkh,
      measurementKey: seededBytes(11, 64),
      nonce: seededBytes(12, 16),
      hosts: e['slot'] === 'no-match' ? [2] : [1, 0],
      seed: 13,
    });
    const out = e['slot'] === 'bad-tag' ? flipLast(arcb) : arcb.slice();
    if (e['head'] === 'bad') putU32(out, 0x08, 0x200);
    // PAF at 0x30: MSB0 bit 11 is no flag; bit 1 (nonce) toggled makes SEA disagree; bit 5 is the firmware state.
    if (e['flags'] === 'unknown') out[0x31] = (out[0x31] ?? 0) | 0x10;
    if (e['sea'] === 'bad') out[0x30] = (out[0x30] ?? 0) ^ 0x40;
    if (e['fw'] === 'asked') out[0x30] = (out[0x30] ?? 0) | 0x04;
    return out;
  });
}

/** `action` with its `guest` field unreadable (a throwing getter). */
function unreadable(action: Record<string, unknown>): unknown {
  const out = { ...action };
  Object.defineProperty(out, 'guest', {
    enumerable: true,
    get() {
      throw new Error('getter: guest');
    },
  });
  return out;
}

/** The action of scenario `s` against `guest`. */
function actionOf(s: Scenario, guest: number): unknown {
  const e = s.edits;
  const target = s.setup.name === 'absent' ? NO_GUEST : guest;
  const own: ImageName = s.setup.image ?? 'main';
  let a: Record<string, unknown>;
  switch (s.kind) {
    case 'retrieve-attestation':
      a = { kind: s.kind, guest: target, arcb: attestRequest(e), userData: seededBytes(14, e['user'] === 'long' ? 257 : 64) };
      break;
    case 'add-secret':
      a = { kind: s.kind, guest: target, request: addRequest(own, e) };
      break;
    case 'list-secrets':
      a = { kind: s.kind, guest: target, startIndex: e['start'] === 'bad' ? 0x10000 : 0 };
      break;
    case 'lock-secrets':
    case 'query-backup-keys':
      a = { kind: s.kind, guest: target };
      break;
    case 'retrieve-secret': {
      const index = { plain: 1, missing: 200, assoc: 0, bad: 0x10000 }[e['index'] ?? 'plain'] ?? 1;
      a = { kind: s.kind, guest: target, index, bufferSize: e['buffer'] === 'small' ? PLAIN_PAYLOAD - 1 : 0x2000 };
      break;
    }
    case 'pckmo':
      a = {
        kind: s.kind,
        guest: target,
        function: e['fn'] === 'forbidden' ? 'hmac-sha-256' : 'aes-256',
        key: seededBytes(15, (e['fn'] === 'forbidden' ? 64 : 32) - (e['key'] === 'short' ? 1 : 0)),
      };
      break;
  }
  return e['shape'] === 'throws' ? unreadable(a) : a;
}

/** Adds the secrets of a `stored` store, then association secrets up to the limit for `full`; locks a locked one. */
function* fill(guest: number, image: ControlledImage, setup: Setup): Calls<void> {
  const [assoc, plain, key] = storedSecrets();
  const requests = [assoc, plain, key].map((s, i) => memo(`stored|${setup.image ?? ''}|${i}`, () => secretRequest(image, s, { seed: 200 + i })));
  if (setup.store === 'full') {
    const more = memo(`more|${setup.image ?? ''}`, () => secretRequest(image, secretOf(SECRET_TYPE.ASSOCIATION, 103), { seed: 210 }));
    requests.push(...Array.from({ length: MAX_ASSOCIATION_SECRETS - 1 }, () => more));
  }
  for (const request of requests) yield* honest('REQ-CTRL-15', { kind: 'add-secret', guest, request }, `fill the store of ${setup.name}`);
  if (setup.locked) yield* honest('REQ-CTRL-8', { kind: 'lock-secrets', guest }, `lock ${setup.name}`);
}

/** Builds `setup` in the current world and returns its guest's ID (for `absent`, one that exists). */
function* reach(setup: Setup): Calls<number> {
  const images = IMAGES();
  const image = images[setup.image ?? 'main'];
  if (setup.running) {
    const guest = yield* boot(image);
    if (setup.store !== 'empty') yield* fill(guest, image, setup);
    return guest;
  }
  const created = yield* honest('REQ-PLATFORM-4', { kind: 'create-guest', machine: MACHINE, memoryPages: image.base.memoryPages }, `create for ${setup.name}`);
  const guest = createdGuest(created);
  if (setup.name === 'created' || setup.name === 'absent') return guest;
  if (setup.name === 'destroyed') {
    yield* honest('REQ-PLATFORM-5', { kind: 'destroy-guest', guest }, 'destroy');
    return guest;
  }
  yield* honest('REQ-UNPACK-5', { kind: 'set-header', guest, header: image.header }, `set-header for ${setup.name}`);
  if (setup.name === 'unpacking') return guest;
  const pages = setup.name === 'verify-failed' ? image.base.pages.slice(1) : image.base.pages;
  for (const p of pages) yield* honest('REQ-UNPACK-11', { kind: 'unpack', guest, address: p.address, tweak: p.tweak, page: p.stored }, `unpack for ${setup.name}`);
  const o = yield* sut.apply({ kind: 'verify', guest });
  yield* holds('REQ-UNPACK-12', (o.kind === 'accepted') === (setup.name !== 'verify-failed'), `verify for ${setup.name}: ${o.kind}`);
  return guest;
}

/**
 * Runs `plan`: one candidate of each entry (chosen by `seed`), world by world: a reset, every
 * setup the chosen scenarios need, then each setup's scenarios. None is accepted and none is
 * recorded, so what every party sees must not change: checked after each step on the hypervisor's
 * and the owner's views, and at the end of each world on every guest's.
 */
function* runPlan(seed: number, plan: readonly Planned[]): Calls<void> {
  let state = seed >>> 0;
  const pick = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % Math.max(1, n);
  };
  const chosen = plan.map((p) => ({ label: p.label, s: p.candidates[pick(p.candidates.length)] as Scenario }));
  for (const world of ['phases', 'full', 'restricted'] as const) {
    const setups = SETUPS.filter((x) => x.world === world && chosen.some((c) => c.s.setup === x));
    if (setups.length === 0) continue;
    yield* sut.reset(STIMULUS_CONFIG);
    const guests = new Map<Setup, number>();
    for (const setup of setups) guests.set(setup, yield* reach(setup));
    const ids = [...guests.values()];
    const before = yield* snapshot(ids);
    for (const setup of setups) {
      const guest = guests.get(setup) ?? NO_GUEST;
      const watched = setup.name === 'absent' ? NO_GUEST : guest;
      const light = `${viewText(yield* sut.observe({ kind: 'hypervisor' }))}\n${viewText(yield* sut.observe({ kind: 'owner', guest: watched }))}`;
      for (const { label, s } of chosen.filter((c) => c.s.setup === setup)) {
        const o: PlatformOutcome = yield* sut.apply(actionOf(s, guest));
        yield* expectCode(s.kind, o, expectedCode(s), `${label}; in ${setup.name}, failing: ${s.failing.join(', ')}`);
        const now = `${viewText(yield* sut.observe({ kind: 'hypervisor' }))}\n${viewText(yield* sut.observe({ kind: 'owner', guest: watched }))}`;
        yield* holds('REQ-PLATFORM-7', now === light, `${label}: the rejection changed what the hypervisor or owner sees`);
      }
    }
    yield* holds('REQ-PLATFORM-7', (yield* snapshot(ids)) === before, `rejections in the ${world} world changed what the parties see`);
  }
}

/** The requirements a plan asserts: each expected code's, the unchanged state's, and the setups'. */
function requirementsOf(plan: readonly Planned[]): RequirementId[] {
  const reqs = new Set<RequirementId>(['REQ-PLATFORM-7']);
  for (const p of plan) {
    for (const s of p.candidates) {
      const row = rowForKind(s.kind, expectedCode(s));
      if (row !== undefined) reqs.add(row.requirement);
    }
  }
  return [...reqs].sort();
}

const arbSeed = fc.nat();

/** Every guard alone: its code and requirement, the state unchanged. */
export const ctrlGuardAlone = defineProperty({
  mechanism: 'request-controls',
  name: 'stimulus-each-guard',
  requirements: requirementsOf(SINGLES),
  statement:
    'For every guard of every request-controls handler, a request that fails that guard alone, from a state an honest hypervisor and owner reach, is rejected with its code and requirement and leaves what every party sees unchanged.',
  arbitrary: arbSeed,
  *run(seed) {
    yield* runPlan(seed, SINGLES);
  },
});

/** Every request kind, as an honest guest makes it, in every state where it fails. */
export const ctrlCodesByPhase = defineProperty({
  mechanism: 'request-controls',
  name: 'stimulus-every-phase',
  requirements: requirementsOf(BY_PHASE),
  statement:
    'Each request kind as an honest guest makes it, in each state (created, unpacking, verified, verify-failed, running with an empty, a stored, a full or a locked store, of the main or the restricted image, destroyed, never created), is rejected with the code of the first guard that fails there.',
  arbitrary: arbSeed,
  *run(seed) {
    yield* runPlan(seed, BY_PHASE);
  },
});

/** Every pair of guards that can fail together: the one listed first decides. */
export const ctrlGuardPairs = defineProperty({
  mechanism: 'request-controls',
  name: 'stimulus-guard-pairs',
  requirements: requirementsOf(PAIRS),
  statement: 'For every pair of guards of a request-controls handler that can fail together, a request failing both is rejected with the code of the one the guard order lists first.',
  arbitrary: arbSeed,
  *run(seed) {
    yield* runPlan(seed, PAIRS);
  },
});

/** The stimulus properties with the fixed input the vectors harvest them with (every reset is to {@link STIMULUS_CONFIG}). */
export const STIMULI: readonly { readonly property: ModelProperty<number>; readonly input: number }[] = [
  { property: ctrlGuardAlone, input: 1 },
  { property: ctrlGuardPairs, input: 1 },
  { property: ctrlCodesByPhase, input: 1 },
];

/**
 * From a reset to {@link STIMULUS_CONFIG}: the honest calls up to an accepted request of `kind`
 * (its last `apply` is that request, asserted accepted).
 */
export function* ACCEPTED_PATH(kind: Kind): Calls<void> {
  yield* sut.reset(STIMULUS_CONFIG);
  const image = IMAGES().main;
  const guest = yield* boot(image);
  if (kind === 'retrieve-secret') {
    // The store of the `running` setup; the accepted retrieve is of its AES key (index 2): a protected key.
    for (const [i, secret] of storedSecrets().entries()) yield* honest('REQ-CTRL-15', { kind: 'add-secret', guest, request: secretRequest(image, secret, { seed: 200 + i }) }, `add secret ${i}`);
    const o = yield* sut.apply({ kind: 'retrieve-secret', guest, index: 2, bufferSize: 0x2000 });
    yield* expectAccepted(ACCEPTED_REQUIREMENT[kind], kind, o, 'the accepted path of retrieve-secret');
    return;
  }
  const s: Scenario = { kind, setup: SETUPS.find((x) => x.name === 'running') as Setup, edits: Object.fromEntries(Object.entries(modelOf(kind).slots).map(([k, v]) => [k, v[0] ?? ''])), failing: [], changes: 0 };
  const o = yield* sut.apply(actionOf(s, guest));
  yield* expectAccepted(ACCEPTED_REQUIREMENT[kind], kind, o, `the accepted path of ${kind}`);
}

/** The requirement an accepted request of each kind satisfies (as the accepted paths assert it). */
export const ACCEPTED_REQUIREMENT: Readonly<Record<Kind, RequirementId>> = {
  'retrieve-attestation': 'REQ-CTRL-6',
  'add-secret': 'REQ-CTRL-15',
  'list-secrets': 'REQ-CTRL-17',
  'lock-secrets': 'REQ-CTRL-8',
  'retrieve-secret': 'REQ-CTRL-18',
  pckmo: 'REQ-CTRL-20',
  'query-backup-keys': 'REQ-CTRL-21',
};

/** {@link ACCEPTED_PATH} of every kind, as the vectors' case sources take them. */
export const ACCEPTED_PATHS: Readonly<Record<Kind, () => Calls<void>>> = Object.fromEntries(CTRL_STIMULUS_KINDS.map((k) => [k, () => ACCEPTED_PATH(k)])) as Record<Kind, () => Calls<void>>;
