// The scheduler's parts on schedules built directly (model-only): the next entry not started, the
// resources that exist, the pass count, the stuck report's missing resources and reasons, and the
// shape checks of a list at their limits.
import { describe, expect, it } from 'vitest';
import { distinct, definedResources, MAX_ENTRIES, MAX_NAME, MAX_RESOURCES, namesWellFormed, realChain, CHAIN_SOURCES, withinBounds, type Entry } from '../../model/startup-order/index.js';
import { existing, fetchOnce, newSchedule, nextPending } from '../../model/startup-order/scheduler.js';
import { stuckReport } from '../../model/startup-order/stuck.js';
import type { Schedule } from '../../model/startup-order/slice.js';

const e = (name: string, requires: string[] = [], defines = `r:${name}`): Entry => ({ name, defines, requires });

/** Fetches until the schedule ends; every schedule on the way. */
function toEnd(s: Schedule): Schedule[] {
  const out = [s];
  let x = s;
  while (x.status === 'running') {
    x = fetchOnce(x).schedule;
    out.push(x);
  }
  return out;
}

describe('the scheduler', () => {
  it('fetches the next entry not started after the last one, wrapping; -1 when all started', () => {
    const s = newSchedule([e('a'), e('b'), e('c')], []);
    expect(nextPending(s)).toBe(0);
    expect(nextPending({ ...s, last: 0, started: [1] })).toBe(2);
    expect(nextPending({ ...s, last: 2, started: [0] })).toBe(1);
    expect(nextPending({ ...s, last: 1, started: [0, 1, 2] })).toBe(-1);
  });

  it('the resources that exist are the provided ones and those of the started entries', () => {
    const s = { ...newSchedule([e('a'), e('b')], ['dev']), started: [1] };
    expect([...existing(s)].sort()).toEqual(['dev', 'r:b']);
  });

  it('counts a pass at the first fetch and at every wrap, and idle fetches since the last start', () => {
    const steps = toEnd(newSchedule([e('c', ['r:b']), e('b', ['r:a']), e('a')], []));
    expect(steps.map((s) => s.passes)).toEqual([0, 1, 1, 1, 2, 2, 3]);
    expect(steps.map((s) => s.idle)).toEqual([0, 1, 2, 0, 1, 0, 0]);
    expect(steps.map((s) => s.last)).toEqual([-1, 0, 1, 2, 0, 1, 0]);
    expect(steps.at(-1)).toMatchObject({ status: 'complete', started: [2, 1, 0], fetches: 6, stuck: [] });
  });

  it('a list whose first pass starts nothing ends stuck at the end of that pass', () => {
    const steps = toEnd(newSchedule([e('a', ['x']), e('b', ['y']), e('c', ['r:a'])], []));
    expect(steps.map((s) => s.status)).toEqual(['running', 'running', 'running', 'stuck']);
    expect(steps.at(-1)).toMatchObject({ fetches: 3, passes: 1, idle: 3, started: [] });
  });

  it('an empty list is complete at once', () => {
    expect(newSchedule([], ['dev'])).toMatchObject({ status: 'complete', fetches: 0, passes: 0, last: -1, idle: 0, started: [], stuck: [] });
  });
});

