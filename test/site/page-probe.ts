/**
 * What the browser test reads from a page, run inside the page. It is a string (an expression
 * playwright evaluates) because the project's TypeScript has no DOM types: typedoc type-checks
 * the whole program, tests included.
 * @module
 */

/** What {@link PAGE_PROBE} returns. */
export interface PageProbe {
  /** The module the page documents (its `data-semodel-module` marker), if any. */
  readonly module: string | null;
  /** Every element of class `semodel-diagram`: `svg` when it is an SVG element, and its size. */
  readonly diagrams: readonly { tag: string; width: number; height: number }[];
  /** Every heading of the page's text with a code span: its text and the code span's. */
  readonly headingsWithCode: readonly { heading: string; code: string }[];
  /** The text of the page's outline ("On This Page"). */
  readonly outline: string;
  /** True when the search box is there. */
  readonly search: boolean;
  /** Every href and src of the page, absolute. */
  readonly links: readonly string[];
}

/** The probe, as an expression. */
export const PAGE_PROBE = `(() => {
  const marker = document.querySelector('[data-semodel-module]');
  const headings = 'h1, h2, h3, h4, h5, h6';
  return {
    module: marker === null ? null : marker.getAttribute('data-semodel-module'),
    diagrams: [...document.querySelectorAll('.semodel-diagram')].map((d) => {
      const box = d.getBoundingClientRect();
      return { tag: d instanceof SVGSVGElement ? 'svg' : d.tagName.toLowerCase(), width: box.width, height: box.height };
    }),
    headingsWithCode: [...document.querySelectorAll(headings)]
      .filter((h) => h.querySelector('code') !== null)
      .map((h) => ({ heading: h.textContent || '', code: h.querySelector('code').textContent || '' })),
    outline: (document.querySelector('.tsd-page-navigation') || { textContent: '' }).textContent || '',
    search: document.querySelector('#tsd-search') !== null && document.querySelector('#tsd-search-input, #tsd-search input') !== null,
    links: [
      ...[...document.querySelectorAll('a[href], link[href]')].map((a) => a.href),
      ...[...document.querySelectorAll('script[src], img[src]')].map((s) => s.src),
    ],
  };
})()`;
