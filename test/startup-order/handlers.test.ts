// The startup-order handlers on worlds built directly: the seed's fetch order, one start per
// process, a stuck list ending after a full pass without a start with its report, the real chain
// in any list order, and refusals that leave the world as it was.
import { describe, expect, it } from 'vitest';
import { realChain, type Entry } from '../../model/startup-order/index.js';
import { step, viewOf, type GuestView, type World } from '../../model/platform/index.js';
import { accept, runningWorld } from './world.js';

const e = (name: string, requires: string[] = [], defines = `r:${name}`): Entry => ({ name, defines, requires });

function loaded(entries: readonly Entry[], provided: readonly string[] = []): [World, number] {
  const [w, g] = runningWorld();
  const [w2] = accept(w, { kind: 'startup-load', guest: g, entries, provided });
  return [w2, g];
}

function startupOf(w: World, g: number): NonNullable<GuestView['startup']> {
  const v = viewOf(w, { kind: 'guest', guest: g }) as GuestView;
  if (v.startup === null) throw new Error('no list');
  return v.startup;
}

function codeOf(w: World, a: Parameters<typeof step>[1]): string {
  const s = step(w, a);
  expect(s.state).toBe(w);
  return s.outcome.kind === 'rejected' ? s.outcome.code : 'accepted';
}

describe('startup-step: the seed fetch order', () => {
  it('fetches the next entry after the last one, wrapping, and starts those whose requirement holds', () => {
    // c needs b, b needs a: listed c, b, a. Fetches: c (wait), b (wait), a (start), c (wait), b (start), c (start).
    let [w, g] = loaded([e('c', ['r:b']), e('b', ['r:a']), e('a')]);
    const seen: [string, boolean, string][] = [];
    for (let i = 0; i < 6; i++) {
      const [w2, r] = accept(w, { kind: 'startup-step', guest: g });
      w = w2;
      seen.push([r['fetched'] as string, r['started'] as boolean, r['status'] as string]);
    }
    expect(seen).toEqual([
      ['c', false, 'running'],
      ['b', false, 'running'],
      ['a', true, 'running'],
      ['c', false, 'running'],
      ['b', true, 'running'],
      ['c', true, 'complete'],
    ]);
    const s = startupOf(w, g);
    expect(s.started).toEqual(['a', 'b', 'c']);
    expect(s).toMatchObject({ status: 'complete', fetches: 6, passes: 3, stuck: [] });
    expect(codeOf(w, { kind: 'startup-step', guest: g })).toBe('LIST_FINISHED');
    expect(codeOf(w, { kind: 'startup-run', guest: g })).toBe('LIST_FINISHED');
  });

  it('an empty list is complete at load; provided resources satisfy requirements', () => {
    const [w0, g0] = runningWorld();
    const [w1, r] = accept(w0, { kind: 'startup-load', guest: g0, entries: [], provided: [] });
    expect(r['status']).toBe('complete');
    expect(startupOf(w1, g0)).toMatchObject({ status: 'complete', fetches: 0, passes: 0 });
    const [w, g] = loaded([e('a', ['dev'])], ['dev']);
    const [w2, s] = accept(w, { kind: 'startup-run', guest: g });
    expect(s).toEqual({ status: 'complete', started: ['a'], fetches: 1 });
    expect(startupOf(w2, g).passes).toBe(1);
  });
});

describe('startup-run', () => {
  it('after some fetches, answers only what it started and the fetches it made itself', () => {
    let [w, g] = loaded([e('c', ['r:b']), e('b', ['r:a']), e('a')]);
    for (let i = 0; i < 3; i++) w = accept(w, { kind: 'startup-step', guest: g })[0];
    const [done, r] = accept(w, { kind: 'startup-run', guest: g });
    expect(r).toEqual({ status: 'complete', started: ['b', 'c'], fetches: 3 });
    expect(startupOf(done, g)).toMatchObject({ fetches: 6, started: ['a', 'b', 'c'] });
  });
});

describe('a list that cannot complete ends after a full pass without a start', () => {
  it('reports a cycle, a missing provider and what waits behind them', () => {
    const [w, g] = loaded([e('x', ['r:y']), e('ok'), e('y', ['r:x']), e('lost', ['nowhere', 'r:ok']), e('behind', ['r:x', 'r:ok']), e('self', ['r:self'])]);
    const [w2, r] = accept(w, { kind: 'startup-run', guest: g });
    expect(r).toMatchObject({ status: 'stuck', started: ['ok'] });
    const s = startupOf(w2, g);
    expect(s.stuck).toEqual([
      { name: 'x', missing: ['r:y'], reason: 'cycle' },
      { name: 'y', missing: ['r:x'], reason: 'cycle' },
      { name: 'lost', missing: ['nowhere'], reason: 'no-provider' },
      { name: 'behind', missing: ['r:x'], reason: 'after-stuck' },
      { name: 'self', missing: ['r:self'], reason: 'cycle' },
    ]);
    // ok starts at the second fetch; then five fetches of the five waiting entries, none starts.
    expect(s.fetches).toBe(7);
    expect(s.passes).toBeLessThanOrEqual(6);
    expect(codeOf(w2, { kind: 'startup-step', guest: g })).toBe('LIST_FINISHED');
  });

  it('stepwise, the stuck fetch is the one that completes the pass', () => {
    let [w, g] = loaded([e('a', ['r:b']), e('b', ['r:a'])]);
    const statuses: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [w2, r] = accept(w, { kind: 'startup-step', guest: g });
      w = w2;
      statuses.push(r['status'] as string);
    }
    expect(statuses).toEqual(['running', 'stuck']);
    expect(startupOf(w, g).stuck.map((x) => x.reason)).toEqual(['cycle', 'cycle']);
  });
});

