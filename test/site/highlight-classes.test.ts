import { describe, expect, it } from 'vitest';
import { canonicalNumbers, colourPairs, renumberCss, renumberHtml } from '../../scripts/site/highlight-classes.js';

/** A highlight.css as typedoc writes it, its classes numbered in the order `pairs` lists. */
function css(pairs: readonly (readonly [string, string])[]): string {
  const lines = [':root {'];
  pairs.forEach(([l, d], i) => lines.push(`    --light-hl-${i}: ${l};`, `    --dark-hl-${i}: ${d};`));
  lines.push('}', '');
  pairs.forEach((_, i) => lines.push(`.hl-${i} { color: var(--hl-${i}); }`));
  return lines.join('\n');
}

describe('the highlight classes, renumbered in one fixed order', () => {
  const a: readonly (readonly [string, string])[] = [
    ['#795E26', '#DCDCAA'],
    ['#000000', '#D4D4D4'],
    ['#001080', '#9CDCFE'],
  ];
  // The same colours met in another order (another build).
  const b = [a[2], a[0], a[1]].flatMap((x) => (x === undefined ? [] : [x]));
  const page = (order: readonly (readonly [string, string])[]): string =>
    a.map((pair) => `<span class="hl-${order.indexOf(pair)}">${pair[0]}</span>`).join('');

  it('gives two builds that met the colours in different orders the same bytes', () => {
    const na = canonicalNumbers(colourPairs(css(a)));
    const nb = canonicalNumbers(colourPairs(css(b)));
    expect(renumberCss(css(a), na)).toBe(renumberCss(css(b), nb));
    expect(renumberHtml(page(a), na)).toBe(renumberHtml(page(b), nb));
    expect(renumberHtml(page(a), na)).not.toBe(renumberHtml(page(b), na));
  });

  it('keeps each class on its colours', () => {
    const n = canonicalNumbers(colourPairs(css(b)));
    const out = colourPairs(renumberCss(css(b), n));
    expect([...out.values()].sort()).toEqual(a.map(([l, d]) => `${l} | ${d}`).sort());
    expect(out.get(0)).toBe('#000000 | #D4D4D4');
  });
});
