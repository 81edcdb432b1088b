/**
 * Test images for the image-unpack properties: a machine with two host keys, a third host key
 * of another machine, and an arbitrary of images built by the owner's side of the model.
 * @module
 */
import fc from 'fast-check';
import { PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import { PROPERTY_SUITE } from '../suite.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import type { ImagePage } from '../../model/se-format/image-pages.js';
import { encodeStage3bArgs } from '../../model/se-format/stage3-args.js';
import { standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import type { WorldConfig } from '../../model/platform/index.js';
import { arbSchedule, type Move } from './schedules.js';

/** The suite the properties run on: noble, with its few key agreements remembered. */
export const SUITE: CryptoSuite = PROPERTY_SUITE;

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

function hostPublic(i: number): EcPoint {
  const p = SUITE.ecPublicKey('p521', HOST_SCALARS[i] ?? new Uint8Array(66));
  if (p === undefined) throw new Error('fixed host keys are valid P-521 scalars');
  return p;
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
  /** High-entropy plaintext runs planted in the components. */
  readonly canaries: readonly Uint8Array[];
  /** False when the owner built it with PCF bit 35 (stored in plaintext). */
  readonly encrypted: boolean;
  /** A guest size that holds the image with four pages to spare. */
  readonly memoryPages: number;
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** The owner's inputs of a test image. */
const arbInputs = fc.record({
  kernel: fc.uint8Array({ minLength: 32, maxLength: 3 * PAGE_SIZE }),
  parmline: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  initrd: fc.option(fc.uint8Array({ minLength: 32, maxLength: 2 * PAGE_SIZE }), { nil: undefined }),
  headerKey: bytes(32),
  xtsKey: bytes(64),
  cck: bytes(32),
  iv: bytes(12),
  tweakRandoms: fc.record({ kernel: bytes(6), parmline: bytes(6), initrd: bytes(6), stage3b: bytes(6) }),
  customer: fc.nat(CUSTOMER_SCALARS.length - 1),
  // Always at least one of this machine's keys; sometimes also the other machine's, in any order.
  hosts: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }).filter((h) => h.includes(0) || h.includes(1)),
  // One image in five is stored in plaintext (PCF bit 35).
  noDecryption: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

type Inputs = typeof arbInputs extends fc.Arbitrary<infer T> ? T : never;

/** Zero-pads `b` to whole pages and splits it into pages. */
function pagesOfBytes(b: Uint8Array): Uint8Array[] {
  const n = Math.max(1, Math.ceil(b.length / PAGE_SIZE));
  return Array.from({ length: n }, (_, i) => {
    const page = new Uint8Array(PAGE_SIZE);
    page.set(b.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
    return page;
  });
}

/** Builds the image and works out, from the inputs alone, the plaintext each page must hold. */
function toImage(x: Inputs): TestImage {
  const built = buildImage(SUITE, {
    kernel: x.kernel,
    parmline: x.parmline,
    initrd: x.initrd,
    headerKey: x.headerKey,
    xtsKey: x.xtsKey,
    cck: x.cck,
    iv: x.iv,
    tweakRandoms: x.tweakRandoms,
    customer: { privateKey: CUSTOMER_SCALARS[x.customer] ?? new Uint8Array(66) },
    hostKeys: x.hosts.map(hostPublic),
    pcf: x.noDecryption ? 0xe0n | PCF_NO_DECRYPTION : 0xe0n,
  });
  if (!built.ok) throw new Error(`test image did not build: ${built.error.field}: ${built.error.message}`);
  const { layout } = built.value;
  // The owner's plaintext per component: its input bytes (stage3b: the template with its arguments).
  const stage3b = standInStage3b();
  stage3b.set(encodeStage3bArgs(layout.stage3bArgs), stage3b.length - 64);
  const parm = x.parmline === undefined ? undefined : new Uint8Array([...utf8ToBytes(x.parmline), 0]);
  const source = { kernel: x.kernel, parmline: parm, initrd: x.initrd, stage3b } as const;
  const plaintext = new Map<number, Uint8Array>();
  for (const c of layout.components) {
    const input = c.kind in source ? source[c.kind as keyof typeof source] : undefined;
    if (input === undefined) throw new Error(`test image has an unexpected ${c.kind} component`);
    pagesOfBytes(input).forEach((page, i) => plaintext.set(Number(c.guestAddress) / PAGE_SIZE + i, page));
  }
  const lastPage = Math.max(...plaintext.keys());
  return {
    header: built.value.headerBytes,
    pages: layout.pages,
    plaintext,
    secrets: [x.headerKey, x.xtsKey, x.cck],
    canaries: [x.kernel.subarray(0, 32), ...(x.initrd === undefined ? [] : [x.initrd.subarray(0, 32)])],
    encrypted: !x.noDecryption,
    memoryPages: lastPage + 1 + 4,
  };
}

/** Images of up to eight pages, for one to three host keys, encrypted or (one in five) not. */
export const arbImage: fc.Arbitrary<TestImage> = arbInputs.map(toImage);

/** An image, another image for the same machine, and a schedule of the hypervisor's calls. */
export interface ScheduleCase {
  readonly image: TestImage;
  readonly foreign: TestImage;
  readonly schedule: readonly Move[];
}

/** Cases for the adversarial properties. */
export const arbCase: fc.Arbitrary<ScheduleCase> = fc
  .tuple(arbImage, arbImage)
  .chain(([image, foreign]) => arbSchedule(image.pages.length).map((schedule) => ({ image, foreign, schedule })));
