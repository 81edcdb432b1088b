// `semodel trace replay|export|import` and `semodel campaign replay`, in-process: exit status,
// one clear line, and outputs that are never overwritten without --force.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignReplay } from '../../cli/campaign-replay.js';
import { processIo, type Io } from '../../cli/io.js';
import { decodeTrace, replayTrace, writeFailureTrace } from '../../conformance/trace/index.js';
import { runProperty } from '../../properties/property.js';
import { isOneCleanLine, run, tempDir } from '../cli/cli-harness.js';
import { brokenVerify, editLine, lineWhere, property, textOf, type Loose } from './fixtures.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const honest = path.join(dir, 'honest.trace.jsonl');
writeFileSync(honest, textOf('honest-unpack-yields-plaintext'));
const n = lineWhere(textOf('honest-unpack-yields-plaintext'), (l) => l.op === 'apply' && l.action?.kind === 'start');
const startStep = (JSON.parse(textOf('honest-unpack-yields-plaintext').split('\n')[n - 1] as string) as { step: number }).step;
const changed = path.join(dir, 'changed.trace.jsonl');
writeFileSync(changed, editLine(textOf('honest-unpack-yields-plaintext'), n, (l) => (l.outcome = { kind: 'rejected', code: 'NOT_VERIFIED', requirement: 'REQ-UNPACK-13' })));
const broken = path.join(dir, 'broken.trace.jsonl');
writeFileSync(broken, editLine(textOf('honest-unpack-yields-plaintext'), n, (l) => (l.outcome.response = 7)));

describe('semodel trace replay', () => {
  it('exit 0 and one line when the trace replays exactly', async () => {
    const r = await run('trace', 'replay', honest);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(new RegExp(`^${honest.replace(/[.]/g, '\\.')}: replays exactly \\(\\d+ lines, \\d+ steps\\)$`));
  });

  it('exit 1 and the first divergence as one line', async () => {
    const r = await run('trace', 'replay', changed);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toContain(`diverges at step ${startStep} (line ${n}, apply start)`);
    expect(r.out).toMatch(/\(line \d+, apply start\): outcome: expected rejected NOT_VERIFIED \(REQ-UNPACK-13\), got accepted \{\}$/);
  });

  it('--json reports exact, lines, steps and the divergence', async () => {
    const r = await run('trace', 'replay', changed, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as Loose;
    expect(j).toMatchObject({ file: changed, exact: false, divergence: { request: 'apply start', field: 'outcome', line: n } });
    const ok = JSON.parse((await run('trace', 'replay', honest, '--json')).out) as Loose;
    expect(ok).toMatchObject({ file: honest, exact: true });
    expect(ok['divergence']).toBeUndefined();
  });

  it('exit 2 with one line naming the line and field for an unusable file', async () => {
    const bad = await run('trace', 'replay', broken);
    expect(bad.code).toBe(2);
    expect(isOneCleanLine(bad)).toBe(true);
    expect(bad.err).toBe(`semodel: ${broken}: not a usable trace: line ${n}, field outcome.response: expected an object`);
    const binary = path.join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00]));
    for (const argv of [['trace', 'replay', path.join(dir, 'missing')], ['trace', 'replay', binary], ['trace', 'replay'], ['trace', 'replay', honest, honest], ['trace', 'frobnicate'], ['trace', 'replay', honest, '--frobnicate']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), argv.join(' ')).toBe(true);
    }
  });
});

