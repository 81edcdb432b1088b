/**
 * `semodel image extract`: verifies an image as `image verify` does (the firmware model's
 * set-header, unpack of every page, verify, start), then writes the kernel, initrd and parmline
 * as the started guest holds them in secure memory: the firmware's decryption, not a second one.
 * Where each lies and its original size come from stage3b's arguments (the IPL parameters
 * genprotimg writes at the end of the stage3b loader), read from the guest's plaintext.
 * @module
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { concatBytes, PAGE_SIZE } from '../model/core/bytes.js';
import type { ParsedImage } from '../model/se-format/image-layout.js';
import { locateStage3bArgs, type MemBlob } from '../model/se-format/stage3-args.js';
import { parse, onePositional } from './args.js';
import { hexShort } from './image-common.js';
import { EXTRACT_OPTIONS } from './image-verify-early.js';
import { humanReport, loadForVerify, verifyRun, type VerifyRun } from './image-verify.js';
import { UsageError, type Io } from './io.js';

export const EXTRACT_HELP = `usage: semodel image extract IMAGE --host-key PEM... --out DIR [--force] [--json]

Verifies IMAGE as 'semodel image verify' does, then writes what the started guest holds in its
secure memory (the firmware model's decryption), cut to the sizes stage3b's arguments give:
  DIR/kernel.bin     the kernel
  DIR/initrd.bin     the initial RAM disk (not written when the image has none)
  DIR/parmline.txt   the kernel command line, without its closing NUL (not written when empty)
  --host-key PEM   a host P-521 private key (PKCS#8 or SEC1 PEM); repeatable
  --out DIR        the folder to write into; made if missing
  --force          overwrite files that exist in DIR (without it nothing is written if one does)
  --json           print { "written": [{ "component", "file", "bytes" }], "absent": [component] };
                   when the image does not verify, { "written": [], "absent": [], "verify": REPORT }
                   with REPORT as 'image verify --json' prints it
Prints one line per component: the file written and its size, or that the image has none.
Exit status: 0 written; 1 the image does not verify (its report is printed, nothing is
written); 2 unusable input or arguments, as for verify, or a file in DIR that exists.`;

/** The components extract writes, with their file names in DIR. */
const OUTPUTS = [
  { component: 'kernel', file: 'kernel.bin', blob: 'kernel' },
  { component: 'initrd', file: 'initrd.bin', blob: 'initrd' },
  { component: 'parmline', file: 'parmline.txt', blob: 'cmdline' },
] as const;

/** What `image extract --json` prints. */
export interface ExtractReport {
  readonly written: readonly { readonly component: string; readonly file: string; readonly bytes: number }[];
  /** The components the image does not have (size 0 in stage3b's arguments). */
  readonly absent: readonly string[];
}

/** The plaintext of `length` bytes at guest `address`, from the started guest's secure memory. */
function secureBytes(run: VerifyRun, address: bigint, length: number, what: string): Uint8Array {
  const pages: Uint8Array[] = [];
  const first = Number(address / BigInt(PAGE_SIZE));
  const offset = Number(address % BigInt(PAGE_SIZE));
  for (let p = first; p * PAGE_SIZE < Number(address) + length; p++) {
    const page = run.securePage(p);
    if (page === undefined) throw new ExtractFailure(`${what} at ${hexShort(address)} (${length} bytes) is not all in the guest's secure memory: page ${hexShort(p * PAGE_SIZE)} was never unpacked`);
    pages.push(page);
  }
  return concatBytes(...pages).subarray(offset, offset + length);
}

/** An image that verifies but whose components cannot be found: exit 1, as a failed check. */
class ExtractFailure extends Error {}

