/**
 * The link checks of the docs build: every link inside the built site answers (the file exists
 * and, for `#anchor`, the page has that id), and every relative link of the repository's
 * markdown files names a file or folder of the repository (and, into a markdown file, one of its
 * headings as GitHub anchors them).
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isExternal, markdownLinks, resolveLink } from './markdown.js';

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out;
}

/** The ids a page defines (`id="…"` and `name="…"`). */
function idsOf(text: string): Set<string> {
  return new Set([...text.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1] ?? ''));
}

/** The `href` and `src` targets of an HTML page. */
export function htmlLinks(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

/** The broken links of the site in `dir`, one sentence each. */
export function brokenSiteLinks(dir: string): string[] {
  const problems: string[] = [];
  const ids = new Map<string, Set<string>>();
  const idsIn = (file: string): Set<string> => {
    let s = ids.get(file);
    if (s === undefined) {
      s = idsOf(readFileSync(path.join(dir, file), 'utf8'));
      ids.set(file, s);
    }
    return s;
  };
  for (const page of filesUnder(dir).filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(path.join(dir, page), 'utf8');
    for (const link of new Set(htmlLinks(html))) {
      if (link === '' || /^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) continue;
      const hash = link.indexOf('#');
      const file = hash < 0 ? link : link.slice(0, hash);
      const anchor = hash < 0 ? '' : decodeURIComponent(link.slice(hash + 1));
      const target = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file.split('?')[0] ?? '')));
      const full = path.join(dir, target);
      if (target.startsWith('..') || !existsSync(full)) {
        problems.push(`${page}: link ${link} names no file of the site`);
        continue;
      }
      const real = statSync(full).isDirectory() ? `${target}/index.html` : target;
      if (anchor !== '' && /\.(html|svg)$/.test(real) && existsSync(path.join(dir, real)) && !idsIn(real).has(anchor)) {
        problems.push(`${page}: link ${link}: ${real} has no id "${anchor}"`);
      }
    }
  }
  return problems;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings, as GitHub makes them (repeats get `-1`, `-2`, …). */
export function markdownAnchors(text: string): Set<string> {
  const out = new Set<string>();
  const count = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const h = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h === null) continue;
    const base = githubSlug((h[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1] ?? '');
  return out;
}

/** The broken relative links of the repository's markdown files `files` (relative to `root`). */
export function brokenMarkdownLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const { target } of markdownLinks(text)) {
      if (isExternal(target) && !target.startsWith('#')) continue;
      const { path: p, anchor } = resolveLink(file, target);
      const full = path.join(root, p);
      if (p.startsWith('..') || !existsSync(full)) {
        problems.push(`${file}: link ${target} names nothing in the repository`);
        continue;
      }
      if (anchor.length > 1 && p.endsWith('.md') && !markdownAnchors(readFileSync(full, 'utf8')).has(decodeURIComponent(anchor.slice(1)))) {
        problems.push(`${file}: link ${target}: ${p} has no heading with the anchor ${anchor}`);
      }
    }
  }
  return problems;
}
