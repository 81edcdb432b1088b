/**
 * What glibc's copy setting is worth, live: one 4 KiB page copied into one destination, 64 pages
 * in turn (each in its own buffer), in child processes under glibc's default and under the
 * tunable semodel's commands set (bin/tunables.mjs), alternated pair by pair; the median of each.
 * A process reads its tunables when it starts, so only child processes can compare the two.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { tunedEnv, untunedEnv } from '../bin/tunables.mjs';
import type { BenchResult } from './harness.js';
import { median } from './unpack.js';

/** Pairs of child processes. */
const PAIRS = 3;

/** The child: ns per 4 KiB copy, over 64 pages in turn, after a warm-up. */
const CHILD = `
const pages = Array.from({ length: 64 }, (_, k) => new Uint8Array(4096).fill(k));
const dst = new Uint8Array(4096);
const run = (n) => { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) dst.set(pages[i & 63]); return Number(process.hrtime.bigint() - t) / n; };
run(200000);
const samples = [run(500000), run(500000), run(500000)].sort((a, b) => a - b);
process.stdout.write(String(samples[1]));
`;

function childNs(env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['-e', CHILD], { env, encoding: 'utf8' });
  const ns = Number(r.stdout);
  if (r.status !== 0 || !Number.isFinite(ns)) throw new Error(`copy-setting child failed: ${r.stderr}`);
  return ns;
}

/** The copy of a page under glibc's default and under semodel's setting, and their ratio. */
export function benchCopySetting(): BenchResult[] {
  const plain: number[] = [];
  const tuned: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    plain.push(childNs(untunedEnv(process.env)));
    tuned.push(childNs(tunedEnv(process.env)));
  }
  const a = median(plain);
  const b = median(tuned);
  return [
    { name: "  part: copy of a 4 KiB page, glibc's default", value: a / 1000, unit: 'µs/op', note: `child processes, ${PAIRS} alternated with the next` },
    { name: "  part: copy of a 4 KiB page, semodel's setting", value: b / 1000, unit: 'µs/op', note: 'GLIBC_TUNABLES as bin/tunables.mjs sets it' },
    { name: '  part: default / setting', value: a / b, unit: '×', note: 'what the relaunch saves per page copied' },
  ];
}
