/**
 * Building an image of a 64 MiB kernel, an 8 MiB initrd and a parmline with the node suite:
 * (a) `buildImage` in-process, with the time of its parts measured one by one over the same
 * pages; (b) `semodel image build` as a child process, wall time and peak resident memory;
 * (c) for comparison, a child process that only reads the inputs, calls `buildImage` and writes
 * the image (what any build command must at least do), on the sources transpiled to JavaScript
 * in a scratch folder (TypeScript's `transpileModule`). `bin/semodel.mjs` runs the compiled
 * `dist/` when it is current and tsx otherwise; the figures say which, and when it is tsx the
 * transpiled CLI is measured too, to show what tsx's on-the-fly compilation costs.
 *
 * Targets (for the CLI): wall time ≤ 2 × 0.37 s (IBM's genprotimg on this machine) and peak
 * memory ≤ 3 × the image size.
 *
 * Peak memory of a child is its maximum resident set size as GNU time reports it
 * (`/usr/bin/time -f '%e %M %U %S'`: `%M` in KiB; `%U` + `%S`, its CPU seconds, are reported
 * too, as a figure a loaded machine disturbs less than wall time); where /usr/bin/time is
 * missing, the child runs with a preloaded module that writes `process.resourceUsage()`'s
 * maxRSS (KiB) and CPU times when it exits. Wall time is measured here around the whole child
 * (`spawnSync`), node's start-up included.
 *
 * Run standalone: `npx tsx bench/build.ts`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { PAGE_SIZE } from '../model/core/bytes.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { buildImage, deriveBuildSecrets } from '../model/se-format/image-builder.js';
import { componentTweaks, imageDigests } from '../model/se-format/image-pages.js';
import { formatResults, type BenchResult } from './harness.js';
import { benchHostPublic, MIB, median, nowMs, pattern, targetNote } from './unpack.js';

/** IBM genprotimg's wall time for the same build on this machine, in seconds. */
export const GENPROTIMG_SECONDS = 0.37;
/** Targets: wall time relative to genprotimg, peak memory relative to the image size. */
const TARGET_WALL_RATIO = 2;
const TARGET_MEMORY_RATIO = 3;
/** Timed runs of each measurement; the median is reported (peak memory: the largest). */
const RUNS = 3;
const PARMLINE = 'console=ttyS0';
const GNU_TIME = '/usr/bin/time';

