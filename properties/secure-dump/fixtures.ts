/**
 * The world of the secure-dump properties: the image-unpack machines, small images the owner
 * builds with its own customer key (so that it can open seed-mode dumps) with and without PCF
 * bit 34, and the hypervisor's and the owner's sides of a dump: the dump calls, the file the
 * hypervisor assembles from their pieces, the owner opening it.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import type { PlatformOutcome, WorldConfig } from '../../model/platform/index.js';
import { ADD_SECRET_FLAG_DISABLE_DUMP, buildAsrcb } from '../../model/se-format/asrcb.js';
import { assembleDump } from '../../model/se-format/dump-elf.js';
import { openDump, type OpenedDump, type OpenFailure } from '../../model/se-format/dump-open.js';
import { PCF_DUMP_ALLOWED } from '../../model/se-format/format.js';
import { decodeHeader, headerAad } from '../../model/se-format/header-codec.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { SECRET_TYPE } from '../../model/se-format/secret-types.js';
import { standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import type { Result } from '../../model/core/result.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import { expectAccepted, holds, sut, type Calls } from '../sut-calls.js';
import { CONFIG, hostPublic, MACHINE, seededBytes, SUITE } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';

/** The configuration every secure-dump property resets to. */
export const DUMP_CONFIG: WorldConfig = CONFIG;

/** The owner's customer key (a P-521 scalar): seed-mode dumps open with it. */
export const OWNER_KEY: Uint8Array = (() => {
  const d = new Uint8Array(66);
  d.set(SUITE.sha512(utf8ToBytes('semodel property key: dump owner')), 2);
  return d;
})();

/** The suite the owner builds with: node:crypto with its key agreements remembered (as image-unpack's owner). */
const BUILD_SUITE: CryptoSuite = memoizeKeyAgreement(nodeSuite);
const STAGE3A = standInStage3a();
const STAGE3B = standInStage3b();

/** A test image of the dump properties and what its owner knows. */
export interface DumpImage {
  readonly header: Uint8Array;
  readonly pages: readonly ImagePage[];
  readonly cck: Uint8Array;
  /** The kernel's bytes: high-entropy plaintext the hypervisor must never see. */
  readonly kernel: Uint8Array;
  /** The PSW the guest starts with (mask ‖ address). */
  readonly psw: Uint8Array;
  /** Whether PCF bit 34 is set. */
  readonly dumpAllowed: boolean;
  /** The smallest guest that holds it. */
  readonly minPages: number;
}

const pool = new Map<string, DumpImage>();

/**
 * The image `variant` (0..3) with PCF bit 34 set or not: a kernel of one or two pages, no command
 * line, no initrd, its keys and content drawn from the variant. Made once per (allowed, variant).
 */
export function dumpImage(allowed: boolean, variant: number): DumpImage {
  const key = `${allowed}/${variant % 4}`;
  const known = pool.get(key);
  if (known !== undefined) return known;
  const v = (variant % 4) + (allowed ? 0 : 16);
  const kernel = seededBytes(0xd0 + v, (1 + (v % 2)) * PAGE_SIZE - 512);
  const cck = seededBytes(0xc0c0 + v, 32);
  const built = buildImage(BUILD_SUITE, {
    stage3a: STAGE3A,
    stage3b: STAGE3B,
    kernel,
    headerKey: seededBytes(0xa1 + v, 32),
    xtsKey: seededBytes(0xb2 + v, 64),
    cck,
    iv: seededBytes(0xc3 + v, 12),
    tweakRandoms: { kernel: seededBytes(1 + v, 6), parmline: seededBytes(2 + v, 6), initrd: seededBytes(3 + v, 6), stage3b: seededBytes(4 + v, 6) },
    customer: { privateKey: OWNER_KEY },
    hostKeys: [hostPublic(0)],
    pcf: allowed ? 0xe0n | PCF_DUMP_ALLOWED : 0xe0n,
    scf: 0n,
    pswAddress: 0x10000n + 2n * BigInt(v),
  });
  if (!built.ok) throw new Error(`dump test image did not build: ${built.error.field}: ${built.error.message}`);
  const pages = built.value.layout.pages;
  const last = Math.max(...pages.map((p) => Number(p.address / BigInt(PAGE_SIZE))));
  const h = built.value.header;
  const area = BUILD_SUITE.aesGcmDecrypt(seededBytes(0xa1 + v, 32), h.iv, h.encryptedArea, h.tag, headerAad(h));
  const image: DumpImage = {
    header: built.value.headerBytes,
    pages,
    cck,
    kernel,
    psw: area === undefined ? new Uint8Array(16) : area.slice(96, 112),
    dumpAllowed: allowed,
    minPages: last + 1,
  };
  pool.set(key, image);
  return image;
}

/** Guest sizes the properties draw: the image's pages and a few more, or more than 1 MiB (two storage-state chunks). */
export const arbExtraPages: fc.Arbitrary<number> = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 250, max: 270 }) });

/** Creates a guest of `memoryPages` for `image` on this machine and boots it to `running`; its ID. */
export function* runningGuest(image: DumpImage, memoryPages: number): Calls<number> {
  const o = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'create a guest for the dump properties');
  const guest = createdGuest(o);
  for (const a of honestCalls(guest, image)) yield* expectAccepted('REQ-UNPACK-13', a.kind, yield* sut.apply(a), `honest boot of guest ${guest}`);
  return guest;
}

