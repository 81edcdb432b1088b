// Replay on the model: a recorded honest run replays exactly; an edited outcome, digest, state or
// observed view is the first divergence, named by step, line and field.
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace, type Trace } from '../../conformance/trace/index.js';
import { brokenVerify, editLine, lineWhere, recorded, textOf } from './fixtures.js';

function decoded(text: string): Trace {
  const r = decodeTrace(text);
  if (!r.ok) throw new Error(`${r.error.line} ${r.error.field}: ${r.error.message}`);
  return r.value;
}

describe('trace replay', () => {
  it('recorded runs replay exactly on the model', () => {
    for (const name of ['honest-unpack-yields-plaintext', 'step-total', 'caller-buffers-not-kept', 'noninterference']) {
      const { trace, failed } = recorded(name);
      expect(failed, name).toBe(false);
      const r = replayTrace(decoded(textOf(name)));
      expect(r.divergence, name).toBeUndefined();
      expect(r).toMatchObject({ exact: true, lines: trace.lines.length, steps: trace.lines.filter((l) => l.op === 'apply').length });
    }
  });

  it('a changed outcome is the first divergence', () => {
    const text = textOf('honest-unpack-yields-plaintext');
    const n = lineWhere(text, (l) => l.op === 'apply' && l.action?.kind === 'verify');
    const step = (JSON.parse(text.split('\n')[n - 1] as string) as { step: number }).step;
    const edited = editLine(text, n, (l) => (l.outcome = { kind: 'rejected', code: 'PLD_MISMATCH', requirement: 'REQ-UNPACK-12' }));
    const r = replayTrace(decoded(edited));
    expect(r.exact).toBe(false);
    expect(r.divergence).toEqual({ step, line: n, request: 'apply verify', field: 'outcome', expected: 'rejected PLD_MISMATCH (REQ-UNPACK-12)', got: 'accepted {}' });
    expect(r.steps).toBe(step);
  });

  it('a changed view digest, a missing party and a changed abstract state are divergences', () => {
    const text = textOf('honest-unpack-yields-plaintext');
    const n = lineWhere(text, (l) => l.op === 'apply' && l.step === 3);
    const digest = editLine(text, n, (l) => (l.digests['guest:1'] = '0'.repeat(64)));
    expect(replayTrace(decoded(digest)).divergence).toMatchObject({ step: 3, line: n, field: 'digests.guest:1', expected: '0000000000000000…' });
    const party = editLine(text, n, (l) => delete l.digests['owner:1']);
    expect(replayTrace(decoded(party)).divergence).toMatchObject({ step: 3, field: 'parties', expected: 'hypervisor guest:1 host-manager client' });
    const state = editLine(text, n, (l) => (l.state.guests[0].unpackedPages += 1));
    expect(replayTrace(decoded(state)).divergence).toMatchObject({ step: 3, field: 'state' });
  });

  it('a changed observed view is a divergence of that observe line', () => {
    const text = textOf('honest-unpack-yields-plaintext');
    const n = lineWhere(text, (l) => l.op === 'observe' && l.party.kind === 'guest');
    const edited = editLine(text, n, (l) => (l.view.prefix += 1));
    expect(replayTrace(decoded(edited)).divergence).toMatchObject({ step: null, line: n, request: 'observe guest:1', field: 'view' });
  });

  it('a trace of the model replayed on a broken system diverges where the broken verify answers', () => {
    const text = textOf('targeted-edits-fail-verify');
    const r = replayTrace(decoded(text), { system: brokenVerify });
    expect(r.divergence).toMatchObject({ request: 'apply verify', field: 'outcome', got: 'accepted {}' });
    expect(r.divergence?.expected).toMatch(/^rejected [A-Z_]+_MISMATCH \(REQ-UNPACK-12\)$/);
  });

  it('a trace without its first reset starts from the header config', () => {
    const { trace } = recorded('honest-unpack-yields-plaintext');
    const [first, ...rest] = trace.lines;
    expect(first?.op).toBe('reset');
    expect(replayTrace({ header: trace.header, lines: rest })).toMatchObject({ exact: true });
  });
});
