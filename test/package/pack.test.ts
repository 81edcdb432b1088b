// SLOW (about 30 s with a fresh dist/; 80-90 s on a busy 2-core machine when dist/ is older
// than the sources and it must compile them with tsc, into a temporary folder): the package as
// another project gets it. `npm pack` of a staged copy, install of the tarball into a temporary
// project offline, then `step` called through the package name from an ESM script run with node,
// the package's types checked by tsc, and the installed `semodel` binary run.
//
// Offline: dependencies come from the npm cache that `npm ci` filled. That cache holds the
// registry's abbreviated metadata and the tarballs, while `npm install <tarball>` without a
// lockfile asks for the full metadata of each dependency, which is not cached (ENOTCACHED). So
// the temporary project gets a package-lock.json whose dependency entries (version, resolved,
// integrity) are copied from this project's lockfile: npm then needs only the cached tarballs.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['cli', 'conformance', 'model', 'properties'];
const pkg = JSON.parse(readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const work = mkdtempSync(path.join(os.tmpdir(), 'semodel-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The newest modification time of the .ts files under `dir` (0 when there is none). */
function newest(dir: string, suffix: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, suffix));
    else if (e.name.endsWith(suffix)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ is usable as it is: compiled with declarations, after every source changed. */
function distIsFresh(): boolean {
  const dist = path.join(PROJECT, 'dist');
  const marker = path.join(dist, 'model', 'platform', 'index.d.ts');
  if (!existsSync(marker) || !existsSync(path.join(dist, 'cli', 'main.js'))) return false;
  const built = statSync(path.join(dist, 'cli', 'main.js')).mtimeMs;
  return SOURCES.every((s) => newest(path.join(PROJECT, s), '.ts') <= Math.min(built, statSync(marker).mtimeMs));
}

const stage = path.join(work, 'semodel');
const app = path.join(work, 'app');
let tarball = '';
let packedFiles: string[] = [];

beforeAll(() => {
  // A staged copy: what `files` selects, with dist/ from the checkout when fresh, else compiled
  // here (into the stage, never into the checkout's dist/).
  mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin', 'spec', 'docs']) {
    if (existsSync(path.join(PROJECT, f))) cpSync(path.join(PROJECT, f), path.join(stage, f), { recursive: true });
  }
  if (distIsFresh()) cpSync(path.join(PROJECT, 'dist'), path.join(stage, 'dist'), { recursive: true });
  else {
    const tsc = spawnSync(process.execPath, [path.join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(PROJECT, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')], {
      cwd: PROJECT,
      encoding: 'utf8',
    });
    if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  // The scripts were run by the build above (`prepare` is the build).
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage, encoding: 'utf8' })) as {
    filename: string;
    files: { path: string }[];
  }[];
  const first = packed[0];
  if (first === undefined) throw new Error('npm pack printed no package');
  tarball = path.join(work, first.filename);
  packedFiles = first.files.map((f) => f.path);

  // The consumer: depends on the tarball; its lockfile pins the dependencies as this project's does.
  mkdirSync(app);
  const spec = `file:${path.relative(app, tarball)}`;
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [pkg.name]: spec } }, null, 2));
  const lock = JSON.parse(readFileSync(path.join(PROJECT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean } & Record<string, unknown>> };
  const runtime = Object.fromEntries(Object.entries(lock.packages).filter(([k, v]) => k.startsWith('node_modules/') && v.dev !== true));
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const root = lock.packages[''] ?? {};
  const consumerLock = {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { [pkg.name]: spec } },
      [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, integrity, dependencies: pkg.dependencies, bin: root['bin'], engines: root['engines'] },
      ...runtime,
    },
  };
  writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(consumerLock, null, 2));
  const install = spawnSync(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install --offline of the tarball failed:\n${install.stderr}`);
  // Compiling on a busy 2-core machine takes up to a minute or so; a fresh dist/ skips it.
}, 300_000);

describe('the npm package (npm pack, offline install, import by name)', () => {
  it('the tarball holds the compiled entry points with their types, the binary, and no sources or tests', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/semodel.mjs', 'dist/cli/main.js', 'dist/model/platform/index.js', 'dist/model/platform/index.d.ts', 'dist/properties/property.js', 'dist/properties/property.d.ts', 'dist/properties/registry.js', 'dist/properties/index.js', 'dist/conformance/index.js', 'spec/platform.md']) {
      expect(packedFiles, f).toContain(f);
    }
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((f) => f.startsWith('test/') || f.startsWith('bench/') || f.endsWith('.map'))).toEqual([]);
  });

  it('every export of package.json points at files in the tarball', () => {
    for (const [key, target] of Object.entries(pkg.exports)) {
      const targets = typeof target === 'string' ? [target] : Object.values(target as Record<string, string>);
      for (const t of targets) {
        const file = t.replace(/^\.\//, '');
        if (file.includes('*')) {
          const [before, after] = file.split('*') as [string, string];
          expect(packedFiles.some((f) => f.startsWith(before) && f.endsWith(after)), `${key} → ${t}`).toBe(true);
        } else expect(packedFiles, `${key} → ${t}`).toContain(file);
      }
    }
  });

  it('an ESM script calls step, the properties and the registry through the package name', () => {
    writeFileSync(
      path.join(app, 'use.mjs'),
      `import { initialWorld, step } from 'semodel';
import { MECHANISMS } from 'semodel/properties';
import { allProperties } from 'semodel/properties/registry';
import { TRACE_FORMAT, encodeTrace } from 'semodel/conformance';
const w = initialWorld({ suite: 'noble', machines: [{ id: 0, hostKeys: [], seed: new Uint8Array(32) }], adapters: [] });
if (!w.ok) throw new Error(w.error.message);
const s = step(w.value, { kind: 'create-guest', machine: 0, memoryPages: 16 });
const bad = step(s.state, { kind: 'no-such-action' });
console.log(JSON.stringify({ created: s.outcome, bad: bad.outcome, mechanisms: MECHANISMS.length, properties: allProperties.length, trace: TRACE_FORMAT, encoder: typeof encodeTrace }));
`,
    );
    const r = spawnSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out['created']).toEqual({ kind: 'accepted', response: { guest: 1 } });
    expect(out['bad']).toEqual({ kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' });
    expect(out['mechanisms']).toBeGreaterThan(0);
    expect(out['properties']).toBeGreaterThan(0);
    expect([out['trace'], out['encoder']]).toEqual(['semodel-trace', 'function']);
    // Installed, not resolved back into this checkout.
    expect(readFileSync(path.join(app, 'node_modules', 'semodel', 'package.json'), 'utf8')).toContain(`"version": "${pkg.version}"`);
  });

  it('the types resolve through the exports (tsc, NodeNext)', () => {
    writeFileSync(
      path.join(app, 'types.ts'),
      `import { step, initialWorld, type World, type PlatformStep } from 'semodel';
import { runProperty, type ModelProperty } from 'semodel/properties';
const w = initialWorld({ suite: 'noble', machines: [], adapters: [] });
export const s: PlatformStep | undefined = w.ok ? step(w.value satisfies World, { kind: 'create-guest', machine: 0, memoryPages: 1 }) : undefined;
export const p: (p: ModelProperty, o: never) => unknown = runProperty;
// @ts-expect-error step takes a world first
step(1);
`,
    );
    // skipLibCheck: the consumer has no @types/node, which the declarations' own imports use.
    const tsc = path.join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'types.ts'], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the installed semodel binary runs from the compiled files', () => {
    const r = spawnSync(path.join(app, 'node_modules', '.bin', 'semodel'), ['--version'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.status).toBe(0);
  });
});
