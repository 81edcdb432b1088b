/**
 * Verifying an image against the C floor: `semodel image verify` (the firmware model's
 * set-header, one unpack per page, verify, start) against raw-verify (../shared/peers/raw-verify.c:
 * C and OpenSSL, per 4 KiB page one AES-256-XTS decryption and three SHA-512 updates, the least
 * any verifier must do), both as child processes on the same image, alternated over
 * {@link PAIRS} pairs (which goes first swaps every pair). The image is the one of the build group:
 * a 64 MiB kernel, an 8 MiB initrd and a parmline, built by semodel. Target: semodel's wall time
 * at most 2 × raw-verify's (the median of the per-pair ratios); CPU time is reported too.
 *
 * raw-verify comes from ../shared/peers/build-genprotimg.sh (see bench/build.ts); when it cannot
 * be built the group says so and reports semodel alone. semodel runs as compiled JavaScript
 * (dist/ when current, else the sources transpiled into a scratch folder).
 *
 * Run standalone: `npx tsx bench/verify-floor.ts`.
 * @module
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledCli, findPeers, HOST_KEY_PEM, PAIRS, semodelBuildArgs, writeInputs } from './build.js';
import { untunedEnv } from '../bin/tunables.mjs';
import { alternatePairs, formatResults, GNU_TIME, loadNote, measureChild, medianOf, type BenchResult, type ChildMeasure } from './harness.js';
import { MIB, targetNote } from './unpack.js';

/** Target: semodel verify / raw-verify wall time. */
const TARGET_RATIO = 2;

/**
 * Measures `semodel image verify` and raw-verify on the same 72 MiB image, alternated.
 * @returns both wall times (with CPU time) and the ratio with its target
 */
export async function benchVerifyFloor(): Promise<BenchResult[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'semodel-bench-verify-'));
  try {
    const gnuTime = existsSync(GNU_TIME);
    const report = join(scratch, 'time.txt');
    // Both run as a user starts them: without the copy setting the bench itself runs under.
    const measure = (command: string, args: readonly string[]): ChildMeasure => measureChild(command, args, { report, gnuTime, cwd: scratch, env: untunedEnv(process.env) });
    const ok = (m: ChildMeasure, what: string): ChildMeasure => {
      if (m.status !== 0) throw new Error(`${what} exited ${String(m.status)}: ${m.stderr.trim().split('\n').pop() ?? ''}`);
      return m;
    };
    const cli = compiledCli(scratch);
    const image = join(scratch, 'se.img');
    ok(measure(process.execPath, [cli.entry, ...semodelBuildArgs(writeInputs(scratch, 64), image)]), 'semodel image build');
    const size = statSync(image).size;
    const semodel = (): ChildMeasure => ok(measure(process.execPath, [cli.entry, 'image', 'verify', image, '--host-key', HOST_KEY_PEM]), 'semodel image verify');
    const peers = findPeers();
    const load = loadNote();
    semodel(); // warm-up (page cache)
    const results: BenchResult[] = [];
    if (peers.rawVerify === undefined) {
      const runs = Array.from({ length: PAIRS }, semodel);
      results.push(
        { name: 'raw-verify (C/OpenSSL floor)', value: Number.NaN, unit: '', note: `NOT AVAILABLE: ${peers.problem}; semodel reported alone, no ratio` },
        { name: `semodel image verify (${cli.mode}), ${(size / MIB).toFixed(1)} MiB image`, value: medianOf(runs.map((m) => m.wallMs)), unit: 'ms', note: `median of ${PAIRS}; ${load}` },
      );
      return results;
    }
    const rawVerify = peers.rawVerify;
    ok(measure(rawVerify, [image]), 'raw-verify'); // warm-up
    const runs = alternatePairs(PAIRS, () => ok(measure(rawVerify, [image]), 'raw-verify'), semodel);
    const ratio = medianOf(runs.a.map((r, i) => (runs.b[i] as ChildMeasure).wallMs / r.wallMs));
    const cpuRatio = medianOf(runs.a.map((r, i) => (runs.b[i] as ChildMeasure).cpuSeconds / r.cpuSeconds));
    const cpu = (list: readonly ChildMeasure[]): string => medianOf(list.map((m) => m.cpuSeconds)).toFixed(2);
    results.push(
      {
        name: `raw-verify (C/OpenSSL floor, live), ${(size / MIB).toFixed(1)} MiB image, wall`,
        value: medianOf(runs.a.map((m) => m.wallMs)),
        unit: 'ms',
        note: `median of ${PAIRS}; CPU ${cpu(runs.a)} s; ${load}`,
      },
      { name: `semodel image verify (${cli.mode}), wall`, value: medianOf(runs.b.map((m) => m.wallMs)), unit: 'ms', note: `median of ${PAIRS}; CPU ${cpu(runs.b)} s` },
      { name: 'semodel verify / raw-verify wall', value: ratio, unit: 'ratio', note: targetNote(ratio, '≤', TARGET_RATIO, `median of ${PAIRS} alternated pairs; CPU ratio ${cpuRatio.toFixed(2)}`) },
    );
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  console.log(formatResults(await benchVerifyFloor()));
}