describe('the stuck report', () => {
  it('missing resources in required order, once each; the reasons by priority', () => {
    const entries = [
      e('both', ['nowhere', 'r:loop', 'nowhere']),
      e('loop', ['r:both']),
      e('three1', ['r:three2']),
      e('three2', ['r:three3']),
      e('three3', ['r:three1', 'dev']),
      e('tail', ['r:three2', 'r:done', 'r:tail2']),
      e('tail2', ['r:three1']),
      e('done'),
    ];
    const report = stuckReport(entries, new Set(['dev', 'r:done']), [7]);
    expect(report).toEqual([
      { name: 'both', missing: ['nowhere', 'r:loop'], reason: 'no-provider' },
      { name: 'loop', missing: ['r:both'], reason: 'cycle' },
      { name: 'three1', missing: ['r:three2'], reason: 'cycle' },
      { name: 'three2', missing: ['r:three3'], reason: 'cycle' },
      { name: 'three3', missing: ['r:three1'], reason: 'cycle' },
      { name: 'tail', missing: ['r:three2', 'r:tail2'], reason: 'after-stuck' },
      { name: 'tail2', missing: ['r:three1'], reason: 'after-stuck' },
    ]);
  });

  it('a cycle is found through entries already searched', () => {
    // x needs y and z; y needs z; z needs x: the search from x meets z twice.
    const report = stuckReport([e('x', ['r:y', 'r:z']), e('y', ['r:z']), e('z', ['r:x'])], new Set(), []);
    expect(report.map((r) => r.reason)).toEqual(['cycle', 'cycle', 'cycle']);
    // An entry behind a cycle it is not on, whose search meets the cycle's entries again and again.
    const behind = stuckReport([e('p', ['r:q', 'r:s']), e('q', ['r:s']), e('s', ['r:q'])], new Set(), []);
    expect(behind.map((r) => r.reason)).toEqual(['after-stuck', 'cycle', 'cycle']);
  });
});

describe('the shape of a list', () => {
  it('the limits, at and past each', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => e(`p${i}`));
    const res = (n: number) => Array.from({ length: n }, (_, i) => `q${i}`);
    expect(withinBounds(list(MAX_ENTRIES), res(MAX_RESOURCES))).toBe(true);
    expect(withinBounds(list(MAX_ENTRIES + 1), [])).toBe(false);
    expect(withinBounds([], res(MAX_RESOURCES + 1))).toBe(false);
    expect(withinBounds([e('a', res(MAX_RESOURCES))], [])).toBe(true);
    expect(withinBounds([e('a'), e('b', res(MAX_RESOURCES + 1))], [])).toBe(false);
  });

  it('names of 1 to 64 characters, everywhere in the list', () => {
    const ok = 'n'.repeat(MAX_NAME);
    const long = 'n'.repeat(MAX_NAME + 1);
    expect(namesWellFormed([e(ok, [ok], ok)], [ok])).toBe(true);
    expect(namesWellFormed([e(long)], [])).toBe(false);
    expect(namesWellFormed([e('a', [], long)], [])).toBe(false);
    expect(namesWellFormed([e('a', ['b', long])], [])).toBe(false);
    expect(namesWellFormed([e('a')], ['b', ''])).toBe(false);
    expect(namesWellFormed([e('a'), e('')], [])).toBe(false);
  });

  it('duplicates, and the resources a list defines', () => {
    expect(distinct(['a', 'b'])).toBe(true);
    expect(distinct(['a', 'b', 'a'])).toBe(false);
    expect(definedResources([e('a'), e('b', [], 'x')], ['dev'])).toEqual(['r:a', 'x', 'dev']);
  });
});

describe('the real chain', () => {
  it.each(CHAIN_SOURCES)('from the %s: one provider per resource, every requirement provided or defined', (source) => {
    const c = realChain(source);
    expect(distinct(definedResources(c.entries, c.provided))).toBe(true);
    expect(namesWellFormed(c.entries, c.provided) && withinBounds(c.entries, c.provided)).toBe(true);
    const have = new Set(definedResources(c.entries, c.provided));
    for (const x of c.entries) for (const r of x.requires) expect(have.has(r), `${x.name} needs ${r}`).toBe(true);
    expect(c.entries.filter((x) => x.defines === 'volume-key')).toHaveLength(1);
  });

  it('the key entries differ by source', () => {
    expect(realChain('initrd').entries[0]).toEqual({ name: 'read-initrd-keyfile', defines: 'volume-key', requires: ['/etc/luks/keyfile'] });
    expect(realChain('secret-store').entries.map((x) => x.name).slice(0, 4)).toEqual(['boot.mount', 'sel-ebc-copy', 'pvebc-add-secrets', 'pvsecret-retrieve']);
    expect(realChain('initrd').provided).toContain('/etc/luks/keyfile');
    expect(realChain('secret-store').provided).toEqual(['/dev/disk/by-label/boot', '/dev/uv', '/dev/disk/by-label/cryptroot']);
  });
});