/** What the hypervisor collected of one dump. */
export interface Collected {
  /** Storage-state responses by 1 MiB chunk index (the latest one of each). */
  readonly chunks: Map<number, { meta: Uint8Array; pages: Uint8Array }>;
  /** The latest CPU note. */
  note: Uint8Array | undefined;
  completion: Uint8Array | undefined;
}

/** A fresh collection. */
export function collection(): Collected {
  return { chunks: new Map(), note: undefined, completion: undefined };
}

/** Records an accepted dump response in `c`. */
export function collect(c: Collected, kind: string, address: bigint, o: PlatformOutcome): void {
  if (o.kind !== 'accepted') return;
  const r = o.response as Record<string, unknown>;
  if (kind === 'dump-storage-state') c.chunks.set(Number(address / (256n * 4096n)), { meta: r['meta'] as Uint8Array, pages: r['pages'] as Uint8Array });
  if (kind === 'dump-cpu') c.note = r['note'] as Uint8Array;
  if (kind === 'dump-complete') c.completion = r['completion'] as Uint8Array;
}

/** The chunks of a guest of `memoryPages`. */
export function chunkCount(memoryPages: number): number {
  return Math.ceil(memoryPages / 256);
}

/**
 * The honest hypervisor's end of a dump: asks for every chunk and the CPU it has not got yet,
 * completes, and assembles the file from the pieces.
 */
export function* finishDump(guest: number, memoryPages: number, c: Collected): Calls<Uint8Array> {
  for (let i = 0; i < chunkCount(memoryPages); i++) {
    if (c.chunks.has(i)) continue;
    const address = BigInt(i) * 256n * 4096n;
    const o = yield* sut.apply({ kind: 'dump-storage-state', guest, address });
    yield* expectAccepted('REQ-DUMP-5', 'dump-storage-state', o, `storage state of chunk ${i}`);
    collect(c, 'dump-storage-state', address, o);
  }
  if (c.note === undefined) {
    const o = yield* sut.apply({ kind: 'dump-cpu', guest, cpu: 0 });
    yield* expectAccepted('REQ-DUMP-6', 'dump-cpu', o, 'CPU 0');
    collect(c, 'dump-cpu', 0n, o);
  }
  const o = yield* sut.apply({ kind: 'dump-complete', guest });
  yield* expectAccepted('REQ-DUMP-7', 'dump-complete', o, 'complete the dump');
  collect(c, 'dump-complete', 0n, o);
  return assembled(c, memoryPages);
}

/** The dump file of what `c` holds (chunks in order). */
export function assembled(c: Collected, memoryPages: number): Uint8Array {
  const chunks = Array.from({ length: chunkCount(memoryPages) }, (_, i) => c.chunks.get(i) ?? { meta: new Uint8Array(0), pages: new Uint8Array(0) });
  return assembleDump({
    cpuNotes: c.note === undefined ? [] : [c.note],
    slots: chunks.map((x) => x.pages),
    meta: concat(chunks.map((x) => x.meta)),
    completion: c.completion ?? new Uint8Array(0),
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The owner opens `file` with the key of `mode`: the image's CCK, or its private customer key. */
export function ownerOpens(file: Uint8Array, mode: 'real' | 'seed', image: DumpImage): Result<OpenedDump, OpenFailure> {
  return openDump(SUITE, file, mode === 'real' ? { cck: image.cck } : { ownerPrivateKey: OWNER_KEY });
}

/** The guest's memory as the guest sees it (pages not in its view are zero), `memoryPages` long. */
export function* guestMemory(guest: number, memoryPages: number): Calls<Uint8Array> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  const out = new Uint8Array(memoryPages * PAGE_SIZE);
  if (v !== null && v.party === 'guest') for (const p of v.memory) out.set(p.bytes, p.page * PAGE_SIZE);
  return out;
}

/**
 * The owner's add-secret request of a plain-text secret for a guest of `image`, with the flag
 * "disable dump" when `disable` (ASRCB v1, one key slot for host key 0).
 */
export function secretRequest(image: DumpImage, disable: boolean, seed: number): Uint8Array {
  const decoded = decodeHeader(image.header);
  if (!decoded.ok) throw new Error('test headers decode');
  const h = decoded.value;
  const built = buildAsrcb(SUITE, {
    iv: seededBytes(seed ^ 0x11, 12),
    requestKey: seededBytes(seed ^ 0x22, 32),
    customer: { privateKey: OWNER_KEY },
    hostKeys: [hostPublic(0)],
    flags: disable ? ADD_SECRET_FLAG_DISABLE_DUMP : 0n,
    bootTags: { pld: h.pld, ald: h.ald, tld: h.tld, headerTag: h.tag },
    cuid: new Uint8Array(16),
    secret: { type: SECRET_TYPE.PLAINTEXT, value: seededBytes(seed, 32), name: `dump ${seed}` },
    extensionSecret: { mode: 'none' },
  });
  if (!built.ok) throw new Error(`add-secret request did not build: ${built.error.field}: ${built.error.message}`);
  return built.value;
}

/** Adds a secret to `guest` through mechanism 3 (with "disable dump" when `disable`). */
export function* addSecret(guest: number, image: DumpImage, disable: boolean, seed: number): Calls<void> {
  const o = yield* sut.apply({ kind: 'add-secret', guest, request: secretRequest(image, disable, seed) });
  yield* holds('REQ-DUMP-2', o.kind === 'accepted', `add-secret to guest ${guest}: ${o.kind === 'rejected' ? o.code : 'accepted'}`);
}
