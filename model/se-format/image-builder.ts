/**
 * The image owner's side: builds an SE image exactly as IBM's genprotimg v2.35.0 lays it out,
 * pure and deterministic (all randomness is input; {@link deriveBuildSecrets} derives it from a
 * seed). With the keys, IV, customer key and tweak randoms of a real image, the output is that
 * image byte for byte.
 *
 * Layout (file offset = guest address):
 * - 0x0: short PSW = default mask | bit 12 | stage3a entry (0x11000);
 * - 0x10000: stage3a, its last 24 bytes replaced by {hdrOffs, hdrSize, ipibOffs}, offsets
 *   relative to those arguments;
 * - PAGE_ALIGN(stage3a end): the IPIB (one page); the next page(s): the header;
 * - then the secured components, each page-aligned, in order kernel, parmline, initrd, further
 *   components, stage3b; an empty component still takes one page.
 * @module
 */
import { PAGE_SIZE, pageAlign, utf8ToBytes, writeU64, zeroPad } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import {
  CCK_SIZE,
  DEFAULT_KERNEL_PSW_ADDR,
  DEFAULT_PCF,
  DEFAULT_PSW_MASK,
  DEFAULT_SCF,
  HEADER_KEY_SIZE,
  IV_SIZE,
  MAX_HEADER_SIZE,
  P521_COORDINATE_SIZE,
  PCF_NO_DECRYPTION,
  SHORT_PSW_BIT12,
  STAGE3A_ARGS_SIZE,
  STAGE3A_ENTRY,
  STAGE3A_LOAD_ADDRESS,
  STAGE3B_ARGS_SIZE,
  TWEAK_PREFIX,
  TWEAK_RANDOM_SIZE,
  XTS_KEY_SIZE,
} from './format.js';
import { encodeHeader, headerSize, type SeHeader } from './header-codec.js';
import { sealHeader, type BuildError, type CustomerKey } from './header-keys.js';
import { decodeIpib, encodeIpib, ipibSize, MAX_IPIB_COMPONENTS, type Ipib } from './ipib-codec.js';
import { addPage, componentTweaks, finishDigests, startDigests, tweakPrefixOf, type ComponentKind, type ImageComponent, type ImageDigests, type ImagePage } from './image-pages.js';
import { encodeStage3aArgs, encodeStage3bArgs, NO_BLOB, type MemBlob, type Stage3aArgs, type Stage3bArgs } from './stage3-args.js';
import { standInStage3a, standInStage3b } from './stand-in-loaders.js';

/** The 6 random tweak bytes of each standard component. */
export interface TweakRandoms {
  readonly kernel: Uint8Array;
  readonly parmline: Uint8Array;
  readonly initrd: Uint8Array;
  readonly stage3b: Uint8Array;
}

/**
 * A further secured component, placed after the initrd and before stage3b. Its tweak prefix is
 * the caller's: the image's u64 tweak prefixes must increase strictly in image order (QEMU and
 * genprotimg require it), so with genprotimg's prefixes 0–3 there is no room for one; give the
 * standard components other prefixes with `tweakPrefixes` (for example stage3b = 0x10 and
 * further components 3…0xf).
 */
export interface ExtraComponent {
  readonly bytes: Uint8Array;
  /** The u16 component prefix. */
  readonly tweakPrefix: number;
  /** 6 random bytes. */
  readonly tweakRandom: Uint8Array;
}

/** Everything random in an image: keys, IV, customer key and tweak randoms. */
export interface BuildSecrets {
  /** Header key (AES-256-GCM), 32 bytes. */
  readonly headerKey: Uint8Array;
  /** Image key (AES-256-XTS), 64 bytes. */
  readonly xtsKey: Uint8Array;
  /** Customer communication key, 32 bytes. */
  readonly cck: Uint8Array;
  /** Header GCM IV, 12 bytes. */
  readonly iv: Uint8Array;
  readonly tweakRandoms: TweakRandoms;
  readonly customer: CustomerKey;
}

