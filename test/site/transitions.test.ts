import { describe, expect, it } from 'vitest';
import { MODULES } from '../../model/platform/mechanisms.js';
import { TRANSITIONS } from '../../model/platform/transitions.js';
import { observedTransitions, transitionKey } from '../../scripts/site/observed-transitions.js';

describe('the declared lifecycle transitions (the state diagrams) against the reducer', () => {
  // Every vector case runs on the model: what it observes is what the diagrams must show.
  const observed = observedTransitions();
  const declared = new Set(Object.values(TRANSITIONS).flatMap((ts) => ts.map(transitionKey)));

  it('every transition the model takes in the vector cases is declared', () => {
    expect(observed.map(transitionKey).filter((k) => !declared.has(k))).toEqual([]);
  });

  it('every declared change of phase is taken by some vector case (destroy, accepted in any phase, aside)', () => {
    const seen = new Set(observed.map(transitionKey));
    const changes = Object.values(TRANSITIONS)
      .flat()
      .filter((t) => t.from !== t.to && t.action !== 'destroy-guest');
    expect(changes.map(transitionKey).filter((k) => !seen.has(k))).toEqual([]);
  });

  it('each table is filed under the module that declares its action kinds', () => {
    for (const [name, ts] of Object.entries(TRANSITIONS)) {
      const m = MODULES.find((x) => x.name === name);
      expect(m, name).toBeDefined();
      for (const t of ts) {
        expect(t.module).toBe(name);
        expect(m?.actions.map((a) => a.kind)).toContain(t.action);
      }
    }
  });
}, 120_000);
