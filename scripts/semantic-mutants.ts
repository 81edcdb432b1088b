/**
 * `npm run mutants`: hand-made semantic mutations of mechanism 2 and the platform, each tried
 * against the property tests (and, with `--campaign`, the default campaign). Stryker's mutants
 * are syntactic (a `>` for a `>=`); these are the mistakes a person makes when reading the spec
 * (two guards in the wrong order, a check per image instead of per guest, a view that shows a
 * little too much), so they say whether the properties catch what matters.
 *
 * Each mutant is a patch: a file, a search text that must occur exactly once, its replacement,
 * and what it breaks. For each, the project is copied to a fresh temporary directory (sources
 * only: .git, dist, reports, coverage, scratch and node_modules are left out; node_modules is a
 * hard-linked copy made once per run, without the vitest cache), the patch is applied there, and
 * `npx vitest run test/properties` runs with a fixed fast-check seed. A baseline run without a
 * patch comes first; a mutant is **caught** when some test fails that passed in the baseline (the
 * first such tests are named, properties before the meta-tests about them), **escaped** when no
 * such test fails, and an **error** when the suite could not run at all (no report). Tests that
 * already fail in the baseline (work in progress elsewhere) are listed and never count as a catch.
 * The real working tree is only read.
 *
 * Options: `--only N[,N…]` runs those mutants (1-based); `--runs N` sets SEMODEL_MUTATION_RUNS
 * (property runs per property, default 50; the suite's own default is 200); `--campaign` also
 * runs `node bin/semodel.mjs campaign --runs 50` per mutant; `--dry-run` only checks that every
 * patch applies; `--no-write` keeps docs/semantic-mutants.md as it is (the file is written only
 * for a full run).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One semantic mutation: a patch of one file. */
export interface Mutant {
  /** The file, relative to the project root. */
  readonly file: string;
  /** Text that must occur exactly once in the file. */
  readonly search: string;
  readonly replace: string;
  /** What the mutation breaks, in the spec's words. */
  readonly description: string;
}

const H = 'model/image-unpack/handlers.ts';
const V = 'model/platform/views.ts';

