// Campaign seeds (one per property, from the campaign seed and the property's name) and the
// split of the work into shards.
import { describe, expect, it } from 'vitest';
import { COST_HINTS, parseShard, shardFromIndex, shardOf, timeShare, WorkQueue, costliestFirst } from '../../properties/campaign/plan.js';
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

describe('work queue of the worker pool', () => {
  const keys = Object.keys(COST_HINTS);
  const cost = (k: string) => COST_HINTS[k] ?? 2;

  it('hands out every property exactly once, whatever order the workers ask in', () => {
    for (const workers of [1, 2, 3, 5]) {
      const q = new WorkQueue(keys, workers);
      const got: string[] = [];
      for (let i = 0; q.size > 0; i++) {
        const k = q.take((i * 7) % workers);
        expect(k).toBeDefined();
        if (k !== undefined) got.push(k);
      }
      expect(q.take(0)).toBeUndefined();
      expect([...got].sort()).toEqual([...keys].sort());
    }
  });

  it('gives one worker the whole selection costliest first', () => {
    const q = new WorkQueue(keys, 1);
    const got = Array.from({ length: keys.length }, () => q.take(0));
    expect(got).toEqual(costliestFirst(keys));
  });

  it('starts each of two workers in its own half, then takes the cheapest left in the other', () => {
    // Unknown properties all cost the same: the halves are the first and the last four.
    const even = ['m/a', 'm/b', 'm/c', 'm/d', 'n/e', 'n/f', 'n/g', 'n/h'];
    const q = new WorkQueue(even, 2);
    expect(q.take(1)).toBe('n/e');
    const rest: (string | undefined)[] = [];
    for (let i = 0; i < 7; i++) rest.push(q.take(0));
    expect(rest).toEqual(['m/a', 'm/b', 'm/c', 'm/d', 'n/h', 'n/g', 'n/f']);
    // The real hints: worker 0 starts before worker 1 in the selection.
    const real = new WorkQueue(keys, 2);
    expect(keys.indexOf(real.take(0) ?? '')).toBeLessThan(keys.indexOf(real.take(1) ?? ''));
  });

  it('balances two workers: each takes about half of the cost', () => {
    const q = new WorkQueue(keys, 2);
    const load = [0, 0];
    // The less loaded worker always asks next, as when both run at the same speed.
    while (q.size > 0) {
      const w = (load[0] ?? 0) <= (load[1] ?? 0) ? 0 : 1;
      const k = q.take(w);
      if (k !== undefined) load[w] = (load[w] ?? 0) + cost(k);
    }
    const total = keys.reduce((s, k) => s + cost(k), 0);
    expect(Math.abs((load[0] ?? 0) - (load[1] ?? 0))).toBeLessThanOrEqual(Math.max(...keys.map(cost)));
    expect((load[0] ?? 0) + (load[1] ?? 0)).toBe(total);
  });
});
