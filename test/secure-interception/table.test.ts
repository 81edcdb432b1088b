// The tables of mechanism 7 against spec/secure-interception.md, word for word: each code's
// `when` is its row in the spec's table, each check name is in the spec's check-name table, the
// instruction table of the spec is the model's `INSTRUCTIONS`, and the action docs of the schema
// list the same rows.
//
// The tables are data built when their modules load. Each test loads them afresh (a reset module
// registry, then an import inside the test), so that the mutation run tries every mutant of the
// tables against every test here, and not only against the first test that happened to load them.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { RejectionRow } from '../../model/core/rejections.js';
import { PROJECT } from '../cli/cli-harness.js';

const SPEC = readFileSync(`${PROJECT}/spec/secure-interception.md`, 'utf8');

/** The mechanism's module and the spec's table printer, evaluated anew. */
async function fresh() {
  vi.resetModules();
  const [m, t] = await Promise.all([import('../../model/secure-interception/index.js'), import('./instruction-table.js')]);
  const rows: [string, RejectionRow][] = Object.entries(m.INTCP_REJECTIONS.rows);
  return { ...m, tableRows: t.tableRows, rows };
}

describe('the secure-interception tables', () => {
  it('say when each code is returned in the words of the spec', async () => {
    const { rows } = await fresh();
    const inSpec = new Map([...SPEC.matchAll(/^\| `([A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    for (const [code, row] of rows) expect(inSpec.get(code), code).toBe(row.when);
  });

  it("name each check as the spec's check-name table does", async () => {
    const { rows } = await fresh();
    const table = SPEC.slice(SPEC.indexOf('## Check names'));
    const byCheck = new Map([...table.matchAll(/^\| `([a-z-]+)` \| (.+?) \|$/gm)].map((m) => [m[1], [...(m[2] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1])]));
    for (const [code, row] of rows) expect(byCheck.get(row.check), `${code}: ${row.check}`).toContain(code);
    expect([...byCheck.values()].flat().sort()).toEqual(rows.map(([c]) => c).sort());
  });

  it('carry the requirements and the program-interruption codes of the spec, recording nothing', async () => {
    const { rows } = await fresh();
    expect(Object.fromEntries(rows.map(([c, r]) => [c, [r.requirement, r.platformRc ?? null, r.recorded === true]]))).toEqual({
      NOT_RUNNING: ['REQ-INTCP-1', null, false],
      INTERCEPTION_PENDING: ['REQ-INTCP-1', null, false],
      UNKNOWN_INSTRUCTION: ['REQ-INTCP-2', null, false],
      SPECIFICATION_EXCEPTION: ['REQ-INTCP-3', 'PIC 0x0006', false],
      ADDRESSING_EXCEPTION: ['REQ-INTCP-3', 'PIC 0x0005', false],
      NO_INTERCEPTION: ['REQ-INTCP-6', null, false],
      EXCEPTION_NOT_ALLOWED: ['REQ-INTCP-7', null, false],
      CC_NOT_ALLOWED: ['REQ-INTCP-8', null, false],
      REGISTER_OUTSIDE_FOOTPRINT: ['REQ-INTCP-8', null, false],
      DATA_OUTSIDE_FOOTPRINT: ['REQ-INTCP-8', null, false],
    });
  });

  it('print the instruction table of the model in the spec, row for row and in order', async () => {
    const { tableRows } = await fresh();
    const from = SPEC.indexOf('## The instruction table');
    const table = SPEC.slice(from, SPEC.indexOf('\n## ', from + 1));
    const inSpec = [...table.matchAll(/^\| `[a-z0-9-]+` \|.*\|$/gm)].map((m) => m[0]);
    expect(inSpec).toEqual(tableRows());
  });

  it('give the real interception codes, and every row the schema documents', async () => {
    const { INTERCEPT_CODE, INSTRUCTIONS, GUEST_EXECUTE } = await fresh();
    expect(INTERCEPT_CODE).toEqual({ instruction: 0x68, notification: 0x6c, prefix: 0x70 });
    expect(new Set(INSTRUCTIONS.map((r) => r.id)).size).toBe(INSTRUCTIONS.length);
    for (const r of INSTRUCTIONS) expect(GUEST_EXECUTE.doc, r.id).toContain(r.name);
  });

  it('list the DIAG 308 subcodes forbidden in secure mode (s390-pv-boot.rst), which no row takes', async () => {
    const { FORBIDDEN_DIAG308_SUBCODES, INSTRUCTIONS } = await fresh();
    expect(FORBIDDEN_DIAG308_SUBCODES).toEqual([4, 7, 8, 9, 10]);
    for (const sub of FORBIDDEN_DIAG308_SUBCODES) expect(INSTRUCTIONS.some((r) => r.subcodes?.includes(sub) === true), String(sub)).toBe(false);
  });

  it("are the mechanism's, with a guard list per action kind and a release hook", async () => {
    const { secureInterception, INTCP_REJECTIONS, INTCP_GUARDS } = await fresh();
    expect(secureInterception.name).toBe('secure-interception');
    expect(secureInterception.area).toBe('INTCP');
    expect(secureInterception.rejections).toBe(INTCP_REJECTIONS);
    expect(secureInterception.guards).toBe(INTCP_GUARDS);
    expect(Object.keys(secureInterception.guards).sort()).toEqual(secureInterception.actions.map((a) => a.kind).sort());
    expect(typeof secureInterception.onGuestDestroyed).toBe('function');
    expect(secureInterception.actions.map((a) => [a.kind, a.caller])).toEqual([
      ['guest-load-registers', 'guest'],
      ['guest-store', 'guest'],
      ['guest-store-registers', 'guest'],
      ['guest-execute', 'guest'],
      ['resume-guest', 'hypervisor'],
    ]);
  });
});
