// Campaign seeds (one per property, from the campaign seed and the property's name) and the
// split of the work into shards.
import { describe, expect, it } from 'vitest';
import { parseShard, shardFromIndex, shardOf, timeShare } from '../../properties/campaign/plan.js';
import { fnv1a32, isSeed, MAX_SEED, propertySeed } from '../../properties/campaign/seeds.js';

describe('property seeds', () => {
  it('FNV-1a matches its published test values', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('depend on the campaign seed and the property only, are 32-bit, and differ between properties and seeds', () => {
    const names = ['noninterference', 'tweak-uniqueness', 'start-implies-verify', 'guests-independent'];
    const seeds = names.map((n) => propertySeed(2026, 'image-unpack', n));
    expect(new Set(seeds).size).toBe(names.length);
    expect(seeds.every(isSeed)).toBe(true);
    expect(propertySeed(2026, 'image-unpack', 'noninterference')).toBe(seeds[0]);
    expect(propertySeed(2027, 'image-unpack', 'noninterference')).not.toBe(seeds[0]);
    expect(propertySeed(2026, 'platform', 'noninterference')).not.toBe(seeds[0]);
    expect(propertySeed(MAX_SEED, 'platform', 'step-total')).toBe(propertySeed(MAX_SEED, 'platform', 'step-total'));
  });

  it('isSeed accepts 0 to 2^32-1 only', () => {
    expect([0, 1, MAX_SEED].every(isSeed)).toBe(true);
    expect([-1, MAX_SEED + 1, 1.5, Number.NaN].some(isSeed)).toBe(false);
  });
});

describe('shards', () => {
  it('split any selection into N disjoint parts that together are the selection, in order', () => {
    for (let n = 1; n <= 7; n++) {
      for (let count = 1; count <= 5; count++) {
        const items = Array.from({ length: n }, (_, i) => i);
        const parts = Array.from({ length: count }, (_, k) => shardOf(items, { index: k + 1, count }));
        expect(parts.flat().sort((a, b) => a - b)).toEqual(items);
        expect(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('parse K/N and JOB_COMPLETION_INDEX, refusing what is out of range', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/3']) expect(typeof parseShard(bad)).toBe('string');
    expect(shardFromIndex('0', 3)).toEqual({ index: 1, count: 3 });
    expect(shardFromIndex('2', 3)).toEqual({ index: 3, count: 3 });
    expect(typeof shardFromIndex('3', 3)).toBe('string');
    expect(typeof shardFromIndex('x', 3)).toBe('string');
  });

  it('share a time budget between properties', () => {
    expect(timeShare(10, 4)).toBe(2500);
    expect(timeShare(0.001, 10)).toBe(1);
  });
});
