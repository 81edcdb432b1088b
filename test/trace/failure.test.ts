// Campaign failure files: a deliberately broken model (verify accepts everything) fails a real
// property; the failure is written as a trace that reproduces against the broken system and not
// against the model, and that `trace replay` and the ITF export read.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTrace, exportItf, failureFileName, FailureFileError, replayFailure, replayTrace, writeFailureTrace } from '../../conformance/trace/index.js';
import { runProperty } from '../../properties/property.js';
import { brokenVerify, property, textOf } from './fixtures.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'semodel-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const caught = property('targeted-edits-fail-verify');
const run = runProperty(caught, { numRuns: 50, seed: 7, system: brokenVerify });

describe('campaign failure traces', () => {
  it('the broken verify fails the property with a shrunk counterexample and a path', () => {
    expect(run.status).toBe('failed');
    expect(run.path).toMatch(/^\d+(:\d+)*$/);
    expect(run.error).toMatch(/^REQ-UNPACK-12: verify/);
  });

  const out = path.join(dir, 'nested', 'failures');
  const record = writeFailureTrace(out, caught, run, { system: brokenVerify });

  it('writes <mechanism>--<name>--seed-<seed>.trace.jsonl with the replay command', () => {
    expect(record.file).toBe(path.join(out, 'image-unpack--targeted-edits-fail-verify--seed-7.trace.jsonl'));
    expect(path.basename(record.file)).toBe(failureFileName('image-unpack', 'targeted-edits-fail-verify', 7));
    expect(record.replayCommand).toBe(`semodel campaign replay ${record.file}`);
    expect(existsSync(record.file)).toBe(true);
  });

  it('the header carries the property, seed, path, runs and error; the broken verify is recorded; the last step has full views', () => {
    const d = decodeTrace(readFileSync(record.file, 'utf8'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.header).toMatchObject({ property: { mechanism: 'image-unpack', name: 'targeted-edits-fail-verify' }, seed: 7, path: run.path, runs: run.runs, error: run.error, system: 'semodel with verify accepting everything' });
    const applies = d.value.lines.filter((l) => l.op === 'apply');
    const verify = applies.find((l) => (l.action as { kind?: string } | undefined)?.kind === 'verify');
    expect(verify?.outcome).toEqual({ kind: 'accepted', response: {} });
    expect(Object.keys(applies.at(-1)?.views ?? {})).toEqual(['hypervisor', 'guest:1', 'owner:1', 'host-manager', 'client']);
  });

  it('reproduces against the broken system and not against the model', () => {
    expect(replayFailure(record.file, { system: brokenVerify })).toEqual({
      reproduced: true,
      message: expect.stringMatching(/^image-unpack\/targeted-edits-fail-verify fails again \(seed 7, path [\d:]+(… \(\d+ steps\))?\): REQ-UNPACK-12: verify/),
    });
    expect(replayFailure(record.file)).toEqual({ reproduced: false, message: expect.stringContaining('passes on the recorded input now (seed 7') });
  });

  it('replays on the model to the first divergence (the broken verify) and exports to ITF', () => {
    const d = decodeTrace(readFileSync(record.file, 'utf8'));
    if (!d.ok) throw new Error('decode');
    const r = replayTrace(d.value);
    expect(r.divergence).toMatchObject({ request: 'apply verify', field: 'outcome', expected: 'accepted {}' });
    expect(r.divergence?.got).toMatch(/^rejected [A-Z]+_MISMATCH \(REQ-UNPACK-12\)$/);
    const itf = exportItf(d.value);
    expect(itf.states.find((st) => (st as Record<string, unknown>)['mbt::actionTaken'] === 'verify')).toMatchObject({ outcome: { tag: 'accepted', value: {} } });
  });

  it('a second failure of the same run replaces the file', () => {
    writeFileSync(record.file, 'stale\n');
    expect(writeFailureTrace(out, caught, run, { system: brokenVerify }).file).toBe(record.file);
    expect(readFileSync(record.file, 'utf8')).toMatch(/^\{"format":"semodel-trace"/);
  });

  it('refuses a run that did not fail, a trace that is no failure, and a property this semodel lacks', () => {
    expect(() => writeFailureTrace(out, caught, { ...run, status: 'passed' })).toThrow('only a failed run');
    const plain = path.join(dir, 'plain.trace.jsonl');
    writeFileSync(plain, textOf('honest-unpack-yields-plaintext'));
    expect(() => replayFailure(plain)).toThrow(new FailureFileError(`${plain}: not a campaign failure: the header has no seed, path, runs`));
    const text = readFileSync(record.file, 'utf8').replace('"name":"targeted-edits-fail-verify"', '"name":"gone"');
    const gone = path.join(dir, 'gone.trace.jsonl');
    writeFileSync(gone, text);
    expect(() => replayFailure(gone)).toThrow(/no property image-unpack\/gone in this semodel/);
    expect(() => replayFailure(path.join(dir, 'missing'))).toThrow(/no such file/);
    writeFileSync(gone, 'not json\n');
    expect(() => replayFailure(gone)).toThrow(/not a trace file: line 1, field \(line\): not JSON/);
  });
});
