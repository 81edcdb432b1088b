// Each faulty implementation of mechanism 3 is caught by the request-controls property written
// for its fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the request-controls properties (a divergence from the model).
import { describe, expect, it } from 'vitest';
import { conform, selectConformance } from '../../conformance/check/index.js';
import { FAULTY, FAULTY_NAMES } from '../../conformance/faulty/index.js';
import { asAsync, modelSystem, type ModelSystem } from '../../model/platform/index.js';
import { runProperty, type ModelProperty } from '../../properties/property.js';
import { measurementInputs } from '../../properties/request-controls/attestation.js';
import { bindingEnforced, extensionSecretEnforced } from '../../properties/request-controls/binding.js';
import { hypervisorSeesNoRequest } from '../../properties/request-controls/confidentiality.js';
import { controlsGateResponses } from '../../properties/request-controls/gating.js';
import { lockIsFinal, retrieveNeverClear } from '../../properties/request-controls/store.js';
import { ctrlGuardAlone } from '../../properties/request-controls/stimulus.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** Each variant of mechanism 3 and the property written to catch it. */
const CATCHERS: Readonly<Record<string, ModelProperty<unknown>>> = {
  'pckmo-ignores-pcf': controlsGateResponses as ModelProperty<unknown>,
  'add-after-lock': lockIsFinal as ModelProperty<unknown>,
  'extension-secret-ignored': extensionSecretEnforced as ModelProperty<unknown>,
  'image-binding-ignored': bindingEnforced as ModelProperty<unknown>,
  'retrieve-clear-key': retrieveNeverClear as ModelProperty<unknown>,
  'leaks-secret-store': hypervisorSeesNoRequest as ModelProperty<unknown>,
};

const mine = FAULTY_NAMES.filter((n) => FAULTY[n]?.mechanism === 'request-controls');

describe('faulty implementations of request-controls', () => {
  it('are registered with their mechanism, and each has a catching property', () => {
    expect([...mine].sort()).toEqual(Object.keys(CATCHERS).sort());
    // The measurement property and the stimulus stay for the conformance check.
    expect(measurementInputs.mechanism).toBe('request-controls');
  });

  it.each(Object.keys(CATCHERS))('%s fails the property written for it, which passes on the model', (name) => {
    const p = CATCHERS[name] as ModelProperty<unknown>;
    const faulty = FAULTY[name];
    if (faulty === undefined) throw new Error(`no faulty implementation ${name}`);
    const caught = runProperty(p, { numRuns: 40, seed: 7, system: () => faulty.system() as ModelSystem });
    expect(caught.status, `${name} under ${p.name}`).toBe('failed');
    expect(caught.error).toMatch(/^REQ-CTRL-\d+:/);
    const correct = runProperty(p, { numRuns: 40, seed: 7, system: () => modelSystem({ suite: PROPERTY_SUITE }) });
    expect(correct.status, `${p.name} on the model`).toBe('passed');
  });

  it.each(['pckmo-ignores-pcf', 'add-after-lock', 'extension-secret-ignored', 'image-binding-ignored'])('%s also fails the single-guard stimulus', (name) => {
    const faulty = FAULTY[name];
    if (faulty === undefined) throw new Error(`no faulty implementation ${name}`);
    const r = runProperty(ctrlGuardAlone as ModelProperty<unknown>, { numRuns: 2, seed: 11, system: () => faulty.system() as ModelSystem });
    expect(r.status).toBe('failed');
  });

  it.each(mine)('%s diverges from the model under the request-controls conformance check', async (name) => {
    const { run } = selectConformance(['request-controls'], ['request-controls']);
    const report = await conform({ implementation: asAsync(FAULTY[name]!.system()), properties: run, runs: 10, seed: 2026, shrinkRuns: 5 });
    expect(report.verdict.status, name).toBe('diverged');
  });
});
