/**
 * Test images for the image-unpack properties: a machine with two host keys, a third host key
 * of another machine, and arbitraries of images built by the owner's side of the model.
 *
 * Images are drawn as a *shape* (what the hypervisor can see: component sizes in pages, PCF,
 * host keys, tweak randoms) and *secrets* (plaintext, keys, SCF), so that noninterference can
 * draw two images of one shape. Component sizes are explicit page counts (1 to 5 pages for the
 * kernel and the initrd), so pages at component offsets of 0x2000 and beyond are common; their
 * contents come from a seeded generator, which keeps drawing and shrinking cheap.
 * @module
 */
import fc from 'fast-check';
import { equalBytes, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { memoizeKeyAgreement } from '../memoized-suite.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import { PROPERTY_SUITE } from '../suite.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import { decodeHeader, encodeHeader, headerAad, type SeHeader } from '../../model/se-format/header-codec.js';
import { phkh } from '../../model/se-format/header-keys.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { encodeStage3bArgs } from '../../model/se-format/stage3-args.js';
import { standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import type { WorldConfig } from '../../model/platform/index.js';
import { arbSchedule, type Move } from './schedules.js';

/** The suite the properties run on: noble, with its few key agreements remembered. */
export const SUITE: CryptoSuite = PROPERTY_SUITE;

/**
 * The suite the owner builds test images with: node:crypto (byte-identical to noble, as the
 * crypto tests show), with its key agreements remembered. The owner is another party than the
 * firmware under test; building with native AES and SHA keeps a run's bounded pool of images cheap.
 */
const BUILD_SUITE: CryptoSuite = memoizeKeyAgreement(nodeSuite);

/** The stand-in loaders, made once: the builder copies its templates before patching them. */
const STAGE3A = standInStage3a();
const STAGE3B = standInStage3b();

/** A fixed, valid P-521 scalar per label: 64 bytes of SHA-512 under two zero bytes (< the order). */
function scalar(label: string): Uint8Array {
  const d = new Uint8Array(66);
  d.set(nobleSuite.sha512(utf8ToBytes(`semodel property key: ${label}`)), 2);
  return d;
}

/** Host keys 0 and 1 are this machine's; host key 2 belongs to another machine. */
export const HOST_SCALARS: readonly Uint8Array[] = [scalar('host 0'), scalar('host 1'), scalar('host 2 (elsewhere)')];
/** Customer keys the arbitrary picks from (the customer key is not what these properties vary). */
const CUSTOMER_SCALARS: readonly Uint8Array[] = [scalar('customer 0'), scalar('customer 1'), scalar('customer 2')];

/** This machine: the one whose firmware holds host keys 0 and 1. */
export const MACHINE = 0;
/** Another machine, whose firmware holds host key 2 only. */
export const OTHER_MACHINE = 1;

/**
 * The world the properties start from: machine 0 with host keys 0 and 1, machine 1 with host
 * key 2, no adapters, the noble suite.
 */
export const CONFIG: WorldConfig = {
  suite: 'noble',
  machines: [
    { id: MACHINE, hostKeys: HOST_SCALARS.slice(0, 2), seed: utf8ToBytes('semodel property machine 0') },
    { id: OTHER_MACHINE, hostKeys: HOST_SCALARS.slice(2), seed: utf8ToBytes('semodel property machine 1') },
  ],
  adapters: [],
};

/** The public key of host key `i` of {@link HOST_SCALARS}. */
export function hostPublic(i: number): EcPoint {
  const p = SUITE.ecPublicKey('p521', HOST_SCALARS[i] ?? new Uint8Array(66));
  if (p === undefined) throw new Error('fixed host keys are valid P-521 scalars');
  return p;
}

/** The machine whose firmware holds host key `i`. */
export function machineOfHost(i: number): number {
  return i < 2 ? MACHINE : OTHER_MACHINE;
}

/** A secured component of a test image, as the owner planned it (not as the builder reports it). */
export interface TestComponent {
  readonly kind: 'kernel' | 'parmline' | 'initrd' | 'stage3b';
  /** Guest address of its first page. */
  readonly address: bigint;
  /** Pages it takes: its input length rounded up to whole pages, at least one. */
  readonly pages: number;
  /** The 6 random tweak bytes the owner chose for it. */
  readonly random: Uint8Array;
}

/** An image as the properties use it: what the hypervisor gets, and what only the owner knows. */
export interface TestImage {
  readonly header: Uint8Array;
  /** The secured pages in image order. */
  readonly pages: readonly ImagePage[];
  /** The owner's plaintext: page number → 4096 bytes, for every secured page. */
  readonly plaintext: ReadonlyMap<number, Uint8Array>;
  /** Header key, image key and CCK. */
  readonly secrets: readonly Uint8Array[];
  /** The plaintext of the header's encrypted area: CCK ‖ XTS key ‖ PSW ‖ SCF ‖ NOI ‖ 0. */
  readonly encryptedArea: Uint8Array;
  /** The PSW the encrypted area holds (mask ‖ address, 16 bytes). */
  readonly psw: Uint8Array;
  /** The secret control flags the owner set. */
  readonly scf: bigint;
  /** High-entropy plaintext runs planted in the components. */
  readonly canaries: readonly Uint8Array[];
  /** False when the owner built it with PCF bit 35 (stored in plaintext). */
  readonly encrypted: boolean;
  /** The host keys (indices of {@link HOST_SCALARS}) it has key slots for, in slot order. */
  readonly hosts: readonly number[];
  /** A machine whose firmware opens it (holds one of its host keys). */
  readonly machine: number;
  /** The components in image order, with the owner's tweak randoms. */
  readonly components: readonly TestComponent[];
  /** A guest size that holds the image with four pages to spare. */
  readonly memoryPages: number;
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** What the hypervisor can see of an image before it is built: sizes, flags, host keys, tweaks. */
export interface ImageShape {
  readonly kernelPages: number;
  /** Bytes of the kernel's last page (64 to 4096). */
  readonly kernelTail: number;
  /** 0: no initrd. */
  readonly initrdPages: number;
  readonly initrdTail: number;
  /** Characters of the command line; undefined: none. */
  readonly parmlineLength: number | undefined;
  readonly hosts: readonly number[];
  readonly noDecryption: boolean;
  readonly tweakRandoms: { readonly kernel: Uint8Array; readonly parmline: Uint8Array; readonly initrd: Uint8Array; readonly stage3b: Uint8Array };
}

/** What only the owner knows: the seed of the plaintext, the keys, SCF. */
export interface ImageSecrets {
  readonly contentSeed: number;
  readonly headerKey: Uint8Array;
  readonly xtsKey: Uint8Array;
  readonly cck: Uint8Array;
  readonly iv: Uint8Array;
  readonly customer: number;
  readonly scf: bigint;
  /** The kernel entry address stage3b loads (genprotimg's `--x-psw`): inside the encrypted stage3b page. */
  readonly pswAddress: bigint;
}

/** Host key sets with at least one of this machine's keys, in any order, sometimes also key 2. */
export const arbLocalHosts: fc.Arbitrary<number[]> = fc.shuffledSubarray([0, 1, 2], { minLength: 1 }).filter((h) => h.includes(0) || h.includes(1));

/** Shapes over the given host key sets; one image in five is stored in plaintext (PCF bit 35). */
export function arbShape(hosts: fc.Arbitrary<readonly number[]> = arbLocalHosts): fc.Arbitrary<ImageShape> {
  return fc.record({
    kernelPages: fc.integer({ min: 1, max: 5 }),
    kernelTail: fc.integer({ min: 64, max: PAGE_SIZE }),
    initrdPages: fc.integer({ min: 0, max: 5 }),
    initrdTail: fc.integer({ min: 64, max: PAGE_SIZE }),
    parmlineLength: fc.option(fc.nat(80), { nil: undefined }),
    hosts,
    noDecryption: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    tweakRandoms: fc.record({ kernel: bytes(6), parmline: bytes(6), initrd: bytes(6), stage3b: bytes(6) }),
  });
}

/** The owner's secrets: a content seed, keys, IV, customer key and a 64-bit SCF. */
export const arbSecrets: fc.Arbitrary<ImageSecrets> = fc.record({
  contentSeed: fc.nat(),
  // Keys of full entropy, as an owner's are (fast-check's arrays lean towards zeros and repeats).
  headerKey: fc.nat().map((seed) => seededBytes(seed ^ 0x68e31da4, 32)),
  xtsKey: fc.nat().map((seed) => seededBytes(seed ^ 0x3c6ef372, 64)),
  cck: fc.nat().map((seed) => seededBytes(seed ^ 0x7f4a7c15, 32)),
  iv: bytes(12),
  customer: fc.nat(CUSTOMER_SCALARS.length - 1),
  // 64 bits of entropy, not fast-check's small-biased values: a small SCF would equal a counter by chance.
  scf: fc.nat().map((seed) => seededBytes(seed ^ 0x2545f491, 8).reduce((v, b) => (v << 8n) | BigInt(b), 0n)),
  pswAddress: fc.nat(0xffff).map((n) => 0x10000n + 2n * BigInt(n)),
});

/** `n` bytes from a seeded generator (mulberry32): high-entropy plaintext, cheap to draw. */
export function seededBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i += 4) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    out[i] = t & 0xff;
    if (i + 1 < n) out[i + 1] = (t >>> 8) & 0xff;
    if (i + 2 < n) out[i + 2] = (t >>> 16) & 0xff;
    if (i + 3 < n) out[i + 3] = t >>> 24;
  }
  return out;
}