/** The mutants, in a fixed order (`--only` numbers them from 1). */
export const MUTANTS: readonly Mutant[] = [
  // --- guard order (REQ-UNPACK-3's numbered lists) ---
  {
    file: H,
    description: 'unpack: ADDRESS_ALREADY_UNPACKED checked before TOO_MANY_PAGES',
    search: `    // REQ-UNPACK-8: no more than NEP pages
    if (digests.nep >= image.nep) return fail(guest, 'TOO_MANY_PAGES');
    const page = at / PAGE_SIZE;
    // REQ-UNPACK-9: each page once
    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');`,
    replace: `    const page = at / PAGE_SIZE;
    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');
    if (digests.nep >= image.nep) return fail(guest, 'TOO_MANY_PAGES');`,
  },
  {
    file: H,
    description: 'unpack: TOO_MANY_PAGES checked before ADDRESS_OUT_OF_RANGE',
    search: `    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');
    // REQ-UNPACK-8: no more than NEP pages
    if (digests.nep >= image.nep) return fail(guest, 'TOO_MANY_PAGES');`,
    replace: `    if (digests.nep >= image.nep) return fail(guest, 'TOO_MANY_PAGES');
    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');`,
  },
  {
    file: H,
    description: 'unpack: INVALID_LENGTH checked before INVALID_STATE (length before state)',
    search: `    if (guest.phase !== 'unpacking' || image === null || digests === null || xtsKey === null) return fail(guest, 'INVALID_STATE');
    // REQ-UNPACK-6: a whole tweak and a whole page
    if (action.tweak.length !== 16 || action.page.length !== PAGE_SIZE) return fail(guest, 'INVALID_LENGTH');`,
    replace: `    if (action.tweak.length !== 16 || action.page.length !== PAGE_SIZE) return fail(guest, 'INVALID_LENGTH');
    if (guest.phase !== 'unpacking' || image === null || digests === null || xtsKey === null) return fail(guest, 'INVALID_STATE');`,
  },
  {
    file: H,
    description: 'unpack: ADDRESS_OUT_OF_RANGE checked before ADDRESS_NOT_ALIGNED',
    search: `    if (at > Number.MAX_SAFE_INTEGER ? (action.address & PAGE_OFFSET_MASK) !== 0n : at % PAGE_SIZE !== 0) return fail(guest, 'ADDRESS_NOT_ALIGNED');
    // REQ-UNPACK-7: ...and inside guest memory
    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');`,
    replace: `    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');
    if (at > Number.MAX_SAFE_INTEGER ? (action.address & PAGE_OFFSET_MASK) !== 0n : at % PAGE_SIZE !== 0) return fail(guest, 'ADDRESS_NOT_ALIGNED');`,
  },
  {
    file: H,
    description: 'unpack: TWEAK_REUSED checked before ADDRESS_ALREADY_UNPACKED',
    search: `    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');
    // REQ-UNPACK-10: each tweak once per guest
    if (slice.usedTweaks.has(action.tweak)) return fail(guest, 'TWEAK_REUSED');`,
    replace: `    if (slice.usedTweaks.has(action.tweak)) return fail(guest, 'TWEAK_REUSED');
    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');`,
  },
  {
    file: H,
    description: 'set-header: KEY_SLOT_AUTH and NO_KEY_SLOT swapped (no slot for a host key answered KEY_SLOT_AUTH)',
    search: `    if (found === undefined) return fail(guest, 'NO_KEY_SLOT');`,
    replace: `    if (found === undefined) return fail(guest, 'KEY_SLOT_AUTH');`,
  },
  {
    file: H,
    description: 'set-header: KEY_SLOT_AUTH and NO_KEY_SLOT swapped (a slot that does not unwrap answered NO_KEY_SLOT)',
    search: `    if (!opened.ok) return fail(guest, openCode(opened.error.check));`,
    replace: `    if (!opened.ok) return fail(guest, opened.error.check === 'KEY_SLOT_AUTH' ? 'NO_KEY_SLOT' : openCode(opened.error.check));`,
  },
  {
    file: H,
    description: 'set-header: the header decoded before the phase is checked (HEADER_MALFORMED beats INVALID_STATE)',
    search: `    if (guest.phase !== 'created') return fail(guest, 'INVALID_STATE');
    // The decoded header's fields are views of these bytes: keep them, not the boundary's scratch memory.
    const headerBytes = keep(action.header);
    // REQ-UNPACK-3: the header is a well-formed version 0x100 header
    const decoded = decodeHeader(headerBytes);
    if (!decoded.ok) return fail(guest, decodeCode(decoded.error.reason));`,
    replace: `    const headerBytes = keep(action.header);
    const decoded = decodeHeader(headerBytes);
    if (!decoded.ok) return fail(guest, decodeCode(decoded.error.reason));
    if (guest.phase !== 'created') return fail(guest, 'INVALID_STATE');`,
  },
  {
    file: H,
    description: 'verify: ALD compared before PLD',
    search: `    const failed: VerifyCheck | null = !equalBytes(got.pld, image.pld)
      ? 'pld'
      : !equalBytes(got.ald, image.ald)
        ? 'ald'`,
    replace: `    const failed: VerifyCheck | null = !equalBytes(got.ald, image.ald)
      ? 'ald'
      : !equalBytes(got.pld, image.pld)
        ? 'pld'`,
  },
  {
    file: H,
    description: 'verify: TLD compared before ALD',
    search: `      : !equalBytes(got.ald, image.ald)
        ? 'ald'
        : !equalBytes(got.tld, image.tld)
          ? 'tld'`,
    replace: `      : !equalBytes(got.tld, image.tld)
        ? 'tld'
        : !equalBytes(got.ald, image.ald)
          ? 'ald'`,
  },
  // --- the lifecycle of REQ-UNPACK-2, -12, -13 ---
  {
    file: H,
    description: 'verify accepts NEP−1 pages (the count check is off by one)',
    search: `          : got.nep !== image.nep`,
    replace: `          : got.nep !== image.nep && got.nep + 1n !== image.nep`,
  },
  {
    file: H,
    description: 'unpack accepted after verify (in phase verified)',
    search: `    if (guest.phase !== 'unpacking' || image === null || digests === null || xtsKey === null) return fail(guest, 'INVALID_STATE');`,
    replace: `    if ((guest.phase !== 'unpacking' && guest.phase !== 'verified') || image === null || digests === null || xtsKey === null) return fail(guest, 'INVALID_STATE');`,
  },
  {
    file: H,
    description: 'start without verify (a guest still unpacking starts)',
    search: `    if (guest.phase !== 'verified') return fail(guest, 'NOT_VERIFIED');`,
    replace: `    if (guest.phase !== 'verified' && guest.phase !== 'unpacking') return fail(guest, 'NOT_VERIFIED');`,
  },
  {
    file: H,
    description: 'start after a failed verify',
    search: `    if (guest.phase !== 'verified') return fail(guest, 'NOT_VERIFIED');`,
    replace: `    if (guest.phase !== 'verified' && guest.phase !== 'verify-failed') return fail(guest, 'NOT_VERIFIED');`,
  },
  {
    file: H,
    description: 'the failed verify is not recorded (the guest stays unpacking and may verify again)',
    search: `      return fail(recorded, VERIFY_CODE[failed]);`,
    replace: `      void recorded;
      return fail(guest, VERIFY_CODE[failed]);`,
  },
  {
    file: H,
    description: 'set-header accepted again while unpacking (a second header resets the digests)',
    search: `    if (guest.phase !== 'created') return fail(guest, 'INVALID_STATE');`,
    replace: `    if (guest.phase !== 'created' && guest.phase !== 'unpacking') return fail(guest, 'INVALID_STATE');`,
  },
  // --- tweaks (REQ-UNPACK-10) ---
  {
    file: H,
    description: 'a reused tweak is accepted',
    search: `    if (slice.usedTweaks.has(action.tweak)) return fail(guest, 'TWEAK_REUSED');`,
    replace: `    // (no tweak check)`,
  },
  {
    file: H,
    description: 'tweak uniqueness per image (header tag) across guests instead of per guest',
    search: `    if (slice.usedTweaks.has(action.tweak)) return fail(guest, 'TWEAK_REUSED');`,
    replace: `    const store = globalThis as unknown as { __semodelImageTweaks?: Map<string, Set<string>> };
    const byImage = (store.__semodelImageTweaks ??= new Map<string, Set<string>>());
    const imageKey = String(image.headerTag);
    const tweak = String(action.tweak);
    const seen = byImage.get(imageKey) ?? new Set<string>();
    byImage.set(imageKey, seen);
    if (seen.has(tweak)) return fail(guest, 'TWEAK_REUSED');
    seen.add(tweak);`,
  },
  {
    file: 'model/image-unpack/tweak-set.ts',
    description: "the tweak set ignores the tweak's first two bytes (the component prefix): tweaks differing only there count as reused",
    search: `  return [w(0), w(4), w(8), w(12)];`,
    replace: `  return [w(0) & 0xffff, w(4), w(8), w(12)];`,
  },
  {
    file: 'model/se-format/image-pages.ts',
    description: 'a wrong tweak for pages at component offset ≥ 0x2000 (the builder skips one page offset)',
    search: `    const offset = i * PAGE_SIZE;`,
    replace: `    const offset = i >= 2 ? (i + 1) * PAGE_SIZE : i * PAGE_SIZE;`,
  },
  // --- effects ---
  {
    file: H,
    description: 'PCF bit 35 ignored (plaintext-stored pages are decrypted anyway)',
    search: `    const noDecryption = (header.pcf & PCF_NO_DECRYPTION) !== 0n;`,
    replace: `    const noDecryption = (header.pcf & PCF_NO_DECRYPTION) !== 0n && header.pcf < 0n;`,
  },
  {
    file: H,
    description: 'PLD extended over the plaintext instead of the stored page',
    search: `      digests: addPage(digests, action.address, action.tweak, action.page),`,
    replace: `      digests: addPage(digests, action.address, action.tweak, plain),`,
  },
  {
    file: H,
    description: 'a rejection that changes state: ADDRESS_ALREADY_UNPACKED overwrites the page',
    search: `    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');`,
    replace: `    if (guest.memory.has(page)) return fail({ ...guest, memory: guest.memory.set(page, keep(action.page)) }, 'ADDRESS_ALREADY_UNPACKED');`,
  },
  {
    file: H,
    description: 'set-header on a guest of machine 1 opens the header with machine 0’s host keys',
    search: `    const hostKeys = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];`,
    replace: `    const hostKeys = world.machines.get(0)?.firmware.hostKeys ?? [];`,
  },
  {
    file: H,
    description: 'ADDRESS_OUT_OF_RANGE off by one (the page just past memory is accepted)',
    search: `    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');`,
    replace: `    if (at > guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');`,
  },
  {
    file: H,
    description: "start does not load the image's PSW",
    search: `    const psw = guest.image?.psw ?? guest.cpu.psw;`,
    replace: `    const psw = guest.cpu.psw;`,
  },
  {
    file: 'model/se-format/header-keys.ts',
    description: 'a key slot whose PHKH does not match is taken (the first slot, whatever its PHKH)',
    search: `    const slotIndex = header.keySlots.findIndex((s) => equalBytes(s.phkh, own));`,
    replace: `    const slotIndex = header.keySlots.findIndex((s) => s.phkh.length === own.length);`,
  },
  // --- the boundary and the views ---
  {
    file: 'model/platform/boundary.ts',
    description: "the boundary does not copy bytes (the scratch copier hands the caller's array through)",
    search: `    view.set(v);
    return view;`,
    replace: `    return v;`,
  },
  {
    file: 'model/crypto/lazy-digest.ts',
    description: "a running digest keeps the bytes it was given, not a copy: the next unpack's page, in the boundary's scratch memory, replaces the one pending",
    search: `    const pending: Pending = { data: slabCopy(data), prev: this.pending };`,
    replace: `    const pending: Pending = { data, prev: this.pending };
    void slabCopy;`,
  },
  {
    file: 'model/world/guests.ts',
    description: "keep() does not copy: the world keeps views of the boundary's scratch memory, which the next step overwrites",
    search: `  return slabCopy(bytes);`,
    replace: `  return bytes;`,
  },
  {
    file: V,
    description: "the hypervisor's view shows bytes 32–64 of the lowest (kernel) page after the header",
    search: `      header: g.image === null ? null : copy(g.image.headerBytes),`,
    replace: `      header: g.image === null ? null : Uint8Array.from([...g.image.headerBytes, ...(byKey(g.memory)[0]?.[1].subarray(32, 64) ?? [])]),`,
  },
  {
    file: V,
    description: "the hypervisor's view shows the highest (stage3b) page once the guest runs",
    search: `      header: g.image === null ? null : copy(g.image.headerBytes),`,
    replace: `      header: g.image === null ? null : g.phase === 'running' ? Uint8Array.from([...g.image.headerBytes, ...(byKey(g.memory).at(-1)?.[1] ?? [])]) : copy(g.image.headerBytes),`,
  },
  {
    file: V,
    description: "the hypervisor's view shows the lowest page as an array of numbers",
    search: `      unpackedPages: g.memory.size,`,
    replace: `      unpackedPages: g.memory.size,
      ...(g.memory.size === 0 ? {} : { firstPage: Array.from(byKey(g.memory)[0]?.[1] ?? []) }),`,
  },
  {
    file: V,
    description: "the guest's view hands out the memory's own buffers (no copy)",
    search: `      const memory = byKey(g.memory).map(([page, bytes]) => ({ page, bytes: copy(bytes) }));`,
    replace: `      const memory = byKey(g.memory).map(([page, bytes]) => ({ page, bytes }));`,
  },
  // --- the platform's lifecycle ---
  {
    file: 'model/platform/lifecycle.ts',
    description: 'guest IDs reused after destroy (the next ID is the count plus one: a live guest is replaced by an empty one)',
    search: `    const id = world.nextGuestId;`,
    replace: `    const id = world.guests.size + 1;`,
  },
  {
    file: 'model/platform/lifecycle.ts',
    description: 'destroy-guest accepted but the guest stays',
    search: `    return { state: { ...after, guests: after.guests.delete(a.guest) }, outcome: { kind: 'accepted', response: {} } };`,
    replace: `    return { state: world, outcome: { kind: 'accepted', response: {} } };`,
  },
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Top-level entries never copied into a mutant's directory. */
const EXCLUDED = new Set(['.git', 'dist', 'reports', 'coverage', 'scratch', 'node_modules', '.stryker-tmp']);
/** The fast-check seed of every run (vitest.setup.ts reads FC_SEED). */
const FC_SEED = 0x5e_2026;
/** Failing test names kept per mutant. */
const NAMED = 3;

/** How one run ended. */
interface Verdict {
  readonly status: 'caught' | 'escaped' | 'error' | 'passed' | 'failed';
  /** The failing tests (caught), or why the suite did not run (error). */
  readonly detail: string;
  readonly seconds: number;
}

/** Applies `m` to `text`; throws unless the search text occurs exactly once. */
export function applyMutant(m: Mutant, text: string): string {
  const first = text.indexOf(m.search);
  if (first < 0) throw new Error(`${m.file}: the search text of "${m.description}" is not in the file`);
  if (text.indexOf(m.search, first + 1) >= 0) throw new Error(`${m.file}: the search text of "${m.description}" occurs more than once`);
  return text.slice(0, first) + m.replace + text.slice(first + m.search.length);
}

/** A fresh copy of the project's sources under `base`, with `modules` linked as node_modules. */
function copyProject(base: string, name: string, modules: string): string {
  const dir = join(base, name);
  mkdirSync(dir);
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      return rel === '' || !EXCLUDED.has(rel.split('/')[0] ?? '');
    },
  });
  symlinkSync(modules, join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Failing test names from vitest's JSON report, or undefined when there is none. */
function failures(report: string): string[] | undefined {
  if (!existsSync(report)) return undefined;
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    testResults?: { name?: string; message?: string; assertionResults?: { status?: string; fullName?: string; title?: string }[] }[];
  };
  const out: string[] = [];
  for (const file of json.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) => a.fullName ?? a.title ?? '?');
    // A file that failed to load has no assertion results, only a message.
    if (failed.length === 0 && file.message !== undefined && file.message !== '') out.push(`${relative(ROOT, file.name ?? '?')}: ${file.message.split('\n')[0] ?? ''}`);
    out.push(...failed);
  }
  return out;
}

