// A campaign over a deliberately broken reducer (start accepted while unpacking) fails, writes the
// shrunk counterexample as a trace file, and prints one line with the command that replays it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failureLines } from '../../cli/campaign-table.js';
import { recordFailure } from '../../cli/campaign-files.js';
import { replayFailure } from '../../conformance/trace/failure.js';
import { HANDLERS, modelSystem, type HandlerTable } from '../../model/platform/index.js';
import { runCampaignProperty } from '../../properties/campaign/run.js';
import { startImpliesVerify } from '../../properties/image-unpack/integrity.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { run as runCli, tempDir } from '../cli/cli-harness.js';
import { decodeTrace, importItf, replayTrace } from '../../conformance/trace/index.js';

/** start also accepted while unpacking: the guest runs what verify never checked. */
const brokenStart: HandlerTable['start'] = (world, a) => {
  const g = world.guests.get(a.guest);
  if (g === undefined || g.phase !== 'unpacking') return HANDLERS.start(world, a);
  return { state: { ...world, guests: world.guests.set(a.guest, { ...g, phase: 'running' }) }, outcome: { kind: 'accepted', response: {} } };
};
const broken = () => modelSystem({ suite: PROPERTY_SUITE, handlers: { start: brokenStart } });

const temp = tempDir();
afterAll(temp.cleanup);

describe('a campaign failure', () => {
  const { run, result } = runCampaignProperty(startImpliesVerify, { campaignSeed: 2026, runs: 100, suite: 'noble', system: broken });

  it('fails the property, with its seed, path and a counterexample kept short', () => {
    expect(result.status).toBe('failed');
    expect(result.seed).toBe(run.seed);
    expect(result.path).toBe(run.path);
    expect(result.error).toMatch(/REQ-UNPACK-13/);
    expect((result.counterexample ?? '').length).toBeLessThanOrEqual(400);
  });

  it('writes a trace file that replays the failure on the broken model, and passes on the model', () => {
    const out = path.join(temp.dir, 'failures');
    const recorded = recordFailure(out, startImpliesVerify, run, result, broken);
    expect(recorded.failureFile).toBeDefined();
    const file = recorded.failureFile ?? '';
    expect(existsSync(file)).toBe(true);
    expect(path.dirname(path.resolve(file))).toBe(path.resolve(out));
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
    expect(recorded.replay).toBe(`semodel campaign replay ${file}`);
    const lines = failureLines([recorded]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toContain(`replay: semodel campaign replay ${file}`);
    expect(replayFailure(file, { system: broken }).reproduced).toBe(true);
    expect(replayFailure(file).reproduced).toBe(false);
  });

  it('is a trace that `semodel trace export --itf` converts, and whose ITF form imports back to the same steps', async () => {
    const out = path.join(temp.dir, 'failures-itf');
    const file = recordFailure(out, startImpliesVerify, run, result, broken).failureFile ?? '';
    const itf = path.join(temp.dir, 'failure.itf.json');
    const exported = await runCli('trace', 'export', file, '--itf', '-o', itf);
    expect(exported.code).toBe(0);
    const doc = JSON.parse(readFileSync(itf, 'utf8')) as { '#meta': unknown; vars: string[]; states: unknown[] };
    expect(doc.vars).toContain('action');
    const original = decodeTrace(readFileSync(file, 'utf8'));
    const back = importItf(doc);
    if (!original.ok || !back.ok) throw new Error('the failure trace or its ITF form did not decode');
    const applies = (t: typeof original.value) => t.lines.filter((l) => l.op === 'apply').length;
    expect(doc.states.length).toBeGreaterThanOrEqual(applies(original.value));
    expect(applies(back.value)).toBe(applies(original.value));
    // The broken model's trace diverges from the model where the broken start was accepted.
    expect(replayTrace(back.value).exact).toBe(false);
  });
});