/** The project root (this file is in bench/). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What one child process took. */
interface ChildRun {
  readonly status: number | null;
  readonly wallMs: number;
  /** Peak resident set size in bytes; NaN when it could not be read. */
  readonly peakRss: number;
  /** User + system CPU seconds of the child (all its threads); NaN when they could not be read. */
  readonly cpuSeconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Which way peak memory is read, and how. */
type RssProbe = { readonly kind: 'gnu-time' } | { readonly kind: 'preload'; readonly module: string };

/** Runs `node args…` in the project root, timing it and reading its peak RSS. */
function runChild(args: readonly string[], probe: RssProbe, scratch: string): ChildRun {
  const report = join(scratch, 'rss.txt');
  rmSync(report, { force: true });
  const [command, argv, env] =
    probe.kind === 'gnu-time'
      ? [GNU_TIME, ['-f', '%e %M %U %S', '-o', report, process.execPath, ...args], process.env]
      : [process.execPath, ['--import', pathToFileURL(probe.module).href, ...args], { ...process.env, SEMODEL_BENCH_RSS_FILE: report }];
  const t0 = nowMs();
  const r = spawnSync(command, argv, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 * MIB });
  const wallMs = nowMs() - t0;
  // The report's last line: GNU time's `%e %M %U %S`, or the preload's `maxRSS user system`;
  // either way the last three fields are KiB, user seconds, system seconds.
  const fields = existsSync(report) ? (readFileSync(report, 'utf8').trim().split('\n').pop() ?? '').trim().split(/\s+/) : [];
  const [kib, user, system] = fields.slice(-3).map(Number);
  const peakRss = kib !== undefined && Number.isFinite(kib) ? kib * 1024 : Number.NaN;
  const cpuSeconds = user !== undefined && system !== undefined ? user + system : Number.NaN;
  return { status: r.status, wallMs, peakRss, cpuSeconds, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** What {@link timeChild} reports. */
interface ChildTiming {
  /** Median wall time (ms). */
  readonly wallMs: number;
  /** Largest peak RSS (bytes). */
  readonly peakRss: number;
  /** Median CPU seconds. */
  readonly cpuSeconds: number;
  readonly last: ChildRun;
}

/** The median wall and CPU time and the largest peak RSS of `RUNS` runs after one warm-up run (tsx's compile cache). */
function timeChild(args: readonly string[], probe: RssProbe, scratch: string, output?: string): ChildTiming {
  // The output is removed before every run: each run writes a new file, as a first build does.
  // (Writing over a 72 MiB file also makes the kernel free the old one's pages, some 50 ms that
  // any program writing there would pay.)
  const clear = (): void => {
    if (output !== undefined) rmSync(output, { force: true });
  };
  clear();
  let last = runChild(args, probe, scratch);
  const failed = (): ChildTiming => ({ wallMs: Number.NaN, peakRss: Number.NaN, cpuSeconds: Number.NaN, last });
  if (last.status !== 0) return failed();
  const walls: number[] = [];
  const cpu: number[] = [];
  let peak = 0;
  for (let run = 0; run < RUNS; run++) {
    clear();
    last = runChild(args, probe, scratch);
    if (last.status !== 0) return failed();
    walls.push(last.wallMs);
    cpu.push(last.cpuSeconds);
    peak = Math.max(peak, last.peakRss);
  }
  return { wallMs: median(walls), peakRss: peak, cpuSeconds: median(cpu), last };
}

/** The note on a child's CPU time and peak memory. */
function childNote(t: ChildTiming, imageSize: number): string {
  return `CPU ${t.cpuSeconds.toFixed(2)} s; peak RSS ${(t.peakRss / MIB).toFixed(0)} MiB = ${(t.peakRss / imageSize).toFixed(2)} × image`;
}

/** The module that reports maxRSS when /usr/bin/time is missing. */
const RSS_PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const file = process.env.SEMODEL_BENCH_RSS_FILE;
  const u = process.resourceUsage();
  if (file) writeFileSync(file, [u.maxRSS, u.userCPUTime / 1e6, u.systemCPUTime / 1e6].join(' '));
});
`;

/**
 * A minimal image build command: read the inputs, build with the node suite, write the image.
 * Arguments: the folder holding model/ and the extension of its modules (`.js` when compiled,
 * `.ts` under tsx), then kernel, initrd, host key and output paths.
 */
const STAND_IN = `import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
const [root, ext, kernel, initrd, hostKey, out] = process.argv.slice(2);
const { nodeSuite } = await import(root + '/model/crypto/node-suite' + ext);
const { buildImage, deriveBuildSecrets } = await import(root + '/model/se-format/image-builder' + ext);
const jwk = createPublicKey(readFileSync(hostKey)).export({ format: 'jwk' });
const coordinate = (b64) => { const b = Buffer.from(b64, 'base64url'); const c = new Uint8Array(66); c.set(b, 66 - b.length); return c; };
const built = buildImage(nodeSuite, {
  ...deriveBuildSecrets(nodeSuite, Uint8Array.of(1)),
  kernel: readFileSync(kernel),
  initrd: readFileSync(initrd),
  parmline: ${JSON.stringify(PARMLINE)},
  hostKeys: [{ x: coordinate(jwk.x), y: coordinate(jwk.y) }],
});
if (!built.ok) { console.error(built.error.field + ': ' + built.error.message); process.exit(1); }
writeFileSync(out, built.value.image);
`;

/** Times `fn` `RUNS` times; the median in milliseconds. */
function medianMs(fn: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = nowMs();
    fn();
    times.push(nowMs() - t0);
  }
  return median(times);
}

/**
 * In-process: buildImage alone, and the parts it spends its time on, each measured on its own
 * over the same pages.
 */
function inProcess(kernel: Uint8Array, initrd: Uint8Array): { results: BenchResult[]; imageSize: number } {
  const secrets = deriveBuildSecrets(nodeSuite, Uint8Array.of(1));
  const input = { ...secrets, kernel, initrd, parmline: PARMLINE, hostKeys: [benchHostPublic(nodeSuite)] };
  const once = buildImage(nodeSuite, input); // warm-up, and the layout the parts are measured on
  if (!once.ok) throw new Error(`build failed: ${once.error.field}: ${once.error.message}`);
  const { layout } = once.value;
  const pages = layout.pages;
  const buildMs = medianMs(() => buildImage(nodeSuite, input));

  // The parts, over the same pages (the stored bytes stand in for the plaintext: same cost).
  const xtsSuiteMs = medianMs(() => {
    for (const p of pages) nodeSuite.aesXtsEncrypt(secrets.xtsKey, p.tweak, p.stored);
  });
  const xtsRawMs = medianMs(() => {
    for (const p of pages) createCipheriv('aes-256-xts', secrets.xtsKey, p.tweak).update(p.stored);
  });
  const digestsMs = medianMs(() => imageDigests(nodeSuite, pages));
  const streamMs = medianMs(() => {
    const [pld, ald, tld] = [createHash('sha512'), createHash('sha512'), createHash('sha512')];
    const address = Buffer.alloc(8);
    for (const p of pages) {
      pld.update(p.stored);
      address.writeBigUInt64BE(p.address);
      ald.update(address);
      tld.update(p.tweak);
    }
    return [pld.digest(), ald.digest(), tld.digest()];
  });
  const tweaksMs = medianMs(() => layout.components.map((c) => componentTweaks(c.tweakPrefix, c.length / PAGE_SIZE)));
  const parts = xtsSuiteMs + digestsMs + tweaksMs;
  const share = (ms: number): string => `${((100 * ms) / buildMs).toFixed(0)}% of buildImage`;
  const results: BenchResult[] = [
    {
      name: `buildImage in-process, 64 MiB kernel + 8 MiB initrd (${pages.length} pages)`,
      value: buildMs,
      unit: 'ms',
      note: `${((layout.imageSize / MIB) / (buildMs / 1000)).toFixed(0)} MiB/s; ${(buildMs / 1000 / GENPROTIMG_SECONDS).toFixed(2)} × genprotimg's whole run`,
    },
    { name: '  part: XTS encrypt of every page (nodeSuite)', value: xtsSuiteMs, unit: 'ms', note: `${share(xtsSuiteMs)}; raw node:crypto ${xtsRawMs.toFixed(0)} ms` },
    {
      name: '  part: imageDigests (PLD, ALD, TLD as immutable DigestState)',
      value: digestsMs,
      unit: 'ms',
      note: `${share(digestsMs)}; 3 streaming node:crypto hashes ${streamMs.toFixed(0)} ms`,
    },
    { name: '  part: componentTweaks (page tweaks)', value: tweaksMs, unit: 'ms', note: share(tweaksMs) },
    {
      name: '  rest (copying pages into the image, allocation, GC, page list, header, layout)',
      value: buildMs - parts,
      unit: 'ms',
      note: share(buildMs - parts),
    },
  ];
  return { results, imageSize: layout.imageSize };
}

