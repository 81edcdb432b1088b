// `semodel campaign` and `semodel requirements`: the main job of `npm start`, and the trace the
// docs build runs.
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../properties/campaign/seeds.js';
import { allProperties } from '../../properties/registry.js';
import { selectProperties } from '../../cli/campaign.js';
import { run, runJson } from './cli-harness.js';

interface CampaignJson {
  version: string;
  seed: number;
  suite: string;
  steps: number;
  properties: {
    mechanism: string;
    name: string;
    requirements: string[];
    runs: number;
    status: string;
    seed: number;
    steps: number;
    codesReached: string[];
    counterexample?: string;
  }[];
  passed: number;
  failed: number;
  unreached: string[];
}

describe('semodel campaign', () => {
  it('runs every registered property and reports each in JSON, with its own seed, steps and codes', async () => {
    const { code, json } = await runJson<CampaignJson>('campaign', '--runs', '10', '--seed', '7', '--json');
    expect(code).toBe(0);
    expect(json.seed).toBe(7);
    expect(json.suite).toBe('noble');
    expect(json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.properties.map((p) => `${p.mechanism}/${p.name}`)).toEqual(allProperties.map((p) => `${p.mechanism}/${p.name}`));
    expect(json.properties.every((p) => p.status === 'passed' && p.runs === 10 && p.requirements.length > 0)).toBe(true);
    expect(json.properties.map((p) => p.seed)).toEqual(allProperties.map((p) => propertySeed(7, p.mechanism, p.name)));
    expect(json.steps).toBe(json.properties.reduce((n, p) => n + p.steps, 0));
    expect(json.steps).toBeGreaterThan(0);
    expect(json.properties.find((p) => p.mechanism === 'image-unpack' && p.name === 'stimulus-each-guard')?.codesReached).toContain('TWEAK_REUSED');
    expect([json.passed, json.failed]).toEqual([allProperties.length, 0]);
    // The whole default campaign (eight mechanisms) in one process: beside the other test files on two cores it needs more than the default two minutes.
  }, 300_000);

  it('gives a property the same runs whatever else is selected', async () => {
    const alone = await runJson<CampaignJson>('campaign', '--property', 'tweak-uniqueness', '--runs', '5', '--json');
    const among = await runJson<CampaignJson>('campaign', '--mechanism', 'image-unpack', '--property', 'start-implies-verify', '--property', 'tweak-uniqueness', '--runs', '5', '--json');
    const pick = (j: CampaignJson) => j.properties.find((p) => p.name === 'tweak-uniqueness');
    expect(among.json.properties).toHaveLength(2);
    expect(pick(among.json)).toMatchObject({ seed: pick(alone.json)?.seed, steps: pick(alone.json)?.steps });
  });

  it('prints a table of at most 100 columns with coverage and a summary line', async () => {
    const r = await run('campaign', '--mechanism', 'image-unpack', '--runs', '10');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^property\s+runs\s+steps\s+result\s+time\s+requirements$/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(r.out).toContain('adversarial-schedule-integrity');
    expect(r.out).toMatch(/runs reaching each phase: created \d+%, unpacking \d+%, verified \d+%/);
    expect(r.out).toMatch(/\n\d+ passed, 0 failed \(seed 2026, 10 runs per property, suite noble\)$/);
    // Not a terminal: one plain progress line per property on stderr.
    expect(r.errLines.filter((l) => l.startsWith('ok '))).toHaveLength(allProperties.filter((p) => p.mechanism === 'image-unpack').length);
  });

  it('runs a time budget and reports the runs done', async () => {
    const { code, json } = await runJson<CampaignJson>('campaign', '--property', 'header-codec-round-trip', '--time', '0.5', '--json');
    expect(code).toBe(0);
    expect(json.properties[0]?.runs).toBeGreaterThan(0);
  });

  it('a mechanism without properties is refused, naming those that have some (every mechanism has some in this release)', () => {
    const pool = allProperties.filter((p) => p.mechanism !== 'confidential-boot');
    expect(() => selectProperties(['confidential-boot'], [], pool)).toThrow(/'confidential-boot' has no properties yet; mechanisms with properties: platform, secure-ipl/);
    expect(selectProperties(['confidential-boot'], []).length).toBeGreaterThan(0);
  });

  it('refuses what it cannot run with one line and exit 2, naming the choices', async () => {
    for (const [argv, message] of [
      [['campaign', '--mechanism', 'nope'], /unknown mechanism 'nope'; one of: platform, secure-ipl, image-unpack/],
      [['campaign', '--property', 'nope'], /unknown property 'nope'; one of: .*noninterference/],
      [['campaign', '--runs', '0'], /--runs/],
      [['campaign', '--runs', 'many'], /--runs/],
      [['campaign', '--runs', '5', '--time', '3'], /exclusive/],
      [['campaign', '--time', 'soon'], /--time/],
      [['campaign', '--seed', '-1'], /--seed/],
      [['campaign', '--seed', '4294967296'], /32-bit unsigned .*4294967296 is too large/],
      [['campaign', '--suite', 'openssl'], /--suite takes noble or node/],
      [['campaign', '--shard', '4/3'], /--shard/],
      [['campaign', '--shard-count', '3'], /JOB_COMPLETION_INDEX/],
      [['campaign', '--frobnicate'], /frobnicate/],
    ] as const) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines, argv.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^semodel: /);
      expect(r.err).toMatch(message);
    }
  });

  it('accepts the largest 32-bit seed', async () => {
    const { code, json } = await runJson<CampaignJson>('campaign', '--property', 'header-codec-round-trip', '--runs', '2', '--seed', '4294967295', '--json');
    expect(code).toBe(0);
    expect(json.seed).toBe(4294967295);
  });

  it('--help documents the options and the JSON shape', async () => {
    const r = await run('campaign', '--help');
    expect(r.code).toBe(0);
    for (const s of ['--mechanism', '--property', '--runs', '--time', '--seed', '--suite', '--workers', '--shard', '--shard-count', '--out', '--json', 'counterexample', 'codesReached', 'campaign merge', 'campaign replay']) {
      expect(r.out).toContain(s);
    }
  });
});

describe('semodel requirements', () => {
  it('traces every requirement to a property and exits 0', async () => {
    const { code, json } = await runJson<{ requirements: { id: string; properties: string[] }[]; unchecked: string[]; problems: string[] }>(
      'requirements',
      '--json',
    );
    expect(code).toBe(0);
    expect(json.unchecked).toEqual([]);
    expect(json.problems).toEqual([]);
    expect(json.requirements.map((r) => r.id)).toContain('REQ-UNPACK-15');
    expect(json.requirements.every((r) => r.properties.length > 0)).toBe(true);
  });

  it('prints the trace as markdown', async () => {
    const r = await run('requirements');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Requirements trace/);
    expect(r.out).toContain('| REQ-UNPACK-10: each tweak is used once per image | `TWEAK_REUSED` |');
  });
});
