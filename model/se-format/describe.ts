/**
 * Plain, JSON-ready descriptions of SE headers and images: what `semodel image inspect --json`
 * prints. Names and spellings are those of the vectors' expected.json wherever they overlap:
 * u64 values as `0x` + 16 hex digits, u32 version as `0x` + 8, bytes as lower-case hex, sizes and
 * counts as numbers. Keys appear only when asked (`showSecrets`) and only for an opened header.
 * @module
 */
import { bytesToHex, concatBytes, hex64 } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { PCF_NO_DECRYPTION, SE_MAGIC_U64 } from './format.js';
import { aadLength, encodeHeader, type SeHeader } from './header-codec.js';
import { encodeEncryptedArea, type OpenedHeader, type Psw } from './header-keys.js';
import type { ParsedImage } from './image-layout.js';
import { pagePlaintext, type ImageComponent } from './image-pages.js';
import { locateStage3bArgs, type MemBlob, type Stage3bArgs } from './stage3-args.js';

/** What to include beyond the public fields. */
export interface DescribeOptions {
  /** Include the header key, XTS key, CCK, the encrypted area's plaintext and plaintext hashes. */
  readonly showSecrets?: boolean | undefined;
  /** Include one entry per page (large for large images). */
  readonly pages?: boolean | undefined;
}

/** A PSW as expected.json spells it. */
export interface PswDescription {
  /** `0x` + 16 hex digits. */
  readonly mask: string;
  /** `0x` + 16 hex digits. */
  readonly addr: string;
}

/**
 * A header, as JSON:
 * - always: `magic`, `magicAscii`, `version` (`0x00000100`), `phs`, `iv`, `nks`, `sea`, `nep`
 *   (a number, or a `0x` string beyond 2^53), `pcf`, `customerPublicKey` (160 bytes, padded as
 *   stored), `customerPublicKeyX`/`Y` (80 bytes each), `pld`, `ald`, `tld`, `keySlots[]` with
 *   `phkh`, `wrappedKey`, `tag`, `aadLength`, `encryptedAreaCiphertext`, `gcmTag`;
 * - once opened: `openedKeySlot`, `scf`, `psw` {mask, addr}, `noi`, `items` (hex, usually empty);
 * - with `showSecrets` too: `headerKey`, `xtsKey`, `cck`, `encryptedAreaPlaintext`.
 */
export interface HeaderDescription {
  readonly magic: string;
  readonly magicAscii: string;
  readonly version: string;
  readonly phs: number;
  readonly iv: string;
  readonly nks: number;
  readonly sea: number;
  readonly nep: number | string;
  readonly pcf: string;
  readonly customerPublicKey: string;
  readonly customerPublicKeyX: string;
  readonly customerPublicKeyY: string;
  readonly pld: string;
  readonly ald: string;
  readonly tld: string;
  readonly keySlots: readonly { readonly phkh: string; readonly wrappedKey: string; readonly tag: string }[];
  readonly aadLength: number;
  readonly encryptedAreaCiphertext: string;
  readonly gcmTag: string;
  readonly openedKeySlot?: number;
  readonly scf?: string;
  readonly psw?: PswDescription;
  readonly noi?: number;
  readonly items?: string;
  readonly headerKey?: string;
  readonly xtsKey?: string;
  readonly cck?: string;
  readonly encryptedAreaPlaintext?: string;
}

const pswOf = (p: Psw): PswDescription => ({ mask: hex64(p.mask), addr: hex64(p.addr) });
const count = (n: bigint): number | string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : hex64(n));

