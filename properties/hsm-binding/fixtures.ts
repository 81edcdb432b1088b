/**
 * The world of the hsm-binding properties: the properties' two machines (properties/image-unpack
 * fixtures) with six AP queues of every kind, a small pool of images to boot secure guests from,
 * and the owner's side of an association secret: an add-secret request (ASRCB v1, as pvsecret
 * makes it) that puts it into a running guest's store through mechanism 3.
 * @module
 */
import fc from 'fast-check';
import { utf8ToBytes } from '../../model/core/bytes.js';
import type { AdapterConfig, PlatformOutcome, WorldConfig } from '../../model/platform/index.js';
import { buildAsrcb } from '../../model/se-format/asrcb.js';
import { SCF_CCK_EXTENSION_SECRET } from '../../model/se-format/format.js';
import { decodeHeader } from '../../model/se-format/header-codec.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { arbSecrets, CONFIG, hostPublic, imageOf, MACHINE, OTHER_MACHINE, seededBytes, SUITE, type TestImage } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';

/** A 32-byte master key per label (SHA-256 of it). */
const masterKey = (label: string): Uint8Array => SUITE.sha256(utf8ToBytes(`semodel property HSM master key: ${label}`));

/** The queues of the properties' world, by role. */
export const Q = {
  /** An EP11 queue of this machine with a master key. */
  ep11: 0,
  /** A second EP11 queue of this machine with another master key. */
  ep11b: 1,
  /** An accelerator of this machine. */
  accel: 2,
  /** A CCA coprocessor of this machine: never binds. */
  cca: 3,
  /** An EP11 queue of this machine whose HSM has no master key: every login fails. */
  noKey: 4,
  /** An EP11 queue of the other machine. */
  elsewhere: 5,
} as const;

/** An adapter ID that names nothing. */
export const NO_QUEUE = 9;

/** The adapters of {@link HSM_CONFIG}, in ID order. */
export const ADAPTERS: readonly AdapterConfig[] = [
  { id: Q.ep11, machine: MACHINE, type: 'ep11', masterKey: masterKey('ep11') },
  { id: Q.ep11b, machine: MACHINE, type: 'ep11', masterKey: masterKey('ep11b') },
  { id: Q.accel, machine: MACHINE, type: 'accelerator', masterKey: new Uint8Array(0) },
  { id: Q.cca, machine: MACHINE, type: 'cca', masterKey: new Uint8Array(0) },
  { id: Q.noKey, machine: MACHINE, type: 'ep11', masterKey: new Uint8Array(0) },
  { id: Q.elsewhere, machine: OTHER_MACHINE, type: 'ep11', masterKey: masterKey('elsewhere') },
];

/** The queues of this machine a guest may bind or try to. */
export const LOCAL_QUEUES: readonly number[] = [Q.ep11, Q.ep11b, Q.accel, Q.cca, Q.noKey];

/** The world of every hsm-binding property: the image-unpack machines and {@link ADAPTERS}. */
export const HSM_CONFIG: WorldConfig = { ...CONFIG, adapters: ADAPTERS };

/** The master key of queue `id` (empty when it has none, or no such queue). */
export function masterKeyOf(id: number): Uint8Array {
  return ADAPTERS.find((a) => a.id === id)?.masterKey ?? new Uint8Array(0);
}

let pool: readonly TestImage[] | undefined;
let far: TestImage | undefined;

/**
 * The smallest image the owner can build for `hosts`: a one-page kernel, no command line, no
 * initrd (with stage3b, two secured pages), its secrets drawn with `seed`. Booting it is all
 * the properties need of mechanism 2, and each boot digests every page.
 */
function smallImage(hosts: readonly number[], seed: number): TestImage {
  const [secrets] = fc.sample(arbSecrets, { seed, numRuns: 1 });
  if (secrets === undefined) throw new Error('no secrets drawn');
  const random = (k: number): Uint8Array => seededBytes(seed ^ k, 6);
  return imageOf(
    {
      kernelPages: 1,
      kernelTail: 1024,
      initrdPages: 0,
      initrdTail: 64,
      parmlineLength: undefined,
      hosts,
      noDecryption: false,
      tweakRandoms: { kernel: random(1), parmline: random(2), initrd: random(3), stage3b: random(4) },
    },
    secrets,
  );
}

/** Three small images for this machine, made once. */
export function images(): readonly TestImage[] {
  pool ??= [smallImage([0], 4004), smallImage([1, 0], 4005), smallImage([0, 1], 4006)];
  return pool;
}

