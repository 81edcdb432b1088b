/**
 * Test images for the request-controls properties, and booting them to `running`.
 *
 * The images are mechanism 2's test images (properties/image-unpack/fixtures.ts), a few small
 * ones built once; the controls vary per run: the owner, who holds the header key, reseals the
 * header with the PCF and SCF a run wants (PCF is authenticated data, SCF sits in the encrypted
 * area), and optionally another IV, which gives another header tag over the same pages. Booting
 * is the hypervisor's honest schedule (create, set-header, every page, verify, start).
 * @module
 */
import fc from 'fast-check';
import { writeU64 } from '../../model/core/bytes.js';
import type { RequirementId } from '../../model/core/outcome.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import type { ActionKind, PlatformOutcome } from '../../model/platform/index.js';
import { ENCRYPTED_AREA_OFFSET, PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { decodeHeader, encodeHeader, headerAad } from '../../model/se-format/header-codec.js';
import { phkh } from '../../model/se-format/header-keys.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import { expectAccepted, sut, type Calls } from '../sut-calls.js';
import { CONFIG, hostPublic, imageOf, MACHINE, seededBytes, type ImageSecrets, type ImageShape, type TestImage } from '../image-unpack/fixtures.js';
import { createdGuest } from '../image-unpack/schedules.js';

export { CONFIG, MACHINE, OTHER_MACHINE, hostPublic } from '../image-unpack/fixtures.js';

/** The configuration every request-controls property (and its stimulus) resets to: mechanism 2's. */
export const STIMULUS_CONFIG = CONFIG;

/**
 * The suite the owner builds requests with: node:crypto, byte-identical to the firmware's noble
 * suite, with its key agreements remembered (the owner is another party than the firmware).
 */
export const OWNER_SUITE: CryptoSuite = memoizeKeyAgreement(nodeSuite);

/** The host keys of this machine (0 and 1) in the firmware's order, and one of another machine (2). */
export const LOCAL_HOSTS = [0, 1] as const;

/** An image with the controls a run chose: the header the owner resealed and what the owner knows of it. */
export interface ControlledImage {
  readonly base: TestImage;
  readonly header: Uint8Array;
  readonly pcf: bigint;
  readonly scf: bigint;
  readonly cck: Uint8Array;
  readonly pld: Uint8Array;
  readonly ald: Uint8Array;
  readonly tld: Uint8Array;
  readonly headerTag: Uint8Array;
  /** The host keys (indices of the fixtures' host scalars) the header has slots for, in slot order. */
  readonly hosts: readonly number[];
}

/** The shapes of the base images: one or two kernel pages, no initrd, sometimes a command line. */
const SHAPES: readonly Omit<ImageShape, 'tweakRandoms'>[] = [
  { kernelPages: 1, kernelTail: 512, initrdPages: 0, initrdTail: 64, parmlineLength: undefined, hosts: [0], noDecryption: false },
  { kernelPages: 2, kernelTail: 100, initrdPages: 0, initrdTail: 64, parmlineLength: 12, hosts: [1, 0], noDecryption: false },
  { kernelPages: 1, kernelTail: 4096, initrdPages: 0, initrdTail: 64, parmlineLength: undefined, hosts: [2, 1], noDecryption: true },
];

const built = new Map<number, TestImage>();

/** Base image `i` (0 to 2), built once. */
export function baseImage(i: number): TestImage {
  const made = built.get(i);
  if (made !== undefined) return made;
  const shape = SHAPES[i % SHAPES.length] as (typeof SHAPES)[number];
  const seed = 0x5ec7e75 + 977 * i;
  const random = (k: number) => seededBytes(seed ^ k, 6);
  const secrets: ImageSecrets = {
    contentSeed: seed,
    headerKey: seededBytes(seed ^ 0x1111, 32),
    xtsKey: seededBytes(seed ^ 0x2222, 64),
    cck: seededBytes(seed ^ 0x3333, 32),
    iv: seededBytes(seed ^ 0x4444, 12),
    customer: i % 3,
    scf: 0n,
    pswAddress: 0x10000n,
  };
  const image = imageOf({ ...shape, tweakRandoms: { kernel: random(1), parmline: random(2), initrd: random(3), stage3b: random(4) } }, secrets);
  built.set(i, image);
  return image;
}

/** How many base images there are. */
export const BASE_IMAGES = SHAPES.length;

/**
 * `base`'s header as its owner reseals it with `pcf` (bit 35 kept as the image was built: its
 * pages are stored accordingly), `scf`, and optionally another 12-byte IV (another header tag).
 */
export function withControls(base: TestImage, pcf: bigint, scf: bigint, iv?: Uint8Array): ControlledImage {
  const decoded = decodeHeader(base.header);
  if (!decoded.ok) throw new Error('test headers decode');
  const h = decoded.value;
  const keepBit35 = (pcf & ~PCF_NO_DECRYPTION) | (h.pcf & PCF_NO_DECRYPTION);
  const area = base.encryptedArea.slice();
  writeU64(area, ENCRYPTED_AREA_OFFSET.scf, scf);
  const headerKey = base.secrets[0] ?? new Uint8Array(32);
  const next = { ...h, pcf: keepBit35, iv: iv ?? h.iv };
  const sealed = OWNER_SUITE.aesGcmEncrypt(headerKey, next.iv, area, headerAad(next));
  const header = encodeHeader({ ...next, encryptedArea: sealed.ciphertext, tag: sealed.tag });
  return {
    base,
    header,
    pcf: keepBit35,
    scf,
    cck: area.slice(ENCRYPTED_AREA_OFFSET.cck, ENCRYPTED_AREA_OFFSET.cck + 32),
    pld: h.pld,
    ald: h.ald,
    tld: h.tld,
    headerTag: sealed.tag,
    hosts: base.hosts,
  };
}

/** A 64-bit value of full entropy from a 32-bit seed (fast-check's bigints lean to small values). */
export function wideBits(seed: number): bigint {
  return seededBytes(seed ^ 0x51ed270b, 8).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
}

/**
 * PCF and SCF values for a run: every bit this mechanism reads drawn on its own, over 64 random
 * bits (so the bits no one reads vary too).
 */
export const arbControls: fc.Arbitrary<{ readonly pcf: bigint; readonly scf: bigint }> = fc
  .record({ noise: fc.nat(), pcfBits: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), scfBits: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }) })
  .map(({ noise, pcfBits, scfBits }) => {
    const read = [34, 56, 57, 58, 59, 62];
    let pcf = wideBits(noise);
    read.forEach((bit, i) => {
      const mask = 1n << BigInt(63 - bit);
      pcf = pcfBits[i] === true ? pcf | mask : pcf & ~mask;
    });
    let scf = wideBits(noise ^ 0x7e57);
    [1, 2].forEach((bit, i) => {
      const mask = 1n << BigInt(63 - bit);
      scf = scfBits[i] === true ? scf | mask : scf & ~mask;
    });
    return { pcf, scf };
  });