/** Zero-pads `b` to whole pages and splits it into pages. */
function pagesOfBytes(b: Uint8Array): Uint8Array[] {
  const n = Math.max(1, Math.ceil(b.length / PAGE_SIZE));
  return Array.from({ length: n }, (_, i) => {
    const page = new Uint8Array(PAGE_SIZE);
    page.set(b.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
    return page;
  });
}

/** Builds the image of `shape` with `secrets`, and works out from the inputs the plaintext of each page. */
export function imageOf(shape: ImageShape, secrets: ImageSecrets): TestImage {
  const kernel = seededBytes(secrets.contentSeed, (shape.kernelPages - 1) * PAGE_SIZE + shape.kernelTail);
  const initrd = shape.initrdPages === 0 ? undefined : seededBytes(secrets.contentSeed ^ 0x5bd1e995, (shape.initrdPages - 1) * PAGE_SIZE + shape.initrdTail);
  // A printable command line of the shape's length, its characters secret.
  const parmline =
    shape.parmlineLength === undefined
      ? undefined
      : String.fromCharCode(...Array.from(seededBytes(secrets.contentSeed ^ 0x1b873593, shape.parmlineLength), (b) => 0x21 + (b % 94)));
  const pcf = shape.noDecryption ? 0xe0n | PCF_NO_DECRYPTION : 0xe0n;
  const built = buildImage(BUILD_SUITE, {
    stage3a: STAGE3A,
    stage3b: STAGE3B,
    kernel,
    parmline,
    initrd,
    headerKey: secrets.headerKey,
    xtsKey: secrets.xtsKey,
    cck: secrets.cck,
    iv: secrets.iv,
    tweakRandoms: shape.tweakRandoms,
    customer: { privateKey: CUSTOMER_SCALARS[secrets.customer] ?? new Uint8Array(66) },
    hostKeys: shape.hosts.map(hostPublic),
    pcf,
    scf: secrets.scf,
    pswAddress: secrets.pswAddress,
  });
  if (!built.ok) throw new Error(`test image did not build: ${built.error.field}: ${built.error.message}`);
  const { layout } = built.value;
  // The owner's plaintext per component: its input bytes (stage3b: the template with its arguments).
  const stage3b = Uint8Array.from(STAGE3B);
  stage3b.set(encodeStage3bArgs(layout.stage3bArgs), stage3b.length - 64);
  const parm = parmline === undefined ? undefined : new Uint8Array([...utf8ToBytes(parmline), 0]);
  const source = { kernel, parmline: parm, initrd, stage3b } as const;
  const plaintext = new Map<number, Uint8Array>();
  const components: TestComponent[] = [];
  for (const c of layout.components) {
    const input = c.kind in source ? source[c.kind as keyof typeof source] : undefined;
    if (input === undefined) throw new Error(`test image has an unexpected ${c.kind} component`);
    const kind = c.kind as TestComponent['kind'];
    const pages = pagesOfBytes(input);
    pages.forEach((page, i) => plaintext.set(Number(c.guestAddress) / PAGE_SIZE + i, page));
    components.push({ kind, address: c.guestAddress, pages: pages.length, random: shape.tweakRandoms[kind] });
  }
  const lastPage = Math.max(...plaintext.keys());
  // The owner opens its own header with the header key: the encrypted area's plaintext.
  const h = built.value.header;
  const area = BUILD_SUITE.aesGcmDecrypt(secrets.headerKey, h.iv, h.encryptedArea, h.tag, headerAad(h));
  if (area === undefined) throw new Error('the owner cannot open its own header');
  return {
    header: built.value.headerBytes,
    pages: layout.pages,
    plaintext,
    secrets: [secrets.headerKey, secrets.xtsKey, secrets.cck],
    encryptedArea: area,
    psw: area.slice(96, 112),
    scf: secrets.scf,
    canaries: [kernel.subarray(0, 32), ...(initrd === undefined ? [] : [initrd.subarray(0, 32)])],
    encrypted: !shape.noDecryption,
    hosts: shape.hosts,
    machine: shape.hosts.some((k) => machineOfHost(k) === MACHINE) ? MACHINE : OTHER_MACHINE,
    components,
    memoryPages: lastPage + 1 + 4,
  };
}

/** Images of 4 to 13 pages for this machine (one to three host keys), encrypted or (one in five) not. */
export const arbImage: fc.Arbitrary<TestImage> = fc.tuple(arbShape(), arbSecrets).map(([s, x]) => imageOf(s, x));

/** Images for any host key set, including machine 1's key alone. */
export const arbAnyImage: fc.Arbitrary<TestImage> = fc
  .tuple(arbShape(fc.shuffledSubarray([0, 1, 2], { minLength: 1 })), arbSecrets)
  .map(([s, x]) => imageOf(s, x));

/** Encrypted images (PCF bit 35 clear) for this machine: their plaintext is secret. */
export const arbEncryptedImage: fc.Arbitrary<TestImage> = fc
  .tuple(arbShape().map((s) => ({ ...s, noDecryption: false })), arbSecrets)
  .map(([s, x]) => imageOf(s, x));

/**
 * `image`'s header with every key slot's PHKH replaced by host key `host`'s, resealed by the
 * owner (it knows the header key): the slots still wrap the header key for their own hosts, but
 * name another. A firmware must not open a slot that does not name its own key.
 */
export function relabelledHeader(image: TestImage, host: number): Uint8Array {
  const decoded = decodeHeader(image.header);
  if (!decoded.ok) throw new Error('test headers decode');
  const old = decoded.value;
  const label = phkh(SUITE, hostPublic(host));
  const headerKey = image.secrets[0] ?? new Uint8Array(32);
  const relabelled: SeHeader = { ...old, keySlots: old.keySlots.map((s) => ({ ...s, phkh: label })) };
  const sealed = BUILD_SUITE.aesGcmEncrypt(headerKey, old.iv, image.encryptedArea, headerAad(relabelled));
  const out = encodeHeader({ ...relabelled, encryptedArea: sealed.ciphertext, tag: sealed.tag });
  // Stryker disable next-line all: a fixture self-check
  if (equalBytes(out, image.header) && !image.hosts.every((h) => h === host)) throw new Error('relabelling changed nothing');
  return out;
}

const nepHeaders = new WeakMap<TestImage, Uint8Array>();

/**
 * `image`'s header as its owner resealed it (it knows the header key) with NEP one more than the
 * image's pages: every page unpacks, PLD, ALD and TLD match, and verify must refuse the count
 * (NEP_MISMATCH). Made once per image.
 */
export function nepHeader(image: TestImage): Uint8Array {
  const made = nepHeaders.get(image);
  if (made !== undefined) return made;
  const decoded = decodeHeader(image.header);
  if (!decoded.ok) throw new Error('test headers decode');
  const old = decoded.value;
  const headerKey = image.secrets[0] ?? new Uint8Array(32);
  const claimed: SeHeader = { ...old, nep: old.nep + 1n };
  const sealed = BUILD_SUITE.aesGcmEncrypt(headerKey, old.iv, image.encryptedArea, headerAad(claimed));
  const out = encodeHeader({ ...claimed, encryptedArea: sealed.ciphertext, tag: sealed.tag });
  nepHeaders.set(image, out);
  return out;
}

/** An image, another image for the same machine, and a schedule of the hypervisor's calls. */
export interface ScheduleCase {
  readonly image: TestImage;
  readonly foreign: TestImage;
  readonly schedule: readonly Move[];
}

/** Cases for the adversarial properties: two images, and schedules over both (among them a complete foreign boot). */
export const arbCase: fc.Arbitrary<ScheduleCase> = fc
  .tuple(arbImage, arbImage)
  .chain(([image, foreign]) => arbSchedule(image.pages.length, foreign.pages.length).map((schedule) => ({ image, foreign, schedule })));

/** Cases whose two images are encrypted: for confidentiality of plaintext. */
export const arbEncryptedCase: fc.Arbitrary<ScheduleCase> = fc
  .tuple(arbEncryptedImage, arbEncryptedImage)
  .chain(([image, foreign]) => arbSchedule(image.pages.length, foreign.pages.length).map((schedule) => ({ image, foreign, schedule })));
