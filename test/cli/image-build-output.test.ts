// Where `semodel image build` writes (cli/image-build-output.ts): only a regular file or a new path,
// even with --force (a FIFO, /dev/null, a symbolic link to /dev/null or to a file, a directory are
// refused and left as they were); an input reached by another name is refused; `-o -` writes the
// image to standard output; a closed pipe and a full disk give one line and exit 2.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOneCleanLine, PROJECT, run, tempDir } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);

const pair = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
writeFileSync(at('host.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(at('kernel.bin'), new Uint8Array(2 * 4096 + 9).map((_, i) => (i * 7 + 3) & 0xff));
const build = ['image', 'build', '--kernel', at('kernel.bin'), '--parmline', 'quiet', '--host-key', at('host.pem'), '--seed', '3'];

/** No temporary file of the build stayed behind in the folder. */
const noTemp = (): boolean => readdirSync(dir).every((f) => !f.includes('semodel-tmp'));

/** Runs the real command in a shell (for pipes and redirections); its exit status and stderr. */
function shell(command: string): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('bash', ['-c', command], { cwd: PROJECT, maxBuffer: 64 << 20, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
const semodel = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(PROJECT, 'bin', 'semodel.mjs'))}`;
const quoted = build.map((a) => JSON.stringify(a)).join(' ');

describe('image build output', () => {
  it('refuses a FIFO, a device, symbolic links (to /dev/null, to a file) and a directory, even with --force, and leaves them as they were', async () => {
    const fifo = at('fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(at('precious.txt'), 'precious');
    symlinkSync('/dev/null', at('to-null'));
    symlinkSync(at('precious.txt'), at('to-file'));
    mkdirSync(at('folder'));
    for (const [target, says] of [
      [fifo, 'a FIFO'],
      ['/dev/null', 'a character device'],
      [at('to-null'), 'a symbolic link'],
      [at('to-file'), 'a symbolic link'],
      [at('folder'), 'a directory'],
    ] as const) {
      for (const force of [[], ['--force']]) {
        const r = await run(...build, '-o', target, ...force);
        expect(r.code, `${target} ${force.join('')}`).toBe(2);
        expect(isOneCleanLine(r), r.err).toBe(true);
        expect(r.err).toContain(says);
        expect(r.err).toContain('regular file');
      }
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readlinkSync(at('to-null'))).toBe('/dev/null');
    expect(readlinkSync(at('to-file'))).toBe(at('precious.txt'));
    expect(readFileSync(at('precious.txt'), 'utf8')).toBe('precious');
    expect(noTemp()).toBe(true);
  });

  it('writes a new path, and an existing regular file only with --force', async () => {
    const out = at('new.img');
    expect((await run(...build, '-o', out)).code).toBe(0);
    const first = readFileSync(out);
    writeFileSync(at('old.img'), 'old');
    const refused = await run(...build, '-o', at('old.img'));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--force');
    expect(readFileSync(at('old.img'), 'utf8')).toBe('old');
    expect((await run(...build, '-o', at('old.img'), '--force')).code).toBe(0);
    expect(Buffer.compare(readFileSync(at('old.img')), first)).toBe(0);
    expect(noTemp()).toBe(true);
  });

  it('refuses an output that is an input under another name (a hard link), even with --force', async () => {
    linkSync(at('kernel.bin'), at('kernel-link.bin'));
    const before = readFileSync(at('kernel.bin'));
    const r = await run(...build, '-o', at('kernel-link.bin'), '--force');
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r), r.err).toBe(true);
    expect(r.err).toContain('is also an input');
    expect(Buffer.compare(readFileSync(at('kernel.bin')), before)).toBe(0);
  });

  it('-o - writes the image to standard output (the summary to standard error); a closed pipe and a full disk are one line, exit 2', async () => {
    const file = at('reference.img');
    expect((await run(...build, '-o', file)).code).toBe(0);
    const piped = shell(`${semodel} ${quoted} -o -`);
    expect(piped.code, piped.stderr).toBe(0);
    expect(Buffer.compare(piped.stdout, readFileSync(file))).toBe(0);
    expect(piped.stderr).toMatch(/^wrote standard output: \d+ bytes/);

    const closed = shell(`${semodel} ${quoted} -o - | head -c100 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`);
    expect(closed.stderr).toContain('status 2');
    const lines = closed.stderr.trim().split('\n');
    expect(lines).toHaveLength(2); // one line from semodel, then the status
    expect(lines[0]).toMatch(/^semodel: standard output: cannot write \(the reader closed the pipe\)$/);

    const full = shell(`${semodel} ${quoted} -o - > /dev/full`);
    expect(full.code).toBe(2);
    expect(full.stderr.trim()).toBe('semodel: standard output: cannot write (no space left on the device)');
    expect(existsSync(at('-'))).toBe(false);
  });
});
