// The recorder wraps any synchronous system: answers and exceptions pass through unchanged, and
// what a faulty system answers (a throw, an outcome of the wrong shape, a view of another party)
// is recorded faithfully, decodes, and is where replay on the model parts from it.
import { describe, expect, it } from 'vitest';
import { decodeTrace, encodeTrace, recordingSystem, replayTrace, type Trace } from '../../conformance/trace/index.js';
import { modelSystem, type SyncSystemUnderTest } from '../../model/platform/index.js';
import { CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** The model, except that destroy-guest throws, verify answers nonsense and guest views are another party's. */
function faulty(): SyncSystemUnderTest {
  const m = modelSystem({ suite: PROPERTY_SUITE });
  return {
    name: 'faulty',
    reset: (c) => m.reset(c),
    apply(a) {
      const kind = (a as { kind?: unknown }).kind;
      if (kind === 'destroy-guest') throw new Error('not implemented');
      if (kind === 'verify') return { kind: 'accepted', response: { surprise: 1n } } as never;
      return m.apply(a);
    },
    observe: (p) => (p.kind === 'guest' ? m.observe({ kind: 'hypervisor' }) : m.observe(p)),
  };
}

describe('trace recorder', () => {
  it('passes answers and exceptions through and records them', () => {
    const rec = recordingSystem(faulty(), { checkpointEvery: 2 });
    rec.system.reset(CONFIG);
    expect(rec.system.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: 4 })).toEqual({ kind: 'accepted', response: { guest: 1 } });
    expect(rec.system.apply({ kind: 'verify', guest: 1 })).toEqual({ kind: 'accepted', response: { surprise: 1n } });
    expect(() => rec.system.apply({ kind: 'destroy-guest', guest: 1 })).toThrow('not implemented');
    expect(rec.system.observe({ kind: 'guest', guest: 1 })).toMatchObject({ party: 'hypervisor' });
    expect(rec.system.apply(7)).toMatchObject({ code: 'MALFORMED_ACTION' });
    const trace = rec.trace({ error: 'why' });
    expect(trace.header).toMatchObject({ system: 'faulty', error: 'why' });
    const [, create, verify, destroy, observe, seven] = trace.lines;
    expect(create).toMatchObject({ op: 'apply', step: 1, action: { kind: 'create-guest', machine: 0, memoryPages: 4 }, outcome: { kind: 'accepted', response: { guest: 1 } } });
    expect(create).not.toHaveProperty('views');
    expect(verify).toMatchObject({ step: 2, action: { kind: 'verify', guest: 1 }, outcome: { kind: 'accepted', response: {} } });
    expect(verify).toHaveProperty('views');
    expect(destroy).toMatchObject({ step: 3, threw: 'not implemented' });
    expect(observe).toMatchObject({ op: 'observe', party: { kind: 'guest', guest: 1 }, unreadable: { $object: expect.objectContaining({ party: 'hypervisor' }) } });
    expect(seven).toMatchObject({ step: 4, input: 7, outcome: { code: 'MALFORMED_ACTION' }, views: expect.any(Object) });
    const text = encodeTrace(trace);
    const d = decodeTrace(text);
    expect(d.ok ? 'ok' : d.error).toBe('ok');
    // The faulty guest view is the first thing the model does differently (it has one).
    expect(d.ok && replayTrace(d.value).divergence).toMatchObject({ step: 1, field: 'digests.guest:1', expected: 'an unreadable view' });
    // Without digests and states, the verify answer is where the model parts: it rejects a verify
    // in `created`. The faulty system read only `kind`; the recorder completed the action after it
    // answered, so the model gets the whole verify (the extra response field is no part of it).
    const relaxed = { header: trace.header, lines: trace.lines.map((l) => (l.op === 'apply' ? { op: l.op, step: l.step, ...(l.action === undefined ? { input: l.input } : { action: l.action }), ...(l.threw === undefined ? { outcome: l.outcome } : { threw: l.threw }) } : l)) } as Trace;
    expect(replayTrace(relaxed).divergence).toMatchObject({ step: 2, field: 'outcome', expected: 'accepted {}', got: 'rejected INVALID_STATE (REQ-UNPACK-2)' });
  });

  it('records a throwing reset, and refuses to record what is not a configuration', () => {
    const rec = recordingSystem(modelSystem({ suite: PROPERTY_SUITE }));
    const twice = { ...CONFIG, machines: [...CONFIG.machines, ...CONFIG.machines] };
    expect(() => rec.system.reset(twice)).toThrow(/configured twice/);
    expect(rec.trace().lines[0]).toMatchObject({ op: 'reset', threw: expect.stringContaining('configured twice') });
    expect(() => rec.system.reset({ suite: 'other' } as never)).toThrow('the trace recorder can record only a configuration');
    const d = decodeTrace(encodeTrace(rec.trace()));
    expect(d.ok && replayTrace(d.value)).toMatchObject({ exact: true });
  });
});
