/**
 * Every faulty implementation is caught by the conformance check in-process (the differential
 * system over asAsync of the faulty model), and the correct model passes the same check. The
 * registry's entries are each a small change: an honest boot still runs on every one of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conform, selectConformance } from '../../conformance/check/index.js';
import { FAULTY, FAULTY_NAMES, faultyImplementation, faultyList } from '../../conformance/faulty/index.js';
import { asAsync, modelSystem } from '../../model/platform/index.js';
import { arbImage, CONFIG, type TestImage } from '../../properties/image-unpack/fixtures.js';
import { honestSchedule, runSchedule } from '../../properties/image-unpack/schedules.js';
import { runSync } from '../../properties/sut-calls.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const { run: properties } = selectConformance(['image-unpack'], []);

/** The properties that catch a variant: its mechanism's (image-unpack's with the platform's and the schedules). */
const catching = (mechanism = 'image-unpack') => (mechanism === 'image-unpack' ? properties : selectConformance([mechanism], [mechanism]).run);

describe('the faulty implementations', () => {
  it('are at least eight, each with a one-sentence description', () => {
    expect(FAULTY_NAMES.length).toBeGreaterThanOrEqual(8);
    for (const name of FAULTY_NAMES) {
      expect(FAULTY[name]?.description).toMatch(/^[a-z'].*\.$/);
      expect(faultyList()).toContain(name);
    }
    expect(faultyImplementation('no-such')).toBeUndefined();
    expect(faultyImplementation('toString')).toBeUndefined();
  });

  it('each still boots an honest image (the fault is small)', () => {
    const [image] = fc.sample(arbImage, { seed: 3, numRuns: 1 }) as [TestImage];
    for (const name of FAULTY_NAMES) {
      const sut = FAULTY[name]!.system();
      expect(sut.name).toBe(`faulty:${name}`);
      sut.reset(CONFIG);
      const run = runSync(runSchedule(image, image, honestSchedule(image.pages.length)), sut);
      expect(run.trace.every((t) => t.outcome.kind === 'accepted'), name).toBe(true);
      expect(run.trace.at(-1)?.phase, name).toBe('running');
    }
  });

  it.each(FAULTY_NAMES)('%s is caught by the check', async (name) => {
    const report = await conform({ implementation: asAsync(FAULTY[name]!.system()), properties: catching(FAULTY[name]!.mechanism), runs: 20, seed: 2026, shrinkRuns: 10 });
    const v = report.verdict;
    expect(v.status, name).toBe('diverged');
    if (v.status !== 'diverged') return;
    expect(v.trace.header.property).toEqual({ mechanism: v.property.mechanism, name: v.property.name });
    expect(v.trace.header.error).toBe(v.divergence.message);
    expect(v.caughtAfter.steps).toBeGreaterThan(0);
    // The trace ends at the diverging request.
    const applies = v.trace.lines.filter((l) => l.op === 'apply').length;
    expect(applies).toBe(v.divergence.step);
  });

  it('the correct model passes the same check', async () => {
    const report = await conform({ implementation: asAsync(modelSystem({ suite: PROPERTY_SUITE })), properties, runs: 3, seed: 2026 });
    expect(report.verdict.status).toBe('passed');
    expect(report.properties.map((p) => p.name)).toEqual(properties.map((p) => p.name));
    expect(report.properties.every((p) => p.status === 'passed' && p.runs === 3)).toBe(true);
    expect(report.coverage.steps).toBeGreaterThan(100);
    expect(report.notModelled).toEqual([]);
  });
});
