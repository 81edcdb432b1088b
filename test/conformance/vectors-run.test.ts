// `semodel vectors run` and runVectors: every exported case passes on the model; a faulty
// implementation fails the case that provokes its fault, at that step; every case is accounted
// for (passed, failed, skipped with a reason, an error, not run); a failing system is reopened,
// up to a limit; a party the system does not model is compared by outcomes only, and said so.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vectorsCommand, type Opener } from '../../cli/vectors.js';
import { PartyNotModelled } from '../../conformance/adapter/failures.js';
import { FAULTY_NAMES, faultyImplementation } from '../../conformance/faulty/index.js';
import { exportVectors, FAIL_FAST_STOP, runVectors, type RunnerSystem, type VectorsRun } from '../../conformance/vectors/index.js';
import { CASE_SOURCES } from '../../conformance/vectors/sources.js';
import { HANDLERS, asAsync, modelSystem, type ModelOptions, type SystemUnderTest } from '../../model/platform/index.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { captureIo, isOneCleanLine, PROJECT, run, tempDir } from '../cli/cli-harness.js';

/** A reader over the files of an export. */
function readerOf(files: readonly { readonly path: string; readonly text: string }[]): (p: string) => string {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return (p) => {
    const t = byPath.get(p);
    if (t === undefined) throw new Error('no such file');
    return t;
  };
}

// The runner's own tests use mechanism 2's vectors (and the platform's); the later mechanisms'
// vectors are exported once each, for the model and the faulty implementations below.
const { files, index } = exportVectors({ mechanisms: ['platform', 'image-unpack'] });
const read = readerOf(files);
const byMechanism = new Map<string, { readonly read: (p: string) => string; readonly cases: number }>();
function vectorsOf(mechanism: string): { readonly read: (p: string) => string; readonly cases: number } {
  const known = byMechanism.get(mechanism);
  if (known !== undefined) return known;
  const e = mechanism === 'image-unpack' ? { files, index } : exportVectors({ mechanisms: [mechanism] });
  const made = { read: readerOf(e.files), cases: e.index.cases.length };
  byMechanism.set(mechanism, made);
  return made;
}

const model = (options: ModelOptions = {}): SystemUnderTest => asAsync(modelSystem({ suite: PROPERTY_SUITE, ...options }));
const system = (sut: SystemUnderTest, mechanisms?: readonly string[]): RunnerSystem => ({ sut, ...(mechanisms === undefined ? {} : { mechanisms }), close: async () => undefined });
const statuses = (r: VectorsRun): Record<string, number> => ({ passed: r.passed, failed: r.failed, skipped: r.skipped, errors: r.errors, notRun: r.notRun });

/** Unpack that accepts a reused tweak: the model's answer, except TWEAK_REUSED becomes accepted (state unchanged). */
const reusedTweak: ModelOptions = {
  name: 'reused tweak accepted',
  handlers: {
    unpack: (w, a) => {
      const s = HANDLERS.unpack(w, a);
      return s.outcome.kind === 'rejected' && s.outcome.code === 'TWEAK_REUSED' ? { state: w, outcome: { kind: 'accepted', response: {} } } : s;
    },
  },
};

