// `semodel trace check`: someone else's trace, JSON lines or ITF (told apart by content), replayed
// on the model; the first divergence with its context (step, action, both outcomes, the parties
// whose views differ, a view diff); exit 0 exact, 1 diverges, 2 unreadable.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportItf, viewDigest } from '../../conformance/trace/index.js';
import { checkTrace, parseTraceText } from '../../conformance/vectors/index.js';
import { isOneCleanLine, run, tempDir } from '../cli/cli-harness.js';
import { editLine, lineWhere, recorded, textOf, type Loose } from '../trace/fixtures.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const NAME = 'honest-unpack-yields-plaintext';
const text = textOf(NAME);
const file = (name: string, content: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const honest = file('honest.trace.jsonl', text);
const itf = file('honest.itf.json', `${JSON.stringify(exportItf(recorded(NAME).trace))}\n`);
const startLine = lineWhere(text, (l) => l.op === 'apply' && l.action?.kind === 'start');
const startStep = (JSON.parse(text.split('\n')[startLine - 1] as string) as { step: number }).step;
const refused = { kind: 'rejected', code: 'NOT_VERIFIED', requirement: 'REQ-UNPACK-13' };

describe('semodel trace check', () => {
  it('exit 0 for a JSON-lines trace and for an ITF trace that replay exactly', async () => {
    const a = await run('trace', 'check', honest);
    expect([a.code, a.err]).toEqual([0, '']);
    expect(a.out).toMatch(/: replays exactly \(\d+ lines, \d+ steps\)$/);
    const b = await run('trace', 'check', itf);
    expect([b.code, b.err]).toEqual([0, '']);
    expect(b.out).toMatch(/: replays exactly \(\d+ lines, \d+ steps\) \[ITF\]$/);
    expect(parseTraceText(readFileSync(itf, 'utf8'))).toMatchObject({ ok: true, format: 'itf' });
    expect(parseTraceText(text)).toMatchObject({ ok: true, format: 'jsonl' });
  });

  it('a tampered outcome: exit 1, the step, its action and both outcomes', async () => {
    const tampered = file('outcome.trace.jsonl', editLine(text, startLine, (l) => (l.outcome = refused)));
    const r = await run('trace', 'check', tampered);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${tampered}: diverges at step ${startStep} (line ${startLine}, apply start): outcome: expected rejected NOT_VERIFIED (REQ-UNPACK-13), got accepted {}`);
    expect(lines[1]).toMatch(/^ {2}action: \{"guest":\d+,"kind":"start"\}$/);
    expect(lines[2]).toBe('  outcome: the trace has rejected NOT_VERIFIED (REQ-UNPACK-13), the model gives accepted {}');
  });

  it('a tampered ITF trace diverges at the same step', async () => {
    const doc = exportItf(recorded(NAME).trace) as Loose;
    const at = (doc['states'] as Loose[]).findIndex((s) => s['action']?.tag === 'start');
    doc['states'][at].outcome = { tag: 'rejected', value: { code: 'NOT_VERIFIED', requirement: 'REQ-UNPACK-13' } };
    const tampered = file('outcome.itf.json', JSON.stringify(doc));
    const r = await run('trace', 'check', tampered, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as Loose;
    expect(j).toMatchObject({ format: 'itf', exact: false, divergence: { step: startStep, field: 'outcome', request: 'apply start' } });
    expect(j['context']).toMatchObject({ traceOutcome: 'rejected NOT_VERIFIED (REQ-UNPACK-13)', modelOutcome: 'accepted {}' });
  });

  it('a tampered view: every party whose digest differs, and the diff of the views the trace carries', () => {
    // An apply line with full views: the guest's and the owner's phase changed, their digests made to match.
    const at = lineWhere(text, (l) => l.op === 'apply' && l.views !== undefined && l.views['owner:1'] !== undefined && l.views['guest:1'] !== undefined);
    const phase = (JSON.parse(text.split('\n')[at - 1] as string) as Loose)['views']['owner:1'].phase as string;
    const other = phase === 'created' ? 'running' : 'created';
    const edited = editLine(text, at, (l) => {
      for (const party of ['guest:1', 'owner:1']) {
        l.views[party].phase = other;
        l.digests[party] = viewDigest(l.views[party]);
      }
    });
    const p = parseTraceText(edited);
    if (!p.ok) throw new Error(p.message);
    const c = checkTrace(p.trace);
    expect(c.result.divergence).toMatchObject({ field: 'digests.guest:1', line: at });
    expect(c.context?.digests.map((d) => d.party)).toEqual(['guest:1', 'owner:1']);
    expect(c.context?.views).toEqual([`guest:1.phase: expected "${other}", got "${phase}"`, `owner:1.phase: expected "${other}", got "${phase}"`]);
  });

  it('exit 2 and one line for garbage, a broken ITF document, a missing file', async () => {
    const garbage = file('garbage', 'this is not a trace\n');
    const itfBroken = file('broken.itf.json', JSON.stringify({ vars: ['action'], states: 5 }));
    for (const [p, message] of [
      [garbage, `semodel: ${garbage}: not a usable trace: line 1, field (line): not JSON`],
      [itfBroken, `semodel: ${itfBroken}: not a usable ITF trace: at $.vars: has no variable outcome`],
      [path.join(dir, 'missing'), `semodel: ${path.join(dir, 'missing')}: no such file`],
    ] as const) {
      const r = await run('trace', 'check', p);
      expect(r.code, p).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
      expect(r.err.startsWith(message), r.err).toBe(true);
    }
    expect((await run('trace', 'check')).code).toBe(2);
    expect((await run('trace', 'check', '--help')).out).toContain('usage: semodel trace check FILE');
  });
});
