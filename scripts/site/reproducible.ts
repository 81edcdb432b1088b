/**
 * The site's reproducibility check: two builds of one commit must be byte-identical, apart
 * from the documented date line (the page footer's `Built on …` paragraph, class
 * `semodel-built-on`, see README "The specification as a site"). The test builds twice and
 * compares the trees with {@link treeDifferences}.
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { filesUnder } from './links.js';

/** The one line allowed to differ between two builds: the footer's build date. */
export const DATE_LINE = /class="semodel-built-on"/;

/** `bytes` as text with every line that holds the date line removed. */
function withoutDateLines(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .split('\n')
    .filter((l) => !DATE_LINE.test(l))
    .join('\n');
}

/**
 * How the trees `a` and `b` differ, one sentence per file: present in one only, or different
 * in a byte outside the date line. Empty when the builds are the same.
 */
export function treeDifferences(a: string, b: string): string[] {
  const left = filesUnder(a);
  const right = new Set(filesUnder(b));
  const out: string[] = [];
  for (const f of left) {
    if (!right.has(f)) {
      out.push(`${f}: only in the first build`);
      continue;
    }
    right.delete(f);
    const x = readFileSync(path.join(a, f));
    const y = readFileSync(path.join(b, f));
    if (!x.equals(y) && withoutDateLines(x) !== withoutDateLines(y)) out.push(`${f}: differs`);
  }
  for (const f of right) out.push(`${f}: only in the second build`);
  return out;
}