/** The PHKH of host key `i` of the fixtures. */
export function hostHash(i: number): Uint8Array {
  return phkh(OWNER_SUITE, hostPublic(i));
}

/** The public keys of the host keys `hosts`, in that order. */
export function hostPublics(hosts: readonly number[]): EcPoint[] {
  return hosts.map(hostPublic);
}

/** The host key of this machine that opens a request or header with slots for `hosts`: the first of the firmware's keys a slot names. */
export function openingHost(hosts: readonly number[]): number | undefined {
  return LOCAL_HOSTS.find((h) => hosts.includes(h));
}

/** Applies an honest step and asserts it is accepted (for `requirement`). */
export function* honest(requirement: RequirementId, action: { readonly kind: ActionKind } & Record<string, unknown>, context: string): Calls<PlatformOutcome> {
  const o = yield* sut.apply(action);
  yield* expectAccepted(requirement, action.kind, o, context);
  return o;
}

/**
 * Boots `image` on this machine with the hypervisor's honest schedule and returns the running
 * guest's ID. Does not reset: several guests may run side by side.
 */
export function* boot(image: ControlledImage): Calls<number> {
  const guest = createdGuest(yield* honest('REQ-PLATFORM-4', { kind: 'create-guest', machine: MACHINE, memoryPages: image.base.memoryPages }, 'create a guest'));
  yield* honest('REQ-UNPACK-5', { kind: 'set-header', guest, header: image.header }, 'set-header');
  for (const p of image.base.pages) yield* honest('REQ-UNPACK-11', { kind: 'unpack', guest, address: p.address, tweak: p.tweak, page: p.stored }, 'unpack');
  yield* honest('REQ-UNPACK-12', { kind: 'verify', guest }, 'verify');
  yield* honest('REQ-UNPACK-13', { kind: 'start', guest }, 'start');
  return guest;
}

/** Resets to {@link STIMULUS_CONFIG} and boots `image`. */
export function* resetAndBoot(image: ControlledImage): Calls<number> {
  yield* sut.reset(STIMULUS_CONFIG);
  return yield* boot(image);
}
