/**
 * Builds the site for the site tests the way `npm run docs` does (scripts/site/build.ts as a
 * child process), into a fresh temporary folder; returns the folder, the exit status and what
 * the build printed.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** What one build gave. */
export interface SiteBuild {
  readonly out: string;
  readonly status: number | null;
  readonly output: string;
}

/** Builds the site into a new temporary folder (prefix `semodel-site-`). */
export function buildSiteInto(label: string): SiteBuild {
  const out = mkdtempSync(path.join(tmpdir(), `semodel-site-${label}-`));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/site/build.ts', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { out, status: r.status, output: `${r.stdout}${r.stderr}` };
}
