/**
 * The fixed images the vectors are made of: built by the owner's side of the model
 * (properties/image-unpack/fixtures.ts `imageOf`, on model/se-format/image-builder.ts) from fixed
 * seeds and the host keys of the properties' configuration, and small (three to nine pages) so
 * that the whole export stays small.
 * @module
 */
import { imageOf, seededBytes, type ImageSecrets, type ImageShape, type TestImage } from '../../properties/image-unpack/fixtures.js';

const randoms = (seed: number): ImageShape['tweakRandoms'] => ({
  kernel: seededBytes(seed, 6),
  parmline: seededBytes(seed + 1, 6),
  initrd: seededBytes(seed + 2, 6),
  stage3b: seededBytes(seed + 3, 6),
});

const secrets = (seed: number): ImageSecrets => ({
  contentSeed: seed,
  headerKey: seededBytes(seed ^ 0x68e31da4, 32),
  xtsKey: seededBytes(seed ^ 0x3c6ef372, 64),
  cck: seededBytes(seed ^ 0x7f4a7c15, 32),
  iv: seededBytes(seed ^ 0x0badf00d, 12),
  customer: seed % 3,
  scf: 0x0123456789abcdefn ^ BigInt(seed),
  pswAddress: 0x10000n + 2n * BigInt(seed),
});

/** The images of the vectors. */
export interface VectorImages {
  /** Four pages (kernel, command line, two of stage3b), key slots for host key 0 (machine 0) and host key 2 (machine 1). */
  readonly own: TestImage;
  /** Three pages (kernel, two of stage3b), a key slot for host key 1 (machine 0): the other image of mixed schedules. */
  readonly foreign: TestImage;
  /** Nine pages (kernel and initrd of three pages each, command line, two of stage3b), slots for host keys 0 and 1: the long schedules' own image. */
  readonly long: TestImage;
}

let made: VectorImages | undefined;

/** The images of the vectors, built once. */
export function vectorImages(): VectorImages {
  made ??= {
    own: imageOf(
      { kernelPages: 1, kernelTail: 3000, initrdPages: 0, initrdTail: 64, parmlineLength: 24, hosts: [0, 2], noDecryption: false, tweakRandoms: randoms(11) },
      secrets(1),
    ),
    foreign: imageOf(
      { kernelPages: 1, kernelTail: 1000, initrdPages: 0, initrdTail: 64, parmlineLength: undefined, hosts: [1], noDecryption: false, tweakRandoms: randoms(21) },
      secrets(2),
    ),
    long: imageOf(
      { kernelPages: 3, kernelTail: 2000, initrdPages: 3, initrdTail: 500, parmlineLength: 40, hosts: [1, 0], noDecryption: false, tweakRandoms: randoms(31) },
      secrets(3),
    ),
  };
  return made;
}
