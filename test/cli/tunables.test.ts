// bin/tunables.mjs: semodel's commands relaunch themselves once under glibc's vector copy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasCopyTunable, relaunchPays, REP_MOVSB_TUNABLE, SEMI_SPACE_MIB, shouldRelaunch, tunedEnv, untunedEnv, youngGenerationArgs } from '../../bin/tunables.mjs';
import { PROJECT } from './cli-harness.js';

describe('bin/tunables.mjs', () => {
  it('adds the tunable to the user own tunables and keeps a setting of the user', () => {
    expect(tunedEnv({}).GLIBC_TUNABLES).toBe(REP_MOVSB_TUNABLE);
    expect(tunedEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${REP_MOVSB_TUNABLE}`);
    const own = 'glibc.cpu.x86_rep_movsb_threshold=4096';
    expect(tunedEnv({ GLIBC_TUNABLES: own }).GLIBC_TUNABLES).toBe(own);
    expect(hasCopyTunable({ GLIBC_TUNABLES: own })).toBe(true);
    expect(hasCopyTunable({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toBe(false);
  });

  it('takes the tunable out again, and only it', () => {
    expect(untunedEnv(tunedEnv({ PATH: '/bin' }))).toEqual({ PATH: '/bin' });
    expect(untunedEnv(tunedEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
  });

  it('relaunches on x86-64 Linux only, once, and never when asked not to', () => {
    expect(shouldRelaunch({}, 'linux', 'x64')).toBe(true);
    expect(shouldRelaunch(tunedEnv({}), 'linux', 'x64')).toBe(false);
    expect(shouldRelaunch({ SEMODEL_NO_RELAUNCH: '1' }, 'linux', 'x64')).toBe(false);
    expect(shouldRelaunch({}, 'darwin', 'x64')).toBe(false);
    expect(shouldRelaunch({}, 'linux', 'arm64')).toBe(false);
  });

  it('gives the relaunched command a larger young generation unless the user set one', () => {
    expect(youngGenerationArgs([], {})).toEqual([`--max-semi-space-size=${SEMI_SPACE_MIB}`]);
    expect(youngGenerationArgs(['--max-semi-space-size=8'], {})).toEqual([]);
    expect(youngGenerationArgs([], { NODE_OPTIONS: '--max-old-space-size=4096 --semi-space-size=4' })).toEqual([]);
    expect(youngGenerationArgs(['--max-old-space-size=4096'], { NODE_OPTIONS: '' })).toEqual([`--max-semi-space-size=${SEMI_SPACE_MIB}`]);
  });

  it('relaunches the commands that copy pages by the million, not those that read an image once', () => {
    for (const argv of [['campaign'], ['conform', '--adapter', 'x'], ['explore'], ['trace', 'replay', 'f']]) expect(relaunchPays(argv)).toBe(true);
    for (const argv of [['image', 'build', '-o', 'x'], ['image', 'verify', 'x'], ['image', 'extract', 'x'], ['image', 'inspect', 'x'], ['image'], ['dump', 'open'], ['--version'], []]) expect(relaunchPays(argv)).toBe(false);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('runs the same command again under the tunable and passes on its exit code and output', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'semodel-tunables-'));
    const script = path.join(dir, 'probe.mjs');
    const tunables = pathToFileURL(path.join(PROJECT, 'bin', 'tunables.mjs')).href;
    writeFileSync(
      script,
      `import { relaunchTuned, shouldRelaunch } from ${JSON.stringify(tunables)};\n` +
        `if (shouldRelaunch()) process.exitCode = await relaunchTuned();\n` +
        `else { process.stdout.write(String(process.env.GLIBC_TUNABLES) + ' ' + process.execArgv.join(' ') + ' ' + process.argv.slice(2).join(',')); process.exitCode = 3; }\n`,
    );
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    const r = spawnSync(process.execPath, [script, 'a', 'b c'], { env, encoding: 'utf8' });
    expect(r.stdout).toBe(`${REP_MOVSB_TUNABLE} --max-semi-space-size=${SEMI_SPACE_MIB} a,b c`);
    expect(r.status).toBe(3);
  });
});
