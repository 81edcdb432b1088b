/**
 * `semodel image verify`: runs the platform model over an image as a hypervisor would load it:
 * create a guest big enough for the image, set-header with the image's header, unpack every
 * secured page in the order the IPIB lists them (address, tweak, stored page), verify, start.
 * The firmware holds the host private keys given with `--host-key`.
 * @module
 */
import { bytesToHex, equalBytes, hex64, PAGE_SIZE } from '../model/core/bytes.js';
import type { RequirementId } from '../model/core/outcome.js';
import { formatCodecError } from '../model/core/result.js';
import { imageDigests } from '../model/se-format/image-pages.js';
import type { ParsedImage } from '../model/se-format/image-layout.js';
import type { HeaderDecodeReason } from '../model/se-format/header-codec.js';
import { driveHonest } from '../model/image-unpack/honest-driver.js';
import { UNPACK_REJECTIONS } from '../model/image-unpack/rejections.js';
import { ALL_REJECTIONS, MAX_GUEST_PAGES, modelSystem } from '../model/platform/index.js';
import { parse, onePositional } from './args.js';
import { loadHostKeys, type LoadedHostKey } from './host-keys.js';
import { cutHeaderLine, headerCutShort, IMAGE_SUITE, layoutErrorLine, readImageFile } from './image-common.js';
import { UsageError, type Io } from './io.js';
import { batchedVerifySuite } from './image-verify-suite.js';
import { predictedDigest } from './image-verify-pld.js';
import { dropEarly, VERIFY_OPTIONS } from './image-verify-early.js';
import { startVerifyWorker, VERIFY_CHUNK_PAGES, type VerifyWorker } from './image-verify-worker.js';

export const VERIFY_HELP = `usage: semodel image verify IMAGE --host-key PEM... [--json]

Runs the firmware model over IMAGE as a hypervisor loads it: create a guest of at least
IMAGE's size, set-header with its SE header, unpack each secured page in the order its IPIB
lists them, verify, and start.
  --host-key PEM   a host P-521 private key (PKCS#8 or SEC1 PEM) the firmware holds; repeatable.
                   A public key or certificate cannot open a key slot and is refused.
  --json           print the report as JSON:
                   { "valid": boolean, "failedCheck": string | null, "code": string | null,
                     "requirement": string | null, "step": string | null, "address": string | null,
                     "pages": number, "unpacked": number, "keySlot": number | null,
                     "hostKey": string | null, "started": boolean, "detail": string | null,
                     "checks": { "header-format", "key-slot", "header-auth": "PASS" | "FAIL" | "NOT-RUN",
                                 "pld", "ald", "tld", "nep": "PASS" | "FAIL" | "NOT-RUN" } }
Prints 'valid: ...', or 'invalid: CHECK (CODE, REQUIREMENT) ...' where CHECK is the spec's check
name (header-format, key-slot, header-auth, page-length, address, too-many-pages, tweak-reuse,
pld, ald, tld, nep, not-verified), then a line with every check's result. A check the run did
not reach is NOT-RUN: the set-header checks after the one that failed, and pld, ald, tld, nep
unless every page was unpacked and verify ran (they are then recomputed over the stored pages).
Exit status: 0 the guest would start; 1 a check failed: the file holds a whole image (its
header, stage3a arguments, IPIB and every component lie inside the file) and the firmware
refuses it at some call, including a whole header it cannot decode (header-format); 2 unusable
input or arguments: the file is not a whole image (no header, a layout that does not fit the
file, or a file that ends before its header, IPIB or a component does, as a truncated file
does), a missing or unreadable file, a bad host key, or bad arguments.`;

/** Outcome of a check in a {@link VerifyReport}: `NOT-RUN` when the run stopped before it. */
export type CheckResult = 'PASS' | 'FAIL' | 'NOT-RUN';

/**
 * What `semodel image verify --json` prints.
 *
 * - `valid`: the firmware accepted every call, verify passed and the guest started.
 * - `failedCheck`, `code`, `requirement`: the check name (spec "Check names"), rejection code and
 *   requirement ID of the first rejected call; null when valid.
 * - `step`: the call that was rejected (`create-guest`, `set-header`, `unpack`, `verify`,
 *   `start`), null when valid; `address`: for a rejected unpack, the page's guest address
 *   (`0x` + 16 hex digits), else null.
 * - `pages`: the secured pages the image's IPIB lists; `unpacked`: how many the firmware accepted.
 * - `keySlot`: the key slot the firmware opened, and `hostKey` the file of the host key that
 *   opened it; null when set-header failed.
 * - `started`: the guest reached `running`.
 * - `detail`: one line more about the failure (e.g. the header decoding error), or null.
 * - `checks`: each check's result: `header-format`, `key-slot`, `header-auth` from set-header
 *   (`NOT-RUN` when an earlier one failed or set-header was not called); `pld`, `ald`, `tld`,
 *   `nep` once every page was unpacked and verify ran: recomputed over the stored pages the IPIB
 *   lists, in its order, against the header (as the vectors' `expectedChecks` spell them), all
 *   four also when verify stopped at the first mismatch; `NOT-RUN` when the run stopped earlier.
 */
