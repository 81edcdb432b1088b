/**
 * The world of the migration properties: machine 0 is the source, machine 1 the target, and the
 * owner's images carry key slots for both hosts (host 0 of machine 0, host 2 of machine 1), so
 * that both firmwares open them. The hypervisors' side of a migration as calls through the
 * system under test: boot a source guest and write its memory, run the source calls, hand the
 * stream to a target guest. Black-box: only outcomes and views.
 * @module
 */
import { PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import type { PlatformOutcome, WorldConfig } from '../../model/platform/index.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';
import { CONFIG, hostPublic, MACHINE, OTHER_MACHINE, seededBytes, SUITE } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';

/** The configuration every migration property resets to: two machines. */
export const MIGR_CONFIG: WorldConfig = CONFIG;
/** The source machine. */
export const SOURCE = MACHINE;
/** The target machine. */
export const TARGET = OTHER_MACHINE;
/** The PHKH of the target machine's host key (host 2): what the source hypervisor names at start. */
export const TARGET_PHKH: Uint8Array = phkh(SUITE, hostPublic(2));
/** The PHKH of a host key of the source machine (host 0). */
export const SOURCE_PHKH: Uint8Array = phkh(SUITE, hostPublic(0));

const BUILD_SUITE: CryptoSuite = memoizeKeyAgreement(nodeSuite);

/** A test image of the migration properties and what its owner knows. */
export interface MigrImage {
  readonly header: Uint8Array;
  readonly pages: readonly ImagePage[];
  readonly cck: Uint8Array;
  readonly kernel: Uint8Array;
  /** The smallest guest that holds it. */
  readonly minPages: number;
}

const pool = new Map<number, MigrImage>();

/** The image `variant` (0..3), with key slots for the source's and the target's host: made once each. */
export function migrImage(variant: number): MigrImage {
  const v = variant % 4;
  const known = pool.get(v);
  if (known !== undefined) return known;
  const kernel = seededBytes(0x90 + v, PAGE_SIZE - 512);
  const cck = seededBytes(0x9c9c + v, 32);
  const built = buildImage(BUILD_SUITE, {
    stage3a: standInStage3a(),
    stage3b: standInStage3b(),
    kernel,
    headerKey: seededBytes(0x91 + v, 32),
    xtsKey: seededBytes(0x92 + v, 64),
    cck,
    iv: seededBytes(0x93 + v, 12),
    tweakRandoms: { kernel: seededBytes(0x94 + v, 6), parmline: seededBytes(0x95 + v, 6), initrd: seededBytes(0x96 + v, 6), stage3b: seededBytes(0x97 + v, 6) },
    customer: { privateKey: seededBytes(0x98 + v, 66).map((b, i) => (i < 2 ? 0 : b)) },
    hostKeys: [hostPublic(0), hostPublic(2)],
    pcf: 0xe0n,
    scf: 0n,
    pswAddress: 0x10000n + 2n * BigInt(v),
  });
  if (!built.ok) throw new Error(`migration test image did not build: ${built.error.field}: ${built.error.message}`);
  const pages = built.value.layout.pages;
  const last = Math.max(...pages.map((p) => Number(p.address / BigInt(PAGE_SIZE))));
  const image: MigrImage = { header: built.value.headerBytes, pages, cck, kernel, minPages: last + 1 };
  pool.set(v, image);
  return image;
}

/** The ID in an accepted create-guest outcome. */
export function idOf(o: PlatformOutcome): number {
  return createdGuest(o);
}

/** Creates a guest of `memoryPages` for `image` on the source machine and boots it; its ID. */
export function* sourceGuest(image: MigrImage, memoryPages: number): Calls<number> {
  const o = yield* sut.apply({ kind: 'create-guest', machine: SOURCE, memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'create a source guest');
  const guest = idOf(o);
  for (const a of honestCalls(guest, image)) yield* expectAccepted('REQ-UNPACK-13', a.kind, yield* sut.apply(a), `honest boot of guest ${guest}`);
  return guest;
}

/** Creates a guest on the target machine and hands it the image's header: a receiver; its ID. */
export function* targetGuest(image: MigrImage, memoryPages: number, machine = TARGET): Calls<number> {
  const o = yield* sut.apply({ kind: 'create-guest', machine, memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'create a target guest');
  const guest = idOf(o);
  yield* expectAccepted('REQ-UNPACK-4', 'set-header', yield* sut.apply({ kind: 'set-header', guest, header: image.header }), 'the target opens the image with its host key');
  return guest;
}

/** The guest's program stores `bytes` at the start of page `page` (secure interception's guest-store). */
export function* store(guest: number, page: number, bytes: Uint8Array): Calls<PlatformOutcome> {
  return yield* sut.apply({ kind: 'guest-store', guest, address: BigInt(page * PAGE_SIZE), bytes });
}

/** High-entropy page contents the hypervisor must never see: `count` bytes from `label`. */
export function canary(label: string, count = 256): Uint8Array {
  return SUITE.hkdf('sha256', utf8ToBytes(label), new Uint8Array(0), utf8ToBytes('semodel migration canary'), count);
}

/** Pages of a guest's area as the guest sees them (a page never written reads as zeros), by the guest's view. */
export function* areaOf(guest: number, first: number, pages: number): Calls<Uint8Array[] | null> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  if (v === null || !('memory' in v)) return null;
  const mem = new Map(v.memory.map((p) => [p.page, p.bytes]));
  return Array.from({ length: pages }, (_, i) => mem.get(first + i) ?? new Uint8Array(PAGE_SIZE));
}

/** The guest's phase by its own view, or null when it does not exist. */
export function* phaseOf(guest: number): Calls<string | null> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  return v === null || !('phase' in v) ? null : v.phase;
}

/** One sending of a location as the source gave it. */
export interface Sent {
  readonly location: number;
  readonly counter: number;
  readonly content: Uint8Array;
  readonly integrity: Uint8Array;
}

/** A migration as the source hypervisor collected it. */
export interface Stream {
  readonly nonce: Uint8Array;
  readonly first: number;
  readonly pages: number;
  readonly sent: readonly Sent[];
  /** The global value, or null when the migration was not finished. */
  readonly global: Uint8Array | null;
}

/** The nonce of an accepted migration-start. */
function nonceOf(o: PlatformOutcome): Uint8Array {
  return o.kind === 'accepted' ? ((o.response as { nonce?: Uint8Array }).nonce ?? new Uint8Array(32)) : new Uint8Array(32);
}

/**
 * Runs the source side: start, send each location of the area in `order` (each location at least
 * once; `order` may repeat locations, the re-sends), and finish unless `finish` is false.
 */
export function* sendStream(guest: number, first: number, pages: number, order: readonly number[], finish = true, target = TARGET_PHKH): Calls<Stream> {
  const o = yield* sut.apply({ kind: 'migration-start', guest, first, pages, target });
  yield* expectAccepted('REQ-MIGR-2', 'migration-start', o, `start migrating ${pages} pages from ${first}`);
  const nonce = nonceOf(o);
  const sent: Sent[] = [];
  const locations = [...order.map((k) => first + (k % pages)), ...Array.from({ length: pages }, (_, i) => first + i)];
  for (const location of locations) {
    const s = yield* sut.apply({ kind: 'migration-send', guest, location });
    yield* expectAccepted('REQ-MIGR-4', 'migration-send', s, `send location ${location}`);
    if (s.kind === 'accepted') sent.push({ location, ...(s.response as { counter: number; content: Uint8Array; integrity: Uint8Array }) });
  }
  if (!finish) return { nonce, first, pages, sent, global: null };
  const f = yield* sut.apply({ kind: 'migration-finish', guest });
  yield* expectAccepted('REQ-MIGR-6', 'migration-finish', f, 'finish the migration');
  const global = f.kind === 'accepted' ? ((f.response as { global?: Uint8Array }).global ?? null) : null;
  return { nonce, first, pages, sent, global };
}

/** What the target made of a delivery: each receive's outcome, and the finish's. */
export interface Delivery {
  readonly started: PlatformOutcome;
  readonly received: readonly PlatformOutcome[];
  readonly finished: PlatformOutcome | null;
}

/** Hands `sent` (in that order) and `global` (when not null) to `target` for the migration `nonce` of the area. */
export function* deliver(target: number, nonce: Uint8Array, first: number, pages: number, sent: readonly Sent[], global: Uint8Array | null): Calls<Delivery> {
  const started = yield* sut.apply({ kind: 'migration-receive-start', guest: target, nonce, first, pages });
  const received: PlatformOutcome[] = [];
  for (const s of sent) received.push(yield* sut.apply({ kind: 'migration-receive', guest: target, location: s.location, counter: s.counter, content: s.content, integrity: s.integrity }));
  const finished = global === null ? null : yield* sut.apply({ kind: 'migration-receive-finish', guest: target, global });
  return { started, received, finished };
}

/** The latest sending of each location of a stream. */
export function latestOf(sent: readonly Sent[]): Map<number, Sent> {
  const latest = new Map<number, Sent>();
  for (const s of sent) if ((latest.get(s.location)?.counter ?? 0) < s.counter) latest.set(s.location, s);
  return latest;
}

/** True when every page of `a` equals the page of `b` at its index. */
export function samePages(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((p, i) => Buffer.from(p).equals(Buffer.from(b[i] ?? new Uint8Array(0))));
}
