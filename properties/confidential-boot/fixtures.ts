/**
 * The world of the confidential-boot properties: the image-unpack machines (machine 0 holds host
 * keys 0 and 1, machine 1 host key 2), and what an owner prepares for a confidential boot: a small
 * SE boot image whose initrd begins with the data-key envelope, the image key wrapped for a host
 * key in a key blob, and a LUKS2-style volume of a few sectors whose keyslot holds the volume key
 * under the data key. Everything of a variant is made once. Also the calls of an honest boot.
 * @module
 */
import { concatBytes, PAGE_SIZE } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite } from '../../model/crypto/suite.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import type { PlatformOutcome, WorldConfig } from '../../model/platform/index.js';
import { sealEnvelope } from '../../model/se-format/cboot-envelope.js';
import { sealKeyBlob } from '../../model/se-format/cboot-key-blob.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { formatVolume, SECTOR_SIZE } from '../../model/se-format/luks-volume.js';
import { standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';
import { CONFIG, hostPublic, MACHINE, seededBytes } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';
import { OWNER_KEY } from '../secure-dump/fixtures.js';

/** The configuration every confidential-boot property resets to. */
export const CBOOT_CONFIG: WorldConfig = CONFIG;

const BUILD_SUITE: CryptoSuite = memoizeKeyAgreement(nodeSuite);
const STAGE3A = standInStage3a();
const STAGE3B = standInStage3b();

/** Data sectors of the test volumes. */
export const VOLUME_SECTORS = 3;

/** What the owner of a confidential boot prepared, and knows. */
export interface BootKit {
  readonly header: Uint8Array;
  readonly pages: readonly ImagePage[];
  /** The same boot image without the envelope (its initrd's first bytes zero). */
  readonly bare: { readonly header: Uint8Array; readonly pages: readonly ImagePage[] };
  /** The guest size that holds either image. */
  readonly memoryPages: number;
  /** The key blob wrapped for host key 0 (machine 0). */
  readonly keyBlob: Uint8Array;
  /** The same image key wrapped for host key 2 only (another machine). */
  readonly foreignKeyBlob: Uint8Array;
  /** Another image key, for host key 0: its envelope does not open. */
  readonly otherKeyBlob: Uint8Array;
  readonly volume: Uint8Array;
  /** A volume whose keyslot holds the volume key under another data key. */
  readonly otherVolume: Uint8Array;
  /** The plaintext of each data sector. */
  readonly sectors: readonly Uint8Array[];
  readonly imageKey: Uint8Array;
  readonly dataKey: Uint8Array;
  readonly volumeKey: Uint8Array;
}

const kits = new Map<number, BootKit>();

/** The kit of `variant` (0..3), made once. */
export function bootKit(variant: number): BootKit {
  const v = variant % 4;
  const known = kits.get(v);
  if (known !== undefined) return known;
  const imageKey = seededBytes(0xcb00 + v, 32);
  const dataKey = seededBytes(0xcb10 + v, 64);
  const volumeKey = seededBytes(0xcb20 + v, 64);
  const envelope = sealEnvelope(BUILD_SUITE, imageKey, seededBytes(0xcb30 + v, 12), dataKey);
  const filler = seededBytes(0xcb40 + v, PAGE_SIZE - envelope.length + 100 * v);
  const build = (initrd: Uint8Array) => buildImage(BUILD_SUITE, {
    stage3a: STAGE3A,
    stage3b: STAGE3B,
    kernel: seededBytes(0xcb50 + v, PAGE_SIZE - 200),
    initrd,
    headerKey: seededBytes(0xcb60 + v, 32),
    xtsKey: seededBytes(0xcb70 + v, 64),
    cck: seededBytes(0xcb80 + v, 32),
    iv: seededBytes(0xcb90 + v, 12),
    tweakRandoms: { kernel: seededBytes(0xcba0 + v, 6), parmline: seededBytes(0xcba1 + v, 6), initrd: seededBytes(0xcba2 + v, 6), stage3b: seededBytes(0xcba3 + v, 6) },
    customer: { privateKey: OWNER_KEY },
    hostKeys: [hostPublic(0)],
  });
  const built = build(concatBytes(envelope, filler));
  // The same image but for its initrd, which carries no envelope.
  const bare = build(concatBytes(new Uint8Array(envelope.length), filler));
  if (!built.ok || !bare.ok) throw new Error('boot image did not build');
  const blob = (hosts: readonly number[], key: Uint8Array): Uint8Array => {
    const b = sealKeyBlob(BUILD_SUITE, { privateKey: OWNER_KEY }, hosts.map(hostPublic), key);
    if (!b.ok) throw new Error(b.error.message);
    return b.value;
  };
  const sectors = Array.from({ length: VOLUME_SECTORS }, (_, i) => seededBytes(0xcc00 + 16 * v + i, SECTOR_SIZE));
  const salt = seededBytes(0xcbb0 + v, 32);
  const pages = built.value.layout.pages;
  const kit: BootKit = {
    header: built.value.headerBytes,
    pages,
    bare: { header: bare.value.headerBytes, pages: bare.value.layout.pages },
    memoryPages: Math.max(...[...pages, ...bare.value.layout.pages].map((p) => Number(p.address / BigInt(PAGE_SIZE)))) + 1,
    keyBlob: blob([0], imageKey),
    foreignKeyBlob: blob([2], imageKey),
    otherKeyBlob: blob([0], seededBytes(0xcbc0 + v, 32)),
    volume: formatVolume(BUILD_SUITE, { slotKey: dataKey, volumeKey, salt, data: concatBytes(...sectors) }),
    otherVolume: formatVolume(BUILD_SUITE, { slotKey: seededBytes(0xcbd0 + v, 64), volumeKey, salt, data: concatBytes(...sectors) }),
    sectors,
    imageKey,
    dataKey,
    volumeKey,
  };
  kits.set(v, kit);
  return kit;
}

/** How far {@link preparedGuest} takes a guest. */
export interface Preparation {
  /** The key blob to load, or none. */
  readonly keyBlob: Uint8Array | null;
  /** The volume to attach, or none. */
  readonly volume: Uint8Array | null;
  /** The image to boot (default the kit's). */
  readonly image?: { readonly header: Uint8Array; readonly pages: readonly ImagePage[] };
  /** Whether to boot the image through mechanism 2 (set-header .. start); default true. */
  readonly start?: boolean;
}

/**
 * Creates a guest on machine 0 for `kit`, loads the key and attaches the volume (each accepted),
 * and boots its image through mechanism 2, stopping at the first call mechanism 2 refuses (the
 * callers that change the image check that refusal themselves); its ID.
 */
export function* preparedGuest(kit: BootKit, p: Preparation): Calls<number> {
  const o = yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: kit.memoryPages });
  yield* expectAccepted('REQ-PLATFORM-4', 'create-guest', o, 'create the guest of a confidential boot');
  const guest = createdGuest(o);
  if (p.keyBlob !== null) yield* expectAccepted('REQ-CBOOT-3', 'cboot-load-key', yield* sut.apply({ kind: 'cboot-load-key', guest, keyBlob: p.keyBlob }), 'load the image key');
  if (p.volume !== null) yield* expectAccepted('REQ-CBOOT-4', 'cboot-attach-volume', yield* sut.apply({ kind: 'cboot-attach-volume', guest, volume: p.volume }), 'attach the volume');
  if (p.start === false) return guest;
  const calls = honestCalls(guest, p.image ?? kit);
  for (const a of calls) {
    const r = yield* sut.apply(a);
    if (r.kind === 'rejected') return guest;
  }
  return guest;
}

/** Starts over and brings a guest to a mounted volume with `kit` (every step accepted); its ID. */
export function* mountedGuest(kit: BootKit): Calls<number> {
  yield* sut.reset(CBOOT_CONFIG);
  const guest = yield* preparedGuest(kit, { keyBlob: kit.keyBlob, volume: kit.volume });
  yield* expectAccepted('REQ-CBOOT-7', 'cboot-boot', yield* sut.apply({ kind: 'cboot-boot', guest }), 'boot and mount');
  return guest;
}

/** A response field of an accepted outcome, or undefined. */
export function responseField(o: PlatformOutcome, name: string): unknown {
  return o.kind === 'accepted' ? (o.response as Record<string, unknown>)[name] : undefined;
}
