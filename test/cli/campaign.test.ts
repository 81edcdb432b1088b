// `semodel campaign` and `semodel requirements`: the main job of `npm start`, and the trace the
// docs build runs.
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { run, runJson } from './cli-harness.js';

interface CampaignJson {
  seed: number;
  properties: { mechanism: string; name: string; requirements: string[]; runs: number; status: string; counterexample?: string }[];
  passed: number;
  failed: number;
}

describe('semodel campaign', () => {
  it('runs every registered property and reports each in JSON', async () => {
    const { code, json } = await runJson<CampaignJson>('campaign', '--runs', '10', '--seed', '7', '--json');
    expect(code).toBe(0);
    expect(json.seed).toBe(7);
    expect(json.properties.map((p) => `${p.mechanism}/${p.name}`)).toEqual(allProperties.map((p) => `${p.mechanism}/${p.name}`));
    expect(json.properties.every((p) => p.status === 'passed' && p.runs === 10 && p.requirements.length > 0)).toBe(true);
    expect([json.passed, json.failed]).toEqual([allProperties.length, 0]);
  });

  it('prints a table with a summary line, and names mechanisms that have no properties yet', async () => {
    const r = await run('campaign', '--mechanism', 'image-unpack', '--runs', '10');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^mechanism\s+property\s+requirements\s+runs\s+result\s+time$/);
    expect(r.out).toContain('adversarial-schedule-integrity');
    expect(r.out).toMatch(/\n\d+ passed, 0 failed \(seed 2026, 10 runs per property\)/);
    const other = await run('campaign', '--mechanism', 'secure-dump', '--runs', '10');
    expect(other.code).toBe(0);
    expect(other.out).toContain('mechanisms with no properties yet: secure-dump');
  });

  it('refuses an unknown mechanism, a bad count and an unknown flag with one line and exit 2', async () => {
    for (const argv of [
      ['campaign', '--mechanism', 'nope'],
      ['campaign', '--runs', '0'],
      ['campaign', '--runs', 'many'],
      ['campaign', '--seed', '-1'],
      ['campaign', '--frobnicate'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines).toHaveLength(1);
      expect(r.err).toMatch(/^semodel: /);
    }
  });

  it('--help documents the options and the JSON shape', async () => {
    const r = await run('campaign', '--help');
    expect(r.code).toBe(0);
    for (const s of ['--mechanism', '--runs', '--seed', '--json', 'counterexample']) expect(r.out).toContain(s);
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
