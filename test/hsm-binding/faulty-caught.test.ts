// Each faulty implementation of mechanism 4 is caught by the hsm-binding property written for
// its fault (the property fails on it and passes on the model with the same seed), and by the
// conformance check of the hsm-binding properties (a divergence from the model).
import { describe, expect, it } from 'vitest';
import { conform, selectConformance } from '../../conformance/check/index.js';
import { FAULTY, FAULTY_NAMES } from '../../conformance/faulty/index.js';
import { asAsync, modelSystem, type ModelSystem } from '../../model/platform/index.js';
import { associationNeedsAddedSecret } from '../../properties/hsm-binding/association.js';
import { sessionCodeConfidential } from '../../properties/hsm-binding/confidentiality.js';
import { exclusiveBinding } from '../../properties/hsm-binding/exclusive.js';
import { releaseLeavesNothing } from '../../properties/hsm-binding/release.js';
import { nonSecureNeverBinds } from '../../properties/hsm-binding/secure-guest.js';
import { hsmGuardAlone } from '../../properties/hsm-binding/stimulus.js';
import { runProperty, type ModelProperty } from '../../properties/property.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** Each variant of mechanism 4 and the property written to catch it. */
const CATCHERS: Readonly<Record<string, ModelProperty<unknown>>> = {
  'second-guest-binds': exclusiveBinding as ModelProperty<unknown>,
  'non-secure-binds': nonSecureNeverBinds as ModelProperty<unknown>,
  'leaks-session-code': sessionCodeConfidential as ModelProperty<unknown>,
  'reset-keeps-session': releaseLeavesNothing as ModelProperty<unknown>,
  'destroy-keeps-queues': exclusiveBinding as ModelProperty<unknown>,
  'associate-without-secret': associationNeedsAddedSecret as ModelProperty<unknown>,
};

const mine = FAULTY_NAMES.filter((n) => FAULTY[n]?.mechanism === 'hsm-binding');

describe('faulty implementations of hsm-binding', () => {
  it('are registered with their mechanism, and each has a catching property', () => {
    expect([...mine].sort()).toEqual(Object.keys(CATCHERS).sort());
  });

  it.each(Object.keys(CATCHERS))('%s fails the property written for it, which passes on the model', (name) => {
    const p = CATCHERS[name] as ModelProperty<unknown>;
    const faulty = FAULTY[name];
    if (faulty === undefined) throw new Error(`no faulty implementation ${name}`);
    const caught = runProperty(p, { numRuns: 40, seed: 7, system: () => faulty.system() as ModelSystem });
    expect(caught.status, `${name} under ${p.name}`).toBe('failed');
    expect(caught.error).toMatch(/^REQ-HSM-\d+:/);
    const correct = runProperty(p, { numRuns: 40, seed: 7, system: () => modelSystem({ suite: PROPERTY_SUITE }) });
    expect(correct.status, `${p.name} on the model`).toBe('passed');
  });

  it.each(['second-guest-binds', 'associate-without-secret'])('%s also fails the single-guard stimulus', (name) => {
    const faulty = FAULTY[name];
    if (faulty === undefined) throw new Error(`no faulty implementation ${name}`);
    const r = runProperty(hsmGuardAlone as ModelProperty<unknown>, { numRuns: 2, seed: 11, system: () => faulty.system() as ModelSystem });
    expect(r.status).toBe('failed');
  });

  it.each(mine)('%s diverges from the model under the hsm-binding conformance check', async (name) => {
    const { run } = selectConformance(['hsm-binding'], ['hsm-binding']);
    const report = await conform({ implementation: asAsync(FAULTY[name]!.system()), properties: run, runs: 10, seed: 2026, shrinkRuns: 5 });
    expect(report.verdict.status, name).toBe('diverged');
  });
});