describe('runVectors', () => {
  it('every exported case passes on the model', async () => {
    const r = await runVectors(read, { open: async () => system(model()) });
    expect(r.results.filter((x) => x.status !== 'passed')).toEqual([]);
    expect(statuses(r)).toEqual({ passed: index.cases.length, failed: 0, skipped: 0, errors: 0, notRun: 0 });
    expect(r.results.map((x) => x.path)).toEqual(index.cases.map((c) => c.path));
  });

  it('a faulty unpack that accepts a reused tweak fails the reused-tweak case at its last step, on the outcome', async () => {
    const r = await runVectors(read, { open: async () => system(model(reusedTweak)) });
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const single = failed.find((x) => x.path === 'image-unpack/unpack/only-tweak-not-yet-used');
    const steps = read('image-unpack/unpack/only-tweak-not-yet-used/steps.jsonl').trimEnd().split('\n').length;
    expect(single).toMatchObject({ step: steps, field: 'outcome', expected: 'rejected TWEAK_REUSED (REQ-UNPACK-10)', got: 'accepted {}' });
    // Only cases whose expectations involve TWEAK_REUSED can fail.
    for (const f of failed) expect(read(`${f.path}/expected.jsonl`), f.path).toContain('TWEAK_REUSED');
    expect(r.passed + r.failed).toBe(index.cases.length);
  });

  it('a view that differs is reported with the party and, where the case has full views, a diff', async () => {
    // The owner's view shows another phase once a guest exists: a wrong view, right outcomes.
    const r = await runVectors(read, {
      open: async () => {
        const m = modelSystem({ suite: PROPERTY_SUITE });
        return system({
          name: 'wrong owner view',
          reset: async (c) => m.reset(c),
          apply: async (a) => m.apply(a),
          observe: async (p) => {
            const v = m.observe(p);
            return v !== null && v.party === 'owner' ? { ...v, phase: v.phase === 'created' ? 'running' : 'created' } : v;
          },
        });
      },
    });
    const c = r.results.find((x) => x.path === 'platform/create-guest/accepted');
    expect(c).toMatchObject({ status: 'failed', step: 1, field: 'digests.owner:1' });
    expect(c?.diff).toEqual(['owner:1.phase: expected "created", got "running"']);
    expect(r.failed).toBe(index.cases.filter((x) => read(`${x.path}/expected.jsonl`).includes('owner:1')).length);
  });

  it('skips, with the reason, the cases of a mechanism the system does not implement, and runs the rest', async () => {
    const r = await runVectors(read, { open: async () => system(model(), []) });
    const skipped = r.results.filter((x) => x.status === 'skipped');
    const needing = index.cases.filter((c) => c.requires.includes('image-unpack'));
    expect(skipped.map((x) => x.path)).toEqual(needing.map((c) => c.path));
    for (const s of skipped) expect(s.reason).toBe('mechanism image-unpack not implemented (the system implements: none)');
    expect(r.passed).toBe(index.cases.length - needing.length);
    expect(r.passed).toBeGreaterThan(0);
  });

  it('compares outcomes only for parties the system does not model, and says which', async () => {
    const m = modelSystem({ suite: PROPERTY_SUITE });
    const noGuestViews: SystemUnderTest = {
      name: 'no guest views',
      reset: async (c) => m.reset(c),
      apply: async (a) => m.apply(a),
      observe: async (p) => {
        if (p.kind === 'guest') throw new PartyNotModelled(p);
        return m.observe(p);
      },
    };
    const r = await runVectors(read, { open: async () => system(noGuestViews) });
    expect(r.failed).toBe(0);
    const partial = r.results.filter((x) => x.outcomesOnly !== undefined);
    expect(partial.length).toBeGreaterThan(100);
    expect(r.results.find((x) => x.path === 'platform/create-guest/accepted')?.outcomesOnly).toEqual(['guest:1']);
  });

  it('an unreadable case is an error, listed; the others still run', async () => {
    const broken = new Map(files.map((f) => [f.path, f.text]));
    broken.delete('image-unpack/verify/accepted/expected.jsonl');
    broken.set('image-unpack/start/accepted/steps.jsonl', '{"step":1,"action":{"kind":"nothing"}}\n');
    const r = await runVectors((p) => {
      const t = broken.get(p);
      if (t === undefined) throw new Error('no such file');
      return t;
    }, { open: async () => system(model()) });
    expect(r.results.filter((x) => x.status === 'error')).toEqual([
      { path: 'image-unpack/start/accepted', status: 'error', reason: 'image-unpack/start/accepted/steps.jsonl: line 1: field action.kind: unknown action kind "nothing"' },
      { path: 'image-unpack/verify/accepted', status: 'error', reason: 'image-unpack/verify/accepted/expected.jsonl: no such file' },
    ]);
    expect(r.passed).toBe(index.cases.length - 2);
  });

  it('a system that crashes fails the case and is opened again; after too many reopenings the rest is not run', async () => {
    let opened = 0;
    let closed = 0;
    const crashing = (): RunnerSystem => {
      opened++;
      const m = model();
      return {
        sut: { ...m, name: 'crashes on verify', apply: async (a) => ((a as { kind?: unknown }).kind === 'verify' ? Promise.reject(new Error('segfault')) : m.apply(a)) },
        close: async () => void closed++,
      };
    };
    const r = await runVectors(read, { open: async () => crashing(), maxReopens: 2 });
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed).toHaveLength(3);
    expect(failed[0]?.reason).toMatch(/^the system failed: apply \(step \d+\): segfault$/);
    expect(r.reopened).toBe(2);
    expect(opened).toBe(3);
    expect(closed).toBe(3);
    expect(r.stopped).toBe('stopped: the system failed 3 times (at most 2 reopenings)');
    const notRun = r.results.filter((x) => x.status === 'not-run');
    expect(notRun.length).toBeGreaterThan(0);
    expect(r.passed + r.failed + r.notRun).toBe(index.cases.length);
    for (const x of notRun) expect(x.reason).toBe(r.stopped);
  });
});

