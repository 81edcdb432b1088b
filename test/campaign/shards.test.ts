// Shards and workers give the single-process totals: `--shard K/N` runs a deterministic 1/N,
// `campaign merge` adds the shards up, `JOB_COMPLETION_INDEX` picks the shard (Kubernetes Indexed
// Jobs), `--workers N` runs properties in child processes and survives a worker that dies.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignSummary, PropertyResult } from '../../properties/campaign/summary.js';
import { PROJECT, run, runJson, tempDir } from '../cli/cli-harness.js';

const SELECTION = ['--mechanism', 'image-unpack', '--runs', '3', '--seed', '99'];

/** A result without its wall time (the only field that differs between two runs of it). */
const timeless = (p: PropertyResult) => ({ ...p, timeMs: 0 });

/** What must agree between two summaries of the same campaign. */
function totalsOf(s: CampaignSummary) {
  return {
    seed: s.seed,
    passed: s.passed,
    failed: s.failed,
    steps: s.steps,
    coverage: s.coverage,
    unreached: s.unreached,
    unreachedGuards: s.unreachedGuards,
    unreachedPhases: s.unreachedPhases,
    properties: s.properties.map(timeless),
  };
}

const temp = tempDir();
afterAll(temp.cleanup);

/** Runs bin/semodel.mjs in a child process with `env` added. */
function semodel(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT, 'bin/semodel.mjs'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('shards', async () => {
  const single = await runJson<CampaignSummary>('campaign', ...SELECTION, '--json');

  it('three shards merge into the totals of one process', async () => {
    const dir = path.join(temp.dir, 'shards');
    const sizes: number[] = [];
    for (const k of [1, 2, 3]) {
      const r = await runJson<CampaignSummary>('campaign', ...SELECTION, '--shard', `${k}/3`, '--out', dir, '--json');
      expect(r.code).toBe(0);
      expect(r.json.shard).toEqual({ index: k, count: 3 });
      sizes.push(r.json.properties.length);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(single.json.properties.length);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    const merged = await runJson<CampaignSummary>('campaign', 'merge', dir, '--json');
    expect(merged.code).toBe(0);
    expect(merged.json.shard).toBeUndefined();
    expect(totalsOf(merged.json)).toEqual(totalsOf(single.json));
    const text = await run('campaign', 'merge', dir);
    expect(text.out).toMatch(/\d+ passed, 0 failed \(seed 99, 3 runs per property/);
  });

  it('merge refuses a missing shard, a shard twice, and summaries of different campaigns', async () => {
    const dir = path.join(temp.dir, 'partial');
    await run('campaign', ...SELECTION, '--shard', '1/3', '--out', dir);
    const missing = await run('campaign', 'merge', dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing shards 2\/3, 3\/3/);
    const twice = await run('campaign', 'merge', dir, path.join(dir, 'campaign-summary-1-of-3.json'));
    expect(twice.err).toMatch(/shard 1\/3 appears twice/);
    const other = path.join(temp.dir, 'other');
    await run('campaign', '--mechanism', 'image-unpack', '--runs', '3', '--seed', '100', '--shard', '2/3', '--out', other);
    const mixed = await run('campaign', 'merge', dir, other);
    expect(mixed.err).toMatch(/different campaigns/);
    const none = await run('campaign', 'merge', temp.dir);
    expect(none.code).toBe(2);
  });

  it('JOB_COMPLETION_INDEX=0..2 with --shard-count 3 (an Indexed Job) merges into the same totals', async () => {
    const dir = path.join(temp.dir, 'indexed');
    const runs = await Promise.all([0, 1, 2].map((i) => semodel(['campaign', ...SELECTION, '--shard-count', '3', '--out', dir], { JOB_COMPLETION_INDEX: String(i) })));
    expect(runs.map((r) => r.code), runs.map((r) => r.err).join('\n')).toEqual([0, 0, 0]);
    const merged = await runJson<CampaignSummary>('campaign', 'merge', dir, '--json');
    expect(totalsOf(merged.json)).toEqual(totalsOf(single.json));
  });
});

describe('workers', async () => {
  const single = await runJson<CampaignSummary>('campaign', ...SELECTION, '--json');

  it('--workers 2 gives the results of one process', async () => {
    const r = await runJson<CampaignSummary>('campaign', ...SELECTION, '--workers', '2', '--json');
    expect(r.code).toBe(0);
    expect(totalsOf(r.json)).toEqual(totalsOf(single.json));
  });

  it('a worker that dies is reported; the other properties still run', async () => {
    process.env['SEMODEL_TEST_WORKER_CRASH'] = 'image-unpack/tweak-uniqueness';
    try {
      const r = await runJson<CampaignSummary>('campaign', ...SELECTION, '--workers', '2', '--json');
      expect(r.code).toBe(1);
      const crashed = r.json.properties.filter((p) => p.status === 'crashed');
      expect(crashed.map((p) => p.name)).toEqual(['tweak-uniqueness']);
      expect(crashed[0]?.error).toMatch(/worker exited \(status 70\)/);
      expect(r.json.properties.filter((p) => p.status === 'passed')).toHaveLength(single.json.properties.length - 1);
      expect(r.err).toMatch(/tweak-uniqueness: worker exited/);
    } finally {
      delete process.env['SEMODEL_TEST_WORKER_CRASH'];
    }
  });
});
