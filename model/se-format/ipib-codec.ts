/**
 * The IPL parameter block of type PV (IPIB) that genprotimg places after stage3a: it lists the
 * secured components (tweak prefix, address, page-aligned length) and the header's size. Layout
 * as Linux' `struct ipl_parameter_block` with `struct ipl_pb0_pv`; field names follow expected.json.
 * @module
 */
import { readU32, readU64, writeU32, writeU64 } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';
import {
  IPIB_COMPONENT_SIZE,
  IPIB_MAX_SIZE,
  IPIB_OFFSET,
  IPIB_PV_BLOCK_SIZE,
  IPL_PARM_BLOCK_VERSION,
  IPL_PL_HDR_SIZE,
  IPL_TYPE_PV,
} from './format.js';

/** One component entry of the IPIB. */
export interface IpibComponent {
  /** Tweak prefix u64: component prefix (u16) ‖ 6 random bytes. */
  readonly tweakPref: bigint;
  /** Guest address of the component (page-aligned). */
  readonly addr: bigint;
  /** Length of the component in the image (page-aligned). */
  readonly len: bigint;
}

/** A decoded PV IPIB. */
export interface Ipib {
  /** Length of the whole parameter block (genprotimg: at least one page). */
  readonly len: number;
  readonly flags: number;
  /** Parameter block version (1). */
  readonly version: number;
  /** Length of the PV block: 0x80 + 24 · numComp. */
  readonly blk0Len: number;
  /** Parameter block type: 5 (PV). */
  readonly pbt: number;
  /** Version byte of the PV block. */
  readonly pvVersion: number;
  readonly numComp: number;
  /** Header address: 0 in the image, stage3a fills it in at boot. */
  readonly pvHdrAddr: bigint;
  /** Header size: the header's PHS. */
  readonly pvHdrSize: bigint;
  readonly components: readonly IpibComponent[];
}

/** Bytes genprotimg gives an IPIB of `numComp` components: its content, at least one page. */
export function ipibSize(numComp: number): number {
  return Math.max(IPL_PL_HDR_SIZE + IPIB_PV_BLOCK_SIZE + numComp * IPIB_COMPONENT_SIZE, IPIB_MAX_SIZE);
}

/**
 * The most components one IPIB page can list: (4096 − 8 − 0x80) / 24, rounded down = 165
 * (test/image-unpack/boot-area-codecs.test.ts checks it against {@link ipibSize}).
 */
// Stryker disable next-line all: evaluated once at load time, out of reach of per-test mutation runs; the test above pins its value
export const MAX_IPIB_COMPONENTS = Math.floor((IPIB_MAX_SIZE - IPL_PL_HDR_SIZE - IPIB_PV_BLOCK_SIZE) / IPIB_COMPONENT_SIZE);

/** Encodes the IPIB genprotimg writes for `components` and a header of `phs` bytes. */
export function encodeIpib(components: readonly IpibComponent[], phs: number): Uint8Array {
  const out = new Uint8Array(ipibSize(components.length));
  writeU32(out, IPIB_OFFSET.len, out.length);
  out[IPIB_OFFSET.version] = IPL_PARM_BLOCK_VERSION;
  writeU32(out, IPIB_OFFSET.blk0Len, IPIB_PV_BLOCK_SIZE + components.length * IPIB_COMPONENT_SIZE);
  out[IPIB_OFFSET.pbt] = IPL_TYPE_PV;
  writeU32(out, IPIB_OFFSET.numComp, components.length);
  writeU64(out, IPIB_OFFSET.pvHdrAddr, 0n);
  writeU64(out, IPIB_OFFSET.pvHdrSize, BigInt(phs));
  components.forEach((c, i) => {
    const at = IPIB_OFFSET.components + i * IPIB_COMPONENT_SIZE;
    writeU64(out, at, c.tweakPref);
    writeU64(out, at + 8, c.addr);
    writeU64(out, at + 16, c.len);
  });
  return out;
}

/**
 * Decodes a PV IPIB from the start of `bytes` (which may run on: the block's own length field
 * says where it ends). Errors name the field and its offset plus `base`, the caller's position
 * of `bytes`. Checks structure only: version 1, type PV, and that the lengths agree with the
 * component count; addresses are the caller's to check. Never throws.
 */
export function decodeIpib(bytes: Uint8Array, base = 0): Result<Ipib, CodecError> {
  const fail = (field: string, offset: number, message: string): Result<never, CodecError> =>
    err(codecError(`ipib.${field}`, base + offset, message));
  if (bytes.length < IPIB_OFFSET.components) {
    return fail('len', 0, `${bytes.length} bytes, too short for an IPIB (${IPIB_OFFSET.components})`);
  }
  const len = readU32(bytes, IPIB_OFFSET.len);
  const version = bytes[IPIB_OFFSET.version] ?? 0;
  const blk0Len = readU32(bytes, IPIB_OFFSET.blk0Len);
  const pbt = bytes[IPIB_OFFSET.pbt] ?? 0;
  const numComp = readU32(bytes, IPIB_OFFSET.numComp);
  if (version !== IPL_PARM_BLOCK_VERSION) return fail('version', IPIB_OFFSET.version, `version ${version}, expected ${IPL_PARM_BLOCK_VERSION}`);
  if (pbt !== IPL_TYPE_PV) return fail('pbt', IPIB_OFFSET.pbt, `parameter block type ${pbt}, expected ${IPL_TYPE_PV} (PV)`);
  if (blk0Len !== IPIB_PV_BLOCK_SIZE + numComp * IPIB_COMPONENT_SIZE) {
    return fail('blk0Len', IPIB_OFFSET.blk0Len, `PV block length ${blk0Len} ≠ 0x80 + 24 · ${numComp} components`);
  }
  if (len < IPL_PL_HDR_SIZE + blk0Len) return fail('len', IPIB_OFFSET.len, `length ${len} < 8 + PV block length ${blk0Len}`);
  if (len > bytes.length) return fail('len', IPIB_OFFSET.len, `length ${len} runs past the ${bytes.length} bytes available`);
  const components: IpibComponent[] = [];
  for (let i = 0; i < numComp; i++) {
    const at = IPIB_OFFSET.components + i * IPIB_COMPONENT_SIZE;
    components.push({ tweakPref: readU64(bytes, at), addr: readU64(bytes, at + 8), len: readU64(bytes, at + 16) });
  }
  return ok({
    len,
    flags: bytes[IPIB_OFFSET.flags] ?? 0,
    version,
    blk0Len,
    pbt,
    pvVersion: bytes[IPIB_OFFSET.pvVersion] ?? 0,
    numComp,
    pvHdrAddr: readU64(bytes, IPIB_OFFSET.pvHdrAddr),
    pvHdrSize: readU64(bytes, IPIB_OFFSET.pvHdrSize),
    components,
  });
}
