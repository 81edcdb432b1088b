// Requirements trace: every requirement in spec/ is checked by a registered property, and every
// rejection code the reducers produce is listed in the spec under the requirement they cite.
import { describe, expect, it } from 'vitest';
import { parseSpecRequirements, traceRequirements } from '../../properties/traceability.js';
import { allProperties } from '../../properties/registry.js';
import { currentTrace } from '../../cli/requirements.js';

describe('requirements trace', () => {
  const trace = currentTrace();

  it('reads the requirements of spec/', () => {
    expect(trace.rows.length).toBeGreaterThanOrEqual(18);
    expect(trace.rows.map((r) => r.requirement.id)).toContain('REQ-UNPACK-10');
    const tweak = trace.rows.find((r) => r.requirement.id === 'REQ-UNPACK-10');
    expect(tweak?.requirement.codes).toEqual(['TWEAK_REUSED']);
  });

  it('the reducers and the spec agree on every rejection code and its requirement', () => {
    expect(trace.problems).toEqual([]);
  });

  it('every requirement in spec/ is named by at least one registered property', () => {
    expect(trace.unchecked).toEqual([]);
  });

  it('property names are unique within their mechanism', () => {
    const keys = allProperties.map((p) => `${p.mechanism}/${p.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reports a requirement without a property, a code in the wrong table, and an undefined ID', () => {
    const reqs = parseSpecRequirements([
      { file: 'x.md', text: '### REQ-X-1: one\n\n| code | when |\n|---|---|\n| `A` | a |\n\n### REQ-X-2: two\n' },
    ]);
    const t = traceRequirements(reqs, [], [{ code: 'A', requirement: 'REQ-X-2' }, { code: 'B', requirement: 'REQ-X-9' }]);
    expect(t.unchecked).toEqual(['REQ-X-1', 'REQ-X-2']);
    expect(t.problems).toEqual([
      'A is not in the table of REQ-X-2',
      'B cites REQ-X-9, which spec/ does not define',
      'REQ-X-1 lists A, which the handlers cite as REQ-X-2',
    ]);
  });
});
