/**
 * The differential system in-process: outcomes and views of the implementation compared with
 * the model's, the content of a Divergence (step, action, both outcomes, view diff), the
 * comparison by meaning, PartyNotModelled, errors of the implementation, inputs that are not
 * actions, and the trace of a divergence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdapterFailure, PartyNotModelled } from '../../conformance/adapter/failures.js';
import { differentialSystem, Divergence, divergenceLines, implementationNotes, outcomeDifferences, readInput, recordRunPrefix, showJson, wireDiff } from '../../conformance/check/index.js';
import { FAULTY } from '../../conformance/faulty/index.js';
import { replayTrace } from '../../conformance/trace/index.js';
import { asAsync, modelSystem, type Party, type SystemUnderTest } from '../../model/platform/index.js';
import { arbImage, CONFIG, type TestImage } from '../../properties/image-unpack/fixtures.js';
import { propertyModel } from '../../properties/property.js';
import { runAsync, sut, type Calls } from '../../properties/sut-calls.js';
import { defineProperty } from '../../properties/property.js';

const [image] = fc.sample(arbImage, { seed: 7, numRuns: 1 }) as [TestImage];

/** Creates a guest, sets the header, unpacks page 0 and then page 0's tweak again at page 1's address. */
function* replayTweak(): Calls<void> {
  yield* sut.reset(CONFIG);
  yield* sut.apply({ kind: 'create-guest', machine: image.machine, memoryPages: image.memoryPages });
  yield* sut.apply({ kind: 'set-header', guest: 1, header: image.header });
  const [p0, p1] = image.pages;
  if (p0 === undefined || p1 === undefined) throw new Error('the sample image has fewer than two pages');
  yield* sut.apply({ kind: 'unpack', guest: 1, address: p0.address, tweak: p0.tweak, page: p0.stored });
  yield* sut.apply({ kind: 'unpack', guest: 1, address: p1.address, tweak: p0.tweak, page: p1.stored });
}

/** Boots page 0 and observes the hypervisor. */
function* unpackAndLook(): Calls<void> {
  yield* sut.reset(CONFIG);
  yield* sut.apply({ kind: 'create-guest', machine: image.machine, memoryPages: image.memoryPages });
  yield* sut.apply({ kind: 'set-header', guest: 1, header: image.header });
  const p0 = image.pages[0];
  if (p0 === undefined) throw new Error('no page');
  yield* sut.apply({ kind: 'unpack', guest: 1, address: p0.address, tweak: p0.tweak, page: p0.stored });
  yield* sut.observe({ kind: 'hypervisor' });
}

const against = (impl: SystemUnderTest) => differentialSystem({ implementation: impl, model: propertyModel() });

async function divergenceOf(calls: Calls<void>, impl: SystemUnderTest): Promise<Divergence> {
  const d = against(impl);
  const e = await runAsync(calls, d).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof Divergence)) throw new Error(`expected a Divergence, got ${String(e)}`);
  return e;
}

