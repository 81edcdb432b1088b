/**
 * Parses a whole SE image file (or a header alone) into its header, boot area and secured
 * components and pages, in IPIB order, as a hypervisor would hand them to the firmware. Pure and
 * total: bad input is an error naming the field and its byte offset in the file.
 *
 * How the parts are found: the header is the first page-aligned `IBMSecEx` from 0x10000; the
 * stage3a arguments are the 24 bytes before it whose hdrOffs and hdrSize point at exactly that
 * header; their ipibOffs gives the IPIB, which must agree with the header's size (PHS).
 * @module
 */
import { equalBytes, PAGE_SIZE, readU32, readU64 } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';
import { HEADER_OFFSET, IPIB_COMPONENT_SIZE, IPIB_OFFSET, SE_MAGIC, STAGE3A_ARGS_SIZE, STAGE3A_LOAD_ADDRESS } from './format.js';
import { decodeHeader, type HeaderDecodeReason, type SeHeader } from './header-codec.js';
import { componentTweaks, kindOfPrefix, type ImageComponent, type ImagePage } from './image-pages.js';
import { decodeIpib, type Ipib } from './ipib-codec.js';
import { decodeStage3aArgs, type Stage3aArgs } from './stage3-args.js';

/** The non-secured boot area of an image: short PSW, stage3a arguments and IPIB. */
export interface BootArea {
  /** The 8 bytes at offset 0. */
  readonly shortPsw: bigint;
  /** File offset of the stage3a arguments. */
  readonly stage3aArgsOffset: number;
  readonly stage3aArgs: Stage3aArgs;
  /** File offset of the IPIB. */
  readonly ipibOffset: number;
  readonly ipib: Ipib;
  /** The IPIB's `len` bytes (a view of the input). */
  readonly ipibBytes: Uint8Array;
}

/** A parsed image, or a parsed header alone (then `boot` is undefined and there are no pages). */
export interface ParsedImage {
  /** Size of the input in bytes. */
  readonly imageSize: number;
  readonly header: SeHeader;
  /** The header's bytes (a copy). */
  readonly headerBytes: Uint8Array;
  /** File offset of the header (0 for a header alone). */
  readonly headerOffset: number;
  readonly boot: BootArea | undefined;
  /** Secured components in IPIB order; `originalLength` is unknown here. */
  readonly components: readonly ImageComponent[];
  /** Every secured page in IPIB order; `stored` views the input's bytes (no copy). */
  readonly pages: readonly ImagePage[];
}

/** An image parsing error; header errors keep the header codec's reason. */
export interface ImageLayoutError extends CodecError {
  readonly reason?: HeaderDecodeReason;
}

