/**
 * `semodel conform` and `semodel conform replay` through the CLI, against real adapter
 * processes: the reference adapter passes; faulty ones (`semodel adapter --faulty NAME`) are
 * caught with a saved trace that `conform replay` reproduces; broken adapters (crash, hang,
 * garbage, wrong protocol, no such program) give exit 1 or 2 with one line and never hang.
 * Every faulty implementation is also checked in-process by faulty-caught.test.ts (with
 * shrinking); here the first of each mechanism goes through an adapter process, its first
 * divergence kept as found (--shrink-runs 0).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULTY_NAMES, faultyImplementation } from '../../conformance/faulty/index.js';
import { decodeTrace } from '../../conformance/trace/index.js';
import { PROJECT, run, tempDir } from '../cli/cli-harness.js';
import { readFileSync } from 'node:fs';

const SEMODEL = `node ${path.join(PROJECT, 'bin/semodel.mjs')}`;
const REFERENCE = `${SEMODEL} adapter`;
const faulty = (name: string) => `${SEMODEL} adapter --faulty ${name}`;
const bad = (mode: string) => `node ${path.join(PROJECT, 'test/conformance/fixtures-conform/bad-adapter.mjs')} ${mode}`;

/**
 * The faulty variants run here through adapter processes: the first of each mechanism (each costs
 * a whole conform run in two processes). Every variant is caught in-process by
 * faulty-caught.test.ts and fails its vectors in vectors-run.test.ts; this file checks the
 * command's path (adapter, divergence report, saved trace) once per mechanism.
 */
const THROUGH_PROCESSES: readonly string[] = FAULTY_NAMES.filter(
  (n, i) => FAULTY_NAMES.findIndex((m) => faultyImplementation(m)?.mechanism === faultyImplementation(n)?.mechanism) === i,
);

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The last stderr line: the one-line reason of a failure (progress lines come before it). */
const reason = (r: { errLines: readonly string[] }): string => r.errLines.at(-1) ?? '';
const noStack = (r: { err: string }): boolean => !/\n\s+at /.test(r.err);

