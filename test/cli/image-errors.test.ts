// Bad input to the image commands: one line on stderr, exit 2, no stack trace, nothing written.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageHelp } from '../../cli/image.js';
import { isOneCleanLine, PROJECT, run, tempDir, vec } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const garbage = path.join(dir, 'garbage.bin');
writeFileSync(garbage, new Uint8Array(200_000).map((_, i) => (i * 31 + 7) & 0xff));
const tiny = path.join(dir, 'tiny.bin');
writeFileSync(tiny, 'abc');
const image = vec('01-nks1-pcf-default', 'image.bin');
const key = vec('01-nks1-pcf-default', 'host-key-0.pem');

describe('image: usage and help', () => {
  it('`semodel image` alone prints the image help and exits 2', async () => {
    const r = await run('image');
    expect(r.code).toBe(2);
    expect(r.out).toBe(await imageHelp());
  });

  it.each(['build', 'inspect', 'verify', 'extract'])('`semodel image %s --help` exits 0 with its usage', async (sub) => {
    const r = await run('image', sub, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: semodel image ${sub} `));
    expect(r.err).toBe('');
  });

  it('`semodel image --help` exits 0; the main help lists the image commands', async () => {
    expect((await run('image', '--help')).code).toBe(0);
    const main = await run('--help');
    expect(main.out).toContain('semodel image verify IMAGE --host-key PEM...');
  });

  it('verify --help documents the JSON shape', async () => {
    const r = await run('image', 'verify', '--help');
    for (const f of ['"valid"', '"failedCheck"', '"code"', '"requirement"', '"pages"']) expect(r.out).toContain(f);
  });
});

describe('image: unusable input is one line and exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown subcommand', ['image', 'frobnicate'], /unknown image command 'frobnicate'/],
    ['unknown flag (verify)', ['image', 'verify', image, '--host-key', key, '--fast'], /--fast/],
    ['unknown flag (inspect)', ['image', 'inspect', image, '--secrets'], /--secrets/],
    ['unknown flag (build)', ['image', 'build', '--kernel', image, '--hostkey', key, '-o', path.join(dir, 'x')], /--hostkey/],
    ['missing image (verify)', ['image', 'verify', path.join(dir, 'nope.bin'), '--host-key', key], /nope\.bin: no such file/],
    ['missing image (inspect)', ['image', 'inspect', path.join(dir, 'nope.bin')], /nope\.bin: no such file/],
    ['missing host key', ['image', 'verify', image, '--host-key', path.join(dir, 'nokey.pem')], /nokey\.pem: no such file/],
    ['garbage image (verify)', ['image', 'verify', garbage, '--host-key', key], /garbage\.bin: not a usable SE image or header: .* at offset 0x[0-9a-f]+/],
    ['garbage image (inspect)', ['image', 'inspect', garbage], /garbage\.bin: not a usable SE image or header: .* at offset 0x[0-9a-f]+/],
    ['tiny file', ['image', 'inspect', tiny], /tiny\.bin: not a usable SE image or header: shortPsw at offset 0x0/],
    ['an image as host key', ['image', 'verify', image, '--host-key', image], /image\.bin: not a PEM file/],
    ['verify without host key', ['image', 'verify', image], /--host-key/],
    ['verify without image', ['image', 'verify', '--host-key', key], /needs IMAGE/],
    ['verify of two images', ['image', 'verify', image, image, '--host-key', key], /one IMAGE/],
    ['inspect without file', ['image', 'inspect'], /needs FILE/],
    ['verify of a header alone', ['image', 'verify', vec('01-nks1-pcf-default', 'header.bin'), '--host-key', key], /header alone/],
    ['verify with a certificate', ['image', 'verify', image, '--host-key', vec('01-nks1-pcf-default', 'host-key-0.crt')], /certificate cannot open a key slot/],
  ];
  it.each(cases)('%s', async (_label, argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r), r.err).toBe(true);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});

describe('README documents every flag of the commands it describes', () => {
  const readme = readFileSync(path.join(PROJECT, 'README.md'), 'utf8');
  it.each([['image', 'build'], ['image', 'inspect'], ['image', 'verify'], ['image', 'extract'], ['requirements'], ['schema']])('%s %s', async (...command) => {
    const help = (await run(...command.filter((c) => c !== undefined), '--help')).out;
    const flags = new Set(help.match(/--[a-z][a-z-]*/g) ?? []);
    expect(flags.size).toBeGreaterThan(0);
    for (const flag of flags) expect(readme, `${command.join(' ')} ${flag}`).toContain(flag);
  });

  it('the JSON fields of verify and extract, and the links to spec/ and docs/', async () => {
    for (const field of ['"valid"', '"failedCheck"', '"code"', '"requirement"', '"step"', '"address"', '"pages"', '"unpacked"', '"keySlot"', '"hostKey"', '"started"', '"detail"', '"checks"', '"written"', '"absent"', '"verify"']) {
      expect(readme, field).toContain(field);
    }
    for (const target of ['spec/platform.md', 'spec/image-unpack.md', 'docs/trace-format.md', 'docs/campaigns.md', 'test/shared-vectors.ts']) {
      expect(readme, target).toContain(`](${target})`);
    }
  });
});
