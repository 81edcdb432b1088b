// Requirements trace: every requirement in spec/ is checked by a registered property, every
// rejection code the tables hold is listed in the spec under the requirement it cites, and each
// spec guard list ("#### Guards of `kind`") is the order the handler of that kind checks.
import { describe, expect, it } from 'vitest';
import {
  checkGuardLists,
  parseSpecGuardLists,
  parseSpecRequirements,
  traceMarkdown,
  traceRequirements,
  type HandlerGuards,
} from '../../properties/traceability.js';
import { allProperties } from '../../properties/registry.js';
import { currentTrace, specFiles } from '../../cli/requirements.js';
import { ACTION_KINDS } from '../../model/platform/mechanisms.js';
import { ALL_REJECTIONS, guardsOf } from '../../model/platform/rejections.js';

describe('requirements trace', () => {
  const trace = currentTrace();

  it('reads the requirements of spec/', () => {
    expect(trace.rows.length).toBeGreaterThanOrEqual(21);
    expect(trace.rows.map((r) => r.requirement.id)).toContain('REQ-UNPACK-10');
    const tweak = trace.rows.find((r) => r.requirement.id === 'REQ-UNPACK-10');
    expect(tweak?.requirement.codes).toEqual(['TWEAK_REUSED']);
    // Retired IDs stay retired.
    expect(trace.rows.map((r) => r.requirement.id)).not.toContain('REQ-UNPACK-1');
    expect(trace.rows.map((r) => r.requirement.id)).not.toContain('REQ-UNPACK-16');
    for (let i = 1; i <= 7; i++) expect(trace.rows.map((r) => r.requirement.id)).toContain(`REQ-PLATFORM-${i}`);
  });

  it('the reducers and the spec agree on every rejection code, its requirement and every guard order', () => {
    expect(trace.problems).toEqual([]);
  });

  it('every requirement in spec/ is named by at least one registered property', () => {
    expect(trace.unchecked).toEqual([]);
  });

  it('property names are unique within their mechanism', () => {
    const keys = allProperties.map((p) => `${p.mechanism}/${p.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the spec lists the guards of every action kind, exactly as guardsOf runs them', () => {
    const lists = parseSpecGuardLists(specFiles());
    expect(lists.map((l) => l.kind).sort()).toEqual([...ACTION_KINDS].sort());
    for (const kind of ACTION_KINDS) {
      const list = lists.find((l) => l.kind === kind);
      expect(list?.malformed, kind).toEqual([]);
      expect(list?.guards.map((g) => g.code), kind).toEqual(guardsOf(kind).map((g) => g.code));
      expect(list?.guards.map((g) => g.requirement), kind).toEqual(guardsOf(kind).map((g) => g.requirement));
    }
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

  it('keys codes by mechanism: two mechanisms may both have INVALID_STATE; a row outside its area is reported', () => {
    const reqs = parseSpecRequirements([
      { file: 'a.md', text: '### REQ-AA-1: a\n\n| code | when |\n|---|---|\n| `INVALID_STATE` | a |\n' },
      { file: 'b.md', text: '### REQ-BB-1: b\n\n| code | when |\n|---|---|\n| `INVALID_STATE` | b |\n' },
    ]);
    const rows = [
      { code: 'INVALID_STATE', requirement: 'REQ-AA-1', mechanism: 'alpha' },
      { code: 'INVALID_STATE', requirement: 'REQ-BB-1', mechanism: 'beta' },
    ] as const;
    expect(traceRequirements(reqs, [], rows, { areas: { alpha: 'AA', beta: 'BB' } }).problems).toEqual([]);
    expect(traceRequirements(reqs, [], rows, { areas: { alpha: 'AA', beta: 'AA' } }).problems).toEqual([
      'beta INVALID_STATE cites REQ-BB-1, outside its mechanism\'s area AA',
    ]);
    expect(traceRequirements(reqs, [], rows.slice(0, 1)).problems).toEqual(['REQ-BB-1 lists INVALID_STATE, which the handlers cite as REQ-AA-1']);
  });

  it('reports a requirement defined twice', () => {
    const reqs = parseSpecRequirements([
      { file: 'a.md', text: '### REQ-X-1: a\n' },
      { file: 'b.md', text: '### REQ-X-1: again\n' },
    ]);
    expect(traceRequirements(reqs, [], []).problems).toEqual(['REQ-X-1 is defined twice (a.md and b.md)']);
  });

  it('a guard list ends a requirement section: its codes are not read as the requirement\'s table', () => {
    const reqs = parseSpecRequirements([
      { file: 'a.md', text: '### REQ-X-1: a\n\n| code | when |\n|---|---|\n| `A` | a |\n\n#### Guards of `k`\n\n1. `A` — a\n\n| `B` | not a row of REQ-X-1 |\n' },
    ]);
    expect(reqs[0]?.codes).toEqual(['A']);
  });
});

describe('guard lists', () => {
  const handlers: HandlerGuards[] = [
    {
      kind: 'poke',
      guards: [
        { name: 'shape', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' },
        { name: 'exists', code: 'GUEST_NOT_FOUND', requirement: 'REQ-PLATFORM-2' },
        { name: 'phase', code: 'INVALID_STATE', requirement: 'REQ-X-2' },
        { name: 'length', code: 'INVALID_LENGTH', requirement: 'REQ-X-3' },
      ],
    },
  ];
  const list = (items: string, kind = 'poke') => parseSpecGuardLists([{ file: 'spec/x.md', text: `# X\n\n#### Guards of \`${kind}\`\n\n${items}\n\nAfter the list.\n` }]);
  const good = '1. `MALFORMED_ACTION` — shape (REQ-PLATFORM-1)\n2. `GUEST_NOT_FOUND` — exists\n3. `INVALID_STATE` – phase (REQ-X-2)\n4. `INVALID_LENGTH` - length';

  it('parses the documented form: numbered items "`CODE` — condition", an optional trailing requirement', () => {
    const [l] = list(good);
    expect(l?.kind).toBe('poke');
    expect(l?.malformed).toEqual([]);
    expect(l?.guards).toEqual([
      { code: 'MALFORMED_ACTION', condition: 'shape (REQ-PLATFORM-1)', requirement: 'REQ-PLATFORM-1' },
      { code: 'GUEST_NOT_FOUND', condition: 'exists' },
      { code: 'INVALID_STATE', condition: 'phase (REQ-X-2)', requirement: 'REQ-X-2' },
      { code: 'INVALID_LENGTH', condition: 'length' },
    ]);
    expect(checkGuardLists(list(good), handlers)).toEqual([]);
  });

  it('reports two guards in the wrong order, naming the first difference', () => {
    const swapped = '1. `MALFORMED_ACTION` — shape\n2. `GUEST_NOT_FOUND` — exists\n3. `INVALID_LENGTH` — length\n4. `INVALID_STATE` — phase';
    expect(checkGuardLists(list(swapped), handlers)).toEqual([
      'spec/x.md lists the guards of `poke` as MALFORMED_ACTION, GUEST_NOT_FOUND, INVALID_LENGTH, INVALID_STATE; the handler checks MALFORMED_ACTION, GUEST_NOT_FOUND, INVALID_STATE, INVALID_LENGTH (first difference at guard 3: INVALID_LENGTH in the spec, INVALID_STATE in the handler)',
    ]);
  });

  it('reports a missing and an extra guard', () => {
    const short = '1. `MALFORMED_ACTION` — shape\n2. `GUEST_NOT_FOUND` — exists\n3. `INVALID_STATE` — phase';
    expect(checkGuardLists(list(short), handlers)[0]).toMatch(/first difference at guard 4: none in the spec, INVALID_LENGTH in the handler/);
    const long = `${good}\n5. \`TWEAK_REUSED\` — once`;
    expect(checkGuardLists(list(long), handlers)[0]).toMatch(/first difference at guard 5: TWEAK_REUSED in the spec, none in the handler/);
  });

  it('reports a requirement an item names that is not its row\'s', () => {
    const wrong = good.replace('phase (REQ-X-2)', 'phase (REQ-X-7)');
    expect(checkGuardLists(list(wrong), handlers)).toEqual(['spec/x.md, guards of `poke`: guard 3 (INVALID_STATE) names REQ-X-7; its rejection row cites REQ-X-2']);
  });

  it('reports a kind without a list, a list of no kind, a list given twice, and an item not in the form', () => {
    expect(checkGuardLists([], handlers)).toEqual(['no file of spec/ lists the guards of `poke` (a "#### Guards of `poke`" list)']);
    expect(checkGuardLists([...list(good), ...list('1. `A` — a', 'prod')], handlers)).toEqual(['spec/x.md, guards of `prod`: `prod` is no action kind']);
    expect(checkGuardLists([...list(good), ...list(good)], handlers)).toEqual(['spec/x.md, guards of `poke`: listed again (first in spec/x.md)']);
    const bad = good.replace('2. `GUEST_NOT_FOUND` — exists', '2. GUEST_NOT_FOUND exists');
    const problems = checkGuardLists(list(bad), handlers);
    expect(problems[0]).toBe('spec/x.md, guards of `poke`: "2. GUEST_NOT_FOUND exists" is not an item "N. `CODE` — condition" numbered in sequence');
    expect(problems).toHaveLength(2);
    const misnumbered = good.replace('3. `INVALID_STATE`', '5. `INVALID_STATE`');
    expect(checkGuardLists(list(misnumbered), handlers)[0]).toMatch(/"5\. `INVALID_STATE` – phase \(REQ-X-2\)" is not an item/);
  });

  it('a mismatched guard list of the real spec is reported by the trace', () => {
    const files = specFiles().map((f) =>
      f.file === 'spec/image-unpack.md'
        ? { ...f, text: f.text.replace('5. `ADDRESS_NOT_ALIGNED` — the address is a multiple of 4096', '5. `ADDRESS_OUT_OF_RANGE` — swapped').replace('6. `ADDRESS_OUT_OF_RANGE` — the address is inside guest memory', '6. `ADDRESS_NOT_ALIGNED` — swapped') }
        : f,
    );
    const t = currentTrace(files);
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatch(/^spec\/image-unpack\.md lists the guards of `unpack` as .*first difference at guard 5: ADDRESS_OUT_OF_RANGE in the spec, ADDRESS_NOT_ALIGNED in the handler\)$/);
  });

  it('the generated markdown lists the check names, the real-platform return codes and the guard order', () => {
    const md = traceMarkdown(currentTrace());
    expect(md).toContain('| image-unpack | `NO_KEY_SLOT` | REQ-UNPACK-4 | `key-slot` | 0x0108 | no |');
    expect(md).toContain('| image-unpack | `PLD_MISMATCH` | REQ-UNPACK-12 | `pld` | — | yes |');
    expect(md).toContain('| platform | `MALFORMED_ACTION` | REQ-PLATFORM-1 | `malformed-action` | — | no |');
    expect(md).toContain('### `unpack`');
    expect(md).toMatch(/5\. `ADDRESS_NOT_ALIGNED` — address aligned \(REQ-UNPACK-7\)/);
    expect(md.split('\n').filter((l) => /^\| [a-z][a-z-]* \| `/.test(l))).toHaveLength(ALL_REJECTIONS.length);
  });
});

describe('semodel requirements (CLI)', () => {
  it('--json carries the rejection rows (check names, real-platform codes) and the guard order', async () => {
    const { run } = await import('../cli/cli-harness.js');
    const r = await run('requirements', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      rejections: { code: string; mechanism: string; check: string; platformRc?: string }[];
      guards: { kind: string; guards: { code: string }[] }[];
      problems: string[];
    };
    expect(json.problems).toEqual([]);
    expect(json.rejections).toContainEqual(expect.objectContaining({ code: 'NO_KEY_SLOT', mechanism: 'image-unpack', check: 'key-slot', platformRc: '0x0108' }));
    expect(json.guards.map((g) => g.kind)).toEqual([...ACTION_KINDS]);
    expect(json.guards.find((g) => g.kind === 'start')?.guards.map((g) => g.code)).toEqual(['MALFORMED_ACTION', 'GUEST_NOT_FOUND', 'INVALID_STATE', 'NOT_VERIFIED']);
  });

  it('--force without --write is a usage error: one line, exit 2', async () => {
    const { isOneCleanLine, run } = await import('../cli/cli-harness.js');
    const r = await run('requirements', '--force');
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
  });

  it('--help names the guard-list form', async () => {
    const { run } = await import('../cli/cli-harness.js');
    const r = await run('requirements', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('#### Guards of `kind`');
  });
});