/** Runs the property tests (and the campaign) in `dir`. */
function runSuite(dir: string, options: { readonly runs: number; readonly campaign: boolean }): { failed: string[] | undefined; output: string; seconds: number } {
  const t0 = Date.now();
  const report = join(dir, 'vitest-report.json');
  const env = { ...process.env, FC_SEED: String(FC_SEED), SEMODEL_MUTATION_RUNS: String(options.runs) };
  const r = spawnSync('npx', ['vitest', 'run', 'test/properties', '--reporter=json', `--outputFile=${report}`], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  let failed = failures(report);
  const output = `${r.stdout}\n${r.stderr}`;
  if (options.campaign && failed !== undefined) {
    const c = spawnSync(process.execPath, ['bin/semodel.mjs', 'campaign', '--runs', '50'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    if (c.status !== 0) failed = [...failed, `campaign --runs 50 (exit ${c.status ?? 'signal'})`];
  }
  return { failed, output, seconds: (Date.now() - t0) / 1000 };
}

/** Meta-tests (about what properties assert) sort after the properties themselves. */
const META = /^every property /;

/** The verdict of a mutant's run: caught by the tests that fail and passed in the baseline. */
function judge(run: ReturnType<typeof runSuite>, baselineFailed: ReadonlySet<string>): Verdict {
  if (run.failed === undefined) return { status: 'error', detail: run.output.trim().split('\n').slice(-3).join(' ').slice(0, 300), seconds: run.seconds };
  const fresh = run.failed.filter((t) => !baselineFailed.has(t)).sort((a, b) => Number(META.test(a)) - Number(META.test(b)));
  if (fresh.length === 0) return { status: 'escaped', detail: '', seconds: run.seconds };
  const more = fresh.length > NAMED ? ` (+${fresh.length - NAMED} more)` : '';
  return { status: 'caught', detail: fresh.slice(0, NAMED).join('; ') + more, seconds: run.seconds };
}

/** docs/semantic-mutants.md. */
function markdown(rows: readonly { n: number; m: Mutant; v: Verdict }[], baseline: Verdict, options: { readonly runs: number; readonly campaign: boolean }): string {
  const caught = rows.filter((r) => r.v.status === 'caught').length;
  const escaped = rows.filter((r) => r.v.status === 'escaped');
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '# Semantic mutants',
    '',
    'Generated by `npm run mutants` (scripts/semantic-mutants.ts). Each row is a hand-made semantic',
    'mutation of mechanism 2 or the platform: a patch of one file (the search text must occur exactly',
    'once). For each, the project is copied to a temporary directory, the patch applied there, and',
    `\`npx vitest run test/properties\` run with FC_SEED=${FC_SEED} and SEMODEL_MUTATION_RUNS=${options.runs}`,
    `${options.campaign ? 'and then `semodel campaign --runs 50`' : '(the campaign was not run: `--campaign` adds it)'}. **caught**: some test failed that passed in the`,
    'baseline (the first are named, properties before the meta-tests about them); **escaped**: no such test failed; **error**: the suite did not run.',
    'The real working tree is never modified. Re-run one mutant with `npm run mutants -- --only N`.',
    '',
    `Baseline (no patch): ${baseline.status} in ${baseline.seconds.toFixed(0)} s${baseline.detail === '' ? '' : `; failing already, never counted as a catch: ${cell(baseline.detail)}`}.`,
    '',
    `Result: ${caught} of ${rows.length} caught; escaped: ${escaped.length === 0 ? 'none' : escaped.map((r) => `#${r.n}`).join(', ')}.`,
    '',
    '| # | file | mutation | result | caught by | s |',
    '|---:|---|---|---|---|---:|',
    ...rows.map((r) => `| ${r.n} | ${r.m.file} | ${cell(r.m.description)} | ${r.v.status} | ${cell(r.v.detail)} | ${r.v.seconds.toFixed(0)} |`),
    '',
  ].join('\n');
}

/** Runs the mutants; returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string' }, runs: { type: 'string' }, campaign: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'no-write': { type: 'boolean' } },
    strict: true,
  });
  const runs = values.runs === undefined ? 50 : Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 10) {
    console.error('mutants: --runs must be an integer ≥ 10');
    return 2;
  }
  const only = values.only?.split(',').map(Number);
  if (only !== undefined && only.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MUTANTS.length)) {
    console.error(`mutants: --only takes numbers 1 to ${MUTANTS.length}`);
    return 2;
  }
  const selected = MUTANTS.map((m, i) => ({ n: i + 1, m })).filter((x) => only === undefined || only.includes(x.n));
  // Every patch must apply to today's sources, before anything runs.
  for (const { m } of selected) applyMutant(m, readFileSync(join(ROOT, m.file), 'utf8'));
  console.log(`${selected.length} mutant(s); every patch applies exactly once.`);
  if (values['dry-run'] === true) return 0;

  const options = { runs, campaign: values.campaign === true };
  const base = mkdtempSync(join(tmpdir(), 'semodel-mutants-'));
  try {
    // node_modules once per run, hard-linked (no copying of 170 MB), without the vitest cache:
    // a cache file rewritten in place through a hard link would change the real one.
    const modules = join(base, 'node_modules');
    const cp = spawnSync('cp', ['-al', join(ROOT, 'node_modules'), modules], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp -al node_modules failed: ${cp.stderr}`);
    rmSync(join(modules, '.vite'), { recursive: true, force: true });
    rmSync(join(modules, '.cache'), { recursive: true, force: true });

    const baseDir = copyProject(base, 'baseline', modules);
    const b = runSuite(baseDir, options);
    if (b.failed === undefined) throw new Error(`the baseline suite did not run: ${b.output.trim().split('\n').slice(-5).join(' ')}`);
    const baselineFailed = new Set(b.failed);
    const baseline: Verdict = { status: b.failed.length === 0 ? 'passed' : 'failed', detail: b.failed.join('; '), seconds: b.seconds };
    console.log(`baseline: ${baseline.status} (${baseline.seconds.toFixed(0)} s)${baseline.detail === '' ? '' : ` ${baseline.detail}`}`);
    rmSync(baseDir, { recursive: true, force: true });

    const rows: { n: number; m: Mutant; v: Verdict }[] = [];
    for (const { n, m } of selected) {
      const dir = copyProject(base, `mutant-${n}`, modules);
      const file = join(dir, m.file);
      writeFileSync(file, applyMutant(m, readFileSync(file, 'utf8')));
      const v = judge(runSuite(dir, options), baselineFailed);
      rows.push({ n, m, v });
      console.log(`#${String(n).padStart(2)} ${v.status.padEnd(7)} ${v.seconds.toFixed(0).padStart(4)} s  ${m.description}${v.detail === '' ? '' : `\n      ${v.detail}`}`);
      rmSync(dir, { recursive: true, force: true });
    }
    const caught = rows.filter((r) => r.v.status === 'caught').length;
    console.log(`\n${caught} of ${rows.length} caught; escaped: ${rows.filter((r) => r.v.status === 'escaped').map((r) => `#${r.n}`).join(', ') || 'none'}`);
    console.log(['', '| # | mutation | result |', '|---:|---|---|', ...rows.map((r) => `| ${r.n} | ${r.m.description} | ${r.v.status} |`)].join('\n'));
    if (only === undefined && values['no-write'] !== true) {
      const out = join(ROOT, 'docs', 'semantic-mutants.md');
      writeFileSync(out, markdown(rows, baseline, options));
      console.log(`wrote ${out}`);
    }
    return rows.some((r) => r.v.status === 'error') ? 1 : 0;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