describe('semodel vectors run', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const vectors = path.join(dir, 'vectors');
  for (const f of files) {
    mkdirSync(path.dirname(path.join(vectors, f.path)), { recursive: true });
    writeFileSync(path.join(vectors, f.path), f.text);
  }
  /** The CLI's io, capturing stdout and stderr; vectors run writes nothing. */
  const capture = (): ReturnType<typeof captureIo> => captureIo({ writes: false });
  const opener = (options: ModelOptions, mechanisms?: readonly string[]): Opener => async () => ({ ...system(model(options), mechanisms), describe: options.name ?? 'semodel' });

  it('exit 0 and a summary when every case passes', async () => {
    const c = capture();
    const code = await vectorsCommand(['run', vectors, '--adapter', 'in-process'], c.io, opener({}));
    expect([code, c.err]).toEqual([0, []]);
    expect(c.out).toEqual([`${vectors}: ${index.cases.length} cases against semodel: ${index.cases.length} passed, 0 failed, 0 skipped, 0 errors, 0 not run`]);
  });

  it('exit 1 and one line per failed case, with the step, expected and got', async () => {
    const c = capture();
    const code = await vectorsCommand(['run', vectors, '--adapter', 'in-process'], c.io, opener(reusedTweak));
    expect(code).toBe(1);
    expect(c.out).toContain(
      `FAIL image-unpack/unpack/only-tweak-not-yet-used: step ${read('image-unpack/unpack/only-tweak-not-yet-used/meta.json').match(/"steps": (\d+)/)?.[1]}: the outcome differs: expected rejected TWEAK_REUSED (REQ-UNPACK-10), got accepted {}`,
    );
    expect(c.out.at(-1)).toMatch(/: \d+ cases against reused tweak accepted: \d+ passed, [1-9]\d* failed, 0 skipped, 0 errors, 0 not run$/);
  });

  it('--fail-fast: exit 1 at the first failed case, the rest not run', async () => {
    const c = capture();
    const code = await vectorsCommand(['run', vectors, '--adapter', 'in-process', '--fail-fast'], c.io, opener(reusedTweak));
    expect(code).toBe(1);
    expect(c.out.filter((l) => l.startsWith('FAIL '))).toHaveLength(1);
    expect(c.out.at(-1)).toMatch(/: \d+ cases against reused tweak accepted: \d+ passed, 1 failed, 0 skipped, 0 errors, [1-9]\d* not run$/);
  });

  it('--json lists every case with its status, skipped ones with the reason', async () => {
    const c = capture();
    const code = await vectorsCommand(['run', vectors, '--adapter', 'in-process', '--json'], c.io, opener({}, []));
    expect(code).toBe(0);
    const j = JSON.parse(c.out.join('\n')) as VectorsRun & { status: number };
    expect(j.results).toHaveLength(index.cases.length);
    expect(j.skipped).toBeGreaterThan(0);
    expect(j.results.find((x) => x.status === 'skipped')?.reason).toContain('mechanism image-unpack not implemented');
  });

  it('against adapter processes: the reference adapter passes, a faulty one fails the case of its fault', { timeout: 60_000 }, async () => {
    // A few cases only: each adapter is a process of its own (two cores, tsx start-up).
    const subset = path.join(dir, 'subset');
    const chosen = index.cases.filter((c) => c.mechanism === 'platform' || c.path === 'image-unpack/unpack/only-tweak-not-yet-used');
    for (const c of chosen) {
      for (const f of ['config.json', 'steps.jsonl', 'expected.jsonl', 'meta.json']) {
        mkdirSync(path.join(subset, c.path), { recursive: true });
        writeFileSync(path.join(subset, c.path, f), read(`${c.path}/${f}`));
      }
    }
    writeFileSync(path.join(subset, 'index.json'), JSON.stringify({ ...index, cases: chosen }));
    const adapter = `"${process.execPath}" "${path.join(PROJECT, 'bin/semodel.mjs')}" adapter`;
    const ok = await run('vectors', 'run', subset, '--adapter', adapter);
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect(ok.out).toBe(`${subset}: ${chosen.length} cases against semodel ${index.semodel}: ${chosen.length} passed, 0 failed, 0 skipped, 0 errors, 0 not run`);
    const bad = await run('vectors', 'run', subset, '--adapter', `${adapter} --faulty reused-tweak`);
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n')[0]).toMatch(/^FAIL image-unpack\/unpack\/only-tweak-not-yet-used: step \d+: the outcome differs: expected rejected TWEAK_REUSED \(REQ-UNPACK-10\), got accepted \{\}$/);
    const missing = await run('vectors', 'run', subset, '--adapter', path.join(dir, 'no-such-adapter'));
    expect(missing.code).toBe(2);
    expect(isOneCleanLine(missing), missing.err).toBe(true);
  });

  it('exit 2 and one line for an unusable folder, a missing case, or bad arguments', async () => {
    for (const argv of [
      ['vectors', 'run', path.join(dir, 'missing'), '--adapter', 'true'],
      ['vectors', 'run', vectors],
      ['vectors', 'run', '--adapter', 'true'],
      ['vectors', 'run', vectors, '--adapter', 'true', '--timeout-ms', 'soon'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), `${argv.join(' ')}: ${r.err}`).toBe(true);
    }
    expect((await run('vectors', 'run', path.join(dir, 'missing'), '--adapter', 'true')).err).toBe(`semodel: ${path.join(dir, 'missing')}: not a usable vectors folder: index.json: ${path.join(dir, 'missing', 'index.json')}: no such file`);
    rmSync(path.join(vectors, 'platform/destroy-guest/accepted'), { recursive: true });
    const c = capture();
    const code = await vectorsCommand(['run', vectors, '--adapter', 'in-process'], c.io, opener({}));
    expect(code).toBe(2);
    expect(c.out).toContain(`ERROR platform/destroy-guest/accepted: platform/destroy-guest/accepted/config.json: ${path.join(vectors, 'platform/destroy-guest/accepted/config.json')}: no such file`);
    expect(c.out.at(-1)).toContain(`${index.cases.length - 1} passed, 0 failed, 0 skipped, 1 errors`);
  });
});

