/**
 * The IPL report of a load that continued (REQ-IPL-7): a component entry per component in list
 * order, SIGNED and VERIFIED set exactly for the signed ones (every signature verified, or the
 * load halted), and a certificate entry per trusted certificate that verified a component, in
 * the order of first use, each used once (as QEMU deduplicates them). The model has no memory
 * map of its own: the report's bytes are followed by those certificates, each at a multiple of 8,
 * and a certificate entry's address is its offset from the start of the report.
 * @module
 */
import { encodeIplReport, FLAG_SIGNED, FLAG_VERIFIED, type ReportCertificate, type ReportComponent } from '../se-format/ipl-report.js';
import type { TrustAnchor } from '../se-format/x509-anchor.js';
import type { IplComponent } from './actions.js';

/** `n` rounded up to a multiple of 8. */
function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The report and its certificates, for the components and the anchor that verified each (null: unsigned). */
export function buildReport(components: readonly IplComponent[], verifiedBy: readonly (number | null)[], anchors: readonly TrustAnchor[]): Uint8Array {
  const used: number[] = [];
  for (const a of verifiedBy) if (a !== null && !used.includes(a)) used.push(a);
  const entries: ReportComponent[] = components.map((c, i) => {
    const a = verifiedBy[i] ?? null;
    return { addr: c.address, len: BigInt(c.data.length), flags: a === null ? 0 : FLAG_SIGNED | FLAG_VERIFIED, certificateIndex: a === null ? 0 : used.indexOf(a) };
  });
  const ders = used.map((a) => anchors[a]?.der ?? new Uint8Array(0));
  // The report's length does not depend on the addresses: lay it out once to know where the certificates start.
  const reportLength = encodeIplReport({ components: entries, certificates: ders.map(() => ({ addr: 0n, len: 0n })) }).length;
  let at = align8(reportLength);
  const certificates: ReportCertificate[] = ders.map((d) => {
    const entry = { addr: BigInt(at), len: BigInt(d.length) };
    at = align8(at + d.length);
    return entry;
  });
  const out = new Uint8Array(at);
  out.set(encodeIplReport({ components: entries, certificates }), 0);
  ders.forEach((d, i) => out.set(d, Number(certificates[i]?.addr ?? 0n)));
  return out;
}
