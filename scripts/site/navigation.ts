/**
 * The order of the site's navigation, mirroring the spec's structure: the specification (the
 * platform, then the mechanisms in MECHANISMS order, the seeds' 1..10, then the threat model
 * and the glossary), then the guides, then the reference, then the evidence pages and the file
 * listings. typedoc keeps project documents in the order they are given
 * (`alphabetical-ignoring-documents`), so the build hands them over in this order.
 * @module
 */
import { MODULES } from '../../model/platform/mechanisms.js';

/** The navigation groups, in order (typedoc's `groupOrder`). */
export const GROUP_ORDER = ['Specification', 'Guides', 'Reference', 'Evidence', 'Files'] as const;

/** The group a markdown file of the site goes under. */
export function groupOf(file: string): (typeof GROUP_ORDER)[number] {
  if (file.endsWith('/index.md')) return 'Files';
  if (file.startsWith('spec/')) return 'Specification';
  if (/^site\/(traceability|coverage|vectors)\.md$/.test(file)) return 'Evidence';
  if (/^docs\/(actions|adapter-protocol|requirements|trace-format)\.md$/.test(file) || file === 'site/schemas.md') return 'Reference';
  return 'Guides';
}

/** Files placed first in their group, in this order; the rest follow by path. */
const FIRST: readonly string[] = [
  ...MODULES.map((m) => `spec/${m.name}.md`),
  'spec/threat-model.md',
  'spec/glossary.md',
  // Guides: using semodel against an implementation first, extending it last.
  'docs/guide-conformance.md',
  'docs/vectors.md',
  'docs/campaigns.md',
  'docs/requests.md',
  'docs/dumps.md',
  'docs/benchmarks.md',
  'docs/semantic-mutants.md',
  'docs/adding-a-mechanism.md',
  // Reference.
  'docs/actions.md',
  'docs/adapter-protocol.md',
  'site/schemas.md',
  'docs/trace-format.md',
  'docs/requirements.md',
  // Evidence.
  'site/traceability.md',
  'site/coverage.md',
  'site/vectors.md',
];

/** `files` (markdown paths of the build folder) in navigation order. */
export function navigationOrder(files: readonly string[]): string[] {
  const rank = (f: string): number => {
    const i = FIRST.indexOf(f);
    return i < 0 ? FIRST.length : i;
  };
  const group = (f: string): number => GROUP_ORDER.indexOf(groupOf(f));
  return [...files].sort((a, b) => group(a) - group(b) || rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