/** The source folders the CLI is made of. */
const CLI_SOURCES = ['cli', 'model', 'properties'];

/** Every `.ts` file (not `.d.ts`) under `dir`, relative to the project root. */
function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/**
 * Which code `bin/semodel.mjs` runs, by its own rule: the compiled `dist/` when
 * dist/cli/main.js is at least as new as every .ts file under cli/, model/ and properties/;
 * otherwise the sources under tsx.
 */
function binMode(): 'compiled dist/' | 'tsx' {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) return 'tsx';
  const newest = Math.max(0, ...CLI_SOURCES.flatMap(tsFiles).map((f) => statSync(join(ROOT, f)).mtimeMs));
  return statSync(built).mtimeMs >= newest ? 'compiled dist/' : 'tsx';
}

/**
 * The CLI compiled ahead of time: every source file transpiled to JavaScript with TypeScript's
 * `transpileModule` (no type check) into `out`, which resolves packages through a link to the
 * project's node_modules. Returns the entry script, which does what bin/semodel.mjs does without
 * tsx. This measures what the CLI's start-up would cost if it shipped compiled JavaScript.
 */
function precompileCli(out: string): string {
  for (const file of CLI_SOURCES.flatMap(tsFiles)) {
    const js = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const target = join(out, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  const entry = join(out, 'semodel.js');
  writeFileSync(entry, "import { main } from './cli/main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return entry;
}

/**
 * Measures building a 64 MiB kernel + 8 MiB initrd image in-process and through the CLI.
 * The CLI part reports "not available" while `semodel image build --help` does not succeed.
 * @returns in-process time and its parts; CLI wall time and peak RSS with their ratios to the
 * targets; wall time, CPU time and peak RSS of a minimal stand-in command and of the CLI's
 * start-up alone (and of the transpiled CLI when bin/ runs tsx)
 */
export async function benchBuild(): Promise<BenchResult[]> {
  const kernel = pattern(64 * MIB, 31, 7);
  const initrd = pattern(8 * MIB, 17, 3);
  // The child processes are timed first, while this process is quiet: after the in-process
  // builds its garbage collector works on in background threads, and on two cores those steal
  // time from a child (about 50 ms of a build measured so).
  const children = childRuns(kernel, initrd);
  return [...inProcess(kernel, initrd).results, ...children];
}

/** The child-process measurements of {@link benchBuild}. */
function childRuns(kernel: Uint8Array, initrd: Uint8Array): BenchResult[] {
  const results: BenchResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'semodel-bench-build-'));
  try {
    const files = {
      kernel: join(scratch, 'kernel.img'),
      initrd: join(scratch, 'initrd.img'),
      hostKey: join(scratch, 'host.pem'),
      out: join(scratch, 'se.img'),
      standIn: join(scratch, 'stand-in.mjs'),
      preload: join(scratch, 'rss-preload.mjs'),
    };
    writeFileSync(files.kernel, kernel);
    writeFileSync(files.initrd, initrd);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
    writeFileSync(files.hostKey, publicKey.export({ format: 'pem', type: 'spki' }));
    writeFileSync(files.standIn, STAND_IN);
    writeFileSync(files.preload, RSS_PRELOAD);
    const probe: RssProbe = existsSync(GNU_TIME) ? { kind: 'gnu-time' } : { kind: 'preload', module: files.preload };
    const how = probe.kind === 'gnu-time' ? 'peak RSS by /usr/bin/time %M' : 'peak RSS by process.resourceUsage().maxRSS';
    const buildArgs = ['image', 'build', '--kernel', files.kernel, '--initrd', files.initrd, '--parmline', PARMLINE, '--host-key', files.hostKey, '--seed', '1', '-o', files.out, '--force'];

    // The sources transpiled to JavaScript in the scratch folder: never tsx, whatever dist/ holds.
    const compiledRoot = join(scratch, 'precompiled');
    let compiledEntry: string | undefined;
    let compileError = '';
    try {
      compiledEntry = precompileCli(compiledRoot);
    } catch (e) {
      compileError = e instanceof Error ? e.message : String(e);
    }

    // The stand-in: the least a build command must do (on the transpiled model when there is one).
    const standInArgs = compiledEntry === undefined ? ['--import', 'tsx', files.standIn, ROOT, '.ts'] : [files.standIn, compiledRoot, '.js'];
    const standIn = timeChild([...standInArgs, files.kernel, files.initrd, files.hostKey, files.out], probe, scratch, files.out);
    if (Number.isNaN(standIn.wallMs)) throw new Error(`stand-in build failed: ${standIn.last.stderr.trim()}`);
    const imageSize = statSync(files.out).size;
    results.push({
      name: `child: read inputs + buildImage + write (stand-in, ${compiledEntry === undefined ? 'tsx' : 'compiled JS'}, no CLI)`,
      value: standIn.wallMs,
      unit: 'ms',
      note: `${(standIn.wallMs / 1000 / GENPROTIMG_SECONDS).toFixed(2)} × genprotimg; ${childNote(standIn, imageSize)}`,
    });

    const bin = join(ROOT, 'bin', 'semodel.mjs');
    const help = runChild([bin, 'image', 'build', '--help'], probe, scratch);
    if (help.status !== 0 || help.stdout.trim() === '') {
      results.push({ name: 'semodel image build (CLI)', value: Number.NaN, unit: '', note: `not available: 'semodel image build --help' exits ${String(help.status)}` });
      return results;
    }
    const mode = binMode();
    const startup = timeChild([bin, '--help'], probe, scratch);
    const cli = timeChild([bin, ...buildArgs], probe, scratch, files.out);
    if (Number.isNaN(cli.wallMs)) {
      results.push({ name: 'semodel image build (CLI)', value: Number.NaN, unit: '', note: `not available: exits ${String(cli.last.status)}: ${cli.last.stderr.trim().split('\n')[0] ?? ''}` });
      return results;
    }
    const outSize = statSync(files.out).size;
    const wallRatio = cli.wallMs / 1000 / GENPROTIMG_SECONDS;
    const memoryRatio = cli.peakRss / outSize;
    results.push(
      {
        name: `semodel image build (CLI, ${mode}), wall`,
        value: cli.wallMs,
        unit: 'ms',
        note: `median of ${RUNS}; image ${(outSize / MIB).toFixed(1)} MiB; CPU ${cli.cpuSeconds.toFixed(2)} s`,
      },
      { name: 'CLI wall / genprotimg (0.37 s)', value: wallRatio, unit: 'ratio', note: targetNote(wallRatio, '≤', TARGET_WALL_RATIO) },
      { name: 'CLI peak RSS', value: cli.peakRss / MIB, unit: 'MiB', note: `largest of ${RUNS}; ${how}` },
      { name: 'CLI peak RSS / image size', value: memoryRatio, unit: 'ratio', note: targetNote(memoryRatio, '≤', TARGET_MEMORY_RATIO) },
      { name: `CLI start-up alone (semodel --help, ${mode})`, value: startup.wallMs, unit: 'ms', note: `CPU ${startup.cpuSeconds.toFixed(2)} s; peak RSS ${(startup.peakRss / MIB).toFixed(0)} MiB` },
    );

    // When bin/ falls back to tsx, the same CLI transpiled ahead of time shows what tsx costs.
    if (mode === 'tsx') {
      if (compiledEntry === undefined) {
        results.push({ name: 'CLI transpiled ahead of time', value: Number.NaN, unit: '', note: `not available: ${compileError}` });
        return results;
      }
      const compiledStartup = timeChild([compiledEntry, '--help'], probe, scratch);
      const compiled = timeChild([compiledEntry, ...buildArgs], probe, scratch, files.out);
      if (Number.isNaN(compiled.wallMs) || Number.isNaN(compiledStartup.wallMs)) {
        const failed = Number.isNaN(compiled.wallMs) ? compiled : compiledStartup;
        results.push({ name: 'CLI transpiled ahead of time', value: Number.NaN, unit: '', note: `not available: ${failed.last.stderr.trim().split('\n')[0] ?? ''}` });
        return results;
      }
      results.push(
        {
          name: 'same build, CLI transpiled ahead of time (no tsx), wall',
          value: compiled.wallMs,
          unit: 'ms',
          note: `${(compiled.wallMs / 1000 / GENPROTIMG_SECONDS).toFixed(2)} × genprotimg; ${childNote(compiled, outSize)}`,
        },
        {
          name: 'transpiled CLI start-up alone (--help)',
          value: compiledStartup.wallMs,
          unit: 'ms',
          note: `CPU ${compiledStartup.cpuSeconds.toFixed(2)} s; peak RSS ${(compiledStartup.peakRss / MIB).toFixed(0)} MiB`,
        },
      );
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchBuild()));
}