describe('the real chain', () => {
  it.each(['secret-store', 'initrd'] as const)('from the %s, reversed, starts in requirement order', (source) => {
    const chain = realChain(source);
    const [w, g] = loaded([...chain.entries].reverse(), chain.provided);
    const [w2, r] = accept(w, { kind: 'startup-run', guest: g });
    expect(r['status']).toBe('complete');
    expect(r['started']).toEqual(chain.entries.map((x) => x.name));
    expect(startupOf(w2, g).started.at(-1)).toBe('workload.service');
  });

  it('without the key source, the workload never starts and the report says why', () => {
    const chain = realChain('initrd');
    const [w, g] = loaded(chain.entries, chain.provided.filter((p) => p !== '/etc/luks/keyfile'));
    const [w2, r] = accept(w, { kind: 'startup-run', guest: g });
    expect(r).toMatchObject({ status: 'stuck', started: [] });
    expect(startupOf(w2, g).stuck.map((x) => [x.name, x.reason])).toEqual([
      ['read-initrd-keyfile', 'no-provider'],
      ['systemd-cryptsetup@cryptroot_mapper', 'after-stuck'],
      ['sel-ebc-check-paes', 'after-stuck'],
      ['sysroot.mount', 'after-stuck'],
      ['workload.service', 'after-stuck'],
    ]);
  });
});

describe('refusals, in guard order, leave the world as it was', () => {
  it('startup-load', () => {
    const [created, c] = runningWorld(true);
    const [w, g] = runningWorld();
    const load = (entries: Entry[], provided: string[] = []) => ({ kind: 'startup-load' as const, guest: g, entries, provided });
    expect(codeOf(w, { ...load([]), guest: 99 })).toBe('GUEST_NOT_FOUND');
    expect(codeOf(created, { ...load([]), guest: c })).toBe('NOT_RUNNING');
    const [l] = accept(w, load([e('a')]));
    expect(codeOf(l, load([e('a')]))).toBe('LIST_ALREADY_LOADED');
    expect(codeOf(w, load(Array.from({ length: 65 }, (_, i) => e(`p${i}`))))).toBe('LIST_TOO_LONG');
    expect(accept(w, load(Array.from({ length: 64 }, (_, i) => e(`p${i}`))))[1]['status']).toBe('running');
    expect(codeOf(w, load([e('a', Array.from({ length: 17 }, (_, i) => `q${i}`))]))).toBe('LIST_TOO_LONG');
    expect(codeOf(w, load([], Array.from({ length: 17 }, (_, i) => `q${i}`)))).toBe('LIST_TOO_LONG');
    expect(accept(w, load([e('a', Array.from({ length: 16 }, (_, i) => `q${i}`))], Array.from({ length: 16 }, (_, i) => `q${i}`)))[1]['status']).toBe('running');
    expect(codeOf(w, load([e('')]))).toBe('INVALID_NAME');
    expect(codeOf(w, load([e('a', [], '')]))).toBe('INVALID_NAME');
    expect(codeOf(w, load([e('a', [''])]))).toBe('INVALID_NAME');
    expect(codeOf(w, load([], ['x'.repeat(65)]))).toBe('INVALID_NAME');
    expect(accept(w, load([e('x'.repeat(64), ['y'.repeat(64)], 'z'.repeat(64))]))[1]['status']).toBe('running');
    expect(codeOf(w, load([e('a'), e('a', [], 'other')]))).toBe('DUPLICATE_PROCESS');
    expect(codeOf(w, load([e('a', [], 'r'), e('b', [], 'r')]))).toBe('DUPLICATE_RESOURCE');
    expect(codeOf(w, load([e('a', [], 'r')], ['r']))).toBe('DUPLICATE_RESOURCE');
    expect(codeOf(w, load([], ['r', 'r']))).toBe('DUPLICATE_RESOURCE');
    // Guard order: a name too long and a duplicate process at once answer the name.
    expect(codeOf(w, load([e(''), e(''), ...Array.from({ length: 64 }, (_, i) => e(`p${i}`))]))).toBe('LIST_TOO_LONG');
    expect(codeOf(w, load([e(''), e('')]))).toBe('INVALID_NAME');
  });

  it('startup-step and startup-run', () => {
    const [w, g] = runningWorld();
    for (const kind of ['startup-step', 'startup-run'] as const) {
      expect(codeOf(w, { kind, guest: 99 })).toBe('GUEST_NOT_FOUND');
      expect(codeOf(w, { kind, guest: g })).toBe('NO_LIST');
    }
  });

  it('the loaded list is a copy: changing the caller arrays afterwards changes nothing', () => {
    const [w, g] = runningWorld();
    const requires = ['r:b'];
    const entries = [e('a', requires), e('b')];
    const provided = ['dev'];
    const [l] = accept(w, { kind: 'startup-load', guest: g, entries, provided });
    requires.push('never');
    provided.push('more');
    const [done, r] = accept(l, { kind: 'startup-run', guest: g });
    expect(r['status']).toBe('complete');
    expect(startupOf(done, g).provided).toEqual(['dev']);
  });

  it('the hypervisor sees nothing of the list', () => {
    const [w, g] = runningWorld();
    const before = JSON.stringify(viewOf(w, { kind: 'hypervisor' }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const [l] = accept(w, { kind: 'startup-load', guest: g, entries: [e('canary-process')], provided: [] });
    const [done] = accept(l, { kind: 'startup-run', guest: g });
    const after = JSON.stringify(viewOf(done, { kind: 'hypervisor' }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(after).toBe(before);
    expect(after).not.toContain('canary');
  });
});