/** A small image for the other machine (host key 2 only), made once. */
export function farImage(): TestImage {
  far ??= smallImage([2], 4007);
  return far;
}

/** Image `i` of the pool (modulo its size). */
export function imageAt(i: number): TestImage {
  const all = images();
  return all[i % all.length] as TestImage;
}

/** Creates a guest for `image` on the image's machine and returns its ID (phase `created`). */
export function* createGuest(image: TestImage): Calls<number> {
  const o = yield* sut.apply({ kind: 'create-guest', machine: image.machine, memoryPages: image.memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'create a guest for the HSM properties');
  return createdGuest(o);
}

/**
 * Takes `guest` through its honest boot calls from `from` to before `to` (all of them by
 * default: to `running`): set-header, every page, verify, start.
 */
export function* advance(guest: number, image: TestImage, to = Number.POSITIVE_INFINITY, from = 0): Calls<void> {
  for (const a of honestCalls(guest, image).slice(from, to)) {
    const o = yield* sut.apply(a);
    yield* expectAccepted('REQ-UNPACK-13', a.kind, o, `honest boot of guest ${guest}`);
  }
}

/** A secure guest: created and booted to `running`. */
export function* secureGuest(image: TestImage): Calls<number> {
  const guest = yield* createGuest(image);
  yield* advance(guest, image);
  return guest;
}

/** The customer key the owner makes add-secret requests with (fixed: its key agreement is remembered). */
const CUSTOMER = (() => {
  const d = new Uint8Array(66);
  d.set(SUITE.sha512(utf8ToBytes('semodel property key: hsm customer')), 2);
  return d;
})();

/**
 * The owner's add-secret request of an association secret `value` (32 bytes) named `name` for a
 * guest booted from `image`: one key slot for host key 0 (2 for the other machine), bound to the image,
 * any configuration, with the CCK-derived extension secret where the image's SCF bit 1 asks for
 * it. `seed` picks the IV and request key.
 */
export function associationRequest(image: TestImage, value: Uint8Array, name: string, seed: number): Uint8Array {
  return secretRequest(image, SECRET_TYPE.ASSOCIATION, value, name, seed);
}

/** {@link associationRequest} for a secret of any listable type (`type` a code of secret-types.ts). */
export function secretRequest(image: TestImage, type: number, value: Uint8Array, name: string, seed: number): Uint8Array {
  const decoded = decodeHeader(image.header);
  if (!decoded.ok) throw new Error('test headers decode');
  const h = decoded.value;
  const cck = image.secrets[2] ?? new Uint8Array(32);
  const built = buildAsrcb(SUITE, {
    iv: seededBytes(seed ^ 0x11, 12),
    requestKey: seededBytes(seed ^ 0x22, 32),
    customer: { privateKey: CUSTOMER },
    hostKeys: [hostPublic(image.machine === MACHINE ? 0 : 2)],
    flags: 0n,
    bootTags: { pld: h.pld, ald: h.ald, tld: h.tld, headerTag: h.tag },
    cuid: new Uint8Array(16),
    secret: { type, value, name },
    extensionSecret: (image.scf & SCF_CCK_EXTENSION_SECRET) !== 0n ? { mode: 'derived', cck } : { mode: 'none' },
  });
  if (!built.ok) throw new Error(`add-secret request did not build: ${built.error.field}: ${built.error.message}`);
  return built.value;
}

/** An association secret of full entropy from a seed. */
export function secretValue(seed: number): Uint8Array {
  return seededBytes(seed ^ 0x5eed, 32);
}

/**
 * Adds the association secret `value` to `guest`'s store through mechanism 3 (add-secret), the
 * request made with `seed` and pushed onto `supplied`; returns `value`. Mechanism 3 gives it the
 * next index of the store (spec/request-controls.md), which is how the properties name it.
 */
export function* addAssociationSecret(guest: number, image: TestImage, value: Uint8Array, seed: number, supplied: Uint8Array[] = []): Calls<Uint8Array> {
  const request = associationRequest(image, value, `hsm ${seed}`, seed);
  supplied.push(request);
  const o: PlatformOutcome = yield* sut.apply({ kind: 'add-secret', guest, request });
  yield* holds('REQ-HSM-6', o.kind === 'accepted', `add-secret of an association secret to guest ${guest}: ${o.kind === 'rejected' ? o.code : 'accepted'}`);
  return value;
}
