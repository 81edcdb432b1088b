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
import { parse } from './args.js';
import { loadHostKeys, type LoadedHostKey } from './host-keys.js';
import { IMAGE_SUITE, layoutErrorLine, readImageFile } from './image-common.js';
import { UsageError, type Io } from './io.js';

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
pld, ald, tld, nep, not-verified), then a line with every check's result.
Exit status: 0 the guest would start, 1 a check failed, 2 unusable input or arguments.`;

/** Outcome of a check in a {@link VerifyReport}. */
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
 * - `checks`: for information, each check's result: `header-format`, `key-slot`, `header-auth`
 *   from set-header (`NOT-RUN` when an earlier one failed); `pld`, `ald`, `tld`, `nep` recomputed
 *   over the stored pages the IPIB lists, in its order, against the header (as the vectors'
 *   `expectedChecks` spell them), whether or not the run got that far; `NOT-RUN` only when the
 *   header does not decode.
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

type DigestChecks = Record<'pld' | 'ald' | 'tld' | 'nep', 'PASS' | 'FAIL'>;

/** PLD, ALD, TLD and NEP over the pages the IPIB lists, compared with the header's. */
function digestChecks(parsed: ParsedImage): DigestChecks {
  const d = imageDigests(IMAGE_SUITE, parsed.pages);
  const h = parsed.header;
  const r = (pass: boolean): 'PASS' | 'FAIL' => (pass ? 'PASS' : 'FAIL');
  return { pld: r(equalBytes(d.pld, h.pld)), ald: r(equalBytes(d.ald, h.ald)), tld: r(equalBytes(d.tld, h.tld)), nep: r(d.nep === h.nep) };
}

/** The set-header checks, given the code that stopped set-header (or none). */
function headerChecks(code: RejectionCode | undefined): Record<'header-format' | 'key-slot' | 'header-auth', CheckResult> {
  const order = ['header-format', 'key-slot', 'header-auth'] as const;
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

/** Runs the platform over a parsed image with the given host keys. */
export function verifyImage(parsed: ParsedImage, keys: readonly LoadedHostKey[]): VerifyReport {
  const privates = keys.map((k) => k.privateKey).filter((d): d is Uint8Array => d !== undefined);
  const pages = parsed.pages.length;
  const memoryPages = Math.max(1, Math.ceil(parsed.imageSize / PAGE_SIZE));
  if (memoryPages > MAX_GUEST_PAGES) throw new UsageError(`the image needs ${memoryPages} guest pages; the model's guests have at most ${MAX_GUEST_PAGES}`);
  const sut = modelSystem({ suite: IMAGE_SUITE });
  try {
    sut.reset({ suite: IMAGE_SUITE.name as 'noble' | 'node', machines: [{ id: MACHINE, hostKeys: privates, seed: new Uint8Array(32) }], adapters: [] });
  } catch {
    throw new UsageError('a host private key is not a valid P-521 scalar');
  }
  const digests = digestChecks(parsed);
  const base = { pages, digests };
  const run = driveHonest((a) => sut.apply(a), MACHINE, memoryPages, { header: parsed.headerBytes, pages: parsed.pages });
  const slot = run.guest === null ? null : (sut.world.guests.get(run.guest)?.slices.unpack.slotIndex ?? null);
  const slotPhkh = slot === null ? undefined : parsed.header.keySlots[slot]?.phkh;
  const opener = slotPhkh === undefined ? null : (keys.find((k) => equalBytes(k.phkh, slotPhkh))?.path ?? null);
  const opened = { keySlot: slot, hostKey: opener };
  const rejected = run.rejected;
  if (rejected !== null && rejected.outcome.kind === 'rejected') {
    const { action } = rejected;
    const code = rejected.outcome.code;
    switch (action.kind) {
      case 'create-guest':
        return failure(base, 'create-guest', code, 0, null, null);
      case 'set-header':
        return failure(base, 'set-header', code, 0, null, SET_HEADER_DETAIL[code] ?? null);
      case 'unpack':
        return failure(base, 'unpack', code, run.unpacked, opened, `page ${hex64(action.address)} (tweak ${bytesToHex(action.tweak)}), page ${run.unpacked + 1} of ${pages}`, action.address);
      case 'verify':
        return failure(base, 'verify', code, run.unpacked, opened, `after ${run.unpacked} pages`);
      case 'start':
        return failure(base, 'start', code, run.unpacked, opened, null);
    }
  }
  return {
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
    checks: { ...headerChecks(undefined), ...digests },
  };
}

function requirementOf(code: RejectionCode): RequirementId | null {
  return ALL_REJECTIONS.find((r) => r.code === code)?.requirement ?? null;
}

function failure(
  base: { pages: number; digests: DigestChecks },
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
    checks: { ...headerChecks(stepName === 'set-header' ? code : undefined), ...base.digests },
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
    checks: { 'header-format': 'FAIL', 'key-slot': 'NOT-RUN', 'header-auth': 'NOT-RUN', pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' },
  };
}

function humanReport(r: VerifyReport): string {
  const checks = `checks: ${Object.entries(r.checks).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  if (r.valid) {
    return `valid: ${r.unpacked} pages unpacked, key slot ${r.keySlot ?? '?'} opened by ${r.hostKey ?? '?'}, verify passed, guest started\n${checks}`;
  }
  const where = r.step === 'unpack' ? `at unpack of ${r.detail ?? '?'}` : `at ${r.step ?? '?'}${r.detail === null ? '' : `: ${r.detail}`}`;
  return `invalid: ${r.failedCheck ?? '?'} (${r.code ?? '?'}, ${r.requirement ?? '?'}) ${where}\n${checks}`;
}

/** The verify command. Returns the exit status. */
export function imageVerify(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, {
    'host-key': { type: 'string', multiple: true },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.out(VERIFY_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('image verify needs IMAGE');
  if (extra.length > 0) throw new UsageError(`image verify takes one IMAGE; unexpected '${extra[0] ?? ''}'`);
  const keyPaths = values['host-key'] ?? [];
  if (keyPaths.length === 0) throw new UsageError('image verify needs at least one --host-key PEM (a host private key)');

  const read = readImageFile(io, file);
  const keys = loadHostKeys(io, IMAGE_SUITE, keyPaths);
  const publicOnly = keys.find((k) => k.privateKey === undefined);
  if (publicOnly !== undefined) {
    throw new UsageError(`${publicOnly.path}: a ${publicOnly.kind} cannot open a key slot; verify needs the host's private key (PKCS#8 or SEC1 PEM)`);
  }
  let report: VerifyReport;
  if (read.ok) {
    if (read.parsed.boot === undefined) throw new UsageError(`${file}: an SE header alone; verify needs a whole image (try 'semodel image inspect')`);
    report = verifyImage(read.parsed, keys);
  } else if (read.error.reason !== undefined && !(read.bytes.length >= 8 && Buffer.from(read.bytes.subarray(0, 8)).toString('latin1') === 'IBMSecEx')) {
    // The image's header does not decode: the firmware's set-header would reject these bytes.
    report = headerFormatFailure(read.error.reason, formatCodecError(read.error));
  } else {
    throw new UsageError(layoutErrorLine(file, read.error));
  }
  io.out(values.json === true ? JSON.stringify(report, null, 2) : humanReport(report));
  return report.valid ? 0 : 1;
}
