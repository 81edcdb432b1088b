// The rejection table of mechanism 4 against spec/hsm-binding.md, word for word: each code's
// `when` is its row in the spec's table, each check name is in the spec's check-name table, and
// the real AP response codes are those of platform-formats.md section 3.1.
import { readFileSync } from 'node:fs';
import type { RejectionRow } from '../../model/core/rejections.js';
import { describe, expect, it } from 'vitest';
import { HSM_GUARDS, HSM_REJECTIONS } from '../../model/hsm-binding/index.js';
import { hsmBinding } from '../../model/hsm-binding/index.js';
import { PROJECT } from '../cli/cli-harness.js';

const SPEC = readFileSync(`${PROJECT}/spec/hsm-binding.md`, 'utf8');
const rows: [string, RejectionRow][] = Object.entries(HSM_REJECTIONS.rows);

describe('the hsm-binding rejection table', () => {
  it('says when each code is returned in the words of the spec', () => {
    const inSpec = new Map([...SPEC.matchAll(/^\| `([A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    for (const [code, row] of rows) expect(inSpec.get(code), code).toBe(row.when);
  });

  it('names each check as the spec\'s check-name table does', () => {
    const table = SPEC.slice(SPEC.indexOf('## Check names'));
    const byCheck = new Map([...table.matchAll(/^\| `([a-z-]+)` \| (.+?) \|$/gm)].map((m) => [m[1], [...(m[2] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1])]));
    for (const [code, row] of rows) expect(byCheck.get(row.check), `${code}: ${row.check}`).toContain(code);
    expect([...byCheck.values()].flat().sort()).toEqual(rows.map(([c]) => c).sort());
  });

  it('carries the real AP response codes and records only the failed association', () => {
    expect(Object.fromEntries(rows.map(([c, r]) => [c, [r.requirement, r.platformRc ?? null, r.recorded === true]]))).toEqual({
      QUEUE_NOT_AVAILABLE: ['REQ-HSM-1', '0x01', false],
      NOT_SECURE_GUEST: ['REQ-HSM-2', null, false],
      BOUND_TO_OTHER: ['REQ-HSM-3', '0x09', false],
      NOT_BOUND: ['REQ-HSM-3', '0x0B', false],
      BIND_ERROR: ['REQ-HSM-4', '0x30', false],
      BIND_LIMIT_EXCEEDED: ['REQ-HSM-4', '0x33', false],
      QUEUE_NOT_EMPTY: ['REQ-HSM-5', '0x32', false],
      NOT_AVAILABLE_FOR_ASSOCIATION: ['REQ-HSM-6', '0x31', false],
      INVALID_ASSOCIATION_SECRET: ['REQ-HSM-6', '0x34', false],
      ASSOCIATION_NOT_UNIQUE: ['REQ-HSM-7', '0x35', true],
      ASSOCIATION_FAILED: ['REQ-HSM-7', '0x36', true],
      MESSAGE_TOO_BIG: ['REQ-HSM-9', '0x15', false],
      QUEUE_FULL: ['REQ-HSM-9', '0x10', false],
      NO_PENDING_REPLY: ['REQ-HSM-9', '0x10', false],
    });
    expect(HSM_REJECTIONS.mechanism).toBe('hsm-binding');
  });

  it('is the mechanism\'s, with a guard list per action kind and a release hook', () => {
    expect(hsmBinding.name).toBe('hsm-binding');
    expect(hsmBinding.area).toBe('HSM');
    expect(hsmBinding.rejections).toBe(HSM_REJECTIONS);
    expect(Object.keys(hsmBinding.guards).sort()).toEqual(hsmBinding.actions.map((a) => a.kind).sort());
    expect(hsmBinding.guards).toBe(HSM_GUARDS);
    expect(typeof hsmBinding.onGuestDestroyed).toBe('function');
    expect(hsmBinding.actions.map((a) => [a.kind, a.caller])).toEqual([
      ['ap-bind', 'guest'],
      ['ap-associate', 'guest'],
      ['ap-query', 'guest'],
      ['ap-reset', 'guest'],
      ['ap-request', 'guest'],
      ['ap-reply', 'guest'],
    ]);
  });
});
