/**
 * What a black-box property reads from an accepted load: the IPL report of the response, checked
 * against the load it came from (REQ-IPL-7): one entry per component in order, with its address
 * and length, SIGNED and VERIFIED exactly for the signed ones, the certificate index naming the
 * certificate that verified it, and the certificate entries pointing at exactly those
 * certificates, each once.
 * @module
 */
import { equalBytes } from '../../model/core/bytes.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { decodeIplReport, FLAG_SIGNED, FLAG_VERIFIED } from '../../model/se-format/ipl-report.js';
import type { IplComponent } from '../../model/secure-ipl/index.js';

/** Why the report of `outcome` does not describe the load of `components` signed by `signerCerts` (null: unsigned), or null when it does. */
export function reportMismatch(outcome: PlatformOutcome, components: readonly IplComponent[], signerCerts: readonly (Uint8Array | null)[]): string | null {
  if (outcome.kind !== 'accepted') return `the load halted: ${outcome.code}`;
  const bytes = (outcome.response as { report?: unknown }).report;
  if (!(bytes instanceof Uint8Array)) return 'the response has no report';
  const report = decodeIplReport(bytes);
  if (report === null) return 'the report does not decode';
  if (report.components.length !== components.length) return `${report.components.length} component entries for ${components.length} components`;
  const certs = report.certificates.map((c) => bytes.subarray(Number(c.addr), Number(c.addr + c.len)));
  const used: Uint8Array[] = [];
  for (const c of signerCerts) if (c !== null && !used.some((u) => equalBytes(u, c))) used.push(c);
  if (certs.length !== used.length || !used.every((u) => certs.some((c) => equalBytes(c, u)))) return `the report lists ${certs.length} certificates, ${used.length} verified components`;
  for (const [i, c] of components.entries()) {
    const e = report.components[i];
    const signer = signerCerts[i] ?? null;
    if (e === undefined || e.addr !== c.address || e.len !== BigInt(c.data.length)) return `entry ${i} is not component ${i} (${c.kind})`;
    const flags = signer === null ? 0 : FLAG_SIGNED | FLAG_VERIFIED;
    if (e.flags !== flags) return `entry ${i} (${c.kind}) has flags 0x${e.flags.toString(16)}, expected 0x${flags.toString(16)}`;
    const cert = certs[e.certificateIndex];
    if (signer !== null && (cert === undefined || !equalBytes(cert, signer))) return `entry ${i} (${c.kind}) names certificate ${e.certificateIndex}, not its signer's`;
  }
  return null;
}
