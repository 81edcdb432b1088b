// The stand-in boot loaders: byte-identical to the ones the real vectors were built with
// (shared/vectors/se-images/loaders/), with their argument areas cleared, and handed out as copies.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import { STAGE3A_ARGS_SIZE, STAGE3B_ARGS_SIZE } from '../../model/se-format/format.js';
import { STAND_IN_STAGE3A_SIZE, STAND_IN_STAGE3B_SIZE, standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import { vectorFile } from './se-vectors.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('stand-in loaders', () => {
  it('are byte-identical to the loaders of the real vectors', () => {
    expect(bytesToHex(standInStage3a())).toBe(bytesToHex(vectorFile('loaders', 'stage3a.bin')));
    expect(bytesToHex(standInStage3b())).toBe(bytesToHex(vectorFile('loaders', 'stage3b_reloc.bin')));
  });

  it('are rows of 16 ASCII bytes numbered in hex, their argument areas zero', () => {
    const a = standInStage3a();
    const b = standInStage3b();
    expect([a.length, b.length]).toEqual([STAND_IN_STAGE3A_SIZE, STAND_IN_STAGE3B_SIZE]);
    expect([a.length, b.length]).toEqual([12288, 6144]);
    expect(text(a.subarray(0, 32))).toBe('S3A-STANDIN0000\nS3A-STANDIN0001\n');
    expect(text(a.subarray(0x10 * 0xab, 0x10 * 0xac))).toBe('S3A-STANDIN00ab\n');
    expect(text(b.subarray(0, 32))).toBe('S3B-STANDIN0000\nS3B-STANDIN0001\n');
    expect(text(b.subarray(b.length - STAGE3B_ARGS_SIZE - 16, b.length - STAGE3B_ARGS_SIZE))).toBe('S3B-STANDIN017b\n');
    // The last row before stage3a's 24-byte argument area is cut after 8 bytes.
    expect(text(a.subarray(a.length - 32, a.length - STAGE3A_ARGS_SIZE))).toBe('S3A-STAN');
    expect(a.subarray(a.length - STAGE3A_ARGS_SIZE).every((x) => x === 0)).toBe(true);
    expect(b.subarray(b.length - STAGE3B_ARGS_SIZE).every((x) => x === 0)).toBe(true);
  });

  it('hand out fresh copies: patching one does not change the next', () => {
    const a = standInStage3a();
    const b = standInStage3b();
    a.fill(0xff);
    b.fill(0xff);
    expect(standInStage3a()[0]).toBe(0x53); // 'S'
    expect(standInStage3b()[0]).toBe(0x53);
    expect(standInStage3a()).not.toBe(standInStage3a());
  });
});
