/**
 * Building an image of a 64 MiB kernel, an 8 MiB initrd and a parmline: `semodel image build`
 * against IBM's genprotimg v2.35.0, both measured live in this run, as child processes on the
 * same input files and the same host-key certificate, alternated over {@link PAIRS} pairs (which
 * goes first swaps every pair) so that load from other processes falls on both alike. Reported as
 * medians of the per-pair ratios semodel / genprotimg:
 * - wall time, target ≤ 1.0 (semodel may use two cores against genprotimg's one);
 * - CPU time (user + system, all threads), target ≤ 1.5;
 * - peak RSS, reported beside genprotimg's; the target is semodel's peak at most 64 MiB above
 *   node's own start-up footprint (`node -e 0`, measured in the same run), and flat as the image
 *   grows: the peak with a 16 MiB kernel and with a 64 MiB kernel differ by at most 8 MiB.
 * Also, for reference, the model's pure `buildImage` in-process on the same inputs.
 *
 * genprotimg comes from ../shared/peers/build-genprotimg.sh, which builds it (and raw-verify, the
 * C floor of bench/verify-floor.ts) outside the project once and prints the paths; when it cannot
 * be built the group says so and reports semodel alone. semodel runs as compiled JavaScript: the
 * project's dist/ when it is current, else the sources transpiled into a scratch folder (what
 * dist/ would hold), never tsx, whose on-the-fly compilation is not the build's cost.
 *
 * CPU time and peak RSS come from GNU time (`/usr/bin/time -f '%M %U %S'`); without it they are
 * n/a. Wall time is measured here around the whole child, start-up included.
 *
 * Run standalone: `npx tsx bench/build.ts`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { nodeSuite } from '../model/crypto/node-suite.js';
import { buildImage, deriveBuildSecrets } from '../model/se-format/image-builder.js';
import { untunedEnv } from '../bin/tunables.mjs';
import { alternatePairs, formatResults, GNU_TIME, loadNote, measureChild, medianOf, type BenchResult, type ChildMeasure } from './harness.js';
import { benchHostPublic, MIB, nowMs, pattern, targetNote } from './unpack.js';

/** Alternated pairs of each comparison (the issue asks for at least 7). */
export const PAIRS = 7;
/** Targets: semodel / genprotimg. */
const TARGET_WALL = 1.0;
const TARGET_CPU = 1.5;
/** Target: semodel's peak RSS above `node -e 0`'s, MiB. */
const TARGET_RSS_ABOVE_NODE = 64;
/** Target: semodel's peak RSS with a 64 MiB kernel minus with a 16 MiB kernel, MiB. */
const TARGET_RSS_GROWTH = 8;
const PARMLINE = 'console=ttyS0';

/** The project root (this file is in bench/). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The peers' folder beside the project. */
const PEERS = resolve(ROOT, '..', 'shared', 'peers');
/** A host-key certificate both tools take (genprotimg a host-key document, semodel its public key). */
export const HOST_KEY_CRT = resolve(ROOT, '..', 'shared', 'vectors', 'se-images', 'keys', 'host-key-A0.crt');
/** The private key of {@link HOST_KEY_CRT}, for verify. */
export const HOST_KEY_PEM = resolve(ROOT, '..', 'shared', 'vectors', 'se-images', 'keys', 'host-key-A0.pem');

/** The peers' binaries, or why they are not there. */
export interface Peers {
  readonly genprotimg: string | undefined;
  readonly rawVerify: string | undefined;
  /** Why a binary is missing ('' when both are there). */
  readonly problem: string;
}

/**
 * Builds (once; later calls only print the paths) genprotimg and raw-verify with
 * ../shared/peers/build-genprotimg.sh into its default folder outside the project.
 */