describe('semodel conform', () => {
  it('has help, and needs --adapter', async () => {
    const help = await run('conform', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('semodel conform replay FILE');
    const none = await run('conform');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^semodel: conform needs --adapter/);
    expect((await run('conform', '--adapter', REFERENCE, '--runs', '0')).code).toBe(2);
    expect((await run('conform', '--adapter', REFERENCE, '--mechanism', 'nope')).err).toContain("unknown mechanism 'nope'");
  });

  it('passes the reference adapter, and reports steps, codes, phases and what it skipped', async () => {
    const r = await run('conform', '--adapter', REFERENCE, '--runs', '1', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { status: string; properties: { name: string; status: string }[]; skipped: { name: string; reason: string }[]; steps: number; codesReached: string[]; phasesReached: string[] };
    expect(j.status).toBe('passed');
    expect(j.properties.length).toBeGreaterThanOrEqual(15);
    expect(j.properties.every((p) => p.status === 'passed')).toBe(true);
    expect(j.properties.map((p) => p.name)).toContain('long-adversarial-schedules');
    expect(j.skipped.map((s) => s.name).sort()).toEqual(['header-codec-round-trip', 'tweaks-follow-formula']);
    expect(j.skipped.every((s) => s.reason.startsWith('model-only'))).toBe(true);
    expect(j.steps).toBeGreaterThan(100);
    expect(j.codesReached).toContain('TWEAK_REUSED');
    expect(j.phasesReached).toContain('running');
  });

  it.each(THROUGH_PROCESSES)('catches --faulty %s (exit 1) and names the divergence', async (name) => {
    const out = path.join(tmp.dir, name);
    // A later mechanism's variant is checked with that mechanism's properties alone (mechanism 2's
    // properties, which run first by default, all pass on it and only cost time).
    const mechanism = faultyImplementation(name)?.mechanism;
    const only = mechanism === undefined ? [] : ['--mechanism', mechanism];
    const r = await run('conform', '--adapter', faulty(name), ...only, '--shrink-runs', '0', '--out', out);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('DIVERGES from the model in');
    expect(r.out).toMatch(/^ {2}(step|after step): +\d+/m);
    expect(r.out).toMatch(/^ {2}model: /m);
    expect(r.out).toMatch(/^ {2}implementation: /m);
    expect(r.out).toContain(`replay: semodel conform replay ${out}`);
    expect(reason(r)).toMatch(/^semodel: conform: divergence at /);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    const decoded = decodeTrace(readFileSync(path.join(out, files[0] as string), 'utf8'));
    expect(decoded.ok).toBe(true);
  });

  it('replays a saved divergence: still diverging against the faulty adapter, not against the reference', async () => {
    const out = path.join(tmp.dir, 'reused-tweak');
    const file = path.join(out, readdirSync(out)[0] as string);
    const again = await run('conform', 'replay', file, '--adapter', faulty('reused-tweak'));
    expect(again.code, again.err).toBe(1);
    expect(again.out).toContain('still diverges');
    expect(again.out).toContain('rejected TWEAK_REUSED (REQ-UNPACK-10)');
    const fixed = await run('conform', 'replay', file, '--adapter', REFERENCE, '--json');
    expect(fixed.code, fixed.err).toBe(0);
    expect((JSON.parse(fixed.out) as { status: string }).status).toBe('agrees');
    expect((await run('conform', 'replay', path.join(tmp.dir, 'missing.jsonl'), '--adapter', REFERENCE)).code).toBe(2);
  });
});

describe('semodel adapter --faulty', () => {
  it('lists the faulty implementations and refuses an unknown one', async () => {
    const list = await run('adapter', '--faulty', 'list');
    expect(list.code).toBe(0);
    for (const name of FAULTY_NAMES) expect(list.out).toMatch(new RegExp(`^${name} +\\S`, 'm'));
    const unknown = await run('adapter', '--faulty', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^semodel: unknown faulty implementation 'nope'; one of: reused-tweak, /);
  });
});

describe('semodel conform against the Python template', () => {
  it('passes: the platform schedules run, mechanism properties are skipped with their reason, the hypervisor compared by outcomes only', async () => {
    const r = await run('conform', '--adapter', `python3 ${path.join(PROJECT, 'conformance/templates/python/adapter.py')}`, '--runs', '5', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { status: string; properties: { name: string; status: string; reason?: string }[]; skipped: { name: string; reason: string }[]; notModelled: string[] };
    expect(j.status).toBe('passed');
    expect(j.properties.find((p) => p.name === 'lifecycle-schedules')?.status).toBe('passed');
    expect(j.properties.find((p) => p.name === 'step-total')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('which the implementation does not implement') });
    expect(j.skipped.find((s) => s.name === 'noninterference')?.reason).toBe('the implementation does not implement image-unpack');
    expect(j.notModelled).toEqual(['hypervisor']);
  });
});

describe('semodel conform against broken adapters', () => {
  it('an adapter that crashes after one step: exit 1, one line, the trace up to that point', async () => {
    const out = path.join(tmp.dir, 'crash');
    const r = await run('conform', '--adapter', bad('crash-after-one'), '--out', out);
    expect(r.code).toBe(1);
    expect(reason(r)).toBe('semodel: conform: the adapter failed (crash): adapter exited with code 3 during apply (step 2)');
    expect(noStack(r)).toBe(true);
    const files = readdirSync(out);
    const decoded = decodeTrace(readFileSync(path.join(out, files[0] as string), 'utf8'));
    if (!decoded.ok) throw new Error('not a trace');
    expect(decoded.value.lines.map((l) => l.op)).toEqual(['reset', 'apply', 'apply']);
    expect(decoded.value.header.error).toContain('exited with code 3');
  });

  it.each([
    ['hang', /the adapter failed \(timeout\): no answer to apply \(step 1\) within 300 ms/],
    ['garbage', /the adapter failed \(garbage\): .*not JSON/],
    ['out-of-order', /the adapter failed \(protocol\): answer id \d+ does not match request id/],
    ['exit-early', /the adapter failed \(exit\)/],
    ['wrong-protocol', /the adapter cannot be used: hello answered protocol "other-protocol\/9"/],
  ])('an adapter that fails before any step (%s): exit 2, one line', async (mode, message) => {
    const r = await run('conform', '--adapter', bad(mode), '--timeout-ms', '300', '--out', path.join(tmp.dir, mode));
    expect(r.code).toBe(2);
    expect(reason(r)).toMatch(message);
    expect(reason(r)).not.toContain('\n');
    expect(noStack(r)).toBe(true);
  });

  it('a command that does not start: exit 2, one line, no trace', async () => {
    const out = path.join(tmp.dir, 'none');
    const r = await run('conform', '--adapter', path.join(tmp.dir, 'no-such-program'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.err).toMatch(/^semodel: conform: the adapter cannot be used: cannot start the adapter/);
    expect(existsSync(out)).toBe(false);
  });
});
