// stdout that cannot be written (a closed pipe, a full disk) is one line on stderr and exit 2,
// not Node's stack trace: the binary is run as a user runs it, with such an stdout.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, vec } from './cli-harness.js';

const bin = path.join(PROJECT, 'bin', 'semodel.mjs');
const image = vec('01-nks1-pcf-default', 'image.bin');
const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

describe('writing to stdout fails', () => {
  it.runIf(existsSync('/dev/full'))('a full disk (> /dev/full): one line, exit 2', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, 'image', 'inspect', image, '--json'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('semodel: cannot write the output: no space left on device (ENOSPC)\n');
      expect(r.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });

  it('a closed pipe (| true, the reader gone before the first write): one line, exit 2', () => {
    // `true` exits at once; node needs far longer to start, so its first write meets a closed pipe.
    const script = `{ ${quote(process.execPath)} ${quote(bin)} image inspect ${quote(image)} --json; echo "status=$?" >&2; } | true`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('semodel: the output was closed before everything was written (EPIPE)\nstatus=2\n');
  });
});