/** Describes a header; with `opened` (from openHeader) also its encrypted area. */
export function describeHeader(header: SeHeader, opened?: OpenedHeader, options: DescribeOptions = {}): HeaderDescription {
  const bytes = encodeHeader(header);
  const key = bytes.subarray(0x40, 0xe0);
  const base: HeaderDescription = {
    magic: hex64(SE_MAGIC_U64),
    magicAscii: 'IBMSecEx',
    version: `0x${header.version.toString(16).padStart(8, '0')}`,
    phs: header.phs,
    iv: bytesToHex(header.iv),
    nks: header.nks,
    sea: header.sea,
    nep: count(header.nep),
    pcf: hex64(header.pcf),
    customerPublicKey: bytesToHex(key),
    customerPublicKeyX: bytesToHex(key.subarray(0, 80)),
    customerPublicKeyY: bytesToHex(key.subarray(80)),
    pld: bytesToHex(header.pld),
    ald: bytesToHex(header.ald),
    tld: bytesToHex(header.tld),
    keySlots: header.keySlots.map((s) => ({ phkh: bytesToHex(s.phkh), wrappedKey: bytesToHex(s.wrappedKey), tag: bytesToHex(s.tag) })),
    aadLength: aadLength(header.keySlots.length),
    encryptedAreaCiphertext: bytesToHex(header.encryptedArea),
    gcmTag: bytesToHex(header.tag),
  };
  if (opened === undefined) return base;
  const s = opened.secrets;
  const withOpened: HeaderDescription = {
    ...base,
    openedKeySlot: opened.slotIndex,
    scf: hex64(s.scf),
    psw: pswOf(s.psw),
    noi: s.noi,
    items: bytesToHex(s.items),
  };
  if (options.showSecrets !== true) return withOpened;
  return {
    ...withOpened,
    headerKey: bytesToHex(opened.headerKey),
    xtsKey: bytesToHex(s.xtsKey),
    cck: bytesToHex(s.cck),
    encryptedAreaPlaintext: bytesToHex(encodeEncryptedArea(s)),
  };
}

/** The boot area of an image, as expected.json's `layout` spells it. */
export interface LayoutDescription {
  readonly shortPswFileOffset: string;
  readonly shortPsw: string;
  readonly stage3aOffset: string;
  readonly stage3aArgsOffset: string;
  readonly stage3aArgs: { readonly hdrOffs: string; readonly hdrSize: number; readonly ipibOffs: string };
  readonly ipibOffset: string;
  readonly headerOffset: string;
  readonly headerSize: number;
  readonly firstComponentOffset: string;
  readonly imageEnd: string;
  readonly fileOffsetEqualsGuestAddress: boolean;
}

/** The IPIB, as expected.json's `ipib` spells it (`sha256` over its `len` bytes). */
export interface IpibDescription {
  readonly len: number;
  readonly version: number;
  readonly pbt: number;
  readonly blk0Len: number;
  readonly numComp: number;
  readonly pvHdrAddr: string;
  readonly pvHdrSize: number;
  readonly components: readonly { readonly tweakPref: string; readonly addr: string; readonly len: number }[];
  readonly sha256: string;
}

/** Stage3b's arguments, read from the decrypted stage3b (needs an opened header). */
export interface Stage3bArgsDescription {
  readonly kernel: { readonly addr: string; readonly size: number };
  readonly cmdline: { readonly addr: string; readonly size: number };
  readonly initrd: { readonly addr: string; readonly size: number };
  readonly psw: PswDescription;
  /** Where the arguments start inside stage3b: its original length − 64. */
  readonly offsetInStage3b: number;
}

/**
 * One secured component: `kind`, `tweakIndex` (its position), `guestAddress` = `fileOffset`,
 * `length` (whole pages), `originalLength` (from stage3b's arguments, once opened),
 * `tweakPrefix` (u64), `tweakRandom` (6 bytes), `pageCount`, `tweaks[]`, `storedSha256`, and with
 * `showSecrets` `plaintextSha256` (over the padded plaintext).
 */
export interface ComponentDescription {
  readonly kind: string;
  readonly tweakIndex: number;
  readonly guestAddress: string;
  readonly fileOffset: string;
  readonly length: number;
  readonly originalLength?: number;
  readonly tweakPrefix: string;
  readonly tweakRandom: string;
  readonly pageCount: number;
  readonly tweaks: readonly string[];
  readonly storedSha256: string;
  readonly plaintextSha256?: string;
}

