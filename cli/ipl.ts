/**
 * `semodel ipl check-component|run`: secure IPL of signed components (mechanism 1).
 * `check-component` gives the kernel's verdict on one signed file with the trusted
 * certificates, with the check names of the signed-component vectors; `run` makes the whole IPL
 * on the model (machine 0) and prints its outcome and IPL report.
 * @module
 */
import { bytesToHex } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { initialWorld, step } from '../model/platform/index.js';
import { hasMagic, splitSignature, TRAILER_OVERHEAD } from '../model/se-format/appended-signature.js';
import { decodeIplReport } from '../model/se-format/ipl-report.js';
import { checkComponent } from '../model/se-format/signed-component.js';
import { readTrustAnchor, type TrustAnchor } from '../model/se-format/x509-anchor.js';
import { COMPONENT_KINDS, DEFAULT_PSW, IPL_REJECTIONS, KERNEL_ADDRESS, STAGE3_ADDRESS, type ComponentKind, type IplComponent } from '../model/secure-ipl/index.js';
import { parse, parseU64, onePositional } from './args.js';
import { UsageError, type Io } from './io.js';
import { runSubcommand } from './subcommands.js';

/** The storage `ipl run` gives the loaded system: 2 GiB. */
const RUN_MEMORY = 2n ** 31n;

/** Where `ipl run` loads a component given without @ADDR. */
const DEFAULT_ADDRESSES: Readonly<Record<ComponentKind, bigint>> = { stage3: STAGE3_ADDRESS, kernel: KERNEL_ADDRESS, parmline: 0x9000n, initrd: 0x1000000n };

/** The help of `ipl check-component`. */
export const IPL_CHECK_HELP = `usage: semodel ipl check-component FILE --trusted CERT [--trusted CERT]... [--json]

Checks the appended signature of FILE by the kernel's rules (spec/secure-ipl.md, REQ-IPL-3), in
the kernel's order: unsigned / magic, sig-len, info-block, pkcs7-parse, pkcs7-usage,
untrusted-key, signature.
  --trusted CERT   a trusted verification certificate: DER, or PEM (a file may hold several
                   PEM certificates); repeat the flag for each file
  --json           print {verdict: "accept"|"reject", failedCheck?, signer?, hash?}
Exit status: 0 accepted, 1 a check failed (its name is printed), 2 unusable input or arguments.`;

/** The help of `ipl run`. */
export const IPL_RUN_HELP = `usage: semodel ipl run --component KIND=FILE[@ADDR] [--component ...]... --trusted CERT... [--psw HEX] [--json]

Makes a secure IPL on the model (spec/secure-ipl.md): every signature by the kernel's rules, the
component the load PSW enters signed and verified, zipl stage 3's fixed address and PSW, the
components inside the storage (2 GiB) and not overlapping; prints the outcome and the IPL report.
  --component KIND=FILE[@ADDR]  a component in program-table order; KIND is stage3, kernel,
                   parmline or initrd; ADDR its load address (hex with 0x, or decimal; default
                   stage3 0xA000, kernel 0x10000, parmline 0x9000, initrd 0x1000000). A file ending
                   with the magic "~Module signature appended~" is split there as zipl splits it
                   (data loaded, signature checked); any other file is an unsigned component
  --trusted CERT   a trusted verification certificate (DER or PEM); repeat for each file
  --psw HEX        the load PSW (default 0x0008000080010000)
  --json           print {verdict: "continue"|"halt", code?, requirement?, check?, entry?, report?, components?, certificates?}
Exit status: 0 the load continued, 1 it halted (its code is printed), 2 unusable input or arguments.`;

/** The help of `semodel ipl`. */
export const IPL_HELP = `usage: semodel ipl check-component FILE --trusted CERT [--trusted CERT]... [--json]
       semodel ipl run --component KIND=FILE[@ADDR] [--component ...]... --trusted CERT... [--psw HEX] [--json]

Secure IPL of signed components (mechanism 1): check one signed file, or make a whole IPL.
Run 'semodel ipl check-component --help' or 'semodel ipl run --help' for the options.`;

/** The DER certificates of a file: its PEM CERTIFICATE blocks, or the file itself. */
function certificatesOf(io: Io, file: string): Uint8Array[] {
  const bytes = io.readFile(file);
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.includes('-----BEGIN')) return [bytes];
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1] ?? '', 'base64')));
  if (blocks.length === 0) throw new UsageError(`--trusted ${file}: no PEM CERTIFICATE block`);
  return blocks;
}

/** The trusted certificates of the --trusted files, in order, each checked. */
function trustedOf(io: Io, files: readonly string[] | undefined): { ders: Uint8Array[]; anchors: TrustAnchor[] } {
  if (files === undefined || files.length === 0) throw new UsageError('needs at least one --trusted CERT');
  const ders = files.flatMap((f) => certificatesOf(io, f).map((der) => ({ f, der })));
  const anchors = ders.map(({ f, der }) => {
    const a = readTrustAnchor(der);
    if (typeof a === 'string') throw new UsageError(`--trusted ${f}: ${a}`);
    return a;
  });
  return { ders: ders.map((d) => d.der), anchors };
}

function checkCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { trusted: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true, 'ipl check-component');
  if (values.help === true) {
    io.out(IPL_CHECK_HELP);
    return 0;
  }
  const file = onePositional('ipl check-component', positionals, 'FILE');
  const { anchors } = trustedOf(io, values.trusted);
  const v = checkComponent(nodeSuite, io.readFile(file), anchors);
  const result = v.verdict === 'accept' ? { verdict: v.verdict, signer: anchors[v.anchor]?.subject ?? '', hash: v.hash } : { verdict: v.verdict, failedCheck: v.failedCheck };
  if (values.json === true) io.out(JSON.stringify(result));
  else io.out(v.verdict === 'accept' ? `${file}: accept, signed by ${result.signer ?? ''} (${result.hash ?? ''})` : `${file}: reject, check ${v.failedCheck} failed`);
  return v.verdict === 'accept' ? 0 : 1;
}

/** A component of `--component KIND=FILE[@ADDR]`, split at its appended signature as zipl splits it. */
function componentOf(io: Io, spec: string): IplComponent {
  const m = /^([a-z0-9]+)=(.+?)(?:@([^@]+))?$/.exec(spec);
  const kind = m?.[1] as ComponentKind | undefined;
  if (m === null || kind === undefined || !(COMPONENT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--component ${spec}: KIND=FILE[@ADDR] with KIND one of ${COMPONENT_KINDS.join(', ')}`);
  const address = m[3] === undefined ? DEFAULT_ADDRESSES[kind] : parseU64('--component @ADDR', m[3], 0n);
  const file = io.readFile(m[2] ?? '');
  if (!hasMagic(file)) return { kind, address, data: file, signature: null };
  const split = splitSignature(file);
  // A trailer the kernel refuses before its PKCS#7: hand the info block and magic over as the signature, so the IPL names the check.
  const dataLength = typeof split === 'string' ? Math.max(0, file.length - TRAILER_OVERHEAD) : split.data.length;
  return { kind, address, data: file.slice(0, dataLength), signature: file.slice(dataLength) };
}

function runCommand(argv: string[], io: Io): number {
  const { values } = parse(argv, { component: { type: 'string', multiple: true }, trusted: { type: 'string', multiple: true }, psw: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false, 'ipl run');
  if (values.help === true) {
    io.out(IPL_RUN_HELP);
    return 0;
  }
  const components = (values.component ?? []).map((c) => componentOf(io, c));
  if (components.length === 0) throw new UsageError('ipl run needs at least one --component KIND=FILE[@ADDR]');
  const { ders } = trustedOf(io, values.trusted);
  const psw = parseU64('--psw', values.psw, DEFAULT_PSW);
  const w = initialWorld({ suite: 'node', machines: [{ id: 0, hostKeys: [], seed: new Uint8Array(32) }], adapters: [] }, { suite: nodeSuite });
  // Stryker disable next-line all: a constant configuration
  if (!w.ok) throw new Error(`ipl run: ${w.error.message}`);
  const s = step(w.value, { kind: 'ipl', machine: 0, memory: RUN_MEMORY, psw, certificates: ders, components });
  if (s.outcome.kind === 'rejected') {
    const check = (IPL_REJECTIONS.rows as Readonly<Record<string, { check: string } | undefined>>)[s.outcome.code]?.check ?? s.outcome.code;
    if (values.json === true) io.out(JSON.stringify({ verdict: 'halt', code: s.outcome.code, requirement: s.outcome.requirement, check }));
    else io.out(`halt: ${s.outcome.code} (${s.outcome.requirement}, check ${check})`);
    return 1;
  }
  const { report, entry } = s.outcome.response as { report: Uint8Array; entry: bigint };
  const r = decodeIplReport(report);
  const entries = (r?.components ?? []).map((e, i) => ({ kind: components[i]?.kind ?? '', addr: `0x${e.addr.toString(16)}`, len: Number(e.len), flags: `0x${e.flags.toString(16).padStart(2, '0')}`, certificateIndex: e.certificateIndex }));
  if (values.json === true) {
    io.out(JSON.stringify({ verdict: 'continue', entry: `0x${entry.toString(16)}`, report: bytesToHex(report), components: entries, certificates: (r?.certificates ?? []).map((c) => ({ offset: Number(c.addr), len: Number(c.len) })) }));
  } else {
    io.out(`continue: entering 0x${entry.toString(16)}`);
    for (const e of entries) io.out(`  ${e.kind} at ${e.addr}, ${e.len} bytes, ${e.flags === '0xc0' ? 'signed, verified' : 'not signed'}`);
  }
  return 0;
}

/** The ipl command. */
export function iplCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'ipl', IPL_HELP, { 'check-component': (rest) => checkCommand(rest, io), run: (rest) => runCommand(rest, io) });
}