describe('the differential system', () => {
  it('passes the model against itself and gives the property the model’s answers', async () => {
    const d = against(asAsync(modelSystem({ suite: (await import('../../properties/suite.js')).PROPERTY_SUITE })));
    await runAsync(replayTweak(), d);
    expect(d.steps).toBe(4);
    expect(d.requests).toBe(5);
    await runAsync(unpackAndLook(), d);
    expect(d.steps).toBe(7);
  });

  it('throws a Divergence at the step whose outcome differs, with the action and both outcomes', async () => {
    const e = await divergenceOf(replayTweak(), asAsync(FAULTY['reused-tweak']!.system()));
    expect(e.about).toBe('outcome');
    expect(e.step).toBe(4);
    expect(e.request).toBe(5);
    expect((e.action as { kind: string; tweak: string }).kind).toBe('unpack');
    expect((e.action as { tweak: string }).tweak).toMatch(/^[0-9a-f]{32}$/);
    expect(e.model).toEqual({ kind: 'rejected', code: 'TWEAK_REUSED', requirement: 'REQ-UNPACK-10' });
    expect(e.implementation).toEqual({ kind: 'accepted', response: {} });
    expect(e.differences[0]?.path).toBe('kind');
    expect(e.message).toBe('divergence at step 4 (unpack): the model: rejected TWEAK_REUSED (REQ-UNPACK-10); the implementation: accepted {}');
    const lines = divergenceLines(e);
    expect(lines.some((l) => l.includes('page: ') && l.includes('… (4096 bytes)'))).toBe(true);
    expect(lines).toContain('  model:          rejected TWEAK_REUSED (REQ-UNPACK-10)');
  });

  it('throws a Divergence with a view diff when a view differs, bytes shown by a hex prefix', async () => {
    const e = await divergenceOf(unpackAndLook(), asAsync(FAULTY['leaks-plaintext-page']!.system()));
    expect(e.about).toBe('view');
    expect(e.step).toBe(3);
    expect(e.party).toEqual({ kind: 'hypervisor' });
    expect(e.differences).toHaveLength(1);
    const [diff] = e.differences;
    expect(diff?.path).toBe('$.nonSecureMemory[0]');
    expect(diff?.model).toBe('absent');
    expect(diff?.implementation).toMatch(/"bytes":"[0-9a-f]{32}… \(4096 bytes\)"/);
    expect(divergenceLines(e).join('\n')).toContain('view diff:');
  });

  it('notes a party the implementation does not model and compares outcomes only for it from then on', async () => {
    const asked: Party['kind'][] = [];
    const model = asAsync(FAULTY['leaks-plaintext-page']!.system());
    const impl: SystemUnderTest = {
      ...model,
      observe: async (party) => {
        asked.push(party.kind);
        if (party.kind === 'hypervisor') throw new PartyNotModelled(party);
        return model.observe(party);
      },
    };
    const notes = implementationNotes();
    const d = differentialSystem({ implementation: impl, model: propertyModel(), notes });
    await runAsync(unpackAndLook(), d);
    await runAsync(unpackAndLook(), d);
    // The leaking view is never compared: the implementation said it has no hypervisor view.
    expect([...notes.notModelled]).toEqual(['hypervisor']);
    expect(asked).toEqual(['hypervisor']);
  });

  it('turns an exception of the implementation into a divergence, and lets an AdapterFailure through', async () => {
    const model = asAsync(propertyModel());
    const throwing: SystemUnderTest = { ...model, apply: async () => Promise.reject(new Error('firmware panic')) };
    const e = await divergenceOf(replayTweak(), throwing);
    expect(e.step).toBe(1);
    expect(e.implementation).toEqual({ threw: 'firmware panic' });
    const broken: SystemUnderTest = { ...model, apply: async () => Promise.reject(new AdapterFailure('crash', 'adapter exited with code 3')) };
    await expect(runAsync(replayTweak(), against(broken))).rejects.toBeInstanceOf(AdapterFailure);
  });

  it('reads a value that is not an action once, and hands both sides a plain stand-in', async () => {
    let reads = 0;
    const hostile = new Proxy({ kind: 'verify', guest: 1 }, { get: (t, k) => (++reads, Reflect.get(t, k)) });
    const input = readInput(hostile);
    // A Proxy reads as an action at the boundary here (its traps answer), so both get that action.
    expect(input.kind).toBe('verify');
    const throwing = Object.defineProperty({ kind: 'verify' }, 'guest', { enumerable: true, get: () => { throw new Error('getter'); } });
    const stand = readInput(throwing);
    expect(stand.kind).toBeUndefined();
    expect(stand.fresh()).toEqual({ kind: 'verify' });
    expect(readInput(Symbol('x')).fresh()).toBeNull();
    const seen: unknown[] = [];
    const model = asAsync(propertyModel());
    const impl: SystemUnderTest = { ...model, apply: async (a) => (seen.push(a), model.apply(a)) };
    const d = against(impl);
    await d.reset(CONFIG);
    const o = await d.apply(throwing);
    expect(o).toEqual({ kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' });
    expect(seen).toEqual([{ kind: 'verify' }]);
  });

  it('records the run of a divergence up to the diverging step, and the trace replays on the model', async () => {
    const p = defineProperty({ mechanism: 'image-unpack', name: 'replay-tweak', requirements: [], statement: 'test', arbitrary: fc.constant(0), run: () => replayTweak() });
    const e = await divergenceOf(replayTweak(), asAsync(FAULTY['reused-tweak']!.system()));
    const trace = recordRunPrefix(p, 0, e.request, { property: { mechanism: p.mechanism, name: p.name }, error: e.message });
    expect(trace.lines.map((l) => l.op)).toEqual(['reset', 'apply', 'apply', 'apply', 'apply']);
    expect(trace.header.error).toBe(e.message);
    const last = trace.lines.at(-1) as { outcome?: unknown };
    expect(last.outcome).toEqual(e.model);
    expect(replayTrace(trace).exact).toBe(true);
    // Stopped earlier, the trace is shorter.
    expect(recordRunPrefix(p, 0, 3, {}).lines).toHaveLength(3);
  });
});

describe('comparison', () => {
  it('compares two rejections by code and requirement, and acceptances along the response schema', () => {
    const rej = (code: string, requirement: string) => ({ kind: 'rejected', code, requirement });
    expect(outcomeDifferences('verify', rej('ALD_MISMATCH', 'REQ-UNPACK-12'), rej('ALD_MISMATCH', 'REQ-UNPACK-12'))).toEqual([]);
    expect(outcomeDifferences('verify', rej('ALD_MISMATCH', 'REQ-UNPACK-12'), rej('PLD_MISMATCH', 'REQ-UNPACK-12')).map((d) => d.path)).toEqual(['code']);
    expect(outcomeDifferences('verify', rej('ALD_MISMATCH', 'REQ-UNPACK-12'), rej('ALD_MISMATCH', 'REQ-UNPACK-2')).map((d) => d.path)).toEqual(['requirement']);
    const acc = (guest: number) => ({ kind: 'accepted', response: { guest } });
    expect(outcomeDifferences('create-guest', acc(1), acc(2))).toEqual([{ path: 'response.guest', model: '1', implementation: '2' }]);
    // A field marked as fresh randomness is compared by its meaning, not its value.
    const byMeaning = { 'create-guest.guest': (a: unknown, b: unknown) => typeof a === typeof b };
    expect(outcomeDifferences('create-guest', acc(1), acc(2), byMeaning)).toEqual([]);
    expect(outcomeDifferences('create-guest', acc(1), { kind: 'accepted', response: { guest: 'x' } }, byMeaning).map((d) => d.path)).toEqual(['response.guest']);
  });

  it('diffs wire values path by path and shortens byte strings', () => {
    expect(wireDiff({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3, 4] })).toEqual([
      { path: '$.b[1]', model: '2', implementation: '3' },
      { path: '$.b[2]', model: 'absent', implementation: '4' },
    ]);
    expect(showJson('ab'.repeat(100))).toBe(`"${'ab'.repeat(16)}…" (100 bytes)`);
    expect(showJson('short')).toBe('"short"');
    expect(wireDiff(Array.from({ length: 20 }, (_, i) => i), [])).toHaveLength(8);
  });
});