/** One secured page (with the `pages` option). */
export interface PageDescription {
  readonly index: number;
  readonly component: string;
  readonly pageInComponent: number;
  readonly guestAddress: string;
  readonly fileOffset: string;
  readonly tweak: string;
  /** SHA-256 of the stored bytes (ciphertext, or plaintext under PCF bit 35). */
  readonly ciphertextSha256: string;
  readonly storedEncrypted: boolean;
  /** With `showSecrets` and an opened header. */
  readonly plaintextSha256?: string;
}

/**
 * An image as JSON: `imageSize`, `header` ({@link HeaderDescription}), and for a whole image (not
 * a header alone) `layout`, `ipib`, `components[]`; `stage3bArgs` once opened; `pages[]` on request.
 */
export interface ImageDescription {
  readonly imageSize: number;
  readonly header: HeaderDescription;
  readonly layout?: LayoutDescription;
  readonly ipib?: IpibDescription;
  readonly stage3bArgs?: Stage3bArgsDescription;
  readonly components: readonly ComponentDescription[];
  readonly pages?: readonly PageDescription[];
}

const blobOf = (b: MemBlob): { addr: string; size: number } => ({ addr: hex64(b.addr), size: Number(b.size) });

/** Stage3b's arguments from the decrypted last component, if the header is opened. */
function stage3bArgsOf(
  suite: CryptoSuite,
  parsed: ParsedImage,
  opened: OpenedHeader,
): { args: Stage3bArgs; originalLength: number; component: ImageComponent } | undefined {
  // genprotimg puts stage3b last; an image without a stage3b-labelled component gets its last one tried.
  const stage3bs = parsed.components.filter((c) => c.kind === 'stage3b');
  const component = stage3bs[stage3bs.length - 1] ?? parsed.components[parsed.components.length - 1];
  if (component === undefined) return undefined;
  const first = parsed.pages.findIndex((p) => p.address === component.guestAddress);
  const plain: Uint8Array[] = [];
  for (const page of parsed.pages.slice(first, first + component.tweaks.length)) {
    const p = pagePlaintext(suite, opened.secrets.xtsKey, parsed.header.pcf, page);
    if (p === undefined) return undefined;
    plain.push(p);
  }
  const found = locateStage3bArgs(concatBytes(...plain));
  return found === undefined ? undefined : { ...found, component };
}

/** The original length stage3b's arguments give a component, if its address matches. */
function originalLengthOf(c: ImageComponent, s: { args: Stage3bArgs; originalLength: number; component: ImageComponent }): number | undefined {
  if (c === s.component) return s.originalLength;
  const blob = c.kind === 'kernel' ? s.args.kernel : c.kind === 'parmline' ? s.args.cmdline : c.kind === 'initrd' ? s.args.initrd : undefined;
  return blob !== undefined && blob.addr === c.guestAddress ? Number(blob.size) : undefined;
}

/**
 * Describes a parsed image (or header alone). With `opened` (the header opened by a host key)
 * it also reads stage3b's arguments, and so the components' original lengths.
 */
