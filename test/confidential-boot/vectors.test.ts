// The confidential-boot vectors: exported from its case source (the stimulus and an accepted
// path per call), every case passes on the model, every handler has cases, and each of its faulty
// implementations fails one, at a step.
import { describe, expect, it } from 'vitest';
import { FAULTY_NAMES, faultyImplementation } from '../../conformance/faulty/index.js';
import { exportVectors, FAIL_FAST_STOP, runVectors } from '../../conformance/vectors/index.js';
import { asAsync, modelSystem } from '../../model/platform/index.js';
import { STIMULUS_KINDS } from '../../properties/confidential-boot/index.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const { files, index } = exportVectors({ mechanisms: ['confidential-boot'] });
const byPath = new Map(files.map((f) => [f.path, f.text]));
const read = (p: string): string => {
  const t = byPath.get(p);
  if (t === undefined) throw new Error('no such file');
  return t;
};

describe('confidential-boot vectors', () => {
  it('cover every handler', () => {
    for (const kind of STIMULUS_KINDS) expect(files.some((f) => f.path.startsWith(`confidential-boot/${kind}/`)), kind).toBe(true);
    expect(index.cases.length).toBeGreaterThan(50);
  });

  it('every case passes on the model', async () => {
    const r = await runVectors(read, { open: async () => ({ sut: asAsync(modelSystem({ suite: PROPERTY_SUITE })), close: async () => undefined }) });
    expect(r.results.filter((x) => x.status !== 'passed')).toEqual([]);
    expect(r.passed).toBe(index.cases.length);
  });

  it.each(FAULTY_NAMES.filter((n) => faultyImplementation(n)?.mechanism === 'confidential-boot'))('%s fails a case, at a step', async (name) => {
    const faulty = faultyImplementation(name);
    if (faulty === undefined) throw new Error(name);
    const r = await runVectors(read, { open: async () => ({ sut: asAsync(faulty.system()), close: async () => undefined }), failFast: true });
    expect(r.failed).toBe(1);
    expect(r.stopped).toBe(FAIL_FAST_STOP);
    for (const f of r.results.filter((x) => x.status === 'failed')) expect(f.step).toBeGreaterThan(0);
  });
});
