// The reducer contract's plain-data pieces: outcomes, codec results, and the canonical JSON
// spelling that traces of different implementations are compared in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, toJsonValue } from '../../model/core/canonical-json.js';
import { accept, isAccepted, reject } from '../../model/core/outcome.js';
import { codecError, err, formatCodecError, ok } from '../../model/core/result.js';
import { PROPERTY_RUNS } from '../runs.js';

describe('outcomes', () => {
  it('accept and reject build the two outcomes with the state after the step', () => {
    const s = { n: 1 };
    expect(accept(s, { guest: 3 })).toEqual({ state: s, outcome: { kind: 'accepted', response: { guest: 3 } } });
    const r = reject(s, 'TWEAK_REUSED', 'REQ-UNPACK-10');
    expect(r).toEqual({ state: s, outcome: { kind: 'rejected', code: 'TWEAK_REUSED', requirement: 'REQ-UNPACK-10' } });
    expect(r.state).toBe(s);
    expect(isAccepted(accept(s, 1))).toBe(true);
    expect(isAccepted(r)).toBe(false);
  });

  it('codec results name the field and the offset', () => {
    expect(ok(5)).toEqual({ ok: true, value: 5 });
    const e = codecError('nks', 0x20, 'must not be 0');
    expect(err(e)).toEqual({ ok: false, error: e });
    expect(formatCodecError(e)).toBe('nks at offset 0x20: must not be 0');
  });
});

describe('canonical JSON', () => {
  it('spells bytes as lower-case hex, bigints as 0x hex, and sorts keys', () => {
    const v = { z: Uint8Array.of(0xab, 0x01), a: 0x15000n, m: [1, 'x', true, null], u: undefined };
    expect(canonicalJson(v)).toBe('{"a":"0x15000","m":[1,"x",true,null],"z":"ab01"}');
    expect(toJsonValue(undefined)).toBeNull();
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/finite/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
    expect(() => canonicalJson(Symbol('s'))).toThrow(/symbol/);
  });

  it('is independent of key insertion order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(d));
        expect(JSON.parse(canonicalJson(d))).toEqual(toJsonValue(d));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
