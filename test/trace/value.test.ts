// Inputs that are not actions: what the boundary read of them is recorded and replays to a value
// the boundary reads the same way, so the step has the same outcome.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRecorder, recordingSystem, replayTrace, spellReads, spellValue, valueOfSpelling } from '../../conformance/trace/index.js';
import { modelSystem, step, initialWorld, type World } from '../../model/platform/index.js';
import { arbHostileAction, arbNotAnAction } from '../../properties/arbitraries.js';
import { CONFIG } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { PROPERTY_RUNS } from '../runs.js';

const world0 = (): World => {
  const r = initialWorld(CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error('config');
  return r.value;
};

describe('spelling of values', () => {
  it('spells each kind of value and reads it back', () => {
    const cases: [unknown, unknown][] = [
      [undefined, { $undefined: true }],
      [NaN, { $number: 'NaN' }],
      [-0, { $number: '-0' }],
      [-Infinity, { $number: '-Infinity' }],
      [12n, { $bigint: '12' }],
      [new Uint8Array([1, 255]), { $bytes: '01ff' }],
      [Buffer.from([7]), { $bytes: '07' }],
      [new Uint16Array([1]), { $typed: { type: 'Uint16Array', bytes: '0100' } }],
      [new DataView(new ArrayBuffer(2)), { $typed: { type: 'DataView', bytes: '0000' } }],
      [new ArrayBuffer(1), { $typed: { type: 'ArrayBuffer', bytes: '00' } }],
      [[1, 'a', null], [1, 'a', null]],
      [new Map([[1, 2]]), { $map: [[1, 2]] }],
      [new Set(['x']), { $set: ['x'] }],
      [{ a: 1n, __proto__x: true }, { $object: { a: { $bigint: '1' }, __proto__x: true } }],
    ];
    for (const [v, want] of cases) {
      expect(spellValue(v)).toEqual(want);
      const back = valueOfSpelling(spellValue(v));
      expect(back.ok).toBe(true);
      if (back.ok) expect(spellValue(back.value)).toEqual(want);
    }
  });

  it('a typed array whose own length lies is spelled by its real bytes; a throwing getter as $throws; a throwing Proxy as $opaque', () => {
    class Liar extends Uint8Array {
      override get length(): number {
        throw new Error('length read');
      }
    }
    expect(spellValue(new Liar(2))).toEqual({ $bytes: '0000' });
    const getter = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(spellValue(getter)).toEqual({ $object: { x: { $throws: 'boom' } } });
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(spellValue(trap)).toEqual({ $opaque: 'reading it threw: trap' });
    const opaque = valueOfSpelling({ $opaque: 'x' });
    expect(opaque.ok && (() => Object.keys(opaque.value as object))).toThrow('opaque value: x');
  });

  it('records the reads of a Proxy that answers differently each time, and replays the same answers', () => {
    let reads = 0;
    const flip = new Proxy({ kind: 'verify', guest: 1 }, { get: (t, k) => (k !== 'kind' && ++reads % 2 === 1 ? undefined : Reflect.get(t, k)) });
    const rec = readRecorder(flip);
    const p = rec.proxy as { kind: unknown; guest: unknown };
    expect([p.kind, p.guest, p.guest]).toEqual(['verify', undefined, 1]);
    const spelled = spellReads(flip, rec.reads);
    expect(spelled).toEqual({ $reads: [['kind', 'verify'], ['guest', { $undefined: true }], ['guest', 1]], $array: false });
    const back = valueOfSpelling(spelled);
    const again = (back.ok ? back.value : {}) as { kind: unknown; guest: unknown };
    expect([again.kind, again.guest, again.guest, again.guest]).toEqual(['verify', undefined, 1, 1]);
  });

  it('rejects spellings it does not know, naming the path', () => {
    expect(valueOfSpelling({ a: 1 })).toMatchObject({ ok: false, error: { path: '$', message: expect.stringContaining('unknown tag') } });
    expect(valueOfSpelling([{ $bigint: '1.5' }])).toMatchObject({ ok: false, error: { path: '$[0].$bigint' } });
    expect(valueOfSpelling({ $typed: { type: 'Uint32Array', bytes: '00' } })).toMatchObject({ ok: false, error: { path: '$.$typed.bytes' } });
    expect(valueOfSpelling({ $reads: [['kind']] })).toMatchObject({ ok: false, error: { path: '$.$reads[0]' } });
    expect(valueOfSpelling({ $throws: 'x' })).toMatchObject({ ok: false });
  });

  it('a hostile action or a value that is not an action replays to the same outcome and world', () => {
    fc.assert(
      fc.property(fc.oneof(arbHostileAction(), arbNotAnAction), (v) => {
        const rec = recordingSystem(modelSystem({ suite: PROPERTY_SUITE }));
        rec.system.reset(CONFIG);
        rec.system.apply({ kind: 'create-guest', machine: 0, memoryPages: 4 });
        const direct = step(step(world0(), { kind: 'create-guest', machine: 0, memoryPages: 4 }).state, v).outcome;
        expect(rec.system.apply(v)).toEqual(direct);
        const r = replayTrace(rec.trace());
        expect(r.divergence).toBeUndefined();
        return r.exact;
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
