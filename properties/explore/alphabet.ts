/**
 * The finite world `semodel explore` searches: a small configuration (the properties' two
 * machines), two tiny images (one of two pages, one of three), and an alphabet of actions over
 * guests 1..G: for the platform create-guest (good, unknown machine, bad size) and destroy-guest;
 * for image-unpack also every header (own, foreign, one claiming a page more, one with a flipped
 * bit), every honest page, a flipped, a misaligned, a moved and a foreign page, verify and start.
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { Action, WorldConfig } from '../../model/platform/index.js';
import { CONFIG, imageOf, MACHINE, nepHeader, type ImageSecrets, type ImageShape, type TestImage } from '../image-unpack/fixtures.js';

/** Mechanisms explore has an alphabet for. */
export const EXPLORABLE = ['platform', 'image-unpack'] as const;
/** A mechanism explore has an alphabet for. */
export type Explorable = (typeof EXPLORABLE)[number];

/** One letter of the alphabet: a name for reports and the action. */
export interface Letter {
  readonly name: string;
  readonly action: Action;
}

/** The world explore starts from and the actions it tries in every state. */
export interface Alphabet {
  readonly config: WorldConfig;
  readonly letters: readonly Letter[];
  /** The guests the letters address (1..G): create-guest is tried only while fewer exist. */
  readonly guests: number;
  /** The images, for the invariants (their plaintext must not reach the hypervisor). */
  readonly images: readonly TestImage[];
}

const tweaks = (b: number) => ({ kernel: new Uint8Array(6).fill(b), parmline: new Uint8Array(6).fill(b + 1), initrd: new Uint8Array(6).fill(b + 2), stage3b: new Uint8Array(6).fill(b + 3) });

function tinyImage(seed: number, kernelPages: number): TestImage {
  const shape: ImageShape = { kernelPages, kernelTail: 100, initrdPages: 0, initrdTail: 64, parmlineLength: undefined, hosts: [0], noDecryption: false, tweakRandoms: tweaks(seed) };
  const secrets: ImageSecrets = {
    contentSeed: seed,
    headerKey: new Uint8Array(32).fill(seed + 1),
    xtsKey: Uint8Array.from({ length: 64 }, (_, i) => (seed * 7 + i) & 0xff),
    cck: new Uint8Array(32).fill(seed + 2),
    iv: new Uint8Array(12).fill(seed + 3),
    customer: 0,
    scf: 0x1234_5678n + BigInt(seed),
    pswAddress: 0x10000n,
  };
  return imageOf(shape, secrets);
}

/** A page of `image`, as an unpack of `guest` would hand it over. */
function unpackOf(guest: number, image: TestImage, i: number, change: 'none' | 'flip' | 'misalign' | 'move' = 'none'): Action {
  const p = image.pages[i];
  if (p === undefined) throw new Error(`no page ${i}`);
  let page = p.stored;
  let address = p.address;
  if (change === 'flip') {
    page = Uint8Array.from(page);
    page[0] = (page[0] ?? 0) ^ 1;
  } else if (change === 'misalign') address += 8n;
  else if (change === 'move') address += BigInt(PAGE_SIZE);
  return { kind: 'unpack', guest, address, tweak: p.tweak, page };
}

/**
 * The alphabet of `mechanism` over `guests` guests.
 * @example
 * ```ts
 * const a = alphabetOf('image-unpack', 1);
 * a.letters.map((l) => l.name); // ['create-guest', ..., 'start 1']
 * ```
 */
export function alphabetOf(mechanism: Explorable, guests: number): Alphabet {
  const own = tinyImage(1, 1);
  const foreign = tinyImage(2, 2);
  const memoryPages = Math.max(own.memoryPages, foreign.memoryPages);
  const letters: Letter[] = [
    { name: 'create-guest', action: { kind: 'create-guest', machine: MACHINE, memoryPages } },
    { name: 'create-guest on no machine', action: { kind: 'create-guest', machine: 7, memoryPages } },
    { name: 'create-guest of no memory', action: { kind: 'create-guest', machine: MACHINE, memoryPages: 0 } },
  ];
  for (let g = 1; g <= guests; g++) letters.push({ name: `destroy-guest ${g}`, action: { kind: 'destroy-guest', guest: g } });
  if (mechanism === 'image-unpack') {
    for (let g = 1; g <= guests; g++) {
      const flipped = Uint8Array.from(own.header);
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
      letters.push(
        { name: `set-header ${g} own`, action: { kind: 'set-header', guest: g, header: own.header } },
        { name: `set-header ${g} foreign`, action: { kind: 'set-header', guest: g, header: foreign.header } },
        { name: `set-header ${g} nep+1`, action: { kind: 'set-header', guest: g, header: nepHeader(own) } },
        { name: `set-header ${g} flipped tag`, action: { kind: 'set-header', guest: g, header: flipped } },
      );
      own.pages.forEach((_, i) => letters.push({ name: `unpack ${g} own page ${i}`, action: unpackOf(g, own, i) }));
      foreign.pages.forEach((_, i) => letters.push({ name: `unpack ${g} foreign page ${i}`, action: unpackOf(g, foreign, i) }));
      letters.push(
        { name: `unpack ${g} own page 0 bit flipped`, action: unpackOf(g, own, 0, 'flip') },
        { name: `unpack ${g} own page 0 misaligned`, action: unpackOf(g, own, 0, 'misalign') },
        { name: `unpack ${g} own page 0 moved`, action: unpackOf(g, own, 0, 'move') },
        { name: `verify ${g}`, action: { kind: 'verify', guest: g } },
        { name: `start ${g}`, action: { kind: 'start', guest: g } },
      );
    }
  }
  return { config: CONFIG, letters, guests, images: [own, foreign] };
}