export function describeImage(suite: CryptoSuite, parsed: ParsedImage, opened?: OpenedHeader, options: DescribeOptions = {}): ImageDescription {
  const header = describeHeader(parsed.header, opened, options);
  const secrets = options.showSecrets === true && opened !== undefined;
  const plainOf = (i: number): Uint8Array | undefined => {
    const page = parsed.pages[i];
    return secrets && page !== undefined ? pagePlaintext(suite, opened.secrets.xtsKey, parsed.header.pcf, page) : undefined;
  };
  const s3b = opened === undefined ? undefined : stage3bArgsOf(suite, parsed, opened);

  let pageIndex = 0;
  const components = parsed.components.map((c, tweakIndex): ComponentDescription => {
    const first = pageIndex;
    pageIndex += c.tweaks.length;
    const stored = parsed.pages.slice(first, pageIndex).map((p) => p.stored);
    const original = c.originalLength ?? (s3b === undefined ? undefined : originalLengthOf(c, s3b));
    const plain = secrets ? c.tweaks.map((_, k) => plainOf(first + k) ?? new Uint8Array(0)) : undefined;
    return {
      kind: c.kind,
      tweakIndex,
      guestAddress: hex64(c.guestAddress),
      fileOffset: hex64(c.guestAddress),
      length: c.length,
      ...(original === undefined ? {} : { originalLength: original }),
      tweakPrefix: hex64(c.tweakPrefix),
      tweakRandom: hex64(c.tweakPrefix).slice(6),
      pageCount: c.tweaks.length,
      tweaks: c.tweaks.map(bytesToHex),
      storedSha256: bytesToHex(suite.sha256(...stored)),
      ...(plain === undefined ? {} : { plaintextSha256: bytesToHex(suite.sha256(...plain)) }),
    };
  });

  const boot = parsed.boot;
  const firstComponent = parsed.components[0];
  const encrypted = (parsed.header.pcf & PCF_NO_DECRYPTION) === 0n;
  return {
    imageSize: parsed.imageSize,
    header,
    ...(boot === undefined
      ? {}
      : {
          layout: {
            shortPswFileOffset: hex64(0n),
            shortPsw: hex64(boot.shortPsw),
            stage3aOffset: hex64(0x10000n),
            stage3aArgsOffset: hex64(BigInt(boot.stage3aArgsOffset)),
            stage3aArgs: {
              hdrOffs: hex64(boot.stage3aArgs.hdrOffs),
              hdrSize: Number(boot.stage3aArgs.hdrSize),
              ipibOffs: hex64(boot.stage3aArgs.ipibOffs),
            },
            ipibOffset: hex64(BigInt(boot.ipibOffset)),
            headerOffset: hex64(BigInt(parsed.headerOffset)),
            headerSize: parsed.header.phs,
            firstComponentOffset: hex64(firstComponent?.guestAddress ?? 0n),
            imageEnd: hex64(BigInt(parsed.imageSize)),
            fileOffsetEqualsGuestAddress: true,
          },
          ipib: {
            len: boot.ipib.len,
            version: boot.ipib.version,
            pbt: boot.ipib.pbt,
            blk0Len: boot.ipib.blk0Len,
            numComp: boot.ipib.numComp,
            pvHdrAddr: hex64(boot.ipib.pvHdrAddr),
            pvHdrSize: Number(boot.ipib.pvHdrSize),
            components: boot.ipib.components.map((c) => ({ tweakPref: hex64(c.tweakPref), addr: hex64(c.addr), len: Number(c.len) })),
            sha256: bytesToHex(suite.sha256(boot.ipibBytes)),
          },
        }),
    ...(s3b === undefined
      ? {}
      : {
          stage3bArgs: {
            kernel: blobOf(s3b.args.kernel),
            cmdline: blobOf(s3b.args.cmdline),
            initrd: blobOf(s3b.args.initrd),
            psw: pswOf(s3b.args.psw),
            offsetInStage3b: s3b.originalLength - 64,
          },
        }),
    components,
    ...(options.pages !== true
      ? {}
      : {
          pages: describePages(suite, parsed, encrypted, plainOf),
        }),
  };
}

function describePages(
  suite: CryptoSuite,
  parsed: ParsedImage,
  encrypted: boolean,
  plainOf: (i: number) => Uint8Array | undefined,
): PageDescription[] {
  const out: PageDescription[] = [];
  parsed.components.forEach((c) => {
    c.tweaks.forEach((tweak, k) => {
      const index = out.length;
      const page = parsed.pages[index];
      if (page === undefined) return;
      const plain = plainOf(index);
      out.push({
        index,
        component: c.kind,
        pageInComponent: k,
        guestAddress: hex64(page.address),
        fileOffset: hex64(page.address),
        tweak: bytesToHex(tweak),
        ciphertextSha256: bytesToHex(suite.sha256(page.stored)),
        storedEncrypted: encrypted,
        ...(plain === undefined ? {} : { plaintextSha256: bytesToHex(suite.sha256(plain)) }),
      });
    });
  });
  return out;
}
