// Each mechanism's rejection table carries the mechanism's own name (the name its refusals
// report when a code is missing from the table) and only codes that spell a code.
// The registry is imported inside the test: the tables are module-level constants, and the
// mutation run counts them as covered only by a test that is running when they are built.
import { describe, expect, it } from 'vitest';

describe('the rejection tables of the mechanisms', () => {
  it('each names its mechanism and holds codes in UPPER_SNAKE_CASE with a requirement, a check and a when', async () => {
    const { MECHANISMS } = await import('../../model/platform/mechanisms.js');
    expect(MECHANISMS.length).toBe(10);
    for (const m of MECHANISMS) {
      expect(m.rejections.mechanism, m.name).toBe(m.name);
      for (const [code, row] of Object.entries(m.rejections.rows)) {
        expect(code, m.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(row.requirement, code).toMatch(/^REQ-[A-Z]+-\d+$/);
        expect(row.check, code).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(row.when.length, code).toBeGreaterThan(10);
      }
    }
  });
});
