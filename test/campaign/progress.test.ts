// The campaign's progress on stderr: a live line redrawn in place on a terminal, plain lines
// otherwise. Driven with a fake clock and a captured stream.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../cli/campaign-progress.js';
import type { Io } from '../../cli/io.js';
import { emptyCoverage } from '../../properties/campaign/coverage.js';
import type { PropertyResult } from '../../properties/campaign/summary.js';

const result = (name: string, status: PropertyResult['status'], runs: number, steps: number): PropertyResult => ({
  mechanism: 'image-unpack',
  name,
  requirements: [],
  runs,
  status,
  timeMs: 1500,
  seed: 1,
  steps,
  codesReached: [],
  coverage: emptyCoverage(),
});

function ioCapturing(lines: string[]): Io {
  return { err: (t) => void lines.push(t) } as Partial<Io> as Io;
}

describe('campaign progress', () => {
  it('on a terminal: one line redrawn in place with properties, runs, steps/s, failures, elapsed and ETA', () => {
    let t = 0;
    const written: string[] = [];
    const err: string[] = [];
    const p = createProgress({ io: ioCapturing(err), properties: 2, totalRuns: 20, live: true, now: () => t, write: (s) => void written.push(s) });
    t = 1000;
    p.tick('image-unpack/a', 5000, 5);
    t = 1100;
    p.tick('image-unpack/a', 6000, 6); // within 200 ms: not redrawn
    t = 2000;
    p.done(result('a', 'failed', 10, 8000));
    t = 4000;
    p.done(result('b', 'passed', 10, 2000));
    p.end();
    expect(written[0]).toBe('\r[0/2 properties] 5 runs, 5.0 k steps/s, 0 failed, 1.00 s, ETA 3.00 s\x1b[K');
    expect(written).toHaveLength(6);
    expect(written[1]).toBe('\r\x1b[K');
    expect(written[2]).toBe('FAILED image-unpack/a\n');
    expect(written[3]).toBe('\r[1/2 properties] 10 runs, 4.0 k steps/s, 1 failed, 2.00 s, ETA 2.00 s\x1b[K');
    expect(written[4]).toBe('\r[2/2 properties] 20 runs, 2.5 k steps/s, 1 failed, 4.00 s, ETA 0.00 s\x1b[K');
    expect(written[5]).toBe('\r\x1b[K');
    expect(err).toEqual([]);
  });

  it('elsewhere: one plain line per property, nothing redrawn', () => {
    const written: string[] = [];
    const err: string[] = [];
    const p = createProgress({ io: ioCapturing(err), properties: 2, budgetMs: 10_000, live: false, now: () => 0, write: (s) => void written.push(s) });
    p.tick('image-unpack/a', 5000, 5);
    p.done(result('a', 'passed', 10, 8000));
    p.done(result('b', 'crashed', 0, 0));
    p.end();
    expect(written).toEqual([]);
    expect(err).toEqual(['ok     image-unpack/a: 10 runs, 8,000 steps, 1.50 s [1/2]', 'CRASHED image-unpack/b: 0 runs, 0 steps, 1.50 s [2/2]']);
  });
});
