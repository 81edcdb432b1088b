/**
 * The markdown the site is built from: the repository's own files copied into the build folder
 * at the same relative paths (so links between them keep working), each with a front matter
 * that files it in the navigation, and links to other files of the repository rewritten to what
 * the site holds of them (a source view for a .ts file, the file itself for data, a listing for
 * a folder).
 * @module
 */
import path from 'node:path/posix';

/** A link of a markdown text: its target and where the target starts in the text. */
export interface MarkdownLink {
  readonly target: string;
  readonly index: number;
}

/** The inline links and images of `text` (`[x](target)`, `![x](target)`), outside code blocks. */
export function markdownLinks(text: string): MarkdownLink[] {
  const out: MarkdownLink[] = [];
  let fenced = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) {
      // Code spans hold no links.
      const plain = line.replace(/`[^`]*`/g, (s) => ' '.repeat(s.length));
      for (const m of plain.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1] ?? '', index: offset + (m.index ?? 0) + 2 });
    }
    offset += line.length + 1;
  }
  return out;
}

/** True when a link target leaves the site's files (a URL, a mail address) or stays on the page. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//');
}

/** What a repository path is to the site. */
export type PathKind = 'markdown' | 'file' | 'folder' | 'missing';

/** How the site rewrites a link of the repository's markdown file `file` (repo-relative). */
export interface Rewriter {
  /** What a repository path is. */
  readonly kindOf: (repoPath: string) => PathKind;
  /** True when a markdown file of the repository is copied into the site. */
  readonly inSite: (repoPath: string) => boolean;
}

/** The repository path a relative link of `file` names (no anchor), and its anchor. */
export function resolveLink(file: string, target: string): { path: string; anchor: string } {
  const hash = target.indexOf('#');
  const bare = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? '' : target.slice(hash);
  const p = bare === '' ? file : path.normalize(path.join(path.dirname(file), decodeURI(bare)));
  return { path: p.replace(/\/$/, ''), anchor };
}

/**
 * `text` of the repository file `file`, with its links rewritten for the build folder, where the
 * file sits at `build/<file>`: a markdown file of the site keeps its link; a .ts (or other
 * source) file links to its source view `build/source/<path>.html`; a folder to its listing
 * `build/<folder>/index.md`; any other file to the repository's file itself (typedoc copies it).
 */
export function rewriteLinks(file: string, text: string, rw: Rewriter, sourceExts: readonly string[]): { text: string; sources: string[]; folders: string[] } {
  const sources: string[] = [];
  const folders: string[] = [];
  let out = '';
  let last = 0;
  const from = path.dirname(file);
  for (const link of markdownLinks(text)) {
    if (isExternal(link.target)) continue;
    const { path: p, anchor } = resolveLink(file, link.target);
    const kind = rw.kindOf(p);
    let next: string | undefined;
    if (kind === 'markdown' && rw.inSite(p)) next = undefined;
    else if (kind === 'folder') {
      folders.push(p);
      next = path.relative(from, `${p}/index.md`) + anchor;
    } else if (kind === 'file' || kind === 'markdown') {
      if (sourceExts.some((e) => p.endsWith(e))) {
        sources.push(p);
        next = path.relative(from, `source/${p}.html`) + anchor;
      } else {
        // One folder up: the build folder sits in the repository's root.
        next = path.relative(from, `../${p}`) + anchor;
      }
    }
    if (next === undefined) continue;
    out += text.slice(last, link.index) + next;
    last = link.index + link.target.length;
  }
  return { text: out + text.slice(last), sources, folders };
}

/** `text` with a front matter (YAML) of `title` and `group` first. */
export function withFrontMatter(text: string, fields: { readonly title?: string; readonly group: string; readonly category?: string }): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['---'];
  if (fields.title !== undefined) lines.push(`title: ${q(fields.title)}`);
  lines.push(`group: ${q(fields.group)}`);
  if (fields.category !== undefined) lines.push(`category: ${q(fields.category)}`);
  lines.push('---', '');
  return lines.join('\n') + text;
}

/** The first `# ` heading of a markdown text, code spans as their text. */
export function firstHeading(text: string): string | undefined {
  const h = /^# (.+)$/m.exec(text)?.[1];
  return h?.replace(/`([^`]*)`/g, '$1').trim();
}

/** A table cell: pipes escaped, line breaks flattened. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
