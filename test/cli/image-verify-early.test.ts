// cli/image-verify-early.ts: `image verify` and `image extract` can start their second thread and
// its read of the image before their code loads. The early read gives the same bytes the command
// would read itself, the thread is then the verify run's worker, and the verdicts are the same;
// for other arguments, a small or missing file, or another path, nothing is taken early.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropEarly, startVerifyWorkerEarly, takeEarlyRead, takeEarlyVerifyThread } from '../../cli/image-verify-early.js';
import { run, runJson, tempDir, vec } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
afterEach(dropEarly);
const at = (f: string): string => path.join(dir, f);
const pem = vec('keys', 'host-key-A0.pem');
const big = at('big.bin');
writeFileSync(big, new Uint8Array(8 * 1024 * 1024 + 4096).map((_, i) => (i * 7 + (i >>> 10)) & 0xff));

describe('the early read of image verify and extract', () => {
  it('reads the file as the command would, and hands its thread over once, for that file only', () => {
    startVerifyWorkerEarly(['image', 'verify', '--host-key', pem, big, '--json']);
    expect(takeEarlyRead(at('other.bin'))).toBeUndefined();
    const bytes = takeEarlyRead(big);
    expect(bytes).toBeDefined();
    expect(bytes?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.compare(Buffer.from(bytes ?? []), readFileSync(big))).toBe(0);
    const file = bytes?.buffer as SharedArrayBuffer;
    expect(takeEarlyVerifyThread(new SharedArrayBuffer(8))).toBeUndefined();
    const thread = takeEarlyVerifyThread(file);
    expect(thread).toBeDefined();
    thread?.terminate();
    expect(takeEarlyVerifyThread(file)).toBeUndefined();
    expect(takeEarlyRead(big)).toBeUndefined();
  });

  it('starts nothing for help, other commands, several files, a small file or a missing one', () => {
    const small = at('small.bin');
    writeFileSync(small, new Uint8Array(4096));
    for (const argv of [
      ['image', 'verify', big, '--help'],
      ['image', 'inspect', big],
      ['image', 'verify', big, big],
      ['image', 'verify', small, '--host-key', pem],
      ['image', 'extract', at('missing.img'), '--out', at('x')],
    ]) {
      startVerifyWorkerEarly(argv);
      for (const p of [big, small, at('missing.img')]) expect(takeEarlyRead(p), argv.join(' ')).toBeUndefined();
    }
  });

  it('gives the same verdicts when verify and extract take the early read and its thread', async () => {
    writeFileSync(at('kernel.bin'), new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 29 + (i >>> 12)) & 0xff));
    writeFileSync(at('initrd.bin'), new Uint8Array(40_000).fill(0x3c));
    const image = at('se.img');
    const b = await run('image', 'build', '--kernel', at('kernel.bin'), '--initrd', at('initrd.bin'), '--host-key', vec('keys', 'host-key-A0.crt'), '--seed', '3', '-o', image);
    expect(b.code).toBe(0);
    const alone = await runJson<Record<string, unknown>>('image', 'verify', image, '--host-key', pem, '--json');
    const argv = ['image', 'verify', image, '--host-key', pem, '--json'];
    startVerifyWorkerEarly(argv);
    const early = await runJson<Record<string, unknown>>(...argv);
    expect(early).toEqual(alone);
    expect(early.json['valid']).toBe(true);
    // The read and its thread were taken: nothing is left over.
    expect(takeEarlyRead(image)).toBeUndefined();

    const extractArgv = ['image', 'extract', image, '--host-key', pem, '--out', at('out')];
    startVerifyWorkerEarly(extractArgv);
    expect((await run(...extractArgv)).code).toBe(0);
    expect(Buffer.compare(readFileSync(at('out/kernel.bin')), readFileSync(at('kernel.bin')))).toBe(0);

    // A changed page: the PLD fails the same way with the early read.
    const changed = Uint8Array.from(readFileSync(image));
    changed[changed.length - 5000] = (changed[changed.length - 5000] ?? 0) ^ 1;
    writeFileSync(at('changed.img'), changed);
    const changedArgv = ['image', 'verify', at('changed.img'), '--host-key', pem, '--json'];
    const changedAlone = await runJson<Record<string, unknown>>(...changedArgv);
    startVerifyWorkerEarly(changedArgv);
    expect(await runJson<Record<string, unknown>>(...changedArgv)).toEqual(changedAlone);
    expect(changedAlone.code).toBe(1);
  });
});