/** What {@link buildImage} builds from. Optional fields may also be given as `undefined`. */
export interface ImageBuildInput extends BuildSecrets {
  readonly kernel: Uint8Array;
  /** The kernel command line; the component is its UTF-8 bytes and one NUL. Absent: no component. */
  readonly parmline?: string | Uint8Array | undefined;
  /** The initial RAM disk. Absent: no component. */
  readonly initrd?: Uint8Array | undefined;
  readonly extraComponents?: readonly ExtraComponent[] | undefined;
  /** The stage3a loader template; default the stand-in. */
  readonly stage3a?: Uint8Array | undefined;
  /** The stage3b loader template; default the stand-in. */
  readonly stage3b?: Uint8Array | undefined;
  /** The hosts the image is for: one key slot each, in this order. */
  readonly hostKeys: readonly EcPoint[];
  /** Plaintext control flags; default 0xE0. */
  readonly pcf?: bigint | undefined;
  /** Secret control flags; default 0. */
  readonly scf?: bigint | undefined;
  /**
   * Address of the kernel entry PSW that stage3b loads (genprotimg's `--x-psw`); default
   * 0x10000. The header's PSW always points at stage3b.
   */
  readonly pswAddress?: bigint | undefined;
  /** Component prefixes other than genprotimg's 0, 1, 2, 3. */
  readonly tweakPrefixes?: Partial<Record<'kernel' | 'parmline' | 'initrd' | 'stage3b', number>> | undefined;
}

/** Where everything of a built image is. Addresses are guest addresses (= file offsets). */
export interface ImageLayout {
  /** The 8 bytes at offset 0. */
  readonly shortPsw: bigint;
  readonly stage3aAddress: bigint;
  readonly stage3aArgsAddress: bigint;
  readonly stage3aArgs: Stage3aArgs;
  readonly ipibAddress: bigint;
  readonly ipib: Ipib;
  readonly headerAddress: bigint;
  readonly headerSize: number;
  readonly stage3bArgs: Stage3bArgs;
  /** The secured components in image order. */
  readonly components: readonly ImageComponent[];
  /** Every secured page in component order; `stored` views the image's bytes. */
  readonly pages: readonly ImagePage[];
  readonly imageSize: number;
}

/**
 * A built image as consecutive chunks: written one after the other they are the image file.
 * Encrypted pages are the cipher's own outputs, not copied into one buffer, so that a large image
 * can be streamed to a file with one copy of it in memory.
 */
export interface BuiltImageChunks {
  /** Consecutive pieces of the image, from offset 0 to `layout.imageSize`. */
  readonly chunks: readonly Uint8Array[];
  readonly headerBytes: Uint8Array;
  readonly header: SeHeader;
  readonly layout: ImageLayout;
}

/** A built image: its bytes, its header, and its layout. */
export interface BuiltImage extends BuiltImageChunks {
  readonly image: Uint8Array;
}

interface ComponentSpec {
  readonly kind: ComponentKind;
  readonly bytes: Sized;
  /** The bytes when the builder makes them (the parmline). */
  readonly made?: Uint8Array;
  readonly prefix: number;
  readonly random: Uint8Array;
}

const U64_LIMIT = 1n << 64n;

function fail(field: string, message: string): Result<never, BuildError> {
  return err({ field, message });
}

