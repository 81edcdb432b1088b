// `semodel image extract`: the kernel, initrd and parmline of every valid vector come back byte
// for byte as genprotimg took them; nothing is overwritten without --force; an image that does
// not verify writes nothing and exits 1; unusable input exits 2.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedOf, hostKeyArgs, hostKeyFiles, isOneCleanLine, run, runJson, tempDir, vec, vectorNames } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
let counter = 0;
const freshDir = (): string => path.join(dir, `out-${counter++}`);
const valid = vectorNames().filter((n) => expectedOf(n)['negative'] === false);
const negative = vectorNames().filter((n) => expectedOf(n)['negative'] === true);

describe('image extract', () => {
  it('has valid and negative vectors to work on', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(negative.length).toBeGreaterThan(0);
  });

  it.each(valid)('%s: writes the vector\'s kernel.bin, initrd.bin and parmline.txt exactly', async (name) => {
    const out = freshDir();
    const r = await run('image', 'extract', vec(name, 'image.bin'), ...hostKeyArgs(hostKeyFiles(name)), '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['kernel.bin', 'initrd.bin', 'parmline.txt']) {
      expect(readFileSync(path.join(out, f)), f).toEqual(readFileSync(vec(name, f)));
    }
    expect(readdirSync(out).sort()).toEqual(['initrd.bin', 'kernel.bin', 'parmline.txt']);
    expect(r.out).toMatch(new RegExp(`^kernel: +wrote ${path.join(out, 'kernel.bin').replaceAll('/', '\\/')}, ${readFileSync(vec(name, 'kernel.bin')).length} bytes$`, 'm'));
    expect(r.out).toMatch(/^initrd: +wrote .*initrd\.bin, \d+ bytes$/m);
    expect(r.out).toMatch(/^parmline: +wrote .*parmline\.txt, \d+ bytes$/m);
  });

  it('--json lists what it wrote; refuses to overwrite without --force, then overwrites with it', async () => {
    const name = valid[0] ?? '';
    const out = freshDir();
    const args = ['image', 'extract', vec(name, 'image.bin'), ...hostKeyArgs(hostKeyFiles(name)), '--out', out];
    const first = await runJson<Record<string, any>>(...args, '--json');
    expect(first.code).toBe(0);
    expect(first.json['absent']).toEqual([]);
    expect(first.json['written'].map((w: { component: string }) => w.component)).toEqual(['kernel', 'initrd', 'parmline']);
    expect(first.json['written'][0]).toEqual({ component: 'kernel', file: path.join(out, 'kernel.bin'), bytes: readFileSync(vec(name, 'kernel.bin')).length });

    writeFileSync(path.join(out, 'kernel.bin'), 'mine');
    const again = await run(...args);
    expect(again.code).toBe(2);
    expect(isOneCleanLine(again), again.err).toBe(true);
    expect(again.err).toMatch(/kernel\.bin exists; choose another --out or pass --force/);
    expect(readFileSync(path.join(out, 'kernel.bin'), 'utf8')).toBe('mine');

    const forced = await run(...args, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(out, 'kernel.bin'))).toEqual(readFileSync(vec(name, 'kernel.bin')));
  });

  it('refuses before writing anything: an existing parmline.txt (written last) keeps the kernel and initrd unwritten', async () => {
    const name = valid[0] ?? '';
    const out = freshDir();
    mkdirSync(out);
    writeFileSync(path.join(out, 'parmline.txt'), 'old');
    const r = await run('image', 'extract', vec(name, 'image.bin'), ...hostKeyArgs(hostKeyFiles(name)), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/parmline\.txt exists/);
    expect(readdirSync(out)).toEqual(['parmline.txt']);
    expect(readFileSync(path.join(out, 'parmline.txt'), 'utf8')).toBe('old');
  });

  it.each(negative)('%s: does not verify: the report, exit 1, nothing written', async (name) => {
    const out = freshDir();
    const r = await run('image', 'extract', vec(name, 'image.bin'), ...hostKeyArgs(hostKeyFiles(name)), '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^invalid: ${String(expectedOf(name)['primaryFailure'])} \\(`));
    expect(r.err).toMatch(/does not verify; nothing extracted$/);
    expect(existsSync(out)).toBe(false);
    const j = await runJson<Record<string, any>>('image', 'extract', vec(name, 'image.bin'), ...hostKeyArgs(hostKeyFiles(name)), '--out', out, '--json');
    expect(j.code).toBe(1);
    expect(j.json).toMatchObject({ written: [], absent: [], verify: { valid: false, failedCheck: expectedOf(name)['primaryFailure'] } });
  });

  it('a whole image whose header the firmware refuses (header-format): exit 1, nothing written', async () => {
    const name = valid[0] ?? '';
    const bytes = new Uint8Array(readFileSync(vec(name, 'image.bin')));
    bytes[Number(expectedOf(name)['layout']['headerOffset']) + 0x0a] = 0x02; // version 0x100 → 0x200
    const file = path.join(dir, 'bad-version.bin');
    writeFileSync(file, bytes);
    const out = freshDir();
    const r = await run('image', 'extract', file, ...hostKeyArgs(hostKeyFiles(name)), '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^invalid: header-format \(UNSUPPORTED_VERSION/);
    expect(existsSync(out)).toBe(false);
  });

  it('an image without initrd or parmline writes the kernel only and says so', async () => {
    const name = valid[0] ?? '';
    const image = path.join(dir, 'kernel-only.bin');
    const built = await run('image', 'build', '--kernel', vec(name, 'kernel.bin'), '--host-key', hostKeyFiles(name)[0] ?? '', '--seed', '3', '-o', image);
    expect(built.code, built.err).toBe(0);
    const out = freshDir();
    const r = await run('image', 'extract', image, '--host-key', hostKeyFiles(name)[0] ?? '', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out)).toEqual(['kernel.bin']);
    expect(readFileSync(path.join(out, 'kernel.bin'))).toEqual(readFileSync(vec(name, 'kernel.bin')));
    expect(r.out).toMatch(/^initrd: +none in the image, nothing written$/m);
    expect(r.out).toMatch(/^parmline: +none in the image, nothing written$/m);
  });

  const image = vec('01-nks1-pcf-default', 'image.bin');
  const key = vec('01-nks1-pcf-default', 'host-key-0.pem');
  const cases: [string, () => string[], RegExp][] = [
    ['no --out', () => ['image', 'extract', image, '--host-key', key], /needs --out DIR/],
    ['no --host-key', () => ['image', 'extract', image, '--out', freshDir()], /needs at least one --host-key/],
    ['no image', () => ['image', 'extract', '--host-key', key, '--out', freshDir()], /needs IMAGE/],
    ['a certificate', () => ['image', 'extract', image, '--host-key', vec('01-nks1-pcf-default', 'host-key-0.crt'), '--out', freshDir()], /cannot open a key slot; image extract needs the host's private key/],
    ['--out is a file', () => ['image', 'extract', image, '--host-key', key, '--out', key], /not a folder/],
    ['a truncated image', () => {
      const cut = path.join(dir, 'cut.bin');
      writeFileSync(cut, readFileSync(image).subarray(0, 0x14100));
      return ['image', 'extract', cut, '--host-key', key, '--out', freshDir()];
    }, /the file ends inside its SE header/],
  ];
  it.each(cases)('unusable input (%s): exit 2, one line, nothing written', async (_label, argv, message) => {
    const args = argv();
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r), r.err).toBe(true);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('--help and the image help document it', async () => {
    const r = await run('image', 'extract', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: semodel image extract IMAGE --host-key PEM\.\.\. --out DIR \[--force\]/);
    expect((await run('image', '--help')).out).toContain('usage: semodel image extract');
    expect((await run('--help')).out).toContain('semodel image extract IMAGE --host-key PEM... --out DIR [--force]');
  });
});
