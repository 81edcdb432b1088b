// Details of the canonical JSON encoder (model/core/canonical-json.ts): the error's name, the
// keys of a converted object are ordinary own properties, and a binary view without a
// constructor is still named.
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, encodeCanonical, toJsonValue } from '../../model/core/canonical-json.js';

describe('canonical JSON details', () => {
  it('its error is named CanonicalJsonError', () => {
    const e = new CanonicalJsonError({ path: '$.a', message: 'bad' });
    expect(e.name).toBe('CanonicalJsonError');
    expect(e.message).toBe('canonical JSON: bad at $.a');
    expect(e).toBeInstanceOf(TypeError);
    let caught: unknown;
    try {
      toJsonValue({ a: Number.NaN });
    } catch (x) {
      caught = x;
    }
    expect((caught as Error).name).toBe('CanonicalJsonError');
    expect(String(caught)).toBe('CanonicalJsonError: canonical JSON: NaN is not a finite number at $.a');
  });

  it('the keys of a converted object are writable, configurable own properties', () => {
    const o = toJsonValue({ b: 1, a: { c: 2 }, __proto__x: 3 }) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(o, 'a')).toEqual({ value: { c: 2 }, enumerable: true, writable: true, configurable: true });
    o['b'] = 5;
    expect(o['b']).toBe(5);
    delete o['a'];
    expect('a' in o).toBe(false);
    const p = toJsonValue(JSON.parse('{"__proto__": 1}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')).toEqual({ value: 1, enumerable: true, writable: true, configurable: true });
  });

  it('a binary view without a constructor is named a binary view', () => {
    const v = new Uint16Array(2);
    Object.defineProperty(v, 'constructor', { value: undefined });
    expect(encodeCanonical({ v })).toEqual({ ok: false, error: { path: '$.v', message: 'cannot encode a binary view (only Uint8Array bytes)' } });
    expect(encodeCanonical(new Float32Array(1))).toEqual({ ok: false, error: { path: '$', message: 'cannot encode a Float32Array (only Uint8Array bytes)' } });
  });
});
