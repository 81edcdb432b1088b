/**
 * The IPL report (IPL Information Report Block) that a secure IPL leaves for the loaded system
 * (kernel arch/s390/include/uapi/asm/ipl.h, arch/s390/boot/ipl_report.c; QEMU builds it the same
 * way): a 16-byte list header, then a components block and a certificates block, each a 16-byte
 * block header and its entries. All integers big-endian.
 *
 * | structure | layout | size |
 * |---|---|---|
 * | list header | len u32 @0 (whole list), flags u8 @4, reserved[2], version u8 @7, reserved[8] | 16 |
 * | block header | len u32 @0 (whole block), rbt u8 @4 (1 certificates, 2 components), reserved[11] | 16 |
 * | component entry | addr u64 @0, len u64 @8, flags u8 @16 (0x80 SIGNED, 0x40 VERIFIED), reserved[5], certificate_index u16 @22, reserved[8] | 32 |
 * | certificate entry | addr u64 @0, len u64 @8 | 16 |
 *
 * The reader follows the kernel's walk: a block is taken while `block + 16 < end` and
 * `block + len <= end`, unknown block types are skipped, entries run while they fit the block.
 * @module
 */
import { readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';

/** Report-block type of the certificate list (IPL_RBT_CERTIFICATES). */
export const RBT_CERTIFICATES = 1;
/** Report-block type of the component list (IPL_RBT_COMPONENTS). */
export const RBT_COMPONENTS = 2;
/** Component flag: a signature preceded the component. */
export const FLAG_SIGNED = 0x80;
/** Component flag: the signature verified. */
export const FLAG_VERIFIED = 0x40;

const LIST_HEADER = 16;
const BLOCK_HEADER = 16;
const COMPONENT_ENTRY = 32;
const CERTIFICATE_ENTRY = 16;

/** One component entry. */
export interface ReportComponent {
  readonly addr: bigint;
  readonly len: bigint;
  readonly flags: number;
  readonly certificateIndex: number;
}

/** One certificate entry: where the certificate lies and how long it is. */
export interface ReportCertificate {
  readonly addr: bigint;
  readonly len: bigint;
}

/** What an IPL report holds. */
export interface IplReport {
  readonly components: readonly ReportComponent[];
  readonly certificates: readonly ReportCertificate[];
}

/** The bytes of a report block of type `rbt` with `entries` of `size` bytes each, written by `put`. */
function block<E>(rbt: number, entries: readonly E[], size: number, put: (b: Uint8Array, at: number, e: E) => void): Uint8Array {
  const b = new Uint8Array(BLOCK_HEADER + entries.length * size);
  writeU32(b, 0, b.length);
  b[4] = rbt;
  entries.forEach((e, i) => put(b, BLOCK_HEADER + i * size, e));
  return b;
}

/** The report's bytes: list header, components block, certificates block (QEMU's order). */
export function encodeIplReport(report: IplReport): Uint8Array {
  const components = block(RBT_COMPONENTS, report.components, COMPONENT_ENTRY, (b, at, c) => {
    writeU64(b, at, c.addr);
    writeU64(b, at + 8, c.len);
    b[at + 16] = c.flags;
    b[at + 22] = (c.certificateIndex >>> 8) & 0xff;
    b[at + 23] = c.certificateIndex & 0xff;
  });
  const certificates = block(RBT_CERTIFICATES, report.certificates, CERTIFICATE_ENTRY, (b, at, c) => {
    writeU64(b, at, c.addr);
    writeU64(b, at + 8, c.len);
  });
  const out = new Uint8Array(LIST_HEADER + components.length + certificates.length);
  writeU32(out, 0, out.length);
  out.set(components, LIST_HEADER);
  out.set(certificates, LIST_HEADER + components.length);
  return out;
}

/** The entries of the block at `at` of length `len`, `size` bytes each, read by `get`. */
function entries<E>(at: number, len: number, size: number, get: (at: number) => E): E[] {
  const out: E[] = [];
  for (let e = at + BLOCK_HEADER; e + size <= at + len; e += size) out.push(get(e));
  return out;
}

/**
 * Reads a report by the kernel's walk rule; null when the list header does not fit or claims
 * more bytes than there are. A missing block reads as an empty list.
 */
export function decodeIplReport(b: Uint8Array): IplReport | null {
  if (b.length < LIST_HEADER) return null;
  const end = readU32(b, 0);
  if (end > b.length || end < LIST_HEADER) return null;
  const components: ReportComponent[] = [];
  const certificates: ReportCertificate[] = [];
  for (let at = LIST_HEADER; at + BLOCK_HEADER < end; ) {
    const len = readU32(b, at);
    // A block shorter than its header would never advance the walk (the kernel would loop): it ends it.
    if (len < BLOCK_HEADER || at + len > end) break;
    if (b[at + 4] === RBT_COMPONENTS) {
      components.push(...entries(at, len, COMPONENT_ENTRY, (e) => ({ addr: readU64(b, e), len: readU64(b, e + 8), flags: b[e + 16] ?? 0, certificateIndex: ((b[e + 22] ?? 0) << 8) | (b[e + 23] ?? 0) })));
    } else if (b[at + 4] === RBT_CERTIFICATES) {
      certificates.push(...entries(at, len, CERTIFICATE_ENTRY, (e) => ({ addr: readU64(b, e), len: readU64(b, e + 8) })));
    }
    at += len;
  }
  return { components, certificates };
}
