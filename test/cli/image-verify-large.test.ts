// `image verify` and `image extract` of an image large enough for the verify worker (at least
// 2048 pages: cli/image-verify-worker.ts decrypts its pages ahead and hashes its PLD): the same
// verdicts as the model gives on its own, a changed page found, the kernel extracted exactly.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImage } from '../../model/se-format/image-layout.js';
import { run, runJson, tempDir, vec } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);
const crt = vec('keys', 'host-key-A0.crt');
const pem = vec('keys', 'host-key-A0.pem');

// 9 MiB of kernel: 2304 pages, and one more chunk of pages than a multiple of 64.
const kernel = new Uint8Array(9 * 1024 * 1024 + 3 * 4096).map((_, i) => (i * 29 + (i >>> 12)) & 0xff);
writeFileSync(at('kernel.bin'), kernel);
writeFileSync(at('initrd.bin'), new Uint8Array(40_000).fill(0x3c));

describe('image verify and extract of a large image (the verify worker)', () => {
  it('verifies, extracts the kernel exactly, and finds a changed byte in a page at any chunk', async () => {
    const image = at('big.img');
    const b = await run('image', 'build', '--kernel', at('kernel.bin'), '--initrd', at('initrd.bin'), '--host-key', crt, '--seed', '9', '-o', image);
    expect(b.code).toBe(0);
    const v = await runJson<Record<string, any>>('image', 'verify', image, '--host-key', pem, '--json');
    expect(v.code).toBe(0);
    expect(v.json['valid']).toBe(true);
    expect(v.json['unpacked']).toBeGreaterThan(2048);

    const out = at('extracted');
    const x = await run('image', 'extract', image, '--host-key', pem, '--out', out);
    expect(x.code).toBe(0);
    expect(Buffer.compare(readFileSync(path.join(out, 'kernel.bin')), kernel)).toBe(0);

    // A flipped bit in a stored page: its decryption is not the worker's, and the PLD fails.
    const bytes = Uint8Array.from(readFileSync(image));
    const parsed = parseImage(bytes);
    if (!parsed.ok) throw new Error('the built image does not parse');
    for (const index of [0, 1000, parsed.value.pages.length - 1]) {
      const page = parsed.value.pages[index];
      if (page === undefined) throw new Error(`no page ${index}`);
      const changed = Uint8Array.from(bytes);
      const offset = Number(page.address) + 100;
      changed[offset] = (changed[offset] ?? 0) ^ 0x10;
      writeFileSync(at('changed.img'), changed);
      const c = await runJson<Record<string, any>>('image', 'verify', at('changed.img'), '--host-key', pem, '--json');
      expect(c.code, `page ${index}`).toBe(1);
      expect(c.json['code']).toBe('PLD_MISMATCH');
      expect(c.json['checks']).toMatchObject({ pld: 'FAIL', ald: 'PASS', tld: 'PASS', nep: 'PASS' });
    }
  });
});