export interface VerifyReport {
  readonly valid: boolean;
  readonly failedCheck: string | null;
  readonly code: string | null;
  readonly requirement: RequirementId | null;
  readonly step: string | null;
  readonly address: string | null;
  readonly pages: number;
  readonly unpacked: number;
  readonly keySlot: number | null;
  readonly hostKey: string | null;
  readonly started: boolean;
  readonly detail: string | null;
  readonly checks: Readonly<Record<'header-format' | 'key-slot' | 'header-auth' | 'pld' | 'ald' | 'tld' | 'nep', CheckResult>>;
}

type RejectionCode = string;

/** What a set-header rejection means, in words. */
const SET_HEADER_DETAIL: Partial<Record<RejectionCode, string>> = {
  NO_KEY_SLOT: "no key slot carries the hash (PHKH) of a given host key",
  KEY_SLOT_AUTH: "the host key's key slot does not unwrap the header key (its tag does not verify)",
  HEADER_AUTH: "the header's GCM tag does not verify over the header and its encrypted area",
};

/** The check name of a code: its row in the merged rejection table. */
function checkOf(code: RejectionCode): string {
  return ALL_REJECTIONS.find((r) => r.code === code)?.check ?? code.toLowerCase().replaceAll('_', '-');
}

type DigestChecks = Record<'pld' | 'ald' | 'tld' | 'nep', CheckResult>;