/** The first problem of the input's sizes and ranges, before any work is done. */
function inputError(input: ImagePlanInput, stage3a: Uint8Array, stage3b: Uint8Array, specs: readonly ComponentSpec[]): BuildError | undefined {
  const sizes: readonly (readonly [string, Uint8Array, number])[] = [
    ['headerKey', input.headerKey, HEADER_KEY_SIZE],
    ['xtsKey', input.xtsKey, XTS_KEY_SIZE],
    ['cck', input.cck, CCK_SIZE],
    ['iv', input.iv, IV_SIZE],
  ];
  for (const [field, value, size] of sizes) {
    if (value.length !== size) return { field, message: `must be ${size} bytes, got ${value.length}` };
  }
  if (stage3a.length < STAGE3A_ARGS_SIZE) return { field: 'stage3a', message: `must hold at least its ${STAGE3A_ARGS_SIZE}-byte arguments` };
  if (stage3b.length <= STAGE3B_ARGS_SIZE) return { field: 'stage3b', message: `must be longer than its ${STAGE3B_ARGS_SIZE}-byte arguments` };
  for (const [field, v] of [['pcf', input.pcf], ['scf', input.scf], ['pswAddress', input.pswAddress]] as const) {
    if (v !== undefined && (v < 0n || v >= U64_LIMIT)) return { field, message: 'must be a u64' };
  }
  if (input.hostKeys.length === 0) return { field: 'hostKeys', message: 'an image needs at least one host key' };
  // Stryker disable next-line EqualityOperator: headerSize(n) = 560 + 80·n is never exactly MAX_HEADER_SIZE (8192), so > and >= agree
  if (headerSize(input.hostKeys.length) > MAX_HEADER_SIZE) {
    return { field: 'hostKeys', message: `${input.hostKeys.length} key slots make the header larger than ${MAX_HEADER_SIZE} bytes` };
  }
  if (specs.length > MAX_IPIB_COMPONENTS) return { field: 'extraComponents', message: `at most ${MAX_IPIB_COMPONENTS} components fit in the IPIB` };
  for (const [i, s] of specs.entries()) {
    const name = s.kind === 'extra' ? `extraComponents[${i - specs.findIndex((x) => x.kind === 'extra')}]` : `tweakRandoms.${s.kind}`;
    if (s.random.length !== TWEAK_RANDOM_SIZE) return { field: name, message: `tweak random must be ${TWEAK_RANDOM_SIZE} bytes` };
    if (!Number.isInteger(s.prefix) || s.prefix < 0 || s.prefix > 0xffff) return { field: name, message: 'tweak prefix must be a u16' };
    const prev = specs[i - 1];
    if (prev !== undefined && tweakPrefixOf(s.prefix, s.random) <= tweakPrefixOf(prev.prefix, prev.random)) {
      return { field: name, message: 'tweak prefixes must increase strictly from component to component' };
    }
  }
  return undefined;
}

/** The components in image order, stage3b (filled in later) last. */
function componentSpecs(input: ImagePlanInput, stage3b: Uint8Array): ComponentSpec[] {
  const prefix = { ...TWEAK_PREFIX, ...input.tweakPrefixes };
  const r = input.tweakRandoms;
  const specs: ComponentSpec[] = [{ kind: 'kernel', bytes: input.kernel, prefix: prefix.kernel, random: r.kernel }];
  if (input.parmline !== undefined) {
    const text = typeof input.parmline === 'string' ? utf8ToBytes(input.parmline) : input.parmline;
    const bytes = new Uint8Array(text.length + 1); // the NUL that ends the command line
    bytes.set(text);
    specs.push({ kind: 'parmline', bytes, made: bytes, prefix: prefix.parmline, random: r.parmline });
  }
  if (input.initrd !== undefined) specs.push({ kind: 'initrd', bytes: input.initrd, prefix: prefix.initrd, random: r.initrd });
  for (const x of input.extraComponents ?? []) specs.push({ kind: 'extra', bytes: x.bytes, prefix: x.tweakPrefix, random: x.tweakRandom });
  specs.push({ kind: 'stage3b', bytes: stage3b, prefix: prefix.stage3b, random: r.stage3b });
  return specs;
}

/** The components whose bytes the caller holds, in image order: kernel, initrd, further components. */
function callerComponents(input: ImageBuildInput): Uint8Array[] {
  return [input.kernel, ...(input.initrd === undefined ? [] : [input.initrd]), ...(input.extraComponents ?? []).map((x) => x.bytes)];
}

/** Pages a component of `length` bytes takes: whole pages, at least one. */
function pagesOf(length: number): number {
  return Math.max(1, pageAlign(length) / PAGE_SIZE);
}

/**
 * Builds an SE image as genprotimg v2.35.0 does. Pure and deterministic; bad input (key sizes,
 * ranges, too many components or host keys, prefixes that do not increase, an invalid customer
 * key) is a {@link BuildError}. The customer key's `agree` function, if given, is called once
 * per host key.
 */
export function buildImage(suite: CryptoSuite, input: ImageBuildInput): Result<BuiltImage, BuildError> {
  const built = buildImageChunks(suite, input);
  if (!built.ok) return built;
  const image = new Uint8Array(built.value.layout.imageSize);
  let at = 0;
  for (const c of built.value.chunks) {
    image.set(c, at);
    at += c.length;
  }
  return ok({ ...built.value, image });
}

