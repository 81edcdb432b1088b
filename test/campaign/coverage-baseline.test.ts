// The committed coverage baseline (docs/coverage-baseline.json): the reduced campaign it names
// must still reach every code, outcome and phase it lists. A change that stops the campaign
// reaching one of them fails here; regenerate the baseline (its `command`) only on purpose.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lostSince, type CoverageBaseline } from '../../properties/campaign/baseline.js';
import type { CampaignSummary } from '../../properties/campaign/summary.js';
import { PROJECT, runJson } from '../cli/cli-harness.js';

const baseline = JSON.parse(readFileSync(path.join(PROJECT, 'docs/coverage-baseline.json'), 'utf8')) as CoverageBaseline;

describe('coverage baseline', () => {
  it('names a reproducible campaign and lists deep states', () => {
    expect(baseline.command).toMatch(/^semodel campaign .*--runs \d+ .*--seed \d+/);
    expect(baseline.phases).toEqual(['created', 'unpacking', 'verified', 'verify-failed', 'running', 'migrated']);
    expect(baseline.outcomes).toContain('verify NEP_MISMATCH');
    expect(baseline.outcomes).toContain('start accepted');
  });

  it('the campaign still reaches everything the baseline lists', async () => {
    const { code, json } = await runJson<CampaignSummary>('campaign', '--runs', String(baseline.runs), '--seed', String(baseline.seed), '--suite', baseline.suite, '--json');
    expect(code).toBe(0);
    expect(lostSince(baseline, json.coverage)).toEqual({ codes: [], outcomes: [], phases: [] });
    // And the check can fail: what the campaign did not reach is reported.
    const more = { ...baseline, codes: [...baseline.codes, 'NO_SUCH_CODE'], outcomes: [...baseline.outcomes, 'verify NO_SUCH_CODE'] };
    expect(lostSince(more, json.coverage)).toEqual({ codes: ['NO_SUCH_CODE'], outcomes: ['verify NO_SUCH_CODE'], phases: [] });
    // The whole default campaign (eight mechanisms) in one process: beside the other test files on two cores it needs more than the default two minutes.
  }, 300_000);
});
