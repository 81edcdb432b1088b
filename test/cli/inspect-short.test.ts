// `image inspect` of files too short to be an image or a header: one line that says what the
// file is, never a range that ends before it starts ("from 0x10000 to the end (0x64)").
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOneCleanLine, run, tempDir, vec } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const file = (name: string, bytes: Uint8Array): string => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const header = readFileSync(vec('01-nks1-pcf-default', 'header.bin'));

describe('image inspect of a short file', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty.bin', new Uint8Array(0), /: not a usable SE image or header: the file is empty$/],
    ['hundred.bin', new Uint8Array(100).fill(0x41), /: 100 bytes \(0x64\), too short for an image \(its header lies at 0x10000 or beyond\) and no header magic "IBMSecEx" at offset 0x0$/],
    ['almost.bin', new Uint8Array(0x10007), /: 65543 bytes \(0x10007\), too short for an image/],
    ['header-100.bin', header.subarray(0, 100), new RegExp(`: the file ends inside its SE header at 0x0 \\(100 of its ${header.length} bytes\\); is it truncated\\?$`)],
  ];
  it.each(cases)('%s: one line, exit 2, no backwards range', async (name, bytes, message) => {
    for (const sub of ['inspect', 'verify']) {
      const argv = sub === 'inspect' ? ['image', 'inspect', file(name, bytes)] : ['image', 'verify', file(name, bytes), '--host-key', vec('01-nks1-pcf-default', 'host-key-0.pem')];
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
      // No "from A to the end (B)" with B < A.
      const range = /from 0x([0-9a-f]+) to the end \(0x([0-9a-f]+)\)/.exec(r.err);
      if (range !== null) expect(parseInt(range[2] ?? '', 16)).toBeGreaterThanOrEqual(parseInt(range[1] ?? '', 16));
    }
  });

  it('a file past 0x10000 without a header still names the range it searched', async () => {
    const r = await run('image', 'inspect', file('no-header.bin', new Uint8Array(0x14000)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no SE header magic "IBMSecEx" at any page boundary from 0x10000 to the end \(0x14000\)$/);
  });
});