/** {@link buildImage} without assembling the image: its chunks, in file order. */
export function buildImageChunks(suite: CryptoSuite, input: ImageBuildInput): Result<BuiltImageChunks, BuildError> {
  const pieces: { offset: number; bytes: Uint8Array }[] = [];
  const built = writeImage(suite, input, (offset, bytes) => void pieces.push({ offset, bytes }), true);
  if (!built.ok) return built;
  pieces.sort((a, b) => a.offset - b.offset);
  return ok({ ...built.value, chunks: pieces.map((p) => p.bytes) });
}

/** A component whose whole pages the builder encrypts as views of the caller's own bytes. */
export interface PlannedComponent {
  /** The caller's `kernel`, `initrd` or further component, as given (not a copy). */
  readonly bytes: Uint8Array;
  /** Its whole pages: page `i` is `bytes[i * PAGE_SIZE, (i + 1) * PAGE_SIZE)`. */
  readonly wholePages: number;
  /** Page `i` is encrypted with tweak `pageTweak(tweakPrefix, i * PAGE_SIZE)`. */
  readonly tweakPrefix: bigint;
}

/**
 * The pages {@link streamImage} and {@link buildImage} hand to `suite.aesXtsEncrypt` as views of
 * the caller's own bytes, in the order they do: the whole pages of the kernel, the initrd and
 * further components. (A last, partial page, the parmline and stage3b are made by the builder and
 * not listed.) Empty under PCF bit 35, where nothing is encrypted. A caller may encrypt these
 * pages ahead of the builder, for example on another thread, and answer the builder's calls from
 * its suite; the builder itself does not depend on it.
 */
export function plannedComponents(input: ImageBuildInput): PlannedComponent[] {
  if (((input.pcf ?? DEFAULT_PCF) & PCF_NO_DECRYPTION) !== 0n) return [];
  const own = callerComponents(input);
  return componentSpecs(input, new Uint8Array(0))
    .filter((s) => s.made === undefined && s.kind !== 'stage3b')
    .map((s, i) => {
      const bytes = own[i] ?? new Uint8Array(0); // own lists exactly these components, in this order
      return { bytes, wholePages: Math.floor(bytes.length / PAGE_SIZE), tweakPrefix: tweakPrefixOf(s.prefix, s.random) };
    });
}

/** What {@link streamImage} returns: the image's header and layout, its pages already written. */
export interface StreamedImage {
  readonly headerBytes: Uint8Array;
  readonly header: SeHeader;
  /** The layout; `pages` is empty (each page went to the sink and was not kept). */
  readonly layout: ImageLayout;
  /** Secured pages written. */
  readonly pageCount: number;
}

/**
 * Builds an image piece by piece into `sink(offset, bytes)`, keeping no page once it is written:
 * the pages first, then (once the digests are known) the short PSW, stage3a, IPIB and header.
 * The pieces tile the image exactly. For large images: peak memory is the inputs, not the image.
 */
export function streamImage(
  suite: CryptoSuite,
  input: ImageBuildInput,
  sink: (offset: number, bytes: Uint8Array) => void,
): Result<StreamedImage, BuildError> {
  const built = writeImage(suite, input, sink, false);
  if (!built.ok) return built;
  return ok({ ...built.value, pageCount: Number(built.value.header.nep) });
}

/**
 * A component's size alone: all that planning an image needs of the kernel, the initrd and the
 * further components (a `Uint8Array` is one; a streaming caller passes `{ length }` of a file).
 */
export interface Sized {
  readonly length: number;
}

/**
 * What {@link planImage} and {@link sealImage} need: an {@link ImageBuildInput} whose kernel,
 * initrd and further components may be sizes only. Every `ImageBuildInput` is one.
 */
export type ImagePlanInput = Omit<ImageBuildInput, 'kernel' | 'initrd' | 'extraComponents'> & {
  readonly kernel: Sized;
  readonly initrd?: Sized | undefined;
  readonly extraComponents?: readonly (Omit<ExtraComponent, 'bytes'> & { readonly bytes: Sized })[] | undefined;
};

/** One secured component of an {@link ImagePlan}, placed. */
export interface PlacedComponent {
  readonly kind: ComponentKind;
  /** Guest address (= file offset) of its first page. */
  readonly address: number;
  /** Pages it takes (at least one). */
  readonly pages: number;
  /** Its length before padding. */
  readonly originalLength: number;
  /** The u64 tweak prefix: page `i` is encrypted with `pageTweak(tweakPrefix, i * PAGE_SIZE)`. */
  readonly tweakPrefix: bigint;
  /**
   * The bytes when the builder made them (parmline with its NUL, stage3b with its arguments);
   * undefined for the caller's kernel, initrd and further components, which come in that order.
   */
  readonly made: Uint8Array | undefined;
}

