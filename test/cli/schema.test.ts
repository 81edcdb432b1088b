// `semodel schema`: JSON Schema of the wire form and docs/actions.md, generated from the schemas;
// the committed files are what it would write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_KINDS, jsonSchemas } from '../../model/platform/index.js';
import { actionsMarkdown, schemaFiles } from '../../cli/schema.js';
import { isOneCleanLine, PROJECT, run, tempDir } from './cli-harness.js';

const FAMILIES = ['action', 'outcome', 'party', 'view', 'config'] as const;
/** Every file `semodel schema` writes: the JSON Schema files and docs/actions.md. */
const FILES = schemaFiles().length + 1;

describe('semodel schema', () => {
  it('the committed docs/schema/*.json and docs/actions.md are up to date', async () => {
    const r = await run('schema', '--check', '--out', path.join(PROJECT, 'docs/schema'), '--actions', path.join(PROJECT, 'docs/actions.md'));
    expect(r.err, 'run `npm run docs` (semodel schema --force) and commit the files').toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`up to date: ${FILES} files`);
  });

  it('writes one draft 2020-12 file per message family and the markdown tables; a second run changes nothing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = path.join(dir, 'nested', 'schema');
      const actions = path.join(dir, 'actions.md');
      const first = await run('schema', '--out', out, '--actions', actions);
      expect(first.code).toBe(0);
      expect(first.out.split('\n')).toHaveLength(FILES);
      for (const family of FAMILIES) {
        const doc = JSON.parse(readFileSync(path.join(out, `${family}.json`), 'utf8')) as Record<string, unknown>;
        expect(doc['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
        expect(doc).toEqual(jsonSchemas()[family]);
      }
      expect(readFileSync(actions, 'utf8')).toBe(actionsMarkdown());
      const again = await run('schema', '--out', out, '--actions', actions);
      expect([again.code, again.out]).toEqual([0, `up to date: ${FILES} files`]);
      expect((await run('schema', '--check', '--out', out, '--actions', actions)).code).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('--check names each stale or missing file and exits 1; without --force a differing file is not replaced', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const actions = path.join(dir, 'actions.md');
      expect((await run('schema', '--out', dir, '--actions', actions)).code).toBe(0);
      const view = path.join(dir, 'view.json');
      writeFileSync(view, '{}\n');
      const check = await run('schema', '--check', '--out', dir, '--actions', path.join(dir, 'other.md'));
      expect(check.code).toBe(1);
      expect(check.errLines).toEqual([
        `stale: ${view} differs from what semodel schema writes`,
        `stale: ${path.join(dir, 'other.md')} is missing`,
        `semodel schema: 2 of ${FILES} files are not up to date; run 'semodel schema --force' (npm run docs)`,
      ]);
      const refused = await run('schema', '--out', dir, '--actions', actions);
      expect(refused.code).toBe(2);
      expect(isOneCleanLine(refused)).toBe(true);
      expect(refused.err).toContain(`${view} exists and differs; pass --force`);
      expect(readFileSync(view, 'utf8')).toBe('{}\n');
      const forced = await run('schema', '--out', dir, '--actions', actions, '--force');
      expect([forced.code, forced.out]).toEqual([0, `wrote ${view}`]);
      expect(readFileSync(view, 'utf8')).toBe(schemaFiles().find((f) => f.name === 'view.json')?.text);
    } finally {
      cleanup();
    }
  });

  it('refuses bad arguments with one line and exit 2', async () => {
    for (const argv of [['schema', '--frobnicate'], ['schema', 'extra'], ['schema', '--out'], ['schema', '--check', '--force'], ['schema', '--out', '']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), argv.join(' ')).toBe(true);
    }
  });

  it('--help documents the options and is listed by semodel --help', async () => {
    const r = await run('schema', '--help');
    expect(r.code).toBe(0);
    for (const s of ['--out DIR', '--actions FILE', '--check', '--force', 'draft 2020-12', 'docs/schema']) expect(r.out).toContain(s);
    expect((await run('--help')).out).toContain('semodel schema');
  });

  it('docs/actions.md has a section per action kind, with its fields, response and guard order', () => {
    const md = actionsMarkdown();
    for (const kind of ACTION_KINDS) expect(md).toContain(`### ${kind}\n`);
    expect(md).toContain('| `address` | `u64` | guest address of the page |');
    expect(md).toContain('| `tweak` | `bytes[16]` | the page\'s XTS tweak |');
    expect(md).toContain('| `guest` | `id` | the new guest ID |');
    // Nested view fields are flattened, enum pipes escaped.
    expect(md).toContain('| `guests[].phase` | `"created" \\| "unpacking" \\| "verified" \\| "verify-failed" \\| "running" \\| "migrated"` | lifecycle phase |');
    expect(md).toContain('| `machines[].hostKeys` | `bytes[66][]` |');
    expect(md).toMatch(/Guards, in order: `MALFORMED_ACTION`, `GUEST_NOT_FOUND`, `INVALID_STATE`, `INVALID_LENGTH`, `ADDRESS_NOT_ALIGNED`/);
  });

  it('the package script `docs` regenerates these files', () => {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['docs']).toContain('semodel.mjs schema --force');
    expect(existsSync(path.join(PROJECT, 'docs/schema/action.json'))).toBe(true);
  });
});