/** The components' plaintext, cut by stage3b's arguments. */
function components(parsed: ParsedImage, run: VerifyRun): Map<(typeof OUTPUTS)[number]['blob'], Uint8Array> {
  // genprotimg puts stage3b last, as `image inspect` reads it.
  const stage3b = [...parsed.components].reverse().find((c) => c.kind === 'stage3b') ?? parsed.components[parsed.components.length - 1];
  if (stage3b === undefined) throw new ExtractFailure('the image has no secured components');
  const found = locateStage3bArgs(secureBytes(run, stage3b.guestAddress, stage3b.length, 'stage3b'));
  if (found === undefined) throw new ExtractFailure(`no stage3b arguments at the end of the component at ${hexShort(stage3b.guestAddress)}`);
  const out = new Map<(typeof OUTPUTS)[number]['blob'], Uint8Array>();
  for (const { blob, component } of OUTPUTS) {
    const b: MemBlob = found.args[blob];
    if (b.size === 0n) continue;
    if (b.size > BigInt(parsed.imageSize)) throw new ExtractFailure(`stage3b's arguments give the ${component} ${b.size} bytes, more than the image holds`);
    out.set(blob, secureBytes(run, b.addr, Number(b.size), `the ${component}`));
  }
  return out;
}

/** The extract command. Returns the exit status. */
export function imageExtract(argv: string[], io: Io): number {
  const { values, positionals } = parse(
    argv,
    EXTRACT_OPTIONS,
    true,
    'image extract',
  );
  if (values.help === true) {
    io.out(EXTRACT_HELP);
    return 0;
  }
  const file = onePositional('image extract', positionals, 'IMAGE');
  const dir = values.out;
  if (dir === undefined) throw new UsageError('image extract needs --out DIR (the folder to write the kernel, initrd and parmline into)');
  const force = values.force === true;
  const kind = statSync(dir, { throwIfNoEntry: false });
  if (kind !== undefined && !kind.isDirectory()) throw new UsageError(`--out ${dir}: not a folder`);

  const loaded = loadForVerify(io, file, values['host-key'] ?? [], 'image extract');
  const run = loaded.kind === 'image' ? verifyRun(loaded.parsed, loaded.keys) : undefined;
  if (loaded.kind === 'report' || run === undefined || !run.report.valid) {
    const report = run?.report ?? (loaded.kind === 'report' ? loaded.report : null);
    io.out(values.json === true ? JSON.stringify({ written: [], absent: [], verify: report }, null, 2) : report === null ? '' : humanReport(report));
    io.err(`semodel: ${file} does not verify; nothing extracted`);
    return 1;
  }
  let parts: Map<(typeof OUTPUTS)[number]['blob'], Uint8Array>;
  try {
    parts = components(loaded.parsed, run);
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    io.err(`semodel: ${file} verifies, but ${e.message}; nothing extracted`);
    return 1;
  }

  const planned = OUTPUTS.flatMap(({ component, file: name, blob }) => {
    const bytes = parts.get(blob);
    if (bytes === undefined) return [];
    // The parmline component is the text and one NUL; the file is the text.
    const data = blob === 'cmdline' && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, bytes.length - 1) : bytes;
    return data.length === 0 ? [] : [{ component, path: path.join(dir, name), data }];
  });
  // Refuse before writing anything: a run is all or nothing.
  const existing = planned.find((p) => io.exists(p.path));
  if (!force && existing !== undefined) throw new UsageError(`${existing.path} exists; choose another --out or pass --force`);
  mkdirSync(dir, { recursive: true });
  for (const p of planned) io.writeFile(p.path, p.data, force);

  const result: ExtractReport = {
    written: planned.map((p) => ({ component: p.component, file: p.path, bytes: p.data.length })),
    absent: OUTPUTS.filter((o) => !planned.some((p) => p.component === o.component)).map((o) => o.component),
  };
  if (values.json === true) io.out(JSON.stringify(result, null, 2));
  else {
    const lines = [
      ...result.written.map((w) => `${`${w.component}:`.padEnd(10)}wrote ${w.file}, ${w.bytes} bytes`),
      ...result.absent.map((c) => `${`${c}:`.padEnd(10)}none in the image, nothing written`),
    ];
    io.out(lines.join('\n'));
  }
  return 0;
}