/**
 * Where everything of an image goes, known before any page is encrypted: the secured components
 * in image order, the places of stage3a, the IPIB and the header, and the image size.
 */
export interface ImagePlan {
  readonly components: readonly PlacedComponent[];
  readonly stage3aTemplate: Uint8Array;
  readonly ipibAddress: number;
  readonly headerAddress: number;
  /** The header's size (PHS). */
  readonly headerSize: number;
  readonly stage3bArgs: Stage3bArgs;
  readonly imageSize: number;
  /** Whether pages are encrypted (PCF bit 35 clear). */
  readonly encrypt: boolean;
  readonly pcf: bigint;
}

/**
 * Validates `input` and places the image's parts; no page is read or encrypted. Pure. With
 * {@link sealImage} it is the builder without its page loop, for a caller that streams the pages
 * (reads, encrypts and digests them itself, in plan order) and must produce {@link buildImage}'s bytes.
 * @example
 * const plan = planImage({ ...secrets, kernel: { length: kernelSize }, hostKeys });
 * // ...encrypt and write every page of plan.value.components, digesting them, then:
 * const sealed = sealImage(suite, input, plan.value, digests); // the header and boot area pieces
 */
export function planImage(input: ImagePlanInput): Result<ImagePlan, BuildError> {
  const stage3aTemplate = input.stage3a ?? standInStage3a();
  const stage3bTemplate = input.stage3b ?? standInStage3b();
  const specs = componentSpecs(input, stage3bTemplate);
  const problem = inputError(input, stage3aTemplate, stage3bTemplate, specs);
  if (problem !== undefined) return err(problem);
  const pcf = input.pcf ?? DEFAULT_PCF;

  // Fixed part: stage3a, then the IPIB and the header, each on whole pages.
  const phs = headerSize(input.hostKeys.length);
  const ipibAddress = STAGE3A_LOAD_ADDRESS + pageAlign(stage3aTemplate.length);
  const headerAddress = ipibAddress + pageAlign(ipibSize(specs.length));
  let next = headerAddress + pageAlign(phs);
  const placed = specs.map((s) => {
    const address = next;
    next += pagesOf(s.bytes.length) * PAGE_SIZE;
    return { ...s, address, pages: pagesOf(s.bytes.length), tweakPrefix: tweakPrefixOf(s.prefix, s.random) };
  });
  const imageSize = next;

  // Stage3b learns where the other components are and their original sizes.
  const blob = (kind: ComponentKind): MemBlob => {
    const c = placed.find((p) => p.kind === kind);
    return c === undefined ? NO_BLOB : { addr: BigInt(c.address), size: BigInt(c.bytes.length) };
  };
  const stage3bArgs: Stage3bArgs = {
    kernel: blob('kernel'),
    cmdline: blob('parmline'),
    initrd: blob('initrd'),
    psw: { mask: DEFAULT_PSW_MASK, addr: input.pswAddress ?? DEFAULT_KERNEL_PSW_ADDR },
  };
  const stage3b = Uint8Array.from(stage3bTemplate);
  stage3b.set(encodeStage3bArgs(stage3bArgs), stage3b.length - STAGE3B_ARGS_SIZE);
  const components = placed.map((c): PlacedComponent => ({
    kind: c.kind,
    address: c.address,
    pages: c.pages,
    originalLength: c.bytes.length,
    tweakPrefix: c.tweakPrefix,
    made: c.kind === 'stage3b' ? stage3b : c.made,
  }));
  return ok({ components, stage3aTemplate, ipibAddress, headerAddress, headerSize: phs, stage3bArgs, imageSize, encrypt: (pcf & PCF_NO_DECRYPTION) === 0n, pcf });
}

/** What {@link sealImage} makes once the pages are done. */
export interface SealedImage {
  readonly headerBytes: Uint8Array;
  readonly header: SeHeader;
  /** The non-secured part as pieces at their offsets: short PSW, stage3a, IPIB, header (zero-padded up to what follows each). */
  readonly pieces: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  readonly shortPsw: bigint;
  readonly stage3aArgsAddress: number;
  readonly stage3aArgs: Stage3aArgs;
  readonly ipib: Ipib;
}