describe('the vectors of the later mechanisms', () => {
  it.each(CASE_SOURCES.map((c) => c.mechanism))('every %s case passes on the model', async (mechanism) => {
    const v = vectorsOf(mechanism);
    const r = await runVectors(v.read, { open: async () => system(model()) });
    expect(r.results.filter((x) => x.status !== 'passed')).toEqual([]);
    expect(r.passed).toBe(v.cases);
    expect(v.cases).toBeGreaterThan(20);
  });
});

describe('every faulty implementation of conformance/faulty fails the vectors', () => {
  it.each(FAULTY_NAMES)('%s fails a case of its mechanism, and the failure names its step', async (name) => {
    const faulty = faultyImplementation(name);
    if (faulty === undefined) throw new Error(`no faulty implementation ${name}`);
    const v = vectorsOf(faulty.vectors ?? faulty.mechanism ?? 'image-unpack');
    const r = await runVectors(v.read, { open: async () => system(asAsync(faulty.system())), failFast: true });
    expect(r.failed, `${name}: ${faulty.description}`).toBe(1);
    expect(r.passed + r.failed + r.notRun).toBe(v.cases);
    expect(r.stopped).toBe(FAIL_FAST_STOP);
    for (const f of r.results.filter((x) => x.status === 'failed')) expect(f.step).toBeGreaterThan(0);
  });
});
