// The deterministic generator at its bounds: deriveBytes lengths, the Rng counter, nextBelow's
// bound and its rejection sampling (which draws are rejected, and how far the counter advances).
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../model/core/bytes.js';
import {
  createRng,
  deriveBytes,
  MAX_DERIVED_BYTES,
  nextBelow,
  nextBytes,
  nextUint32,
  nobleSuite,
  nodeSuite,
  type CryptoSuite,
  type Rng,
} from '../../model/crypto/index.js';
import { hex } from './arbitraries.js';

/** Thrown by {@link reachingHmac}: the length passed the range check and derivation began. */
class HmacReached extends Error {}

/** A suite whose HMAC stops the derivation, so that a huge accepted length costs nothing. */
const reachingHmac: CryptoSuite = {
  ...nobleSuite,
  hmac: () => {
    throw new HmacReached('hmac reached');
  },
};

describe('deriveBytes length bounds', () => {
  it('accepts 0 (no bytes, no HMAC) and MAX_DERIVED_BYTES, the largest L that fits 32 bits', () => {
    expect(MAX_DERIVED_BYTES).toBe(Math.floor((2 ** 32 - 1) / 8));
    for (const s of [nobleSuite, nodeSuite, reachingHmac]) expect(deriveBytes(s, utf8ToBytes('seed'), 'x', 0)).toHaveLength(0);
    expect(() => deriveBytes(reachingHmac, utf8ToBytes('seed'), 'x', MAX_DERIVED_BYTES)).toThrow(HmacReached);
    expect(() => deriveBytes(reachingHmac, utf8ToBytes('seed'), 'x', 1)).toThrow(HmacReached);
  });

  it('rejects negative, fractional and too large lengths with a RangeError naming the range', () => {
    for (const bad of [-1, -64, 0.5, 63.5, Number.NaN, MAX_DERIVED_BYTES + 1, 2 ** 32, Number.POSITIVE_INFINITY]) {
      for (const s of [nobleSuite, reachingHmac]) {
        expect(() => deriveBytes(s, utf8ToBytes('seed'), 'x', bad)).toThrow(RangeError);
        expect(() => deriveBytes(s, utf8ToBytes('seed'), 'x', bad)).toThrow(
          `deriveBytes length must be 0..${MAX_DERIVED_BYTES}, got ${String(bad)}`,
        );
      }
    }
  });

  it('lengths at block boundaries are prefixes of whole HMAC blocks', () => {
    const seed = utf8ToBytes('blocks');
    for (const n of [1, 63, 64, 65, 127, 128, 129]) {
      const out = deriveBytes(nodeSuite, seed, 'b', n);
      expect(out).toHaveLength(n);
      expect(hex(deriveBytes(nobleSuite, seed, 'b', n))).toBe(hex(out));
    }
  });
});

describe('Rng counter bounds', () => {
  const seed = utf8ToBytes('counter');

  it('draws up to the last safe counter, then reports the counter exhausted', () => {
    const last: Rng = { seed, counter: Number.MAX_SAFE_INTEGER - 1 };
    const [bytes, next] = nextBytes(nobleSuite, last, 8);
    expect(hex(bytes)).toBe(hex(deriveBytes(nobleSuite, seed, `semodel/rng/draw/${Number.MAX_SAFE_INTEGER - 1}`, 8)));
    expect(next.counter).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => nextBytes(nobleSuite, next, 8)).toThrow(RangeError);
    expect(() => nextBytes(nobleSuite, next, 8)).toThrow(
      `Rng counter must be a safe non-negative integer, got ${Number.MAX_SAFE_INTEGER}`,
    );
  });

  it('rejects a negative, fractional or unsafe counter', () => {
    for (const counter of [-1, 0.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      const rng: Rng = { seed, counter };
      expect(() => nextBytes(nodeSuite, rng, 4)).toThrow(`Rng counter must be a safe non-negative integer, got ${String(counter)}`);
      expect(() => nextUint32(nodeSuite, rng)).toThrow(RangeError);
      expect(() => nextBelow(nodeSuite, rng, 10)).toThrow(RangeError);
    }
    expect(nextBytes(nodeSuite, { seed, counter: 0 }, 4)[1].counter).toBe(1);
  });
});

describe('nextBelow bounds and rejection sampling', () => {
  const seed = utf8ToBytes('below');

  it('accepts bounds 1..2^32: 1 always gives 0, 2^32 gives the raw 32-bit draw', () => {
    const r = createRng(seed);
    expect(nextBelow(nobleSuite, r, 1)).toEqual([0, nextUint32(nobleSuite, r)[1]]);
    expect(nextBelow(nobleSuite, r, 2 ** 32)).toEqual(nextUint32(nobleSuite, r));
    expect(nextBelow(nodeSuite, r, 2 ** 32)).toEqual(nextUint32(nodeSuite, r));
  });

  it('rejects other bounds with a RangeError naming the range', () => {
    const r = createRng(seed);
    for (const bad of [0, -1, 0.5, 2 ** 32 + 1, 2 ** 40, Number.NaN]) {
      expect(() => nextBelow(nobleSuite, r, bad)).toThrow(RangeError);
      expect(() => nextBelow(nobleSuite, r, bad)).toThrow(`nextBelow bound must be 1..2^32, got ${String(bad)}`);
    }
  });

  /** The documented sampler, step by step: the first draw below the largest multiple of bound. */
  function reference(rng: Rng, bound: number): [number, Rng] {
    const limit = Math.floor(2 ** 32 / bound) * bound;
    let state = rng;
    for (;;) {
      const [v, next] = nextUint32(nodeSuite, state);
      state = next;
      if (v < limit) return [v % bound, state];
    }
  }

  it('rejects the draws at or above the largest multiple of the bound, and advances one count per draw', () => {
    // With bound 2^31 + 1 the largest multiple below 2^32 is the bound itself: about half the
    // draws are rejected, so the counter often advances by more than one.
    let rejected = 0;
    for (const bound of [2 ** 31 + 1, 3 * 2 ** 30, 2 ** 32 - 1, 5, 2 ** 31]) {
      for (let counter = 0; counter < 40; counter++) {
        const rng: Rng = { seed, counter };
        const got = nextBelow(nobleSuite, rng, bound);
        expect(got).toEqual(reference(rng, bound));
        expect(nextBelow(nodeSuite, rng, bound)).toEqual(got);
        if (got[1].counter > counter + 1) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(20);
  });

  it('a draw equal to the limit is rejected too', () => {
    // Find a counter whose draw v is above 2^31: with bound v the limit is v itself.
    let counter = 0;
    while (nextUint32(nobleSuite, { seed, counter })[0] <= 2 ** 31) counter++;
    const rng: Rng = { seed, counter };
    const [v] = nextUint32(nobleSuite, rng);
    const [value, next] = nextBelow(nobleSuite, rng, v);
    expect(next.counter).toBeGreaterThan(counter + 1);
    expect([value, next]).toEqual(reference(rng, v));
  });
});