/** The digest checks of a run that stopped before verify. */
const DIGESTS_NOT_RUN: DigestChecks = { pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' };

/** The digest checks of a run whose verify was accepted: the firmware compared all four. */
const DIGESTS_PASSED: DigestChecks = { pld: 'PASS', ald: 'PASS', tld: 'PASS', nep: 'PASS' };

/**
 * PLD, ALD, TLD and NEP over the pages the IPIB lists, compared with the header's: for a verify
 * that failed, which stops at the first mismatch, so that the report names all four.
 */
function digestChecks(parsed: ParsedImage): DigestChecks {
  const d = imageDigests(IMAGE_SUITE, parsed.pages);
  const h = parsed.header;
  const r = (pass: boolean): 'PASS' | 'FAIL' => (pass ? 'PASS' : 'FAIL');
  return { pld: r(equalBytes(d.pld, h.pld)), ald: r(equalBytes(d.ald, h.ald)), tld: r(equalBytes(d.tld, h.tld)), nep: r(d.nep === h.nep) };
}

/** The set-header checks: all NOT-RUN when `code` is null (set-header not called), else given the code that stopped set-header (or none). */
function headerChecks(code: RejectionCode | undefined | null): Record<'header-format' | 'key-slot' | 'header-auth', CheckResult> {
  const order = ['header-format', 'key-slot', 'header-auth'] as const;
  if (code === null) return { 'header-format': 'NOT-RUN', 'key-slot': 'NOT-RUN', 'header-auth': 'NOT-RUN' };
  const failed = code === undefined ? -1 : order.indexOf(checkOf(code) as (typeof order)[number]);
  const out = { 'header-format': 'PASS', 'key-slot': 'PASS', 'header-auth': 'PASS' } as Record<(typeof order)[number], CheckResult>;
  if (code === undefined) return out;
  order.forEach((c, i) => {
    out[c] = failed < 0 ? 'NOT-RUN' : i < failed ? 'PASS' : i === failed ? 'FAIL' : 'NOT-RUN';
  });
  return out;
}

/** The machine ID `verify` runs the image on. */
const MACHINE = 0;

/** A verify run: its report, and the guest's secure memory (page number → plaintext) when the guest started. */
export interface VerifyRun {
  readonly report: VerifyReport;
  /** The plaintext the firmware placed at a page number, for a guest that started; else undefined. */
  readonly securePage: (page: number) => Uint8Array | undefined;
}

/** Runs the platform over a parsed image with the given host keys. */
export function verifyImage(parsed: ParsedImage, keys: readonly LoadedHostKey[]): VerifyReport {
  return verifyRun(parsed, keys).report;
}

/** Like {@link verifyImage}, and keeps the started guest's secure memory (for `image extract`). */
export function verifyRun(parsed: ParsedImage, keys: readonly LoadedHostKey[]): VerifyRun {
  const r = runOnModel(parsed, keys);
  const memory = r.report.valid && r.guest !== null ? r.world.guests.get(r.guest)?.memory : undefined;
  return { report: r.report, securePage: (page) => memory?.get(page) };
}

/** The honest run on a fresh model: the report, the guest it created and the final world. */
function runOnModel(parsed: ParsedImage, keys: readonly LoadedHostKey[]) {
  const privates = keys.map((k) => k.privateKey).filter((d): d is Uint8Array => d !== undefined);
  const pages = parsed.pages.length;
  const memoryPages = Math.max(1, Math.ceil(parsed.imageSize / PAGE_SIZE));
  if (memoryPages > MAX_GUEST_PAGES) throw new UsageError(`the image needs ${memoryPages} guest pages; the model's guests have at most ${MAX_GUEST_PAGES}`);
  // A large image's pages are decrypted ahead and its PLD hashed on a second thread meanwhile
  // (./image-verify-worker.ts).
  const worker = pages >= WORKER_PAGES ? startVerifyWorker(parsed.pages) : (dropEarly(), undefined);
  try {
    return runWithSuite(parsed, keys, privates, memoryPages, worker);
  } finally {
    worker?.stop();
  }
}

/** Images of at least this many pages get the worker thread (starting one costs ~30 ms). */
const WORKER_PAGES = 2048;

function runWithSuite(parsed: ParsedImage, keys: readonly LoadedHostKey[], privates: Uint8Array[], memoryPages: number, worker: VerifyWorker | undefined) {
  const pages = parsed.pages.length;
  const batched = batchedVerifySuite(IMAGE_SUITE, parsed.pages, VERIFY_CHUNK_PAGES, worker);
  const stored = parsed.pages.map((p) => p.stored);
  const suite = worker === undefined ? batched : { ...batched, sha512Init: () => predictedDigest(batched.sha512Init(), stored, worker) };
  const sut = modelSystem({ suite });
  try {
    sut.reset({ suite: IMAGE_SUITE.name as 'noble' | 'node', machines: [{ id: MACHINE, hostKeys: privates, seed: new Uint8Array(32) }], adapters: [] });
  } catch {
    throw new UsageError('a host private key is not a valid P-521 scalar');
  }
  const base = { pages, parsed };
  const run = driveHonest((a) => sut.apply(a), MACHINE, memoryPages, { header: parsed.headerBytes, pages: parsed.pages });
  const slot = run.guest === null ? null : (sut.world.guests.get(run.guest)?.slices.unpack.slotIndex ?? null);
  const slotPhkh = slot === null ? undefined : parsed.header.keySlots[slot]?.phkh;
  const opener = slotPhkh === undefined ? null : (keys.find((k) => equalBytes(k.phkh, slotPhkh))?.path ?? null);
  const opened = { keySlot: slot, hostKey: opener };
  const rejected = run.rejected;
  const done = (report: VerifyReport) => ({ report, guest: run.guest, world: sut.world });
  if (rejected !== null && rejected.outcome.kind === 'rejected') {
    const { action } = rejected;
    const code = rejected.outcome.code;
    switch (action.kind) {
      case 'create-guest':
        return done(failure(base, 'create-guest', code, 0, null, null));
      case 'set-header':
        return done(failure(base, 'set-header', code, 0, null, SET_HEADER_DETAIL[code] ?? null));
      case 'unpack':
        return done(failure(base, 'unpack', code, run.unpacked, opened, `page ${hex64(action.address)} (tweak ${bytesToHex(action.tweak)}), page ${run.unpacked + 1} of ${pages}`, action.address));
      case 'verify':
        return done(failure(base, 'verify', code, run.unpacked, opened, `after ${run.unpacked} pages`));
      case 'start':
        return done(failure(base, 'start', code, run.unpacked, opened, null));
    }
  }
  return done({
    valid: true,
    failedCheck: null,
    code: null,
    requirement: null,
    step: null,
    address: null,
    pages,
    unpacked: run.unpacked,
    ...opened,
    started: true,
    detail: null,
    // The firmware's verify accepted: every digest matched, so none is computed again here.
    checks: { ...headerChecks(undefined), ...DIGESTS_PASSED },
  });
}

function requirementOf(code: RejectionCode): RequirementId | null {
  return ALL_REJECTIONS.find((r) => r.code === code)?.requirement ?? null;
}

function failure(
  base: { pages: number; parsed: ParsedImage },
  stepName: string,
  code: RejectionCode,
  unpacked: number,
  opened: { keySlot: number | null; hostKey: string | null } | null,
  detail: string | null,
  address?: bigint,
): VerifyReport {
  return {
    valid: false,
    failedCheck: checkOf(code),
    code,
    requirement: requirementOf(code),
    step: stepName,
    address: address === undefined ? null : hex64(address),
    pages: base.pages,
    unpacked,
    keySlot: opened?.keySlot ?? null,
    hostKey: opened?.hostKey ?? null,
    started: false,
    detail,
    checks: {
      ...headerChecks(stepName === 'create-guest' ? null : stepName === 'set-header' ? code : undefined),
      // verify and start come after every page was unpacked: the digests were compared (all of
      // them matched when it is start that refused).
      ...(stepName === 'verify' ? digestChecks(base.parsed) : stepName === 'start' ? DIGESTS_PASSED : DIGESTS_NOT_RUN),
    },
  };
}

/** The report of an image whose header does not decode: set-header would reject it. */
function headerFormatFailure(code: HeaderDecodeReason, detail: string): VerifyReport {
  return {
    valid: false,
    failedCheck: UNPACK_REJECTIONS.rows[code].check,
    code,
    requirement: UNPACK_REJECTIONS.rows[code].requirement,
    step: 'set-header',
    address: null,
    pages: 0,
    unpacked: 0,
    keySlot: null,
    hostKey: null,
    started: false,
    detail,
    checks: { 'header-format': 'FAIL', 'key-slot': 'NOT-RUN', 'header-auth': 'NOT-RUN', ...DIGESTS_NOT_RUN },
  };
}

/** The report as `image verify` prints it without --json: a valid/invalid line and the checks. */
export function humanReport(r: VerifyReport): string {
  const checks = `checks: ${Object.entries(r.checks).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  if (r.valid) {
    return `valid: ${r.unpacked} pages unpacked, key slot ${r.keySlot ?? '?'} opened by ${r.hostKey ?? '?'}, verify passed, guest started\n${checks}`;
  }
  const where = r.step === 'unpack' ? `at unpack of ${r.detail ?? '?'}` : `at ${r.step ?? '?'}${r.detail === null ? '' : `: ${r.detail}`}`;
  return `invalid: ${r.failedCheck ?? '?'} (${r.code ?? '?'}, ${r.requirement ?? '?'}) ${where}\n${checks}`;
}

/** The verify command. Returns the exit status. */
export function imageVerify(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, VERIFY_OPTIONS, true, 'image verify');
  if (values.help === true) {
    io.out(VERIFY_HELP);
    return 0;
  }
  const file = onePositional('image verify', positionals, 'IMAGE');
  const loaded = loadForVerify(io, file, values['host-key'] ?? [], 'image verify');
  const report = loaded.kind === 'report' ? loaded.report : verifyImage(loaded.parsed, loaded.keys);
  io.out(values.json === true ? JSON.stringify(report, null, 2) : humanReport(report));
  return report.valid ? 0 : 1;
}

/** An image file ready to run with its host keys, or the report of a header set-header refuses. */
export type LoadedForVerify =
  | { readonly kind: 'image'; readonly parsed: ParsedImage; readonly keys: readonly LoadedHostKey[] }
  | { readonly kind: 'report'; readonly report: VerifyReport };

/**
 * Reads IMAGE and the host private keys as verify and extract need them, applying the rule of
 * `image verify --help`: what is not a whole image, a truncated file, a missing file or a bad
 * key is a UsageError (exit 2); a whole image whose header does not decode is a header-format
 * report (exit 1).
 * @param command the command, for its error lines
 */
export function loadForVerify(io: Io, file: string, keyPaths: readonly string[], command: string): LoadedForVerify {
  if (keyPaths.length === 0) throw new UsageError(`${command} needs at least one --host-key PEM (a host private key)`);
  // Shared memory: the verify worker reads the pages where they are (./image-verify-worker.ts).
  const read = readImageFile(io, file, true);
  const keys = loadHostKeys(io, IMAGE_SUITE, keyPaths);
  const publicOnly = keys.find((k) => k.privateKey === undefined);
  if (publicOnly !== undefined) {
    throw new UsageError(`${publicOnly.path}: a ${publicOnly.kind} cannot open a key slot; ${command} needs the host's private key (PKCS#8 or SEC1 PEM)`);
  }
  const cut = read.ok ? undefined : headerCutShort(read.bytes);
  if (cut !== undefined) {
    // A file that ends inside its header is a truncated file, not a header the firmware refuses.
    throw new UsageError(cutHeaderLine(file, cut));
  }
  if (read.ok) {
    if (read.parsed.boot === undefined) throw new UsageError(`${file}: an SE header alone; ${command} needs a whole image (try 'semodel image inspect')`);
    return { kind: 'image', parsed: read.parsed, keys };
  }
  if (read.error.reason !== undefined && !(read.bytes.length >= 8 && Buffer.from(read.bytes.subarray(0, 8)).toString('latin1') === 'IBMSecEx')) {
    // The image's header does not decode: the firmware's set-header would reject these bytes.
    return { kind: 'report', report: headerFormatFailure(read.error.reason, formatCodecError(read.error)) };
  }
  throw new UsageError(layoutErrorLine(file, read.error, read.bytes.length));
}
