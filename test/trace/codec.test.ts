// The trace file codec: recorded runs round-trip through the text, and the strict decoder names
// the line and field of whatever is wrong, never throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_EVERY, decodeTrace, encodeTrace, traceErrorText, traceWriterVersion, TRACE_FORMAT } from '../../conformance/trace/index.js';
import { readFileSync } from 'node:fs';
import { editLine, lineWhere, recorded, textOf } from './fixtures.js';

const RUNS = ['honest-unpack-yields-plaintext', 'step-total', 'caller-buffers-not-kept', 'stimulus-each-guard'] as const;

/** The decoder's error for `text`, as one line. */
function errorOf(text: string): string {
  const r = decodeTrace(text);
  if (r.ok) throw new Error('decoded');
  return traceErrorText(r.error);
}

describe('trace codec', () => {
  it('a recorded run decodes to the same header and lines, and encodes to the same text', () => {
    for (const name of RUNS) {
      const { trace } = recorded(name);
      const text = encodeTrace(trace);
      const d = decodeTrace(text);
      expect(d.ok, name).toBe(true);
      if (!d.ok) continue;
      expect(d.value).toEqual(JSON.parse(JSON.stringify(trace)));
      expect(encodeTrace(d.value)).toBe(text);
      expect(text.split('\n').filter((l) => l !== '')).toHaveLength(trace.lines.length + 1);
    }
  });

  it('the header names the format, the version, semodel, the system, the suite, the config and the property', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    expect(trace.header).toMatchObject({ format: TRACE_FORMAT, version: 1, semodel: traceWriterVersion(), system: 'semodel', suite: 'noble' });
    expect(trace.header.property).toEqual({ mechanism: 'image-unpack', name: 'honest-unpack-yields-plaintext' });
    expect(trace.header.error).toBeUndefined();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(trace.header.semodel).toBe(pkg.version);
  });

  it('one line per request in order; digests and the abstract state after each step; views at checkpoints and the last step', () => {
    const { trace } = recorded('step-total');
    const ops = trace.lines.map((l) => l.op);
    expect(ops[0]).toBe('reset');
    expect(ops).toContain('observe');
    const applies = trace.lines.filter((l) => l.op === 'apply');
    expect(applies.map((l) => l.step)).toEqual(applies.map((_, i) => i + 1));
    for (const l of applies) {
      expect(Object.keys(l.digests ?? {}).slice(0, 1)).toEqual(['hypervisor']);
      expect(l.state).toBeDefined();
      const checkpoint = l.step % CHECKPOINT_EVERY === 0 || l === applies.at(-1);
      expect(l.views !== undefined, `step ${l.step}`).toBe(checkpoint);
    }
    // Hostile inputs are recorded as what the boundary read, not as actions.
    expect(applies.some((l) => l.input !== undefined)).toBe(true);
    expect(applies.some((l) => l.action !== undefined)).toBe(true);
  });

  it('digests name every party that exists: guests and owners appear and disappear with the guests', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    const keys = trace.lines.flatMap((l) => (l.op === 'observe' ? [] : [Object.keys(l.digests ?? {})]));
    expect(keys[0]).toEqual(['hypervisor', 'host-manager', 'client']);
    expect(keys.at(-1)).toEqual(['hypervisor', 'guest:1', 'owner:1', 'host-manager', 'client']);
  });

  it('names the line and the field of what is wrong', () => {
    const text = textOf('honest-unpack-yields-plaintext');
    const apply = lineWhere(text, (l) => l.op === 'apply' && l.step === 2);
    const observe = lineWhere(text, (l) => l.op === 'observe');
    const cases: [string, string][] = [
      ['', 'line 1, field (line): the file is empty: a trace starts with a header line'],
      ['{"format":"other"}\n', 'line 1, field format: expected "semodel-trace" (the first line must be a semodel trace header)'],
      [editLine(text, 1, (h) => (h.version = 2)), 'line 1, field version: version 2 is not one this semodel reads (1)'],
      [editLine(text, 1, (h) => (h.suite = 'node')), 'line 1, field suite: the header names node, its config noble'],
      [editLine(text, 1, (h) => (h.config.machines[0].id = -1)), 'line 1, field config.machines[0].id: expected a non-negative safe integer'],
      [editLine(text, 1, (h) => (h.extra = 1)), 'line 1, field extra: unexpected field (allowed: format, version, semodel, system, suite, config, property, seed, path, runs, error)'],
      [editLine(text, 1, (h) => (h.path = 'a:b')), "line 1, field path: expected fast-check's path: numbers joined by ':'"],
      [editLine(text, apply, (l) => (l.step = 7)), `line ${apply}, field step: expected 2 (apply lines count 1, 2, 3, …)`],
      [editLine(text, apply, (l) => (l.outcome = { kind: 'rejected', code: 5, requirement: 'REQ-UNPACK-1' })), `line ${apply}, field outcome.code: expected a string`],
      [editLine(text, apply, (l) => (l.outcome = { kind: 'rejected', code: 'X', requirement: 'nope' })), `line ${apply}, field outcome.requirement: expected a requirement ID REQ-AREA-n`],
      [editLine(text, apply, (l) => (l.action.guest = 'one')), `line ${apply}, field action.guest: expected a non-negative safe integer`],
      [editLine(text, apply, (l) => (l.input = l.action)), `line ${apply}, field input: expected exactly one of action, input, got action and input`],
      [editLine(text, apply, (l) => delete l.outcome), `line ${apply}, field outcome: expected exactly one of outcome, unreadable, threw, got none`],
      [editLine(text, apply, (l) => (l.digests.hypervisor = 'abc')), `line ${apply}, field digests.hypervisor: expected 64 lower-case hex digits (SHA-256) or null`],
      [editLine(text, apply, (l) => (l.digests['guest:x'] = null)), `line ${apply}, field digests.guest:x: not a party key (hypervisor, guest:N, owner:N, adapter:N, host-manager, client)`],
      [editLine(text, apply, (l) => (l.state.guests[0].phase = 'flying')), `line ${apply}, field state.guests[0].phase: expected one of created, unpacking, verified, verify-failed, running`],
      [editLine(text, apply, (l) => (l.op = 'step')), `line ${apply}, field op: expected "reset", "apply" or "observe"`],
      [editLine(text, observe, (l) => (l.party = { kind: 'nobody' })), `line ${observe}, field party.kind: unknown party "nobody"`],
      [text.replace(/\n/, '\n\n'), 'line 2, field (line): an empty line'],
      [`${text}{"op":"apply",`, `line ${text.split('\n').length}, field (line): not JSON`],
    ];
    for (const [bad, want] of cases) expect(errorOf(bad)).toMatch(new RegExp(`^${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('a full view must match its digest', () => {
    const text = textOf('honest-unpack-yields-plaintext');
    const last = lineWhere(text, (l) => l.views !== undefined);
    const bad = editLine(text, last, (l) => (l.views.hypervisor.guests[0].memoryPages += 1));
    expect(errorOf(bad)).toBe(`line ${last}, field views.hypervisor: does not match digests.hypervisor`);
  });

  it('never throws, whatever the lines hold', () => {
    const header = textOf('honest-unpack-yields-plaintext').split('\n')[0] as string;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ op: 'apply', step: 1, input: v, outcome: v })))), (rows) => {
        const r = decodeTrace([header, ...rows].join('\n'));
        return r.ok || (r.error.line >= 1 && r.error.field.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});
