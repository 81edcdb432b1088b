/**
 * typedoc's code highlighter names its colour classes `hl-0`, `hl-1`, … in the order it first
 * meets each (light, dark) colour pair, and it renders pages concurrently, so the numbering
 * varies from build to build. This renumbers them in one fixed order (the colour pairs sorted),
 * in assets/highlight.css and in every page, so that two builds are byte-identical.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { filesUnder } from './links.js';

/** The colour pair (`light | dark`) of each class number in a highlight.css text. */
export function colourPairs(css: string): Map<number, string> {
  const light = new Map([...css.matchAll(/--light-hl-(\d+): ([^;]+);/g)].map((m) => [Number(m[1]), m[2] ?? '']));
  const dark = new Map([...css.matchAll(/--dark-hl-(\d+): ([^;]+);/g)].map((m) => [Number(m[1]), m[2] ?? '']));
  return new Map([...light.entries()].map(([n, l]) => [n, `${l} | ${dark.get(n) ?? ''}`]));
}

/** The new number of each old one: the colour pairs in sorted order. */
export function canonicalNumbers(pairs: ReadonlyMap<number, string>): Map<number, number> {
  const sorted = [...pairs.entries()].sort(([a, x], [b, y]) => (x < y ? -1 : x > y ? 1 : a - b));
  return new Map(sorted.map(([old], i) => [old, i]));
}

/**
 * `css` renumbered: each run of lines that name an `hl-N` is renumbered and put in the new
 * order (a stable sort, so a light line stays before its dark one).
 */
export function renumberCss(css: string, numbers: ReadonlyMap<number, number>): string {
  const renumber = (line: string): string => line.replace(/hl-(\d+)/g, (_, n: string) => `hl-${numbers.get(Number(n)) ?? n}`);
  const key = (line: string): number => Number(/hl-(\d+)/.exec(line)?.[1] ?? '0');
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    out.push(...run.map(renumber).sort((a, b) => key(a) - key(b)));
    run = [];
  };
  for (const line of css.split('\n')) {
    if (/hl-\d+/.test(line)) run.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}

/** `html` with its `class="hl-N"` renumbered. */
export function renumberHtml(html: string, numbers: ReadonlyMap<number, number>): string {
  return html.replace(/class="hl-(\d+)"/g, (_, n: string) => `class="hl-${numbers.get(Number(n)) ?? n}"`);
}

/** Renumbers the highlight classes of the site in `out` in place. */
export function canonicalHighlightClasses(out: string): void {
  const cssFile = path.join(out, 'assets/highlight.css');
  const css = readFileSync(cssFile, 'utf8');
  const numbers = canonicalNumbers(colourPairs(css));
  writeFileSync(cssFile, renumberCss(css, numbers));
  for (const f of filesUnder(out).filter((x) => x.endsWith('.html'))) {
    const file = path.join(out, f);
    const html = readFileSync(file, 'utf8');
    const next = renumberHtml(html, numbers);
    if (next !== html) writeFileSync(file, next);
  }
}
