// `semodel vectors export`: deterministic (two exports byte-identical), every guard of every
// handler covered alone and in pairs (derived from guardsOf, so a new guard the export misses
// fails here), every file valid against its generated JSON Schema, and a folder that is never
// overwritten by accident.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_KINDS, guardsOf } from '../../model/platform/index.js';
import { IMPOSSIBLE_PAIRS, pairsOf } from '../../properties/image-unpack/stimulus.js';
import { IMPOSSIBLE_PAIRS as CTRL_IMPOSSIBLE } from '../../properties/request-controls/stimulus.js';
import { IMPOSSIBLE_PAIRS as HSM_IMPOSSIBLE, IMPOSSIBLE_SINGLES as HSM_IMPOSSIBLE_SINGLES } from '../../properties/hsm-binding/stimulus.js';
import { IMPOSSIBLE_PAIRS as INTCP_IMPOSSIBLE } from '../../properties/secure-interception/stimulus-pairs.js';
import { DUMP_IMPOSSIBLE } from '../../properties/secure-dump/stimulus.js';
import { START_IMPOSSIBLE } from '../../properties/startup-order/stimulus.js';
import { MIGR_IMPOSSIBLE } from '../../properties/migration/stimulus.js';
import { IPL_IMPOSSIBLE } from '../../properties/secure-ipl/stimulus.js';
import { SHROUD_IMPOSSIBLE } from '../../properties/shrouded-deployment/stimulus.js';
import { CBOOT_IMPOSSIBLE } from '../../properties/confidential-boot/index.js';
import { slug, vectorJsonSchemas, type VectorIndex, type VectorMeta } from '../../conformance/vectors/index.js';
import { isOneCleanLine, run, tempDir } from '../cli/cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const first = path.join(dir, 'first');
const second = path.join(dir, 'second');