/**
 * Seals the header over the digests of every secured page, and makes the non-secured part of
 * the image (short PSW, stage3a with its arguments, IPIB, header). Pure.
 */
export function sealImage(suite: CryptoSuite, input: ImagePlanInput, plan: ImagePlan, digests: ImageDigests): Result<SealedImage, BuildError> {
  const stage3bPlaced = plan.components[plan.components.length - 1];
  // Stryker disable next-line StringLiteral: unreachable (a plan always ends with stage3b); the guard only narrows the type
  if (stage3bPlaced === undefined) return fail('stage3b', 'missing'); // cannot happen: a plan ends with stage3b
  const sealed = sealHeader(suite, {
    headerKey: input.headerKey,
    iv: input.iv,
    customer: input.customer,
    hostKeys: input.hostKeys,
    pcf: plan.pcf,
    nep: digests.nep,
    pld: digests.pld,
    ald: digests.ald,
    tld: digests.tld,
    secrets: {
      cck: input.cck,
      xtsKey: input.xtsKey,
      psw: { mask: DEFAULT_PSW_MASK, addr: BigInt(stage3bPlaced.address) },
      scf: input.scf ?? DEFAULT_SCF,
      noi: 0,
      items: new Uint8Array(0),
    },
  });
  if (!sealed.ok) return sealed;
  const headerBytes = encodeHeader(sealed.value);
  const { stage3aTemplate, ipibAddress, headerAddress } = plan;
  const phs = plan.headerSize;

  const shortPsw = DEFAULT_PSW_MASK | SHORT_PSW_BIT12 | STAGE3A_ENTRY;
  const lowCore = new Uint8Array(STAGE3A_LOAD_ADDRESS);
  writeU64(lowCore, 0, shortPsw);
  const stage3a = new Uint8Array(ipibAddress - STAGE3A_LOAD_ADDRESS);
  stage3a.set(stage3aTemplate);
  const stage3aArgsAddress = STAGE3A_LOAD_ADDRESS + stage3aTemplate.length - STAGE3A_ARGS_SIZE;
  const stage3aArgs: Stage3aArgs = {
    hdrOffs: BigInt(headerAddress - stage3aArgsAddress),
    hdrSize: BigInt(phs),
    ipibOffs: BigInt(ipibAddress - stage3aArgsAddress),
  };
  stage3a.set(encodeStage3aArgs(stage3aArgs), stage3aArgsAddress - STAGE3A_LOAD_ADDRESS);
  const ipibBytes = encodeIpib(
    plan.components.map((c) => ({ tweakPref: c.tweakPrefix, addr: BigInt(c.address), len: BigInt(c.pages * PAGE_SIZE) })),
    phs,
  );
  const ipib = decodeIpib(ipibBytes);
  // Stryker disable next-line StringLiteral: unreachable (decodeIpib accepts every encodeIpib output); the guard only narrows the type
  if (!ipib.ok) return fail('ipib', ipib.error.message); // cannot happen: encodeIpib's own output
  return ok({
    headerBytes,
    header: sealed.value,
    pieces: [
      { offset: 0, bytes: lowCore },
      { offset: STAGE3A_LOAD_ADDRESS, bytes: stage3a },
      { offset: ipibAddress, bytes: zeroPad(ipibBytes, headerAddress - ipibAddress) },
      { offset: headerAddress, bytes: zeroPad(headerBytes, pageAlign(phs)) },
    ],
    shortPsw,
    stage3aArgsAddress,
    stage3aArgs,
    ipib: ipib.value,
  });
}

/**
 * The builder's core: validates, places, encrypts and seals, handing every piece of the image to
 * `sink` as soon as it is final. With `keepPages`, the layout lists every page with its bytes.
 */