describe('semodel trace export and import', () => {
  it('exports ITF, imports it back, and the import replays exactly', async () => {
    const itf = path.join(dir, 'honest.itf.json');
    const e = await run('trace', 'export', honest, '--itf', '-o', itf);
    expect([e.code, e.out, e.err]).toEqual([0, `wrote ${itf}`, '']);
    const doc = JSON.parse(readFileSync(itf, 'utf8')) as Loose;
    expect(Object.keys(doc)).toEqual(['#meta', 'vars', 'states']);
    expect(doc['#meta']).toMatchObject({ format: 'ITF', source: honest });
    const back = path.join(dir, 'back.trace.jsonl');
    const i = await run('trace', 'import', itf, '-o', back);
    expect([i.code, i.out]).toEqual([0, `wrote ${back}`]);
    const replay = await run('trace', 'replay', back);
    expect(replay.code).toBe(0);
    const d = decodeTrace(readFileSync(back, 'utf8'));
    expect(d.ok && replayTrace(d.value).exact).toBe(true);
    const stdout = await run('trace', 'export', honest, '--itf', '-o', '-');
    expect(JSON.parse(stdout.out)).toEqual(doc);
  });

  it('refuses to overwrite without --force, and outputs that are not regular files even with it', async () => {
    const out = path.join(dir, 'existing.itf.json');
    writeFileSync(out, 'keep me\n');
    const refused = await run('trace', 'export', honest, '--itf', '-o', out);
    expect(refused.code).toBe(2);
    expect(isOneCleanLine(refused)).toBe(true);
    expect(refused.err).toBe(`semodel: ${out} exists; choose another output or pass --force`);
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    expect((await run('trace', 'export', honest, '--itf', '-o', out, '--force')).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\{"#meta"/);
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    for (const argv of [['trace', 'export', honest, '--itf', '-o', folder, '--force'], ['trace', 'import', out, '-o', folder, '--force']]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`semodel: ${folder} exists and is not a regular file; choose another output`);
    }
    const trace = path.join(dir, 'existing.trace.jsonl');
    writeFileSync(trace, 'keep\n');
    expect((await run('trace', 'import', out, '-o', trace)).err).toContain('exists; choose another output or pass --force');
    expect(readFileSync(trace, 'utf8')).toBe('keep\n');
  });

  it('refuses a missing --itf or -o, an unusable trace and an unusable ITF document with one line', async () => {
    const notItf = path.join(dir, 'not.itf.json');
    writeFileSync(notItf, '{"vars":["x"],"states":[]}');
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    for (const [argv, message] of [
      [['trace', 'export', honest, '-o', path.join(dir, 'x')], '--itf'],
      [['trace', 'export', honest, '--itf'], 'needs -o OUT'],
      [['trace', 'export', broken, '--itf', '-o', path.join(dir, 'y')], 'field outcome.response'],
      [['trace', 'import', notItf, '-o', path.join(dir, 'z')], 'at $.vars: has no variable action'],
      [['trace', 'import', notJson, '-o', path.join(dir, 'z')], 'not JSON'],
      [['trace', 'import', honest], 'needs -o OUT'],
    ] as [string[], string][]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), argv.join(' ')).toBe(true);
      expect(r.err, argv.join(' ')).toContain(message);
    }
  });

  it('--help documents each command, and semodel --help lists them', async () => {
    const replay = await run('trace', 'replay', '--help');
    expect(replay.code).toBe(0);
    for (const s of ['--json', 'Exit status: 0 the trace replays exactly, 1 it diverges, 2']) expect(replay.out).toContain(s);
    const exp = await run('trace', 'export', '--help');
    for (const s of ['--itf', '-o OUT', '--force', 'ADR-015', 'mbt::actionTaken']) expect(exp.out).toContain(s);
    const imp = await run('trace', 'import', '--help');
    for (const s of ['FILE.itf.json', '-o OUT', '--force']) expect(imp.out).toContain(s);
    expect((await run('trace', '--help')).code).toBe(0);
    const top = (await run('--help')).out;
    for (const s of ['semodel trace replay FILE', 'semodel trace export FILE --itf -o OUT', 'semodel trace import FILE.itf.json -o OUT']) expect(top).toContain(s);
  });
});

/** An Io that captures what a command prints. */
function captureIo(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { ...processIo, out: (t) => void out.push(t), err: (t) => void err.push(t), now: () => 0 }, out, err };
}

describe('semodel campaign replay', () => {
  const p = property('targeted-edits-fail-verify');
  const failed = runProperty(p, { numRuns: 50, seed: 3, system: brokenVerify });
  const { file } = writeFailureTrace(path.join(dir, 'failures'), p, failed, { system: brokenVerify });

  it('exit 1 and one line when the failure reproduces; exit 0 when the property passes on that input now', () => {
    const again = captureIo();
    expect(campaignReplay([file], again.io, { system: brokenVerify })).toBe(1);
    expect(again.out).toHaveLength(1);
    expect(again.out[0]).toMatch(/^image-unpack\/targeted-edits-fail-verify fails again \(seed 3, path [\d:]+(… \(\d+ steps\))?\): REQ-UNPACK-12: /);
    const now = captureIo();
    expect(campaignReplay([file], now.io)).toBe(0);
    expect(now.out[0]).toMatch(/passes on the recorded input now/);
    const json = captureIo();
    expect(campaignReplay([file, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out[0] ?? '')).toMatchObject({ file, reproduced: false });
  });

  it('an unusable file is a UsageError (exit 2 through main)', () => {
    const c = captureIo();
    expect(() => campaignReplay([honest], c.io)).toThrow('not a campaign failure: the header has no seed, path, runs');
    expect(() => campaignReplay([broken], c.io)).toThrow(`line ${n}, field outcome.response`);
    expect(() => campaignReplay([], c.io)).toThrow('campaign replay needs FILE');
    expect(campaignReplay(['--help'], c.io)).toBe(0);
    expect(c.out.at(-1)).toContain('Exit status: 1 the failure reproduces, 0 the property now passes on that input, 2');
  });
});