/** Every file under `root`, relative, sorted. */
function filesOf(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

// Every mechanism once; mechanism 2's folders (and the platform's) a second time, to compare bytes.
const exported = (async () => {
  const a = await run('vectors', 'export', '--out', first);
  const b = await run('vectors', 'export', '--out', second, '--mechanism', 'platform', '--mechanism', 'image-unpack');
  return { a, b };
})();
/** Pairs of guards no state lets fail together, by their key (`kind: a + b`), of every mechanism. */
const impossible: Readonly<Record<string, string>> = { ...IMPOSSIBLE_PAIRS, ...CTRL_IMPOSSIBLE, ...HSM_IMPOSSIBLE, ...INTCP_IMPOSSIBLE, ...DUMP_IMPOSSIBLE, ...START_IMPOSSIBLE, ...MIGR_IMPOSSIBLE, ...IPL_IMPOSSIBLE, ...SHROUD_IMPOSSIBLE, ...CBOOT_IMPOSSIBLE };
const indexOf = (root: string): VectorIndex => JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as VectorIndex;
const metaOf = (root: string, p: string): VectorMeta => JSON.parse(readFileSync(path.join(root, p, 'meta.json'), 'utf8')) as VectorMeta;

describe('semodel vectors export', () => {
  it('writes the same bytes twice, and says what it wrote', async () => {
    const { a, b } = await exported;
    expect([a.code, a.err, b.code]).toEqual([0, '', 0]);
    const files = filesOf(first);
    const again = filesOf(second).filter((f) => f !== 'index.json' && f !== 'README.md');
    expect(again).toEqual(files.filter((f) => f.startsWith('platform/') || f.startsWith('image-unpack/')));
    for (const f of again) expect(readFileSync(path.join(second, f)).equals(readFileSync(path.join(first, f))), f).toBe(true);
    const index = indexOf(first);
    expect(indexOf(second).cases).toEqual(index.cases.filter((c) => c.mechanism === 'platform' || c.mechanism === 'image-unpack'));
    const bytes = files.reduce((n, f) => n + statSync(path.join(first, f)).size, 0);
    expect(a.out).toMatch(new RegExp(`^wrote ${index.cases.length} cases \\(${files.length} files, \\d+ bytes\\) to ${first.replace(/[.]/g, '\\.')}$`));
    // Hundreds of cases; tens of MB (the steps carry whole pages and requests in hex).
    expect(index.cases.length).toBeGreaterThan(500);
    expect(bytes).toBeLessThan(128 * 1024 * 1024);
    expect(readFileSync(path.join(first, 'README.md'), 'utf8')).toContain(`of semodel ${index.semodel}`);
    // The first export writes every mechanism's vectors (eight of them); the other tests of this file reuse it.
  }, 300_000);

  it('lists every case folder in index.json, and every listed folder has its four files', async () => {
    await exported;
    const index = indexOf(first);
    const folders = new Set(filesOf(first).filter((f) => f.endsWith('/meta.json')).map((f) => path.dirname(f)));
    expect(new Set(index.cases.map((c) => c.path))).toEqual(folders);
    for (const c of index.cases) {
      for (const f of ['config.json', 'steps.jsonl', 'expected.jsonl', 'meta.json']) expect(statSync(path.join(first, c.path, f)).isFile(), `${c.path}/${f}`).toBe(true);
      const meta = metaOf(first, c.path);
      expect(meta).toMatchObject({ mechanism: c.mechanism, handler: c.handler, case: c.case, result: c.result });
      const steps = readFileSync(path.join(first, c.path, 'steps.jsonl'), 'utf8').trimEnd().split('\n');
      expect(steps).toHaveLength(meta.steps);
    }
  });

  it('covers, for every handler, the accepted path, every guard alone and every pair that can fail together', async () => {
    await exported;
    const index = indexOf(first);
    for (const kind of ACTION_KINDS) {
      const cases = new Map(index.cases.filter((c) => c.handler === kind).map((c) => [c.case, metaOf(first, c.path)]));
      expect(cases.get('accepted')?.result, `${kind} accepted`).toBe('valid');
      const guards = guardsOf(kind);
      for (const g of guards) {
        const m = cases.get(`only-${slug(g.name)}`);
        // A guard whose condition always brings another's has no case alone (its code is reached as the first of a pair).
        if (`${kind}: ${g.name}` in HSM_IMPOSSIBLE_SINGLES) {
          expect(m, `${kind}: '${g.name}' cannot fail alone, yet has a case`).toBeUndefined();
          continue;
        }
        expect(m, `${kind}: only '${g.name}'`).toBeDefined();
        expect(m).toMatchObject({ result: 'invalid', flags: [slug(g.name)], expected: { code: g.code, requirement: g.requirement } });
        expect(m?.requirements).toContain(g.requirement);
      }
      for (const p of pairsOf(kind)) {
        const m = cases.get(`pair-${slug(p.a)}--${slug(p.b)}`);
        if (p.key in impossible) {
          expect(m, `${p.key} cannot happen, yet has a case`).toBeUndefined();
          continue;
        }
        expect(m, p.key).toBeDefined();
        // The spec's winner: the guard listed first.
        const a = guards.find((g) => g.name === p.a);
        expect(m?.expected, p.key).toEqual({ code: a?.code, requirement: a?.requirement });
        expect(m?.flags[0]).toBe(slug(p.a));
        expect(m?.flags).toContain(slug(p.b));
      }
    }
    const schedules = index.cases.filter((c) => c.handler === 'schedule').map((c) => metaOf(first, c.path));
    expect(schedules.length).toBeGreaterThanOrEqual(3);
    for (const s of schedules) expect(s.steps).toBeGreaterThan(15);
  });

  it('every file matches its JSON Schema (docs/schema/vectors/), and the committed schemas are the generated ones', async () => {
    await exported;
    const schemas = vectorJsonSchemas();
    for (const [name, doc] of Object.entries(schemas)) {
      const committed = readFileSync(path.join(import.meta.dirname, '../../docs/schema/vectors', name), 'utf8');
      expect(committed, `docs/schema/vectors/${name}: run npm run docs`).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    }
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    const check = (name: string, value: unknown, where: string): void => {
      const validate = ajv.getSchema(`https://semodel.dev/schema/vectors/${name.replace('.json', '')}.json`) ?? ajv.compile(schemas[name] as object);
      expect(validate(value), `${where}: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
    };
    const index = indexOf(first);
    check('index.json', index, 'index.json');
    for (const c of index.cases) {
      const read = (f: string): string => readFileSync(path.join(first, c.path, f), 'utf8');
      check('meta.json', JSON.parse(read('meta.json')), `${c.path}/meta.json`);
      check('config.json', JSON.parse(read('config.json')), `${c.path}/config.json`);
      for (const l of read('steps.jsonl').trimEnd().split('\n')) check('step.json', JSON.parse(l), `${c.path}/steps.jsonl`);
      for (const l of read('expected.jsonl').trimEnd().split('\n')) check('expected.json', JSON.parse(l), `${c.path}/expected.jsonl`);
    }
    // And the schema refuses what is not a vector file.
    const meta = metaOf(first, index.cases[0]?.path ?? '');
    const validate = ajv.compile(schemas['meta.json'] as object);
    expect(validate({ ...meta, result: 'fine' })).toBe(false);
  });

  it('--mechanism writes only that folder', async () => {
    const out = path.join(dir, 'platform-only');
    const r = await run('vectors', 'export', '--out', out, '--mechanism', 'platform');
    expect(r.code).toBe(0);
    const index = indexOf(out);
    expect(index.cases.length).toBeGreaterThan(5);
    expect(new Set(index.cases.map((c) => c.mechanism))).toEqual(new Set(['platform']));
    expect(readdirSync(out).sort()).toEqual(['README.md', 'index.json', 'platform']);
  });

  it('refuses a folder that holds something, replaces earlier vectors only with --force, and bad arguments, in one line', async () => {
    await exported;
    const refused = await run('vectors', 'export', '--out', first);
    expect([refused.code, refused.err]).toEqual([2, `semodel: ${first} holds vectors; pass --force to replace them`]);
    const other = path.join(dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'mine.txt'), 'keep me');
    for (const argv of [
      ['vectors', 'export', '--out', other],
      ['vectors', 'export', '--out', other, '--force'],
      ['vectors', 'export', '--out', path.join(other, 'mine.txt')],
      ['vectors', 'export'],
      ['vectors', 'export', '--out', path.join(dir, 'x'), '--mechanism', 'frobnicate'],
      ['vectors', 'export', 'somewhere'],
      ['vectors', 'frobnicate'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), `${argv.join(' ')}: ${r.err}`).toBe(true);
    }
    expect(readFileSync(path.join(other, 'mine.txt'), 'utf8')).toBe('keep me');
    // --force over a platform-only export: the new index lists what is there.
    const out = path.join(dir, 'platform-only');
    writeFileSync(path.join(out, 'mine.txt'), 'keep me');
    const forced = await run('vectors', 'export', '--out', out, '--force', '--mechanism', 'platform');
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('keep me');
    expect((await run('vectors', 'export', '--help')).out).toContain('usage: semodel vectors export');
  });
});