function writeImage(
  suite: CryptoSuite,
  input: ImageBuildInput,
  sink: (offset: number, bytes: Uint8Array) => void,
  keepPages: boolean,
): Result<Omit<BuiltImageChunks, 'chunks'>, BuildError> {
  const planned = planImage(input);
  if (!planned.ok) return planned;
  const plan = planned.value;
  // The caller's components, in the order the plan lists those it did not make.
  const own = callerComponents(input);
  let nextOwn = 0;

  // Secured pages, encrypted unless PCF bit 35 says plaintext; each is its own piece of the image.
  // The digests run alongside, so no page has to be kept once it is written.
  let running = startDigests(suite);
  const pages: ImagePage[] = [];
  const components: ImageComponent[] = [];
  for (const c of plan.components) {
    const bytes = c.made ?? own[nextOwn++] ?? new Uint8Array(0);
    const tweaks = componentTweaks(c.tweakPrefix, c.pages);
    tweaks.forEach((tweak, i) => {
      const at = c.address + i * PAGE_SIZE;
      // Pages are read straight from the input; only a last, partial page is zero-padded first
      // (a 64 MiB kernel is not copied once more).
      const slice = bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      const page = slice.length === PAGE_SIZE ? slice : zeroPad(slice, PAGE_SIZE);
      const stored = plan.encrypt ? suite.aesXtsEncrypt(input.xtsKey, tweak, page) : page;
      const address = BigInt(at);
      running = addPage(running, address, tweak, stored);
      sink(at, stored);
      if (keepPages) pages.push({ address, tweak, stored });
    });
    components.push({
      kind: c.kind,
      guestAddress: BigInt(c.address),
      length: c.pages * PAGE_SIZE,
      originalLength: c.originalLength,
      tweakPrefix: c.tweakPrefix,
      tweaks,
    });
  }

  const sealed = sealImage(suite, input, plan, finishDigests(running));
  if (!sealed.ok) return sealed;
  for (const p of sealed.value.pieces) sink(p.offset, p.bytes);
  const s = sealed.value;
  return ok({
    headerBytes: s.headerBytes,
    header: s.header,
    layout: {
      shortPsw: s.shortPsw,
      stage3aAddress: BigInt(STAGE3A_LOAD_ADDRESS),
      stage3aArgsAddress: BigInt(s.stage3aArgsAddress),
      stage3aArgs: s.stage3aArgs,
      ipibAddress: BigInt(plan.ipibAddress),
      ipib: s.ipib,
      headerAddress: BigInt(plan.headerAddress),
      headerSize: plan.headerSize,
      stage3bArgs: plan.stage3bArgs,
      components,
      pages,
      imageSize: plan.imageSize,
    },
  });
}

/**
 * Derives all randomness of an image from `seed` with HKDF-SHA512 (one label per value): header
 * key, XTS key, CCK, IV, the tweak randoms, and a customer P-521 scalar. Deterministic.
 */
export function deriveBuildSecrets(suite: CryptoSuite, seed: Uint8Array): BuildSecrets & { readonly customer: { readonly privateKey: Uint8Array } } {
  const salt = utf8ToBytes('semodel image-builder v1');
  const derive = (label: string, length: number): Uint8Array => suite.hkdf('sha512', seed, salt, utf8ToBytes(label), length);
  return {
    headerKey: derive('header-key', HEADER_KEY_SIZE),
    xtsKey: derive('xts-key', XTS_KEY_SIZE),
    cck: derive('cck', CCK_SIZE),
    iv: derive('iv', IV_SIZE),
    tweakRandoms: {
      kernel: derive('tweak/kernel', TWEAK_RANDOM_SIZE),
      parmline: derive('tweak/parmline', TWEAK_RANDOM_SIZE),
      initrd: derive('tweak/initrd', TWEAK_RANDOM_SIZE),
      stage3b: derive('tweak/stage3b', TWEAK_RANDOM_SIZE),
    },
    customer: { privateKey: customerScalar(suite, derive) },
  };
}

/** A valid P-521 scalar: 521 derived bits, drawn again in the (≈ 2^-260) case they reach the order. */
function customerScalar(suite: CryptoSuite, derive: (label: string, length: number) => Uint8Array): Uint8Array {
  for (let attempt = 0; attempt < 16; attempt++) {
    const d = derive(`customer-key/${attempt}`, P521_COORDINATE_SIZE);
    d[0] = (d[0] ?? 0) & 0x01; // keep 521 bits
    if (suite.ecPublicKey('p521', d) !== undefined) return d;
  }
  const one = new Uint8Array(P521_COORDINATE_SIZE); // unreachable in practice; still a valid scalar
  one[P521_COORDINATE_SIZE - 1] = 1;
  return one;
}
