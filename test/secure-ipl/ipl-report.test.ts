// The IPL report's bytes, field by field as platform-formats.md 1.1 lays them out, and the
// kernel's walk rule reading them back.
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../model/core/bytes.js';
import { decodeIplReport, encodeIplReport, FLAG_SIGNED, FLAG_VERIFIED, type IplReport } from '../../model/se-format/ipl-report.js';

const REPORT: IplReport = {
  components: [
    { addr: 0xa000n, len: 0x1f3bn, flags: FLAG_SIGNED | FLAG_VERIFIED, certificateIndex: 1 },
    { addr: 0x10000n, len: 0x10539n, flags: 0, certificateIndex: 0 },
  ],
  certificates: [{ addr: 0x1122334455667788n, len: 0x371n }, { addr: 0x9000n, len: 0x22an }],
};

const HEX =
  // list header: len 16 + 80 + 48 = 144 = 0x90, flags 0, version 0
  '00000090' + '00' + '0000' + '00' + '0000000000000000' +
  // components block: len 16 + 2 * 32 = 80, rbt 2
  '00000050' + '02' + '00'.repeat(11) +
  '000000000000a000' + '0000000000001f3b' + 'c0' + '00'.repeat(5) + '0001' + '00'.repeat(8) +
  '0000000000010000' + '0000000000010539' + '00' + '00'.repeat(5) + '0000' + '00'.repeat(8) +
  // certificates block: len 16 + 2 * 16 = 48, rbt 1
  '00000030' + '01' + '00'.repeat(11) +
  '1122334455667788' + '0000000000000371' +
  '0000000000009000' + '000000000000022a';

describe('IPL report', () => {
  it('is byte exact with the reference layout', () => {
    expect(bytesToHex(encodeIplReport(REPORT))).toBe(HEX);
  });
  it('reads back by the walk rule', () => {
    expect(decodeIplReport(hexToBytes(HEX))).toEqual(REPORT);
  });
  it('an empty report has both blocks and no entries', () => {
    const b = encodeIplReport({ components: [], certificates: [] });
    expect(bytesToHex(b)).toBe('00000030' + '00'.repeat(12) + '00000010' + '02' + '00'.repeat(11) + '00000010' + '01' + '00'.repeat(11));
    expect(decodeIplReport(b)).toEqual({ components: [], certificates: [] });
  });
  it('skips unknown block types and stops at a block that does not fit', () => {
    const b = hexToBytes(HEX);
    b[16 + 4] = 7; // the components block becomes an unknown type
    expect(decodeIplReport(b)).toEqual({ components: [], certificates: REPORT.certificates });
    const c = hexToBytes(HEX);
    c[16 + 3] = 0x91; // the components block claims more than the list holds
    expect(decodeIplReport(c)).toEqual({ components: [], certificates: [] });
    const d = hexToBytes(HEX);
    d[16 + 3] = 0x0f; // shorter than its header: the walk stops
    expect(decodeIplReport(d)).toEqual({ components: [], certificates: [] });
  });
  it('refuses a list header that does not fit', () => {
    expect(decodeIplReport(new Uint8Array(15))).toBeNull();
    const b = hexToBytes(HEX);
    b[3] = 0x91;
    expect(decodeIplReport(b)).toBeNull();
    const e = hexToBytes(HEX);
    e[3] = 0x0f;
    expect(decodeIplReport(e)).toBeNull();
  });
  it('an entry that does not fit its block is not read', () => {
    const b = hexToBytes(HEX);
    b[16 + 3] = 0x4f; // 79 bytes: the second component entry no longer fits; the next block starts a byte early
    expect(decodeIplReport(b)?.components).toEqual(REPORT.components.slice(0, 1));
  });
});