function fail(field: string, offset: number, message: string): Result<never, ImageLayoutError> {
  return err(codecError(field, offset, message));
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** How far before the header the stage3a arguments are looked for (stage3a and IPIB fit). */
const ARGS_SEARCH_WINDOW = 1 << 20;

function startsWithMagic(bytes: Uint8Array, offset: number): boolean {
  // Near the end the subarray is cut short, and bytes of another length are not the magic.
  return equalBytes(bytes.subarray(offset, offset + SE_MAGIC.length), SE_MAGIC);
}

/** Decodes the header at `offset` (PHS bytes, or what is left); errors carry file offsets. */
function headerAt(bytes: Uint8Array, offset: number): Result<{ header: SeHeader; headerBytes: Uint8Array }, ImageLayoutError> {
  const end = offset + HEADER_OFFSET.phs + 4 <= bytes.length ? offset + readU32(bytes, offset + HEADER_OFFSET.phs) : bytes.length;
  const headerBytes = bytes.slice(offset, Math.min(bytes.length, end));
  const decoded = decodeHeader(headerBytes);
  if (!decoded.ok) {
    const e = decoded.error;
    return err({ ...e, field: offset === 0 ? e.field : `header.${e.field}`, offset: offset + e.offset });
  }
  return ok({ header: decoded.value, headerBytes });
}

/** The stage3a arguments that point at the header at `headerOffset`, nearest to it first. */
function findStage3aArgs(bytes: Uint8Array, headerOffset: number, phs: number): { offset: number; args: Stage3aArgs } | undefined {
  const lowest = Math.max(STAGE3A_LOAD_ADDRESS, headerOffset - ARGS_SEARCH_WINDOW);
  for (let p = headerOffset - STAGE3A_ARGS_SIZE; p >= lowest; p--) {
    if (readU64(bytes, p) !== BigInt(headerOffset - p)) continue;
    const args = decodeStage3aArgs(bytes, p);
    if (args !== undefined && args.hdrSize === BigInt(phs)) return { offset: p, args };
  }
  return undefined;
}

/**
 * Parses an image file (file offset = guest address) or, when the bytes start with the magic,
 * a header alone. Never throws.
 */
export function parseImage(bytes: Uint8Array): Result<ParsedImage, ImageLayoutError> {
  if (startsWithMagic(bytes, 0)) {
    const h = headerAt(bytes, 0);
    if (!h.ok) return h;
    return ok({ imageSize: bytes.length, ...h.value, headerOffset: 0, boot: undefined, components: [], pages: [] });
  }
  if (bytes.length < 8) return fail('shortPsw', 0, `${bytes.length} bytes: neither an SE header nor an image`);

  let headerOffset = -1;
  // Stryker disable next-line ArithmeticOperator: (`p - SE_MAGIC.length`) a loop running further only tries offsets where startsWithMagic is false
  for (let p = STAGE3A_LOAD_ADDRESS; p + SE_MAGIC.length <= bytes.length; p += PAGE_SIZE) {
    if (startsWithMagic(bytes, p)) {
      headerOffset = p;
      break;
    }
  }
  // Stryker disable next-line EqualityOperator: headerOffset is -1 or at least 0x10000, never 0
  if (headerOffset < 0) {
    return fail('header', STAGE3A_LOAD_ADDRESS, `no SE header magic "IBMSecEx" at any page boundary from ${hex(STAGE3A_LOAD_ADDRESS)} to the end (${hex(bytes.length)})`);
  }
  const h = headerAt(bytes, headerOffset);
  if (!h.ok) return h;
  const { header } = h.value;

  const found = findStage3aArgs(bytes, headerOffset, header.phs);
  if (found === undefined) {
    return fail('stage3aArgs', STAGE3A_LOAD_ADDRESS, `no stage3a arguments {hdrOffs, hdrSize, ipibOffs} point at the header at ${hex(headerOffset)}`);
  }
  const ipibAt = BigInt(found.offset) + found.args.ipibOffs;
  if (found.args.ipibOffs < BigInt(STAGE3A_ARGS_SIZE) || ipibAt >= BigInt(bytes.length)) {
    return fail('stage3aArgs.ipibOffs', found.offset + 16, `IPIB offset ${hex(found.args.ipibOffs)} points outside the image`);
  }
  const ipibOffset = Number(ipibAt);
  const ipib = decodeIpib(bytes.subarray(ipibOffset, Math.min(bytes.length, ipibOffset + PAGE_SIZE)), ipibOffset);
  if (!ipib.ok) return ipib;
  if (ipib.value.pvHdrSize !== BigInt(header.phs)) {
    return fail('ipib.pvHdrSize', ipibOffset + IPIB_OFFSET.pvHdrSize, `IPIB header size ${ipib.value.pvHdrSize} ≠ the header's PHS ${header.phs}`);
  }

  const components: ImageComponent[] = [];
  const pages: ImagePage[] = [];
  let previousEnd = 0n;
  for (const [i, c] of ipib.value.components.entries()) {
    const at = ipibOffset + IPIB_OFFSET.components + i * IPIB_COMPONENT_SIZE;
    const field = `ipib.components[${i}]`;
    if (c.addr % BigInt(PAGE_SIZE) !== 0n) return fail(`${field}.addr`, at + 8, `address ${hex(c.addr)} is not page-aligned`);
    if (c.addr < previousEnd) return fail(`${field}.addr`, at + 8, `address ${hex(c.addr)} overlaps the previous component`);
    if (c.len === 0n || c.len % BigInt(PAGE_SIZE) !== 0n) return fail(`${field}.len`, at + 16, `length ${hex(c.len)} is not a positive number of pages`);
    if (c.addr + c.len > BigInt(bytes.length)) {
      return fail(`${field}.len`, at + 16, `component ${hex(c.addr)} + ${hex(c.len)} runs past the end of the image (${hex(bytes.length)})`);
    }
    previousEnd = c.addr + c.len;
    const address = Number(c.addr);
    const count = Number(c.len) / PAGE_SIZE;
    const tweaks = componentTweaks(c.tweakPref, count);
    tweaks.forEach((tweak, k) => {
      const start = address + k * PAGE_SIZE;
      pages.push({ address: BigInt(start), tweak, stored: bytes.subarray(start, start + PAGE_SIZE) });
    });
    components.push({ kind: kindOfPrefix(Number(c.tweakPref >> 48n)), guestAddress: c.addr, length: Number(c.len), tweakPrefix: c.tweakPref, tweaks });
  }

  return ok({
    imageSize: bytes.length,
    ...h.value,
    headerOffset,
    boot: {
      shortPsw: readU64(bytes, 0),
      stage3aArgsOffset: found.offset,
      stage3aArgs: found.args,
      ipibOffset,
      ipib: ipib.value,
      ipibBytes: bytes.subarray(ipibOffset, ipibOffset + ipib.value.len),
    },
    components,
    pages,
  });
}
