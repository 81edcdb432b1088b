// ITF export (Apalache ADR-015, as Quint's --mbt writes it) and import back: the export has the
// ITF shape, and importing it gives a trace that replays exactly.
import { describe, expect, it } from 'vitest';
import { exportItf, importItf, ITF_VARS, replayTrace, TRACE_FORMAT } from '../../conformance/trace/index.js';
import { recorded, type Loose } from './fixtures.js';

describe('ITF', () => {
  it('exports #meta, vars and one state per reset or apply line, with ITF values', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    const itf = exportItf(trace, 'run.trace.jsonl');
    expect(itf['#meta']).toMatchObject({ format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', source: 'run.trace.jsonl' });
    expect(itf.vars).toEqual([...ITF_VARS]);
    expect(itf.states).toHaveLength(trace.lines.filter((l) => l.op !== 'observe').length);
    const states = itf.states as Loose[];
    states.forEach((s, index) => {
      expect(s['#meta']).toEqual({ index });
      for (const v of itf.vars) expect(s, v).toHaveProperty([v]);
    });
    expect(states[0]).toMatchObject({ 'mbt::actionTaken': 'reset', action: { tag: 'reset' }, outcome: { tag: 'none', value: { '#tup': [] } }, step: { '#bigint': '0' } });
    expect(states[0]?.['action'].value.machines[0].id).toEqual({ '#bigint': '0' });
    const unpack = states.find((s) => s['mbt::actionTaken'] === 'unpack') as Loose;
    expect(unpack['action'].value.address).toEqual({ '#bigint': expect.stringMatching(/^\d+$/) });
    expect(unpack['outcome']).toEqual({ tag: 'accepted', value: {} });
    const last = states.at(-1) as Loose;
    expect(last['guests']['#map'][0][0]).toEqual({ '#bigint': '1' });
    expect(last['guests']['#map'][0][1]).toMatchObject({ phase: 'running', header: true, verifyFailure: { tag: 'None', value: { '#tup': [] } } });
    expect(last['digests']['#map'].map((e: [string, string]) => e[0])).toEqual(['hypervisor', 'guest:1', 'owner:1', 'host-manager', 'client']);
    // Plain JSON: no number is an unwrapped integer of the model (every one is #bigint).
    const values = JSON.stringify(states.map(({ '#meta': _meta, ...vars }) => vars));
    expect(/:\s*\d+[,}\]]/.test(values)).toBe(false);
  });

  it('import of an export is the trace without its observe lines, and replays exactly', () => {
    for (const name of ['honest-unpack-yields-plaintext', 'step-total']) {
      const { trace } = recorded(name);
      const back = importItf(JSON.parse(JSON.stringify(exportItf(trace))));
      expect(back.ok, name).toBe(true);
      if (!back.ok) continue;
      expect(back.value.header).toEqual(trace.header);
      expect(back.value.lines).toEqual(JSON.parse(JSON.stringify(trace.lines.filter((l) => l.op !== 'observe'))).map((l: Record<string, unknown>) => {
        delete l['views'];
        return l;
      }));
      expect(replayTrace(back.value)).toMatchObject({ exact: true });
    }
  });

  it('imports a trace another tool wrote with only action and outcome, and replay checks its outcomes', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    const full = exportItf(trace);
    const slim = {
      '#meta': { format: 'ITF', source: 'platform.qnt' },
      vars: ['action', 'outcome'],
      states: (full.states as Loose[]).map((s) => ({ action: s['action'], outcome: s['outcome'] })),
    };
    const r = importItf(slim);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header).toMatchObject({ format: TRACE_FORMAT, system: 'itf', suite: 'noble' });
    expect(r.value.lines.every((l) => l.op !== 'observe' && l.digests === undefined)).toBe(true);
    expect(replayTrace(r.value)).toMatchObject({ exact: true });
    const start = slim.states.findIndex((s) => s.action.tag === 'start');
    slim.states[start] = { action: slim.states[start]?.action, outcome: { tag: 'rejected', value: { code: 'NOT_VERIFIED', requirement: 'REQ-UNPACK-13' } } };
    const wrong = importItf(slim);
    expect(wrong.ok && replayTrace(wrong.value).divergence).toMatchObject({ request: 'apply start', field: 'outcome', got: 'accepted {}' });
  });

  it('refuses what it cannot import, naming the path', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    const good = exportItf(trace) as Loose;
    const edit = (f: (d: Loose) => void): Loose => {
      const d = JSON.parse(JSON.stringify(good)) as Loose;
      f(d);
      return d;
    };
    const cases: [unknown, string, string][] = [
      [[], '$', 'expected an ITF document'],
      [edit((d) => (d['vars'] = ['x'])), '$.vars', 'has no variable action'],
      [edit((d) => (d['states'][1].action.tag = 'fly')), '$.states[1].action.tag', 'expected reset, input or an action kind'],
      [edit((d) => (d['states'][1].action.value.machine = { '#bigint': '1.5' })), '$.states[1].action.value.machine', 'expected an integer'],
      [edit((d) => (d['states'][1].outcome = { tag: 'maybe', value: 1 })), '$.states[1].outcome.tag', 'expected accepted, rejected, unreadable or threw'],
      [edit((d) => (d['states'][1].guests = { '#set': [] })), '$.states[1].guests', 'expected a map'],
      [edit((d) => ((d['#meta'] = {}), (d['states'] = d['states'].slice(1)))), '$.states[0].action', 'the first state must be a reset'],
      [edit((d) => (d['states'][1].outcome = { tag: 'rejected', value: { code: 'X', requirement: 'no' } })), '$.states[1]', 'as a semodel trace, line 3, field outcome.requirement'],
    ];
    for (const [doc, path, message] of cases) {
      const r = importItf(doc);
      expect(r.ok, path).toBe(false);
      if (!r.ok) {
        expect(r.error.path).toBe(path);
        expect(r.error.message).toContain(message);
      }
    }
  });
});
