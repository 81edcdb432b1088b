// Requirements trace: every requirement in spec/ is checked by a registered property, and every
// rejection code the reducers can produce is listed in the spec under the requirement that the
// reducers cite for it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNPACK_REJECTIONS } from '../../model/image-unpack/rejections.js';
import { PLATFORM_REJECTIONS } from '../../model/platform/rejections.js';
import { allProperties } from '../../properties/registry.js';

const specDir = fileURLToPath(new URL('../../spec/', import.meta.url));

/** Requirement ID → the markdown of its section. */
function specSections(): Map<string, string> {
  const sections = new Map<string, string>();
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(specDir + file, 'utf8');
    const parts = text.split(/^### /m).slice(1);
    for (const part of parts) {
      const id = /^(REQ-[A-Z]+-\d+)/.exec(part)?.[1];
      if (id !== undefined) sections.set(id, part);
    }
  }
  return sections;
}

describe('requirements trace', () => {
  const sections = specSections();

  it('the spec defines the requirements the reducers cite', () => {
    expect(sections.size).toBeGreaterThan(0);
    const cited = new Set([...Object.values(UNPACK_REJECTIONS), ...Object.values(PLATFORM_REJECTIONS)]);
    for (const id of cited) expect(sections.has(id), `${id} is cited by a reducer but not in spec/`).toBe(true);
  });

  it('each rejection code is listed in the section of the requirement that produces it', () => {
    const table = { ...UNPACK_REJECTIONS, ...PLATFORM_REJECTIONS };
    for (const [code, id] of Object.entries(table)) {
      expect(sections.get(id) ?? '', `${code} is not in the table of ${id}`).toContain(`\`${code}\``);
    }
  });

  it('every requirement in spec/ is named by at least one registered property', () => {
    const named = new Set(allProperties.flatMap((p) => p.requirements));
    const gaps = [...sections.keys()].filter((id) => !named.has(id as never));
    expect(gaps, `requirements no property checks: ${gaps.join(', ')}`).toEqual([]);
  });

  it('property names are unique within their mechanism', () => {
    const keys = allProperties.map((p) => `${p.mechanism}/${p.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
