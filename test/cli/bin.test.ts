// The `semodel` binary from a shell: node bin/semodel.mjs, as a user runs it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, run, vec } from './cli-harness.js';

function semodel(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(PROJECT, 'bin', 'semodel.mjs'), ...args], { cwd: PROJECT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('bin/semodel.mjs', () => {
  it('--help exits 0 and lists the image commands', () => {
    const r = semodel('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('image verify');
  });

  it('--version and -V print the version of package.json and exit 0', async () => {
    const version = (JSON.parse(readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = semodel('--version');
    expect(r).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await run('-V')).toMatchObject({ code: 0, out: version, err: '' });
  });

  it('image verify of a real vector prints valid and exits 0', () => {
    const name = '02-nks2-dump-cck';
    const r = semodel('image', 'verify', vec(name, 'image.bin'), '--host-key', vec(name, 'host-key-0.pem'));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^valid\b/);
    expect(r.code).toBe(0);
  });

  it('image verify of a negative vector prints invalid: pld and exits 1', () => {
    const name = 'neg1-kernel-byteflip';
    const r = semodel('image', 'verify', vec(name, 'image.bin'), '--host-key', vec(name, 'host-key-0.pem'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, failedCheck: 'pld' });
  });

  it('a missing file is one line on stderr and exit 2, no stack trace', () => {
    const r = semodel('image', 'inspect', path.join(PROJECT, 'no-such-image.bin'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^semodel: .*no-such-image\.bin: no such file\n$/);
  });
});
