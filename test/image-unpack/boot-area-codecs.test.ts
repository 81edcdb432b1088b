// The codecs of the image's boot area: stage3a and stage3b arguments and the PV IPIB, at their
// bounds and against each field check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeU32 } from '../../model/core/bytes.js';
import { IPIB_OFFSET, STAGE3A_ARGS_SIZE, STAGE3B_ARGS_SIZE } from '../../model/se-format/format.js';
import { decodeIpib, encodeIpib, ipibSize, MAX_IPIB_COMPONENTS } from '../../model/se-format/ipib-codec.js';
import {
  decodeStage3aArgs,
  decodeStage3bArgs,
  encodeStage3aArgs,
  encodeStage3bArgs,
  locateStage3bArgs,
} from '../../model/se-format/stage3-args.js';
import { PROPERTY_RUNS } from '../runs.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('stage3a and stage3b arguments', () => {
  it('round-trip at any offset where they fit, and are undefined where they do not', () => {
    fc.assert(
      fc.property(fc.tuple(u64, u64, u64), fc.array(u64, { minLength: 8, maxLength: 8 }), fc.nat(40), ([a, b, c], w, at) => {
        const s3a = { hdrOffs: a, hdrSize: b, ipibOffs: c };
        const bufA = new Uint8Array(at + STAGE3A_ARGS_SIZE);
        bufA.set(encodeStage3aArgs(s3a), at);
        expect(decodeStage3aArgs(bufA, at)).toEqual(s3a);
        expect(decodeStage3aArgs(bufA, at + 1)).toBeUndefined();
        expect(decodeStage3aArgs(bufA, -1)).toBeUndefined();
        const blob = (i: number) => ({ addr: w[2 * i] ?? 0n, size: w[2 * i + 1] ?? 0n });
        const s3b = { kernel: blob(0), cmdline: blob(1), initrd: blob(2), psw: { mask: w[6] ?? 0n, addr: w[7] ?? 0n } };
        const bufB = new Uint8Array(at + STAGE3B_ARGS_SIZE);
        bufB.set(encodeStage3bArgs(s3b), at);
        expect(decodeStage3bArgs(bufB, at)).toEqual(s3b);
        expect(decodeStage3bArgs(bufB, at + 1)).toBeUndefined();
        expect(decodeStage3bArgs(bufB, -1)).toBeUndefined();
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('encode fields in order, big-endian', () => {
    const a = encodeStage3aArgs({ hdrOffs: 0x1018n, hdrSize: 640n, ipibOffs: 0x18n });
    expect(Buffer.from(a).toString('hex')).toBe('0000000000001018' + '0000000000000280' + '0000000000000018');
  });

  it('locates stage3b arguments at the end of the loader, before the zero padding', () => {
    const loader = new Uint8Array(8192); // a stage3b of 6080 bytes, zero-padded to two pages
    loader.fill(0x41, 0, 6080 - 64);
    const args = { kernel: { addr: 0x15000n, size: 12188n }, cmdline: { addr: 0x18000n, size: 81n }, initrd: { addr: 0n, size: 0n }, psw: { mask: 0x180000000n, addr: 0x10000n } };
    loader.set(encodeStage3bArgs(args), 6080 - 64);
    const found = locateStage3bArgs(loader);
    expect(found).toEqual({ args, originalLength: 6080 });
    expect(locateStage3bArgs(new Uint8Array(32).fill(1))).toBeUndefined(); // too little to hold them
  });

  it('ends the arguments at the word of their last non-zero byte, wherever in the word it is', () => {
    // PSW addresses whose last non-zero byte is the 1st, 2nd, ..., 8th of the last word.
    for (let k = 0; k < 8; k++) {
      const loader = new Uint8Array(4096);
      loader.fill(0x41, 0, 1000);
      const args = { kernel: { addr: 0x15000n, size: 1n }, cmdline: { addr: 0n, size: 0n }, initrd: { addr: 0n, size: 0n }, psw: { mask: 0n, addr: 0x80n << BigInt(8 * (7 - k)) } };
      loader.set(encodeStage3bArgs(args), 1000);
      expect(locateStage3bArgs(loader), `byte ${k}`).toEqual({ args, originalLength: 1064 });
    }
    expect(locateStage3bArgs(new Uint8Array(4096))).toBeUndefined(); // all zero: no arguments
  });
});

describe('PV IPIB', () => {
  const comps = [
    { tweakPref: 0x0000fab8f135c34en, addr: 0x15000n, len: 0x1000n },
    { tweakPref: 0x000187e3b6bff698n, addr: 0x16000n, len: 0x1000n },
  ];

  it('round-trips, one page at least, with the genprotimg field values', () => {
    const bytes = encodeIpib(comps, 640);
    expect(bytes.length).toBe(ipibSize(2));
    expect(ipibSize(2)).toBe(4096);
    expect(ipibSize(200)).toBe(8 + 0x80 + 200 * 24);
    const d = decodeIpib(bytes);
    expect(d.ok && d.value).toMatchObject({ len: 4096, version: 1, pbt: 5, blk0Len: 0x80 + 48, numComp: 2, pvHdrAddr: 0n, pvHdrSize: 640n, components: comps });
  });

  it('names the field and offset of every inconsistency', () => {
    const good = encodeIpib(comps, 640);
    const damaged = (f: (b: Uint8Array) => void) => {
      const b = Uint8Array.from(good);
      f(b);
      const r = decodeIpib(b);
      return r.ok ? 'ok' : `${r.error.field.replace(/^ipib\./, '')}@${r.error.offset}`;
    };
    expect(damaged(() => undefined)).toBe('ok');
    expect(damaged((b) => (b[IPIB_OFFSET.version] = 2))).toBe(`version@${IPIB_OFFSET.version}`);
    expect(damaged((b) => (b[IPIB_OFFSET.pbt] = 3))).toBe(`pbt@${IPIB_OFFSET.pbt}`);
    expect(damaged((b) => writeU32(b, IPIB_OFFSET.blk0Len, 0x80))).toBe(`blk0Len@${IPIB_OFFSET.blk0Len}`);
    expect(damaged((b) => writeU32(b, IPIB_OFFSET.len, 8))).toBe(`len@${IPIB_OFFSET.len}`);
    expect(damaged((b) => writeU32(b, IPIB_OFFSET.len, 8192))).toBe(`len@${IPIB_OFFSET.len}`);
    const short = decodeIpib(good.subarray(0, 100));
    expect(short.ok ? 'ok' : short.error.field).toMatch(/len$/);
  });

  it('says what is wrong, with the values found and expected', () => {
    const good = encodeIpib(comps, 640);
    const message = (f: (b: Uint8Array) => void, base = 0) => {
      const b = Uint8Array.from(good);
      f(b);
      const r = decodeIpib(b, base);
      return r.ok ? 'ok' : `${r.error.field}@${r.error.offset}: ${r.error.message}`;
    };
    expect(message((b) => (b[IPIB_OFFSET.version] = 2), 0x13000)).toBe(`ipib.version@${0x13000 + IPIB_OFFSET.version}: version 2, expected 1`);
    expect(message((b) => (b[IPIB_OFFSET.pbt] = 3))).toBe(`ipib.pbt@${IPIB_OFFSET.pbt}: parameter block type 3, expected 5 (PV)`);
    expect(message((b) => writeU32(b, IPIB_OFFSET.blk0Len, 0x80))).toBe(`ipib.blk0Len@${IPIB_OFFSET.blk0Len}: PV block length 128 ≠ 0x80 + 24 · 2 components`);
    expect(message((b) => writeU32(b, IPIB_OFFSET.len, 8))).toBe('ipib.len@0: length 8 < 8 + PV block length 176');
    expect(message((b) => writeU32(b, IPIB_OFFSET.len, 8192))).toBe('ipib.len@0: length 8192 runs past the 4096 bytes available');
    const short = decodeIpib(good.subarray(0, 100), 0x13000);
    expect(short.ok ? 'ok' : `${short.error.field}@${short.error.offset}: ${short.error.message}`).toBe(`ipib.len@${0x13000}: 100 bytes, too short for an IPIB (136)`);
  });

  it('decodes an IPIB of no components that is exactly its 136 bytes, and no fewer', () => {
    const bytes = new Uint8Array(IPIB_OFFSET.components);
    writeU32(bytes, IPIB_OFFSET.len, IPIB_OFFSET.components);
    bytes[IPIB_OFFSET.version] = 1;
    writeU32(bytes, IPIB_OFFSET.blk0Len, 0x80);
    bytes[IPIB_OFFSET.pbt] = 5;
    const d = decodeIpib(bytes);
    expect(d.ok && [d.value.len, d.value.numComp, d.value.components]).toEqual([136, 0, []]);
    const one = decodeIpib(bytes.subarray(0, 135));
    expect(one.ok ? 'ok' : one.error.message).toBe('135 bytes, too short for an IPIB (136)');
  });

  it('fits at most 165 components in its one page', () => {
    expect(MAX_IPIB_COMPONENTS).toBe(165);
    expect(ipibSize(MAX_IPIB_COMPONENTS)).toBe(4096);
    expect(ipibSize(MAX_IPIB_COMPONENTS + 1)).toBeGreaterThan(4096);
  });
});
