// `semodel explore`: breadth-first exhaustive search over a small alphabet, with invariants at
// every state; a broken reducer is caught with the shortest sequence of actions that breaks it.
import { describe, expect, it } from 'vitest';
import { HANDLERS, stepWith, type HandlerTable } from '../../model/platform/index.js';
import { alphabetOf } from '../../properties/explore/alphabet.js';
import { explore } from '../../properties/explore/search.js';
import { readFileSync } from 'node:fs';
import { writeViolation } from '../../cli/explore.js';
import { processIo } from '../../cli/io.js';
import { decodeTrace } from '../../conformance/trace/codec.js';
import { run, runJson, tempDir } from '../cli/cli-harness.js';

/** start also accepted while unpacking. */
const brokenStart: HandlerTable['start'] = (world, a) => {
  const g = world.guests.get(a.guest);
  if (g === undefined || g.phase !== 'unpacking') return HANDLERS.start(world, a);
  return { state: { ...world, guests: world.guests.set(a.guest, { ...g, phase: 'running' }) }, outcome: { kind: 'accepted', response: {} } };
};

/** A rejection that changes the world without its row saying it is recorded. */
const leakyVerify: HandlerTable['verify'] = (world, a) => {
  const s = HANDLERS.verify(world, a);
  return s.outcome.kind === 'rejected' && s.outcome.code === 'INVALID_STATE' ? { ...s, state: { ...world, nextGuestId: world.nextGuestId + 0, guests: world.guests.map((g) => ({ ...g, memoryPages: g.memoryPages + 1 })) } } : s;
};

describe('explore', () => {
  const alphabet = alphabetOf('image-unpack', 1);

  it('explores the model without a violation, the same states every time', () => {
    const a = explore(alphabet, { depth: 4 });
    const b = explore(alphabet, { depth: 4 });
    expect(a.violations).toEqual([]);
    expect(a.depth).toBe(4);
    expect(a.frontier).toEqual(b.frontier);
    expect(a.distinct).toBe(a.frontier.reduce((x, y) => x + y, 0));
    expect(a.states).toBeGreaterThan(a.distinct);
  });

  it('reaches running (the honest boot is one of the sequences)', () => {
    // create, header, 3 pages (kernel, parmline, stage3b), verify, start: depth 7. The letters a
    // schedule of the honest hypervisor uses, and two that go wrong, keep the search small.
    const keep = /^(create-guest|set-header 1 (own|nep\+1)|unpack 1 own page \d|verify 1|start 1)$/;
    const small = { ...alphabet, letters: alphabet.letters.filter((l) => keep.test(l.name)) };
    const names = small.letters.map((l) => l.name);
    const r = explore(small, { depth: 7, step: stepWith({ ...HANDLERS, start: (w, a) => { const s = HANDLERS.start(w, a); if (s.outcome.kind === 'accepted') throw new Error('started'); return s; } }) });
    expect(r.violations[0]?.invariant).toBe('totality');
    expect(r.violations[0]?.message).toMatch(/threw started/);
    expect(r.violations[0]?.path.map((i) => names[i])).toEqual(['create-guest', 'set-header 1 own', 'unpack 1 own page 0', 'unpack 1 own page 1', 'unpack 1 own page 2', 'verify 1', 'start 1']);
    // Without the fault, the same search passes and reaches every depth.
    expect(explore(small, { depth: 7 }).violations).toEqual([]);
  });

  it('catches a start without verify with the shortest sequence', () => {
    const r = explore(alphabet, { depth: 4, step: stepWith({ ...HANDLERS, start: brokenStart }) });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]?.invariant).toBe('start-after-verify');
    expect(r.violations[0]?.path.map((i) => alphabet.letters[i]?.name)).toEqual(['create-guest', 'set-header 1 own', 'start 1']);
  });

  it('catches a rejection that changes a view without being recorded', () => {
    const r = explore(alphabet, { depth: 3, step: stepWith({ ...HANDLERS, verify: leakyVerify }) });
    expect(r.violations[0]?.invariant).toBe('rejection-unchanged');
  });
});

describe('semodel explore', () => {
  it('reports states, distinct states, depth and states/s as JSON', async () => {
    const { code, json } = await runJson<{ depth: number; states: number; distinct: number; frontier: number[]; statesPerSecond: number; violations: unknown[] }>(
      'explore', '--mechanism', 'platform', '--depth', '3', '--guests', '2', '--json',
    );
    expect(code).toBe(0);
    expect(json.depth).toBe(3);
    expect(json.violations).toEqual([]);
    expect(json.distinct).toBe(json.frontier.reduce((x, y) => x + y, 0));
    const text = await run('explore', '--mechanism', 'image-unpack', '--depth', '2');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/states, \d+ distinct, [\d,]+ states\/s/);
    expect(text.out).toContain('no invariant broken');
  });

  it('writes a violation as a trace file of its actions', () => {
    const alphabet = alphabetOf('image-unpack', 1);
    const r = explore(alphabet, { depth: 4, step: stepWith({ ...HANDLERS, start: brokenStart }) });
    const v = r.violations[0];
    if (v === undefined) throw new Error('no violation');
    const { dir, cleanup } = tempDir();
    try {
      const file = writeViolation(processIo, dir, alphabet, 'image-unpack', v);
      const decoded = decodeTrace(readFileSync(file, 'utf8'));
      expect(decoded.ok).toBe(true);
      if (decoded.ok) expect(decoded.value.lines.filter((l) => l.op === 'apply')).toHaveLength(v.path.length);
    } finally {
      cleanup();
    }
  });

  it('refuses a mechanism without an alphabet and a missing depth', async () => {
    for (const [argv, message] of [
      [['explore', '--mechanism', 'secure-dump', '--depth', '3'], /no action alphabet for 'secure-dump'/],
      [['explore', '--mechanism', 'image-unpack'], /--depth is required/],
      [['explore', '--mechanism', 'image-unpack', '--depth', '0'], /--depth takes/],
    ] as const) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
