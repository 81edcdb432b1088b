// Runs every hsm-binding property but the stimulus ones, as the campaign does, PROPERTY_RUNS times
// each (the stimulus properties, each run of which walks every guard, run in stimulus.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/registry.js';
import { hsmBindingProperties, STIMULI } from '../../properties/hsm-binding/index.js';
import { predicateOf } from '../../properties/property.js';
import { PROPERTY_RUNS } from '../runs.js';

const stimuli = new Set<unknown>(STIMULI.map((s) => s.property));

describe('hsm-binding properties', () => {
  it('are registered, black-box, and each names requirements of its area', () => {
    for (const p of hsmBindingProperties) {
      expect(allProperties).toContain(p);
      expect(p.mechanism).toBe('hsm-binding');
      expect(p.modelOnly).toBeUndefined();
      expect(p.requirements.some((r) => r.startsWith('REQ-HSM-'))).toBe(true);
    }
    expect(hsmBindingProperties.map((p) => p.name)).toEqual([
      'exclusive-binding',
      'non-secure-never-binds',
      'stimulus-each-guard',
      'stimulus-guard-pairs',
      'association-needs-added-secret',
      'session-code-confidential',
      'release-leaves-nothing',
    ]);
  });

  for (const p of hsmBindingProperties.filter((x) => !stimuli.has(x))) {
    it(`${p.name} (${p.requirements.join(', ')})`, () => {
      fc.assert(fc.property(p.arbitrary, predicateOf(p)), { numRuns: PROPERTY_RUNS });
    });
  }
});