export function findPeers(): Peers {
  const script = join(PEERS, 'build-genprotimg.sh');
  if (!existsSync(script)) return { genprotimg: undefined, rawVerify: undefined, problem: `${script} is missing` };
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 600_000 });
  const paths = (r.stdout ?? '').trim().split('\n').filter((l) => l !== '');
  if (r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${String(r.status)}`;
    return { genprotimg: undefined, rawVerify: undefined, problem: `build-genprotimg.sh failed: ${why}` };
  }
  const find = (name: string): string | undefined => paths.find((p) => p.endsWith(`/${name}`) && existsSync(p));
  const genprotimg = find('genprotimg');
  const rawVerify = find('raw-verify');
  const missing = [genprotimg === undefined ? 'genprotimg' : '', rawVerify === undefined ? 'raw-verify' : ''].filter((s) => s !== '');
  return { genprotimg, rawVerify, problem: missing.length === 0 ? '' : `build-genprotimg.sh printed no ${missing.join(' or ')}` };
}

/** The source folders the CLI is made of. */
const CLI_SOURCES = ['cli', 'conformance', 'model', 'properties'];

/** Every `.ts` file (not `.d.ts`) under `dir`, relative to the project root. */
function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/**
 * The CLI as compiled JavaScript: `bin/semodel.mjs` when dist/ is current (its own rule), else
 * every source transpiled with TypeScript's `transpileModule` (no type check) into `scratch`,
 * with a link to the project's node_modules.
 * @returns the entry script and which of the two it is
 */
export function compiledCli(scratch: string): { readonly entry: string; readonly mode: string } {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  const files = CLI_SOURCES.flatMap(tsFiles);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(0, ...files.map((f) => statSync(join(ROOT, f)).mtimeMs))) {
    return { entry: join(ROOT, 'bin', 'semodel.mjs'), mode: 'compiled dist/' };
  }
  const out = join(scratch, 'precompiled');
  for (const file of files) {
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
  return { entry, mode: 'sources transpiled to JS (dist/ is not current)' };
}

/** The input files of a build: kernel of `kernelMiB`, 8 MiB initrd, the parmline as a file. */
export function writeInputs(scratch: string, kernelMiB: number): { kernel: string; initrd: string; parmfile: string } {
  const files = { kernel: join(scratch, `kernel-${kernelMiB}.img`), initrd: join(scratch, 'initrd.img'), parmfile: join(scratch, 'parmfile') };
  writeFileSync(files.kernel, pattern(kernelMiB * MIB, 31, 7));
  if (!existsSync(files.initrd)) writeFileSync(files.initrd, pattern(8 * MIB, 17, 3));
  writeFileSync(files.parmfile, PARMLINE);
  return files;
}

/** `semodel image build` arguments for these inputs. */
export function semodelBuildArgs(files: { kernel: string; initrd: string }, out: string): string[] {
  return ['image', 'build', '--kernel', files.kernel, '--initrd', files.initrd, '--parmline', PARMLINE, '--host-key', HOST_KEY_CRT, '--seed', '1', '-o', out];
}

const mib = (bytes: number): string => (bytes / MIB).toFixed(1);

/** The model's buildImage in-process on the same inputs: the reference the CLI's bytes equal. */
function inProcess(): BenchResult {
  const input = { ...deriveBuildSecrets(nodeSuite, Uint8Array.of(1)), kernel: pattern(64 * MIB, 31, 7), initrd: pattern(8 * MIB, 17, 3), parmline: PARMLINE, hostKeys: [benchHostPublic(nodeSuite)] };
  buildImage(nodeSuite, input); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = nowMs();
    const r = buildImage(nodeSuite, input);
    if (!r.ok) throw new Error(`build failed: ${r.error.field}: ${r.error.message}`);
    times.push(nowMs() - t0);
  }
  return { name: 'model buildImage in-process (pure reference, all in memory)', value: medianOf(times), unit: 'ms', note: 'median of 3; the CLI writes the same bytes, streamed' };
}

/**
 * Measures `semodel image build` against genprotimg, live, alternated.
 * @returns wall, CPU and peak RSS of both and their ratios with targets; node's start-up RSS;
 * semodel's RSS growth from a 16 MiB to a 64 MiB kernel; the model's in-process build
 */
export async function benchBuild(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'semodel-bench-build-'));
  try {
    const gnuTime = existsSync(GNU_TIME);
    const report = join(scratch, 'time.txt');
    const measure = (command: string, args: readonly string[], out?: string): ChildMeasure => {
      if (out !== undefined) rmSync(out, { force: true }); // each run writes a new file, as a first build does
      // Both tools run as a user starts them: without the copy setting the bench itself runs under.
      return measureChild(command, args, { report, gnuTime, cwd: scratch, env: untunedEnv(process.env) });
    };
    const ok = (m: ChildMeasure, what: string): ChildMeasure => {
      if (m.status !== 0) throw new Error(`${what} exited ${String(m.status)}: ${m.stderr.trim().split('\n').pop() ?? ''}`);
      return m;
    };
    const peers = findPeers();
    const cli = compiledCli(scratch);
    const big = writeInputs(scratch, 64);
    const small = writeInputs(scratch, 16);
    const semOut = join(scratch, 'semodel.img');
    const genOut = join(scratch, 'genprotimg.img');
    const semodel = (files: { kernel: string; initrd: string }): ChildMeasure => ok(measure(process.execPath, [cli.entry, ...semodelBuildArgs(files, semOut)], semOut), 'semodel image build');
    const load = loadNote();

    // Warm-up of both (page cache, node's compile cache), not counted.
    semodel(big);
    const genArgs = ['-i', big.kernel, '-r', big.initrd, '-p', big.parmfile, '-k', HOST_KEY_CRT, '--no-verify', '-o', genOut];
    if (peers.genprotimg !== undefined) ok(measure(peers.genprotimg, genArgs, genOut), 'genprotimg');
    const imageSize = statSync(semOut).size;

    const nodeBase = (): ChildMeasure => ok(measure(process.execPath, ['-e', '0']), 'node -e 0');
    if (peers.genprotimg === undefined) {
      results.push({ name: 'genprotimg (IBM, C)', value: Number.NaN, unit: '', note: `NOT AVAILABLE: ${peers.problem}; semodel reported alone, no ratios` });
      const runs = alternatePairs(PAIRS, () => semodel(big), nodeBase);
      const s = runs.a;
      results.push(
        { name: `semodel image build, ${mib(imageSize)} MiB image, wall (${cli.mode})`, value: medianOf(s.map((m) => m.wallMs)), unit: 'ms', note: `median of ${PAIRS}; ${load}` },
        { name: 'semodel image build, CPU', value: medianOf(s.map((m) => m.cpuSeconds)), unit: 's' },
      );
      pushRss(results, s, runs.b, small, semodel);
      results.push(inProcess());
      return results;
    }

    const genprotimg = peers.genprotimg;
    const runs = alternatePairs(PAIRS, () => ok(measure(genprotimg, genArgs, genOut), 'genprotimg'), () => semodel(big));
    if (statSync(genOut).size !== imageSize) throw new Error(`the two images differ in size: genprotimg ${statSync(genOut).size}, semodel ${imageSize}`);
    const ratios = (pick: (m: ChildMeasure) => number): number => medianOf(runs.a.map((g, i) => pick(runs.b[i] as ChildMeasure) / pick(g)));
    const wall = ratios((m) => m.wallMs);
    const cpu = ratios((m) => m.cpuSeconds);
    const rss = ratios((m) => m.peakRss);
    const med = (list: readonly ChildMeasure[], pick: (m: ChildMeasure) => number): number => medianOf(list.map(pick));
    results.push(
      {
        name: `genprotimg (IBM, C, live), ${mib(imageSize)} MiB image, wall`,
        value: med(runs.a, (m) => m.wallMs),
        unit: 'ms',
        note: `median of ${PAIRS}; CPU ${med(runs.a, (m) => m.cpuSeconds).toFixed(2)} s; peak RSS ${mib(med(runs.a, (m) => m.peakRss))} MiB; ${load}`,
      },
      {
        name: `semodel image build (${cli.mode}), wall`,
        value: med(runs.b, (m) => m.wallMs),
        unit: 'ms',
        note: `median of ${PAIRS}; CPU ${med(runs.b, (m) => m.cpuSeconds).toFixed(2)} s; peak RSS ${mib(med(runs.b, (m) => m.peakRss))} MiB`,
      },
      { name: 'semodel / genprotimg wall', value: wall, unit: 'ratio', note: targetNote(wall, '≤', TARGET_WALL, `median of ${PAIRS} alternated pairs`) },
      { name: 'semodel / genprotimg CPU (user + system)', value: cpu, unit: 'ratio', note: targetNote(cpu, '≤', TARGET_CPU, `median of ${PAIRS} alternated pairs`) },
      { name: 'semodel / genprotimg peak RSS', value: rss, unit: 'ratio', note: 'no target as a ratio (see the two figures below)' },
    );
    pushRss(results, runs.b, Array.from({ length: 5 }, nodeBase), small, semodel);
    results.push(inProcess());
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The RSS figures: semodel's peak above node's start-up, and its growth from a 16 MiB to a
 * 64 MiB kernel (3 alternated pairs of the two sizes).
 */
function pushRss(results: BenchResult[], semodel64: readonly ChildMeasure[], nodeRuns: readonly ChildMeasure[], small: { kernel: string; initrd: string }, semodel: (files: { kernel: string; initrd: string }) => ChildMeasure): void {
  const nodeRss = medianOf(nodeRuns.map((m) => m.peakRss));
  const peak64 = Math.max(...semodel64.map((m) => m.peakRss));
  const above = (peak64 - nodeRss) / MIB;
  results.push(
    { name: 'node -e 0 peak RSS (start-up footprint)', value: nodeRss / MIB, unit: 'MiB', note: `median of ${nodeRuns.length}, same run` },
    { name: 'semodel peak RSS above node -e 0 (64 MiB kernel)', value: above, unit: 'MiB', note: targetNote(above, '≤', TARGET_RSS_ABOVE_NODE, `largest of ${semodel64.length}`) },
  );
  const bigFiles = { kernel: small.kernel.replace('kernel-16', 'kernel-64'), initrd: small.initrd };
  const sizes = alternatePairs(3, () => semodel(small), () => semodel(bigFiles));
  const growth = (Math.max(...sizes.b.map((m) => m.peakRss)) - Math.max(...sizes.a.map((m) => m.peakRss))) / MIB;
  results.push({
    name: 'semodel peak RSS, 64 MiB kernel minus 16 MiB kernel',
    value: growth,
    unit: 'MiB',
    note: targetNote(growth, '≤', TARGET_RSS_GROWTH, `largest of 3 alternated each; 16 MiB kernel ${mib(Math.max(...sizes.a.map((m) => m.peakRss)))} MiB`),
  });
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchBuild()));
}
