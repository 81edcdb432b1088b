import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../model/platform/mechanisms.js';
import { GROUP_ORDER, groupOf, navigationOrder } from '../../scripts/site/navigation.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const md = (dir: string): string[] => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.md')).map((f) => `${dir}/${f}`);

describe("the site's navigation mirrors the spec's structure", () => {
  // Shuffled on purpose: the order must come from the rules, not from the listing.
  const files = [...md('docs'), 'site/coverage.md', 'spec/index.md', ...md('spec').reverse(), 'site/schemas.md', 'site/traceability.md'];
  const order = navigationOrder(files);

  it('puts the platform first, then the mechanisms in the seeds order, then the rest of spec/', () => {
    const spec = order.filter((f) => groupOf(f) === 'Specification');
    expect(spec.slice(0, 1 + MECHANISMS.length)).toEqual(['spec/platform.md', ...MECHANISMS.map((m) => `spec/${m.name}.md`)]);
    expect(spec.slice(1 + MECHANISMS.length).sort()).toEqual(['spec/glossary.md', 'spec/threat-model.md']);
  });

  it('orders the groups: specification, guides, reference, evidence, files', () => {
    const groups = order.map(groupOf).filter((g, i, all) => all.indexOf(g) === i);
    expect(groups).toEqual(GROUP_ORDER.filter((g) => groups.includes(g)));
    expect(groups.slice(0, 3)).toEqual(['Specification', 'Guides', 'Reference']);
    expect(groupOf('spec/index.md')).toBe('Files');
    expect(groupOf('docs/guide-conformance.md')).toBe('Guides');
    expect(groupOf('docs/actions.md')).toBe('Reference');
    expect(groupOf('site/coverage.md')).toBe('Evidence');
  });

  it('keeps every file once', () => {
    expect([...order].sort()).toEqual([...files].sort());
  });
});
